//! Property tests of the bag's replicated log: random edits on three devices with random syncs
//! must converge, tolerate replays and reordering, and never resurrect a removed line.

use proptest::prelude::*;
use shopbag_api::bag::{Change, Line, Op, OpId, OpLog};

const DEVICES: usize = 3;
const SKUS: [&str; 4] = ["P0001-BLK-M", "P0001-BLK-L", "P0042-RED-S", "P0100-GRY-F"];

#[derive(Debug, Clone)]
enum Action {
    Add {
        device: usize,
        sku: usize,
        quantity: u8,
    },
    SetQuantity {
        device: usize,
        sku: usize,
        quantity: u8,
    },
    SetNote {
        device: usize,
        sku: usize,
        note: Option<String>,
    },
    Remove {
        device: usize,
        sku: usize,
    },
    UndoLastRemoval {
        device: usize,
    },
    Sync {
        from: usize,
        to: usize,
    },
}

fn action() -> impl Strategy<Value = Action> {
    let device = 0..DEVICES;
    let sku = 0..SKUS.len();
    prop_oneof![
        (device.clone(), sku.clone(), 1u8..=99).prop_map(|(device, sku, quantity)| Action::Add {
            device,
            sku,
            quantity
        }),
        (device.clone(), sku.clone(), 1u8..=99).prop_map(|(device, sku, quantity)| {
            Action::SetQuantity {
                device,
                sku,
                quantity,
            }
        }),
        (
            device.clone(),
            sku.clone(),
            proptest::option::of("[a-z]{1,6}")
        )
            .prop_map(|(device, sku, note)| Action::SetNote { device, sku, note }),
        (device.clone(), sku).prop_map(|(device, sku)| Action::Remove { device, sku }),
        device
            .clone()
            .prop_map(|device| Action::UndoLastRemoval { device }),
        (device.clone(), device).prop_map(|(from, to)| Action::Sync { from, to }),
    ]
}

/// Plays the actions; returns every device's log and every operation made, in creation order.
fn play(actions: &[Action]) -> (Vec<OpLog>, Vec<Op>) {
    let mut logs = vec![OpLog::new(); DEVICES];
    let mut made = Vec::new();
    let mut last_removal: Vec<Option<OpId>> = vec![None; DEVICES];
    for (step, action) in actions.iter().enumerate() {
        let id = OpId::from_bits(step as u128 + 1);
        let (device, change) = match action {
            Action::Sync { from, to } => {
                let source = logs[*from].clone();
                logs[*to].merge(&source);
                continue;
            }
            Action::Add {
                device,
                sku,
                quantity,
            } => (
                *device,
                Change::Add {
                    sku: SKUS[*sku].into(),
                    quantity: *quantity,
                    store: None,
                    note: None,
                    intent: None,
                },
            ),
            Action::SetQuantity {
                device,
                sku,
                quantity,
            } => (
                *device,
                Change::SetQuantity {
                    sku: SKUS[*sku].into(),
                    quantity: *quantity,
                },
            ),
            Action::SetNote { device, sku, note } => (
                *device,
                Change::SetNote {
                    sku: SKUS[*sku].into(),
                    note: note.clone(),
                },
            ),
            Action::Remove { device, sku } => {
                last_removal[*device] = Some(id.clone());
                let observed = logs[*device].live_adds(&SKUS[*sku].into());
                (
                    *device,
                    Change::Remove {
                        sku: SKUS[*sku].into(),
                        observed,
                    },
                )
            }
            Action::UndoLastRemoval { device } => match last_removal[*device].take() {
                Some(removal) => (*device, Change::Restore { removal }),
                None => continue,
            },
        };
        // Device clocks disagree a little: concurrent edits are ordered arbitrarily, as in life.
        let at = step as i64 * 10 + (device as i64 * 7) % 13;
        let op = Op { id, at, change };
        op.validate().expect("generated operations are valid");
        logs[device].insert(op.clone());
        made.push(op);
    }
    (logs, made)
}

fn everything(logs: &[OpLog]) -> OpLog {
    let mut all = OpLog::new();
    for log in logs {
        all.merge(log);
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn devices_that_exchange_everything_converge(actions in prop::collection::vec(action(), 0..60)) {
        let (mut logs, _) = play(&actions);
        let all = everything(&logs);
        for log in &mut logs {
            log.merge(&all);
        }
        let first: Vec<Line> = logs[0].lines();
        for log in &logs[1..] {
            prop_assert_eq!(&log.lines(), &first);
        }
    }

    #[test]
    fn arrival_order_and_replays_do_not_matter(
        actions in prop::collection::vec(action(), 0..60),
        shuffle_seed in any::<u64>(),
    ) {
        let (_, made) = play(&actions);
        let mut in_order = OpLog::new();
        for op in &made {
            in_order.insert(op.clone());
        }
        // Deliver in a shuffled order, every operation twice (a retry after a lost answer).
        let mut shuffled: Vec<Op> = made.iter().chain(made.iter()).cloned().collect();
        let mut state = shuffle_seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut replayed = OpLog::new();
        for op in shuffled {
            replayed.insert(op);
        }
        prop_assert_eq!(replayed.lines(), in_order.lines());
        prop_assert_eq!(replayed.len(), in_order.len());
    }

    #[test]
    fn merging_is_commutative_and_idempotent(actions in prop::collection::vec(action(), 0..60)) {
        let (logs, _) = play(&actions);
        let mut ab = logs[0].clone();
        ab.merge(&logs[1]);
        let mut ba = logs[1].clone();
        ba.merge(&logs[0]);
        prop_assert_eq!(ab.lines(), ba.lines());
        let mut twice = ab.clone();
        twice.merge(&logs[1]);
        prop_assert_eq!(twice, ab);
    }

    #[test]
    fn a_line_removed_after_seeing_everything_stays_removed(
        actions in prop::collection::vec(action(), 0..60),
        later in prop::collection::vec(action(), 0..30),
        sku in 0..SKUS.len(),
    ) {
        // Everyone syncs, device 0 removes the line, then more edits happen everywhere — but no
        // add of that variant and no undo (an undo brings back what its removal took, by design).
        let mut script = actions.clone();
        for to in 0..DEVICES {
            for from in 0..DEVICES {
                script.push(Action::Sync { from, to });
            }
        }
        script.push(Action::Remove { device: 0, sku });
        let resurrecting = |a: &Action| match a {
            Action::Add { sku: s, .. } => *s == sku,
            Action::UndoLastRemoval { .. } => true,
            _ => false,
        };
        script.extend(later.into_iter().filter(|a| !resurrecting(a)));
        let (logs, _) = play(&script);
        let all = everything(&logs);
        prop_assert!(all.lines().iter().all(|line| line.sku.as_str() != SKUS[sku]));
    }
}
