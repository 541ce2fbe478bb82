use super::*;
use crate::bag::tests::{add, id};
use proptest::prelude::*;

const HORIZON: i64 = 1_000;

fn op(n: u128, at: i64, change: Change) -> Op {
    Op {
        id: id(n),
        at,
        change,
    }
}

fn quantity(n: u128, at: i64, sku: &str, quantity: u8) -> Op {
    op(
        n,
        at,
        Change::SetQuantity {
            sku: sku.into(),
            quantity,
        },
    )
}

fn removal(n: u128, at: i64, sku: &str, observed: Vec<OpId>) -> Op {
    op(
        n,
        at,
        Change::Remove {
            sku: sku.into(),
            observed,
        },
    )
}

fn log_of(ops: impl IntoIterator<Item = Op>) -> OpLog {
    let mut log = OpLog::new();
    for op in ops {
        log.insert(op);
    }
    log
}

#[test]
fn a_line_put_in_and_taken_out_every_day_for_a_month_leaves_only_markers() {
    let mut ops = Vec::new();
    for day in 0..30u128 {
        let at = day as i64 * 10;
        ops.push(add(2 * day, at, "P1-BLK-M", 1));
        ops.push(removal(2 * day + 1, at + 5, "P1-BLK-M", vec![id(2 * day)]));
    }
    let mut log = log_of(ops);
    let dropped = log.compact(HORIZON);
    assert_eq!(dropped.len(), 30, "every add is forgotten");
    assert!(log
        .ops()
        .all(|op| matches!(op.change, Change::Remove { .. })));
    assert!(log.lines().is_empty());
    // The phone that never heard its first add was confirmed sends it again: still removed.
    log.insert(add(0, 0, "P1-BLK-M", 1));
    assert!(log.lines().is_empty());
}

#[test]
fn a_quantity_changed_many_times_keeps_its_last_change() {
    let mut ops = vec![add(0, 0, "P1-BLK-M", 1)];
    ops.extend((1..=40).map(|n| quantity(n, n as i64, "P1-BLK-M", (n % 9 + 1) as u8)));
    let mut log = log_of(ops);
    let before = log.lines();
    assert_eq!(log.compact(HORIZON).len(), 39);
    assert_eq!(log.len(), 2, "the add and the last quantity");
    assert_eq!(log.lines(), before);
}

#[test]
fn nothing_newer_than_the_horizon_is_forgotten() {
    let mut log = log_of([
        add(1, HORIZON, "P1-BLK-M", 1),
        removal(2, HORIZON + 1, "P1-BLK-M", vec![id(1)]),
        quantity(3, HORIZON + 2, "P1-BLK-M", 3),
        quantity(4, HORIZON + 3, "P1-BLK-M", 4),
    ]);
    assert!(log.compact(HORIZON).is_empty());
    // The removal is recent, so an undo may still come and bring the line back as it was.
    log.insert(op(5, HORIZON + 4, Change::Restore { removal: id(2) }));
    assert_eq!(log.lines()[0].quantity, 4);
}

#[test]
fn an_old_removed_add_stays_while_another_add_of_its_variant_could_come_back() {
    let mut log = log_of([
        add(1, 0, "P1-BLK-M", 2),
        add(2, 1, "P1-BLK-M", 5),
        removal(3, 2, "P1-BLK-M", vec![id(2)]),
        removal(4, HORIZON + 1, "P1-BLK-M", vec![id(1)]),
    ]);
    assert!(log.compact(HORIZON).is_empty());
    // The undo brings back the first add, and the newest add still decides its quantity.
    log.insert(op(5, HORIZON + 2, Change::Restore { removal: id(4) }));
    assert_eq!(log.lines()[0].quantity, 5);
}

#[test]
fn changes_stay_while_an_add_that_an_undo_could_bring_back_stays() {
    let mut log = log_of([
        add(1, 0, "P1-BLK-M", 1),
        quantity(2, 1, "P1-BLK-M", 7),
        removal(3, HORIZON + 1, "P1-BLK-M", vec![id(1)]),
    ]);
    assert!(log.compact(HORIZON).is_empty());
    log.insert(op(4, HORIZON + 2, Change::Restore { removal: id(3) }));
    assert_eq!(log.lines()[0].quantity, 7);
}

/// A step of a bag's life: what a device does, with the operation's time.
#[derive(Debug, Clone)]
enum Step {
    Add {
        sku: u8,
        quantity: u8,
    },
    Quantity {
        sku: u8,
        quantity: u8,
    },
    Note {
        sku: u8,
        text: u8,
    },
    /// Removes the adds of `sku` a device had seen: all live ones, or only the older ones.
    Remove {
        sku: u8,
        all: bool,
    },
    /// Undoes the `nth` removal there is (modulo their number).
    Restore {
        nth: usize,
    },
}

fn step() -> impl Strategy<Value = (Step, i64)> {
    let sku = 0u8..3;
    let kind = prop_oneof![
        (sku.clone(), 1u8..5).prop_map(|(sku, quantity)| Step::Add { sku, quantity }),
        (sku.clone(), 1u8..5).prop_map(|(sku, quantity)| Step::Quantity { sku, quantity }),
        (sku.clone(), 0u8..3).prop_map(|(sku, text)| Step::Note { sku, text }),
        (sku, any::<bool>()).prop_map(|(sku, all)| Step::Remove { sku, all }),
        any::<usize>().prop_map(|nth| Step::Restore { nth }),
    ];
    (kind, 0..50i64)
}

/// Turns steps into operations on `log`, times counted from `from`; undos only of removals made
/// at or after `undo_from` (the horizon's promise).
fn play(log: &mut OpLog, steps: &[(Step, i64)], next_id: &mut u128, from: i64, undo_from: i64) {
    for (step, offset) in steps {
        let at = from + offset;
        let sku_of = |n: u8| Sku::from(format!("P{n}-BLK-M"));
        let change = match step {
            Step::Add { sku, quantity } => Change::Add {
                sku: sku_of(*sku),
                quantity: *quantity,
                store: None,
                note: None,
                intent: None,
            },
            Step::Quantity { sku, quantity } => Change::SetQuantity {
                sku: sku_of(*sku),
                quantity: *quantity,
            },
            Step::Note { sku, text } => Change::SetNote {
                sku: sku_of(*sku),
                note: Some(format!("note {text}")),
            },
            Step::Remove { sku, all } => {
                let mut observed = log.live_adds(&sku_of(*sku));
                if !all {
                    observed.truncate(observed.len() / 2);
                }
                Change::Remove {
                    sku: sku_of(*sku),
                    observed,
                }
            }
            Step::Restore { nth } => {
                let removals: Vec<OpId> = log
                    .ops()
                    .filter(|op| matches!(op.change, Change::Remove { .. }) && op.at >= undo_from)
                    .map(|op| op.id.clone())
                    .collect();
                if removals.is_empty() {
                    continue;
                }
                Change::Restore {
                    removal: removals[nth % removals.len()].clone(),
                }
            }
        };
        *next_id += 1;
        log.insert(op(*next_id, at, change));
    }
}

proptest! {
    // The rare shapes (an undo of a recent removal over old changes) need more than the default.
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_compacted_bag_shows_what_the_whole_log_shows_after_anything_that_follows(
        past in prop::collection::vec(step(), 0..40),
        spread in 1i64..40,
        future in prop::collection::vec(step(), 0..20),
        replayed in prop::collection::vec(any::<prop::sample::Index>(), 0..10),
    ) {
        // The past runs across the horizon; the future comes after it.
        let mut next_id = 0;
        let mut whole = OpLog::new();
        let past: Vec<(Step, i64)> =
            past.into_iter().map(|(s, t)| (s, t * spread)).collect();
        play(&mut whole, &past, &mut next_id, HORIZON - 25 * spread, i64::MIN);
        let mut compacted = whole.clone();
        let dropped = compacted.compact(HORIZON);
        prop_assert_eq!(compacted.lines(), whole.lines());
        prop_assert!(dropped.iter().all(|id| !compacted.contains(id)));
        prop_assert!(whole.ops().filter(|op| op.at >= HORIZON).all(|op| compacted.contains(&op.id)));

        // Devices that never heard their operations were confirmed send some again.
        let old: Vec<Op> = whole.ops().cloned().collect();
        let replays: Vec<Op> = if old.is_empty() {
            Vec::new()
        } else {
            replayed.iter().map(|i| old[i.index(old.len())].clone()).collect()
        };
        let mut ahead = whole.clone();
        play(&mut ahead, &future, &mut next_id, HORIZON, HORIZON);
        let new: Vec<Op> = ahead.ops().filter(|op| !whole.contains(&op.id)).cloned().collect();
        for op in new.iter().chain(&replays) {
            whole.insert(op.clone());
            compacted.insert(op.clone());
        }
        prop_assert_eq!(compacted.lines(), whole.lines());
    }
}
