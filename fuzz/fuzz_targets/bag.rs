//! The bag's rules: the operation log (validation, all-or-nothing batches, merge, compaction) and
//! the device's side of the sync (tabs merging, batches, answers lost or refused), driven by
//! three tabs and one server in any interleaving.
//!
//! Holds: a refused batch changes nothing; merging is a union in any order; no tab loses an
//! operation; compaction never changes the lines; and once everyone has synced, every tab shows
//! the server's bag (less what the server refused).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shopbag_api::bag::{
    Answer, BagState, Change, Intent, Op, OpId, OpLog, Outbox, Replica, Wait, MAX_LINES,
};
use shopbag_api::Sku;

const TABS: usize = 3;
const TOKEN: &str = "0123456789abcdef0123456789abcdef";

#[derive(Arbitrary, Debug)]
enum Event {
    /// A tab makes an operation (a fresh id, as a device's random bits give).
    Make { tab: u8, op: OpSeed },
    /// A tab sends its next batch and takes in the answer.
    Sync { tab: u8 },
    /// The server takes the batch, but its answer never reaches the tab.
    Lost { tab: u8 },
    /// One tab takes in another's copy (they share the device's storage).
    Merge { into: u8, from: u8 },
    /// A batch from anyone: ids may repeat and clash, fields may be out of range.
    Hostile { ops: Vec<(u8, OpSeed)> },
}

#[derive(Arbitrary, Debug)]
struct OpSeed {
    at: i16,
    sku: u8,
    kind: Kind,
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Add {
        quantity: u8,
        store: Option<u8>,
        note: Option<u8>,
        waiting: Option<bool>,
    },
    SetQuantity(u8),
    SetNote(Option<u8>),
    /// Removes the adds the maker has seen, or these (by number).
    Remove(Option<Vec<u8>>),
    /// Undoes the maker's latest removal, or the one numbered.
    Restore(Option<u8>),
}

/// Skus from a small pool, so operations meet on the same lines; the odd one too long or empty.
fn sku(n: u8) -> Sku {
    match n {
        250 => String::new(),
        251 => "x".repeat(65),
        252..=255 => format!("SKU-{n}"),
        n => format!("SKU-{}", n % 8),
    }
    .into()
}

fn text(n: u8) -> String {
    "é".repeat(usize::from(n))
}

impl OpSeed {
    fn op(&self, id: OpId, log: &OpLog, removals: &[OpId], id_of: impl Fn(u8) -> OpId) -> Op {
        let sku = sku(self.sku);
        let change = match &self.kind {
            Kind::Add {
                quantity,
                store,
                note,
                waiting,
            } => Change::Add {
                sku,
                quantity: *quantity,
                store: store.map(|s| format!("store-{}", s % 3).into()),
                note: note.map(text),
                intent: waiting.map(|w| {
                    if w {
                        Intent::WaitForPromotion
                    } else {
                        Intent::SoldOutHere
                    }
                }),
            },
            Kind::SetQuantity(quantity) => Change::SetQuantity {
                sku,
                quantity: *quantity,
            },
            Kind::SetNote(note) => Change::SetNote {
                sku,
                note: note.map(text),
            },
            Kind::Remove(named) => Change::Remove {
                observed: match named {
                    Some(ids) => ids.iter().map(|&n| id_of(n)).collect(),
                    None => log.live_adds(&sku),
                },
                sku,
            },
            Kind::Restore(named) => Change::Restore {
                removal: match named {
                    Some(n) => id_of(*n),
                    None => removals.last().cloned().unwrap_or_else(|| id_of(0)),
                },
            },
        };
        Op {
            id,
            at: i64::from(self.at),
            change,
        }
    }
}

struct Tab {
    replica: Replica,
    outbox: Outbox,
    made: Vec<OpId>,
    removals: Vec<OpId>,
}

fuzz_target!(|events: Vec<Event>| {
    let mut server = OpLog::new();
    let mut tabs: Vec<Tab> = (0..TABS)
        .map(|_| Tab {
            replica: Replica {
                token: Some(TOKEN.into()),
                ..Replica::default()
            },
            outbox: Outbox::default(),
            made: Vec::new(),
            removals: Vec::new(),
        })
        .collect();
    let mut fresh = 0u128;
    for event in events.iter().take(120) {
        match event {
            Event::Make { tab, op } => {
                let tab = &mut tabs[usize::from(*tab) % TABS];
                fresh += 1;
                let made = op.op(
                    OpId::from_bits(fresh),
                    &tab.replica.log,
                    &tab.removals,
                    |n| OpId::from_bits(u128::from(n) % fresh + 1),
                );
                if matches!(made.change, Change::Remove { .. }) {
                    tab.removals.push(made.id.clone());
                }
                tab.made.push(made.id.clone());
                tab.replica.log.insert(made);
            }
            Event::Sync { tab } => {
                let tab = &mut tabs[usize::from(*tab) % TABS];
                sync(&mut server, tab, true);
            }
            Event::Lost { tab } => {
                let tab = &mut tabs[usize::from(*tab) % TABS];
                sync(&mut server, tab, false);
            }
            Event::Merge { into, from } => {
                let other = tabs[usize::from(*from) % TABS].replica.clone();
                let tab = &mut tabs[usize::from(*into) % TABS];
                let (mut ours, mut theirs) = (tab.replica.log.clone(), other.log.clone());
                ours.merge(&other.log);
                theirs.merge(&tab.replica.log);
                assert_eq!(ours, theirs, "a merge is a union, in any order");
                tab.replica.merge(other.clone());
                assert!(other.log.ops().all(|op| tab.replica.log.contains(&op.id)));
            }
            Event::Hostile { ops } => {
                // Ids from their own range, so they can clash with each other but not with a tab's.
                let id_of = |n: u8| OpId::from_bits((1 << 100) + u128::from(n % 16));
                let batch: Vec<Op> = ops
                    .iter()
                    .take(600)
                    .map(|(id, seed)| seed.op(id_of(*id), &server, &[], id_of))
                    .collect();
                let _refused_or_not = apply(&mut server, &batch);
                compaction_keeps_the_lines(&server, ops.len());
            }
        }
    }

    // Everyone syncs until nothing is pending, then pulls once more.
    for tab in &mut tabs {
        let mut rounds = 0;
        while tab.replica.has_pending() {
            sync(&mut server, tab, true);
            rounds += 1;
            assert!(rounds < 4 * 600, "the sync drains");
        }
        assert!(
            tab.made.iter().all(|id| tab.replica.log.contains(id)),
            "no tab loses an operation"
        );
    }
    compaction_keeps_the_lines(&server, events.len());
    let lines = server.lines();
    for tab in &mut tabs {
        sync(&mut server, tab, true);
        assert_eq!(
            tab.replica.lines(),
            lines,
            "every tab shows the server's bag"
        );
    }
});

/// Compaction at a horizon somewhere among the operations' times forgets nothing that shows.
fn compaction_keeps_the_lines(server: &OpLog, salt: usize) {
    let horizon = (salt as i64 * 7919) % 65_536 - 32_768;
    let mut compacted = server.clone();
    compacted.compact(horizon);
    assert_eq!(
        compacted.lines(),
        server.lines(),
        "compaction kept the lines"
    );
}

/// One round of a tab's sync against the server; `heard` says whether the answer arrives.
fn sync(server: &mut OpLog, tab: &mut Tab, heard: bool) {
    let batch = tab.outbox.batch(&tab.replica);
    let answer = match apply(server, &batch) {
        Ok(()) if heard => Answer::Merged(BagState::from(&*server)),
        Ok(()) => Answer::Unreachable,
        Err(()) => Answer::Refused,
    };
    if let Wait::Retry(ms) = tab.outbox.answered(&mut tab.replica, TOKEN, &batch, answer) {
        assert!(ms > 0);
    }
}

/// The server's rule for a batch: all or nothing, within the bag's size.
fn apply(server: &mut OpLog, batch: &[Op]) -> Result<(), ()> {
    let before = server.clone();
    match server.apply(batch) {
        Ok(new) => {
            assert!(new <= batch.len());
            assert!(batch.iter().all(|op| server.contains(&op.id)));
            let lines = server.lines().len();
            assert!(lines <= MAX_LINES || lines <= before.lines().len());
            Ok(())
        }
        Err(_) => {
            assert_eq!(*server, before, "a refused batch changes nothing");
            Err(())
        }
    }
}
