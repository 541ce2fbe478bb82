use super::*;
use crate::bag::tests::{add, id};
use crate::bag::{Change, OpsBatch, MAX_NOTE_CHARS};
use crate::{Sku, StoreId};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn note(n: u128, at: i64, sku: &str, text: &str) -> Op {
    Op {
        id: id(n),
        at,
        change: Change::SetNote {
            sku: sku.into(),
            note: Some(text.into()),
        },
    }
}

fn token(n: u128) -> String {
    BagToken::from_bits(n).expose().to_string()
}

fn replica(token_bits: u128, ops: impl IntoIterator<Item = Op>) -> Replica {
    let mut replica = Replica {
        token: Some(token(token_bits)),
        ..Replica::default()
    };
    for op in ops {
        replica.log.insert(op);
    }
    replica
}

/// The server as the sync sees it: a bag that takes a batch whole, or refuses it whole — too
/// large for its body limit, or holding an operation it will never take.
struct Server {
    log: OpLog,
    never: BTreeSet<OpId>,
    requests: usize,
}

impl Server {
    fn new() -> Server {
        Server {
            log: OpLog::new(),
            never: BTreeSet::new(),
            requests: 0,
        }
    }

    fn answer(&mut self, batch: &[Op]) -> Answer {
        self.requests += 1;
        let body = serde_json::to_vec(&OpsBatch {
            ops: batch.to_vec(),
        })
        .unwrap();
        if body.len() > MAX_BODY_BYTES {
            return Answer::TooLarge;
        }
        if batch.iter().any(|op| self.never.contains(&op.id)) {
            return Answer::Refused;
        }
        match self.log.apply(batch) {
            Ok(_) => Answer::Merged(BagState::from(&self.log)),
            Err(_) => Answer::Refused,
        }
    }
}

/// Rounds of the sync until it has nothing to send (or gives up after `rounds`).
fn sync(replica: &mut Replica, server: &mut Server, rounds: usize) -> Wait {
    let mut outbox = Outbox::default();
    let token = replica.token.clone().unwrap();
    let mut wait = Wait::Now;
    for _ in 0..rounds {
        let batch = outbox.batch(replica);
        if batch.is_empty() {
            return Wait::Quiet;
        }
        let answer = server.answer(&batch);
        wait = outbox.answered(replica, &token, &batch, answer);
    }
    wait
}

/// The afternoon offline of the issue: 100 lines and a 200-character note on each. Sent as
/// one batch of 200 operations it was larger than the server reads, and the sync retried the
/// same batch for ever.
fn afternoon_offline() -> Replica {
    let words = "给妈妈的礼物，尺码要再确认一下。".repeat(20);
    let text: String = words.chars().take(MAX_NOTE_CHARS).collect();
    replica(
        7,
        (0..100u128).flat_map(|n| {
            let sku = format!("P{n:04}-BLK-M");
            [
                add(2 * n + 1, 1_000 + n as i64, &sku, 1),
                note(2 * n + 2, 2_000 + n as i64, &sku, &text),
            ]
        }),
    )
}

#[test]
fn a_big_offline_afternoon_reaches_the_server_in_batches_it_reads() {
    let mut device = afternoon_offline();
    let outbox = Outbox::default();
    let first = outbox.batch(&device);
    assert!(first.len() < 200, "one request could not carry it all");
    let body = serde_json::to_vec(&OpsBatch { ops: first }).unwrap();
    assert!(body.len() <= MAX_BODY_BYTES);
    let mut server = Server::new();
    assert_eq!(sync(&mut device, &mut server, 20), Wait::Quiet);
    assert!(!device.has_pending());
    assert_eq!(server.log.lines(), device.lines());
    assert!(server
        .log
        .lines()
        .iter()
        .all(|line| line.note.as_ref().unwrap().chars().count() == MAX_NOTE_CHARS));
}

#[test]
fn a_batch_the_server_finds_too_large_is_halved_until_it_fits() {
    // Operations whose size the batch bound cannot see coming: a server with a smaller limit
    // (a proxy in front, say) answers 413, and the batch is halved rather than sent again.
    let mut device = afternoon_offline();
    let mut outbox = Outbox::default();
    let token = device.token.clone().unwrap();
    let batch = outbox.batch(&device);
    let n = batch.len();
    assert_eq!(
        outbox.answered(&mut device, &token, &batch, Answer::TooLarge),
        Wait::Now
    );
    assert_eq!(outbox.batch(&device).len(), n / 2);
    assert!(device.has_pending(), "nothing was given up");
    assert!(device.rejected.is_empty());
}

#[test]
fn one_operation_the_server_refuses_is_found_in_few_requests_and_holds_up_nothing() {
    let mut device = replica(
        7,
        (0..180u128).map(|n| add(n + 1, n as i64, &format!("P{n}"), 1)),
    );
    let mut server = Server::new();
    server.never.insert(id(90));
    assert_eq!(sync(&mut device, &mut server, 100), Wait::Quiet);
    assert_eq!(device.rejected, BTreeSet::from([id(90)]));
    assert_eq!(server.log.len(), 179);
    assert!(
        server.requests <= 25,
        "halving finds it: {} requests",
        server.requests
    );
}

#[test]
fn no_answer_backs_off_and_changes_nothing() {
    let mut device = afternoon_offline();
    let before = device.clone();
    let mut outbox = Outbox::default();
    let token = device.token.clone().unwrap();
    let batch = outbox.batch(&device);
    let waits: Vec<Wait> = (0..7)
        .map(|_| outbox.answered(&mut device, &token, &batch, Answer::Unreachable))
        .collect();
    assert_eq!(
        waits,
        [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000].map(Wait::Retry)
    );
    assert_eq!(device, before);
    // The first answer resets the back-off.
    let answer = Answer::Merged(BagState::default());
    outbox.answered(&mut device, &token, &batch, answer);
    assert_eq!(
        outbox.answered(&mut device, &token, &[], Answer::Unreachable),
        Wait::Retry(FIRST_RETRY_MS)
    );
}

#[test]
fn only_a_few_answers_mean_never() {
    use ErrorCode::*;
    assert_eq!(
        Answer::of_failure(Some(413), None),
        Answer::TooLarge,
        "a proxy's 413 page"
    );
    assert_eq!(
        Answer::of_failure(Some(413), Some(PayloadTooLarge)),
        Answer::TooLarge
    );
    for code in [InvalidOperation, UnknownVariant, BagFull, OperationConflict] {
        assert_eq!(Answer::of_failure(Some(400), Some(code)), Answer::Refused);
    }
    for (status, code) in [
        (None, None),
        (Some(500), Some(Internal)),
        (Some(502), None),
        (Some(429), Some(Other)),
        (Some(429), Some(TooManyRequests)),
        (Some(404), Some(NotFound)),
        (Some(401), Some(Unauthorized)),
    ] {
        assert_eq!(Answer::of_failure(status, code), Answer::Unreachable);
    }
}

#[test]
fn the_status_follows_from_the_state() {
    let mut device = replica(7, [add(1, 1, "P1", 1)]);
    assert_eq!(
        SyncStatus::of(device.has_pending(), false, true),
        SyncStatus::SavedOnDevice
    );
    // The device would not store it: only the page holds it, and the status says so.
    assert_eq!(
        SyncStatus::of(device.has_pending(), false, false),
        SyncStatus::OnlyOnThisPage
    );
    assert_eq!(
        SyncStatus::of(device.has_pending(), true, true),
        SyncStatus::Syncing
    );
    device.synced.insert(id(1));
    // Once the server has it all, the device's storage no longer matters.
    assert_eq!(
        SyncStatus::of(device.has_pending(), true, false),
        SyncStatus::Synced
    );
}

#[test]
fn two_tabs_that_each_made_a_token_end_on_one_bag_with_every_line_sent_to_it() {
    // Both tabs started before either stored a token; each sent its line to its own bag.
    let mut first = replica(0xa, [add(1, 1, "P1", 1)]);
    first.synced.insert(id(1));
    let mut second = replica(0xb, [add(2, 2, "P2", 1)]);
    second.synced.insert(id(2));
    let mut a = first.clone();
    a.merge(second.clone());
    let mut b = second.clone();
    b.merge(first.clone());
    assert_eq!(a, b, "both tabs agree, whichever merged first");
    assert_eq!(a.token, Some(token(0xa)), "the smaller token stays");
    // P2 was confirmed by bag b only: it is still to be sent to bag a.
    assert_eq!(
        a.pending()
            .into_iter()
            .map(|op| op.id.clone())
            .collect::<Vec<_>>(),
        [id(2)]
    );
    // A confirmation from bag b that arrives late does not count for bag a.
    a.confirm(&token(0xb), &[add(2, 2, "P2", 1)], BagState::default());
    assert!(a.has_pending());
    a.refuse(&token(0xb), &[add(2, 2, "P2", 1)]);
    assert!(a.rejected.is_empty());
}

#[test]
fn a_batch_bound_is_never_below_the_json() {
    let op = Op {
        id: id(u128::MAX),
        at: i64::MIN,
        change: Change::Add {
            sku: "\"\\\u{1}".repeat(21).into(),
            quantity: 99,
            store: Some("\u{7}".repeat(64).into()),
            note: Some("𝄞\n\"".repeat(66)),
            intent: Some(crate::bag::Intent::WaitForPromotion),
        },
    };
    assert!(serde_json::to_string(&op).unwrap().len() <= op.json_bytes_bound());
}

// What the bag means, whatever order replicas learn things in.

/// One step of a shopper's session on one of two devices.
#[derive(Debug, Clone)]
enum Step {
    Add {
        device: usize,
        sku: u8,
        quantity: u8,
        at: i64,
    },
    SetQuantity {
        device: usize,
        sku: u8,
        quantity: u8,
        at: i64,
    },
    SetNote {
        device: usize,
        sku: u8,
        note: u8,
        at: i64,
    },
    Remove {
        device: usize,
        sku: u8,
        at: i64,
    },
    Undo {
        device: usize,
        at: i64,
    },
    /// One device takes in the other's operations.
    Sync {
        to: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let device = 0..2usize;
    let sku = 0..3u8;
    // Clocks that disagree: times are any order, not the order steps happen in.
    let at = 0..40i64;
    prop_oneof![
        (device.clone(), sku.clone(), 1..99u8, at.clone()).prop_map(
            |(device, sku, quantity, at)| Step::Add {
                device,
                sku,
                quantity,
                at
            }
        ),
        (device.clone(), sku.clone(), 1..99u8, at.clone()).prop_map(
            |(device, sku, quantity, at)| Step::SetQuantity {
                device,
                sku,
                quantity,
                at
            }
        ),
        (device.clone(), sku.clone(), 0..5u8, at.clone()).prop_map(|(device, sku, note, at)| {
            Step::SetNote {
                device,
                sku,
                note,
                at,
            }
        }),
        (device.clone(), sku, at.clone()).prop_map(|(device, sku, at)| Step::Remove {
            device,
            sku,
            at
        }),
        (device, at).prop_map(|(device, at)| Step::Undo { device, at }),
        (0..2usize).prop_map(|to| Step::Sync { to }),
    ]
}

/// Plays the steps on two replicas; returns both, then both after a final exchange.
fn play(steps: &[Step]) -> [Replica; 2] {
    let mut devices = [replica(1, []), replica(1, [])];
    let mut next_id = 1u128;
    for step in steps {
        let sku = |n: &u8| Sku::from(format!("P{n}-BLK-M"));
        let (device, at, change) = match step {
            Step::Add {
                device,
                sku: n,
                quantity,
                at,
            } => (
                *device,
                *at,
                Change::Add {
                    sku: sku(n),
                    quantity: *quantity,
                    store: None,
                    note: None,
                    intent: None,
                },
            ),
            Step::SetQuantity {
                device,
                sku: n,
                quantity,
                at,
            } => (
                *device,
                *at,
                Change::SetQuantity {
                    sku: sku(n),
                    quantity: *quantity,
                },
            ),
            Step::SetNote {
                device,
                sku: n,
                note,
                at,
            } => (
                *device,
                *at,
                Change::SetNote {
                    sku: sku(n),
                    note: Some(format!("note {note}")),
                },
            ),
            Step::Remove { device, sku: n, at } => {
                let observed = devices[*device].log.live_adds(&sku(n));
                (
                    *device,
                    *at,
                    Change::Remove {
                        sku: sku(n),
                        observed,
                    },
                )
            }
            Step::Undo { device, at } => {
                let last_removal = devices[*device]
                    .log
                    .ops()
                    .filter(|op| matches!(op.change, Change::Remove { .. }))
                    .max_by_key(|op| op.id.clone())
                    .map(|op| op.id.clone());
                let Some(removal) = last_removal else {
                    continue;
                };
                (*device, *at, Change::Restore { removal })
            }
            Step::Sync { to } => {
                let from = devices[1 - to].clone();
                devices[*to].merge(from);
                continue;
            }
        };
        devices[device].log.insert(Op {
            id: id(next_id),
            at,
            change,
        });
        next_id += 1;
    }
    devices
}

/// The bag the operations mean, written from the definition rather than from `OpLog::lines`:
/// a variant is in the bag while one of its adds is not covered by a removal that was not undone
/// (a removal covers only the adds its device had seen: add wins); its quantity is that of the
/// latest add or quantity change, its note that of the latest add or note change — latest by
/// (time, id), on any device.
fn meaning(log: &OpLog) -> BTreeMap<Sku, (u8, Option<String>)> {
    let ops: Vec<&Op> = log.ops().collect();
    let undone = |removal: &OpId| {
        ops.iter()
            .any(|op| matches!(&op.change, Change::Restore { removal: r } if r == removal))
    };
    let covered = |add: &OpId| {
        ops.iter().any(|op| {
            matches!(&op.change, Change::Remove { observed, .. } if observed.contains(add))
                && !undone(&op.id)
        })
    };
    let latest = |sku: &Sku, wanted: fn(&Change) -> bool| {
        ops.iter()
            .filter(|op| op.sku() == Some(sku) && wanted(&op.change))
            .max_by_key(|op| (op.at, op.id.clone()))
            .copied()
    };
    let mut bag = BTreeMap::new();
    for op in &ops {
        let Change::Add { sku, .. } = &op.change else {
            continue;
        };
        if covered(&op.id) {
            continue;
        }
        let quantity = match &latest(sku, |c| {
            matches!(c, Change::Add { .. } | Change::SetQuantity { .. })
        })
        .unwrap()
        .change
        {
            Change::Add { quantity, .. } | Change::SetQuantity { quantity, .. } => *quantity,
            _ => unreachable!(),
        };
        let note = match &latest(sku, |c| {
            matches!(c, Change::Add { .. } | Change::SetNote { .. })
        })
        .unwrap()
        .change
        {
            Change::Add { note, .. } | Change::SetNote { note, .. } => note.clone(),
            _ => unreachable!(),
        };
        bag.insert(sku.clone(), (quantity, note));
    }
    bag
}

fn shown(replica: &Replica) -> BTreeMap<Sku, (u8, Option<String>)> {
    replica
        .lines()
        .into_iter()
        .map(|line| (line.sku, (line.quantity, line.note)))
        .collect()
}

proptest! {
    #[test]
    fn every_replica_shows_what_its_operations_mean(steps in prop::collection::vec(step(), 0..40)) {
        for device in play(&steps) {
            prop_assert_eq!(shown(&device), meaning(&device.log));
        }
    }

    #[test]
    fn two_devices_that_exchanged_everything_show_the_same_bag(
        steps in prop::collection::vec(step(), 0..40),
    ) {
        let [mut a, mut b] = play(&steps);
        let (a_before, b_before) = (a.clone(), b.clone());
        a.merge(b_before);
        b.merge(a_before);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(shown(&a), meaning(&a.log));
    }

    #[test]
    fn an_add_no_removal_saw_survives_it(
        steps in prop::collection::vec(step(), 0..30),
        sku in 0..3u8,
    ) {
        // One device removes the variant while the other, not having heard, adds it again.
        let [mut a, mut b] = play(&steps);
        let sku = Sku::from(format!("P{sku}-BLK-M"));
        let removal = Op {
            id: id(1_000),
            at: 1_000,
            change: Change::Remove { sku: sku.clone(), observed: a.log.live_adds(&sku) },
        };
        a.log.insert(removal);
        b.log.insert(add(1_001, 0, sku.as_str(), 1));
        a.merge(b.clone());
        b.merge(a.clone());
        prop_assert!(shown(&a).contains_key(&sku), "the concurrent add wins");
        prop_assert_eq!(shown(&a), shown(&b));
    }

    #[test]
    fn merging_replicas_is_order_free(
        tokens in prop::collection::vec(0..3u128, 3),
        ops in prop::collection::vec((0..6u128, 0..3u8), 0..12),
        confirmed in prop::collection::vec((0..3usize, 0..6u128), 0..10),
    ) {
        let mut replicas: Vec<Replica> = tokens.iter().map(|t| replica(*t, [])).collect();
        for (op, device) in &ops {
            replicas[*device as usize].log.insert(add(*op + 1, *op as i64, "P1", 1));
        }
        for (device, op) in confirmed {
            replicas[device].synced.insert(id(op + 1));
        }
        let merged = |order: [usize; 3]| {
            let mut all = replicas[order[0]].clone();
            all.merge(replicas[order[1]].clone());
            all.merge(replicas[order[2]].clone());
            all
        };
        let first = merged([0, 1, 2]);
        for order in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            prop_assert_eq!(&merged(order), &first);
        }
        let mut again = first.clone();
        again.merge(first.clone());
        prop_assert_eq!(&again, &first);
        // What counts as confirmed was confirmed by the bag the kept token names.
        let keeper = first.token.clone();
        for op in &first.synced {
            prop_assert!(replicas.iter().any(|r| r.token == keeper && r.synced.contains(op)));
        }
    }

    #[test]
    fn the_batch_bound_holds_for_any_text(
        sku in "\\PC{1,64}",
        text in proptest::option::of("\\PC{0,200}|[\\x00-\\x1f\"\\\\]{0,200}"),
        store in proptest::option::of(".{0,32}"),
        at in any::<i64>(),
    ) {
        let op = Op {
            id: id(1),
            at,
            change: Change::Add {
                sku: sku.into(),
                quantity: 1,
                store: store.map(StoreId::from),
                note: text,
                intent: None,
            },
        };
        let json = serde_json::to_string(&op).unwrap();
        prop_assert!(json.len() <= op.json_bytes_bound());
    }
}
