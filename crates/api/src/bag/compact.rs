//! Compaction: what a bag's log may forget once its operations are old, so the work of every
//! batch stays bounded however long a bag lives.
//!
//! Two kinds of operation stop mattering with time:
//! - an add covered by a removal older than the horizon, when every add of its variant is
//!   (nothing it wrote can show again: an undo is a moment's action, not a month's);
//! - a quantity or note change that a newer kept operation on the same variant overwrote, or one
//!   on a variant whose adds are all forgotten (a new add writes every field afresh).
//!
//! Removals and undos are kept as markers: a device that never heard its add was confirmed sends
//! the add again, and the marker still covers it. What compaction promises, and the tests prove:
//! the bag shows the same lines as without it, now and after any later operations and replays of
//! old ones, as long as no operation older than the horizon arrives for the first time and no
//! undo names a removal older than the horizon.

use super::{Change, Op, OpId, OpLog};
use crate::Sku;
use std::collections::{BTreeMap, BTreeSet};

/// How long every operation is kept whole: far longer than an undo or a device's offline spell,
/// short enough that a bag's log holds its lines, its markers and about a month of changes.
pub const COMPACTION_HORIZON_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Which field of a line an operation writes, for last-writer-wins.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Quantity,
    Note,
}

impl OpLog {
    /// Forgets the operations made before `horizon` (ms since the Unix epoch) that can no longer
    /// change the bag, and returns their ids.
    pub fn compact(&mut self, horizon: i64) -> Vec<OpId> {
        let old = |op: &Op| op.at < horizon;
        let mut restored = BTreeSet::new();
        for op in self.ops() {
            if let Change::Restore { removal } = &op.change {
                restored.insert(removal.clone());
            }
        }
        // Adds covered by a removal that still counts, and those covered by an old one.
        let (mut removed, mut removed_long_ago) = (BTreeSet::new(), BTreeSet::new());
        for op in self.ops().filter(|op| !restored.contains(&op.id)) {
            if let Change::Remove { observed, .. } = &op.change {
                removed.extend(observed.iter().cloned());
                if old(op) {
                    removed_long_ago.extend(observed.iter().cloned());
                }
            }
        }
        let adds = || {
            self.ops()
                .filter(|op| matches!(op.change, Change::Add { .. }))
                .filter_map(|op| Some((op.sku()?, op)))
        };
        // An add is forgotten only with every other add of its variant: while one stays (an undo
        // could still bring it back), the others' changes still decide its fields.
        let gone = |op: &Op| old(op) && removed_long_ago.contains(&op.id);
        let mut with_kept_add = BTreeSet::new();
        for (sku, op) in adds() {
            if !gone(op) {
                with_kept_add.insert(sku);
            }
        }
        let mut dropped: BTreeSet<OpId> = adds()
            .filter(|(sku, _)| !with_kept_add.contains(sku))
            .map(|(_, op)| op.id.clone())
            .collect();

        // The newest kept writer of each field of each variant.
        let mut newest: BTreeMap<(&Sku, Field), (i64, &OpId)> = BTreeMap::new();
        for op in self.ops().filter(|op| !dropped.contains(&op.id)) {
            for (sku, field) in fields(op) {
                let stamp = (op.at, &op.id);
                let entry = newest.entry((sku, field)).or_insert(stamp);
                *entry = (*entry).max(stamp);
            }
        }
        let superseded = |op: &Op| {
            let written = fields(op);
            !written.is_empty()
                && written
                    .iter()
                    .all(|key| newest.get(key).is_some_and(|n| *n > (op.at, &op.id)))
        };
        let changes: Vec<OpId> = self
            .ops()
            .filter(|op| {
                matches!(
                    op.change,
                    Change::SetQuantity { .. } | Change::SetNote { .. }
                )
            })
            .filter(|op| old(op))
            .filter(|op| op.sku().is_some_and(|sku| !with_kept_add.contains(sku)) || superseded(op))
            .map(|op| op.id.clone())
            .collect();
        dropped.extend(changes);
        self.retain(|op| !dropped.contains(&op.id));
        dropped.into_iter().collect()
    }
}

/// The fields an operation writes under last-writer-wins (an add writes both, and its intent,
/// which only adds write).
fn fields(op: &Op) -> Vec<(&Sku, Field)> {
    match &op.change {
        Change::Add { sku, .. } => vec![(sku, Field::Quantity), (sku, Field::Note)],
        Change::SetQuantity { sku, .. } => vec![(sku, Field::Quantity)],
        Change::SetNote { sku, .. } => vec![(sku, Field::Note)],
        Change::Remove { .. } | Change::Restore { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
