//! The bag as a replicated operation log: every device keeps the operations it knows, merging is
//! set union, and the lines are computed from the set — so replicas that know the same
//! operations show the same bag, whatever order the operations arrived in.
//!
//! Membership is observed-remove with add-wins: a removal removes only the adds it had seen, so
//! an add made concurrently on another device survives it, and a removed line comes back only
//! when it is added again (or the removal is undone). Quantity, note and intent are
//! last-writer-wins by (time, operation id).

mod compact;
mod read;
mod replica;

pub use compact::COMPACTION_HORIZON_MS;
pub use replica::{
    Answer, Outbox, Replica, SyncStatus, Wait, FIRST_RETRY_MS, LONGEST_RETRY_MS, MAX_BATCH_BYTES,
};

use crate::{Sku, StoreId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Limits the server enforces and the app respects before sending.
pub const MAX_QUANTITY: u8 = 99;
pub const MAX_LINES: usize = 200;
pub const MAX_NOTE_CHARS: usize = 200;
pub const MAX_OPS_PER_BATCH: usize = 500;
/// A store id, like a sku, is at most this long.
pub const MAX_ID_LEN: usize = 64;
/// The adds one removal may name: far more than a variant's adds that can be live at once (an
/// add of a variant already in the bag is a quantity change).
pub const MAX_OBSERVED: usize = 64;
/// The operations a bag's log may hold after compaction (see [`OpLog::compact`]): its lines,
/// its removal markers and a month of changes, far more than a shopper makes, and a bound on the
/// work every batch does.
pub const MAX_KEPT_OPS: usize = 4_000;

/// A client-generated operation id: 128 random bits as 32 lowercase hex digits. It is also the
/// idempotency key: the same operation sent twice is stored once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OpId(String);

/// In the OpenAPI document: a string of exactly the shape [`OpId::parse`] takes.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for OpId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9a-f]{32}$"))
            .description(Some("128 random bits as 32 lowercase hex digits"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for OpId {}

impl OpId {
    pub fn parse(text: &str) -> Result<OpId, BagError> {
        let ok = text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(OpId(text.to_string()))
        } else {
            Err(BagError::BadOpId)
        }
    }

    /// From 128 random bits (the caller brings the randomness: crypto.getRandomValues, getrandom).
    pub fn from_bits(bits: u128) -> OpId {
        OpId(format!("{bits:032x}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OpId {
    type Error = BagError;
    fn try_from(text: String) -> Result<OpId, BagError> {
        OpId::parse(&text)
    }
}

impl From<OpId> for String {
    fn from(id: OpId) -> String {
        id.0
    }
}

/// The secret that addresses an anonymous bag: 128 random bits the app creates and keeps, sent
/// as `Authorization: Bearer <token>`. It never prints: Debug hides it, there is no Display.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BagToken(String);

impl BagToken {
    pub fn parse(text: &str) -> Option<BagToken> {
        OpId::parse(text).ok().map(|id| BagToken(id.0))
    }

    pub fn from_bits(bits: u128) -> BagToken {
        BagToken(format!("{bits:032x}"))
    }

    /// For the Authorization header and the device's storage only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BagToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BagToken(…)")
    }
}

/// `POST /bag/ops`: operations to add to the bag, applied all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpsBatch {
    pub ops: Vec<Op>,
}

/// The bag as the server has merged it: the lines, and the operations they come from (a device
/// merges them into its own log, so its next removal can name every add it has seen).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BagState {
    pub lines: Vec<Line>,
    pub ops: Vec<Op>,
}

impl From<&OpLog> for BagState {
    fn from(log: &OpLog) -> BagState {
        BagState {
            lines: log.lines(),
            ops: log.ops().cloned().collect(),
        }
    }
}

/// Why the shopper added a line: it shapes reminders and how the line is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Waiting for the 11.11 price.
    WaitForPromotion,
    /// Her colour or size is sold out in this store.
    SoldOutHere,
}

impl Intent {
    /// Why a new line goes in the bag, as far as we can tell: she ticked "waiting for 11.11", or
    /// her variant is sold out in the store she stands in.
    pub fn for_new_line(
        variant: &crate::Variant,
        store: Option<&StoreId>,
        waiting: bool,
    ) -> Option<Intent> {
        if waiting {
            Some(Intent::WaitForPromotion)
        } else if store.is_some_and(|s| variant.stock_in(s) == 0) {
            Some(Intent::SoldOutHere)
        } else {
            None
        }
    }
}

/// What an operation does to the line of one variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// Puts the variant in the bag (or sets its quantity if it is there).
    Add {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        sku: Sku,
        quantity: u8,
        /// The store she stood in, if any.
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        store: Option<StoreId>,
        note: Option<String>,
        intent: Option<Intent>,
    },
    SetQuantity {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        sku: Sku,
        quantity: u8,
    },
    SetNote {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        sku: Sku,
        note: Option<String>,
    },
    /// Removes the adds of `sku` this device had seen (`observed`), and no others.
    Remove {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        sku: Sku,
        observed: Vec<OpId>,
    },
    /// Undoes a removal: the adds it removed count again.
    Restore { removal: OpId },
}

/// One operation: what changed, when (milliseconds since the Unix epoch, the device's clock),
/// and its id. Read by hand (see `read`), written by the derive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Op {
    pub id: OpId,
    pub at: i64,
    #[serde(flatten)]
    pub change: Change,
}

impl Op {
    /// Checks the limits a single operation must respect.
    pub fn validate(&self) -> Result<(), BagError> {
        let quantity_ok = |q: u8| (1..=MAX_QUANTITY).contains(&q);
        let sku_ok = |sku: &Sku| !sku.as_str().is_empty() && sku.as_str().len() <= MAX_ID_LEN;
        let store_ok = |store: &Option<StoreId>| {
            store
                .as_ref()
                .map(StoreId::as_str)
                .is_none_or(|s| !s.is_empty() && s.len() <= MAX_ID_LEN)
        };
        let note_ok = |note: &Option<String>| {
            note.as_ref()
                .is_none_or(|n| n.chars().count() <= MAX_NOTE_CHARS)
        };
        match &self.change {
            Change::Add {
                sku,
                quantity,
                note,
                store,
                ..
            } => {
                if !sku_ok(sku) {
                    return Err(BagError::BadSku);
                }
                if !store_ok(store) {
                    return Err(BagError::BadStore);
                }
                if !quantity_ok(*quantity) {
                    return Err(BagError::QuantityOutOfRange(*quantity));
                }
                if !note_ok(note) {
                    return Err(BagError::NoteTooLong);
                }
            }
            Change::SetQuantity { sku, quantity } => {
                if !sku_ok(sku) {
                    return Err(BagError::BadSku);
                }
                if !quantity_ok(*quantity) {
                    return Err(BagError::QuantityOutOfRange(*quantity));
                }
            }
            Change::SetNote { sku, note } => {
                if !sku_ok(sku) {
                    return Err(BagError::BadSku);
                }
                if !note_ok(note) {
                    return Err(BagError::NoteTooLong);
                }
            }
            Change::Remove { sku, observed } => {
                if !sku_ok(sku) {
                    return Err(BagError::BadSku);
                }
                if observed.len() > MAX_OBSERVED {
                    return Err(BagError::TooManyObserved(observed.len()));
                }
            }
            Change::Restore { .. } => {}
        }
        Ok(())
    }

    /// At least as many bytes as this operation's JSON (serde's, or the browser's
    /// `JSON.stringify`): what a batch is measured by against the server's body limit.
    pub fn json_bytes_bound(&self) -> usize {
        // The longest kind's keys, punctuation, id, time and type name: under 160 bytes.
        const FIXED: usize = 192;
        let text = |s: &str| {
            2 + s
                .chars()
                .map(|c| match c {
                    '"' | '\\' => 2,
                    '\0'..='\u{1f}' => 6,
                    c => c.len_utf8(),
                })
                .sum::<usize>()
        };
        let optional = |s: Option<&str>| s.map_or(4, text);
        FIXED
            + match &self.change {
                Change::Add {
                    sku, store, note, ..
                } => {
                    text(sku.as_str())
                        + optional(store.as_ref().map(StoreId::as_str))
                        + optional(note.as_deref())
                }
                Change::SetQuantity { sku, .. } => text(sku.as_str()),
                Change::SetNote { sku, note } => text(sku.as_str()) + optional(note.as_deref()),
                Change::Remove { sku, observed } => text(sku.as_str()) + observed.len() * 35,
                Change::Restore { .. } => 34,
            }
    }

    /// The variant whose line this operation changes (none for an undo).
    pub fn sku(&self) -> Option<&Sku> {
        match &self.change {
            Change::Add { sku, .. }
            | Change::SetQuantity { sku, .. }
            | Change::SetNote { sku, .. }
            | Change::Remove { sku, .. } => Some(sku),
            Change::Restore { .. } => None,
        }
    }
}

impl Op {
    /// The operation with its time no later than `now_ms` plus [`CLOCK_ALLOWANCE_MS`]: a device
    /// whose clock runs ahead would otherwise win every last-writer-wins conflict for as long as
    /// it does.
    pub fn clamped(mut self, now_ms: i64) -> Op {
        self.at = self.at.min(now_ms.saturating_add(CLOCK_ALLOWANCE_MS));
        self
    }
}

/// How far ahead of the server's clock an operation's time may be (devices' clocks drift).
pub const CLOCK_ALLOWANCE_MS: i64 = 5 * 60 * 1000;

/// A line of the bag as the shopper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sku: Sku,
    pub quantity: u8,
    /// The store of the first add that still counts.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub store: Option<StoreId>,
    /// When it was first added (ms since the Unix epoch).
    pub added_at: i64,
    pub note: Option<String>,
    pub intent: Option<Intent>,
}

/// All operations a replica knows, keyed by id: inserting one twice changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpLog {
    ops: BTreeMap<OpId, Op>,
}

impl OpLog {
    pub fn new() -> Self {
        OpLog::default()
    }

    /// Adds an operation; false when it was already known (a replay).
    pub fn insert(&mut self, op: Op) -> bool {
        if self.ops.contains_key(&op.id) {
            return false;
        }
        self.ops.insert(op.id.clone(), op);
        true
    }

    /// Takes the server's copy of an operation in place of this replica's (the server may
    /// have clamped its time: see [`Op::clamped`]).
    pub fn adopt(&mut self, op: Op) {
        self.ops.insert(op.id.clone(), op);
    }

    /// Applies a batch all or nothing: every operation valid, none reusing a known id for
    /// another change, and the bag within [`MAX_LINES`] (a batch that shrinks an oversized bag is
    /// still welcome). Returns how many were new.
    pub fn apply(&mut self, batch: &[Op]) -> Result<usize, BagError> {
        if batch.len() > MAX_OPS_PER_BATCH {
            return Err(BagError::TooManyOps(batch.len()));
        }
        for op in batch {
            op.validate()?;
        }
        let mut next = self.clone();
        let mut new = 0;
        for op in batch {
            match next.ops.get(&op.id) {
                // A replay (its time may have been clamped when it was first taken in).
                Some(known) if known.change == op.change => {}
                Some(_) => return Err(BagError::Conflict(op.id.clone())),
                None => {
                    next.ops.insert(op.id.clone(), op.clone());
                    new += 1;
                }
            }
        }
        let lines = next.lines().len();
        if lines > MAX_LINES && lines > self.lines().len() {
            return Err(BagError::TooManyLines(lines));
        }
        *self = next;
        Ok(new)
    }

    /// Keeps only the operations `keep` says yes to (compaction's).
    fn retain(&mut self, mut keep: impl FnMut(&Op) -> bool) {
        self.ops.retain(|_, op| keep(op));
    }

    /// Set union with another replica's log.
    pub fn merge(&mut self, other: &OpLog) {
        for op in other.ops.values() {
            self.insert(op.clone());
        }
    }

    pub fn contains(&self, id: &OpId) -> bool {
        self.ops.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn ops(&self) -> impl Iterator<Item = &Op> {
        self.ops.values()
    }

    /// The adds of `sku` that still count: the ids a removal made now must name.
    pub fn live_adds(&self, sku: &Sku) -> Vec<OpId> {
        let removed = self.removed_adds();
        self.ops
            .values()
            .filter(|op| matches!(&op.change, Change::Add { sku: s, .. } if s == sku))
            .filter(|op| !removed.contains(&op.id))
            .map(|op| op.id.clone())
            .collect()
    }

    /// Adds covered by a removal that was not undone.
    ///
    /// (Sets and maps are filled one insert at a time here rather than collected or sorted:
    /// this runs in the app's first load, where every generic sort costs kilobytes.)
    fn removed_adds(&self) -> BTreeSet<&OpId> {
        let mut restored = BTreeSet::new();
        for op in self.ops.values() {
            if let Change::Restore { removal } = &op.change {
                restored.insert(removal);
            }
        }
        let mut removed = BTreeSet::new();
        for op in self.ops.values().filter(|op| !restored.contains(&op.id)) {
            if let Change::Remove { observed, .. } = &op.change {
                removed.extend(observed);
            }
        }
        removed
    }

    /// The bag these operations make, in the order lines were first added.
    pub fn lines(&self) -> Vec<Line> {
        let removed = self.removed_adds();
        // Every operation on a variant, by variant and then in the order that decides
        // last-writer-wins (time first, then id): each variant's operations are a run of
        // neighbours.
        let mut by_sku: BTreeMap<(&Sku, i64, &OpId), &Op> = BTreeMap::new();
        for op in self.ops.values() {
            if let Some(sku) = op.sku() {
                by_sku.insert((sku, op.at, &op.id), op);
            }
        }
        let mut lines = BTreeMap::new();
        let mut run: Vec<&Op> = Vec::new();
        let mut entries = by_sku.into_iter().peekable();
        while let Some(((sku, _, _), op)) = entries.next() {
            run.push(op);
            if entries.peek().is_some_and(|((next, _, _), _)| *next == sku) {
                continue;
            }
            if let Some(line) = line_of(sku, &run, &removed) {
                lines.insert((line.added_at, line.sku.clone()), line);
            }
            run.clear();
        }
        lines.into_values().collect()
    }
}

/// Folds one variant's operations (in stamp order) into its line, if any add still counts.
fn line_of(sku: &Sku, ops: &[&Op], removed: &BTreeSet<&OpId>) -> Option<Line> {
    let live: Vec<&Op> = ops
        .iter()
        .copied()
        .filter(|op| matches!(op.change, Change::Add { .. }) && !removed.contains(&op.id))
        .collect();
    let first = live.first()?;
    let Change::Add { store, .. } = &first.change else {
        unreachable!("live holds adds only")
    };
    let mut line = Line {
        sku: sku.clone(),
        quantity: 1,
        store: store.clone(),
        added_at: first.at,
        note: None,
        intent: None,
    };
    // Last writer wins, over every operation on the variant: an add writes all three fields.
    for op in ops {
        match &op.change {
            Change::Add {
                quantity,
                note,
                intent,
                ..
            } => {
                line.quantity = *quantity;
                line.note = note.clone();
                line.intent = *intent;
            }
            Change::SetQuantity { quantity, .. } => line.quantity = *quantity,
            Change::SetNote { note, .. } => line.note = note.clone(),
            Change::Remove { .. } | Change::Restore { .. } => {}
        }
    }
    Some(line)
}

/// Why an operation or a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BagError {
    BadOpId,
    BadSku,
    BadStore,
    TooManyObserved(usize),
    QuantityOutOfRange(u8),
    NoteTooLong,
    TooManyLines(usize),
    TooManyOps(usize),
    /// More operations than [`MAX_KEPT_OPS`] within the compaction horizon.
    TooManyKept(usize),
    /// An operation id the bag holds for another change: the device and the server would
    /// disagree from then on.
    Conflict(OpId),
}

impl fmt::Display for BagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BagError::BadOpId => f.write_str("an operation id is 32 lowercase hex digits"),
            BagError::BadSku => f.write_str("a line names a variant by its sku"),
            BagError::BadStore => {
                write!(f, "a store is named by its id, at most {MAX_ID_LEN} bytes")
            }
            BagError::TooManyObserved(n) => {
                write!(f, "a removal names at most {MAX_OBSERVED} adds, not {n}")
            }
            BagError::QuantityOutOfRange(q) => {
                write!(f, "a quantity is between 1 and {MAX_QUANTITY}, not {q}")
            }
            BagError::NoteTooLong => write!(f, "a note has at most {MAX_NOTE_CHARS} characters"),
            BagError::TooManyLines(n) => {
                write!(
                    f,
                    "a bag holds at most {MAX_LINES} lines, this would make {n}"
                )
            }
            BagError::Conflict(id) => write!(
                f,
                "the operation {} is already in the bag with other content",
                id.as_str()
            ),
            BagError::TooManyOps(n) => {
                write!(
                    f,
                    "send at most {MAX_OPS_PER_BATCH} operations at once, not {n}"
                )
            }
            BagError::TooManyKept(n) => write!(
                f,
                "a bag keeps at most {MAX_KEPT_OPS} changes a month, this would make {n}"
            ),
        }
    }
}

impl std::error::Error for BagError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Money, StoreStock, Variant};

    fn variant(stock_here: u32) -> Variant {
        Variant {
            sku: "P0001-BLK-M".into(),
            colour: "BLK".into(),
            size: "M".into(),
            ean13: "6931234500018".into(),
            in_store_code: "2000000000015".into(),
            price: Money::fen(129_900),
            online_stock: 3,
            store_stock: vec![StoreStock {
                store_id: "sh-jingan".into(),
                quantity: stock_here,
            }],
        }
    }

    #[test]
    fn a_new_line_says_why_it_is_kept() {
        let (sold_out, in_stock) = (variant(0), variant(2));
        let here = Some(&StoreId::from("sh-jingan"));
        assert_eq!(Intent::for_new_line(&in_stock, here, false), None);
        assert_eq!(
            Intent::for_new_line(&sold_out, here, false),
            Some(Intent::SoldOutHere)
        );
        // Waiting for the festival price is her own reason, whatever the stock.
        assert_eq!(
            Intent::for_new_line(&sold_out, here, true),
            Some(Intent::WaitForPromotion)
        );
        // Not in a store: nothing is sold out "here".
        assert_eq!(Intent::for_new_line(&sold_out, None, false), None);
        // A store that does not list the variant has none of it.
        assert_eq!(
            Intent::for_new_line(&in_stock, Some(&"sh-lujiazui".into()), false),
            Some(Intent::SoldOutHere)
        );
    }

    pub(crate) fn id(n: u128) -> OpId {
        OpId::from_bits(n)
    }

    pub(crate) fn add(n: u128, at: i64, sku: &str, quantity: u8) -> Op {
        Op {
            id: id(n),
            at,
            change: Change::Add {
                sku: sku.into(),
                quantity,
                store: Some("sh-jingan".into()),
                note: None,
                intent: None,
            },
        }
    }

    fn remove(n: u128, at: i64, sku: &str, log: &OpLog) -> Op {
        let sku = Sku::from(sku);
        Op {
            id: id(n),
            at,
            change: Change::Remove {
                observed: log.live_adds(&sku),
                sku,
            },
        }
    }

    fn skus(log: &OpLog) -> Vec<String> {
        log.lines().into_iter().map(|l| l.sku.to_string()).collect()
    }

    #[test]
    fn op_ids_are_128_bit_hex() {
        assert_eq!(id(255).as_str(), "000000000000000000000000000000ff");
        assert!(OpId::parse("not-an-id").is_err());
        assert!(OpId::parse(&"A".repeat(32)).is_err());
        assert!(serde_json::from_str::<OpId>("\"xyz\"").is_err());
    }

    #[test]
    fn a_bag_token_never_prints() {
        let token = BagToken::from_bits(u128::MAX);
        assert_eq!(format!("{token:?}"), "BagToken(…)");
        assert_eq!(token.expose(), "ffffffffffffffffffffffffffffffff");
        assert!(BagToken::parse("ffff").is_none());
    }

    #[test]
    fn replaying_an_operation_changes_nothing() {
        let mut log = OpLog::new();
        assert!(log.insert(add(1, 10, "P1-BLK-M", 1)));
        assert!(!log.insert(add(1, 10, "P1-BLK-M", 1)));
        assert_eq!(log.len(), 1);
    }

    #[test]
    fn a_removal_does_not_remove_an_add_it_never_saw() {
        let mut phone = OpLog::new();
        phone.insert(add(1, 10, "P1-BLK-M", 1));
        let mut kiosk = phone.clone();
        // The phone removes the line while the kiosk, offline, adds the same variant again.
        let removal = remove(2, 20, "P1-BLK-M", &phone);
        phone.insert(removal);
        kiosk.insert(add(3, 15, "P1-BLK-M", 2));
        phone.merge(&kiosk);
        kiosk.merge(&phone);
        assert_eq!(phone.lines(), kiosk.lines());
        assert_eq!(phone.lines()[0].quantity, 2);
    }

    #[test]
    fn a_removed_line_stays_removed_until_added_again_or_undone() {
        let mut log = OpLog::new();
        log.insert(add(1, 10, "P1-BLK-M", 1));
        let removal = remove(2, 20, "P1-BLK-M", &log);
        log.insert(removal);
        log.insert(Op {
            id: id(3),
            at: 30,
            change: Change::SetQuantity {
                sku: "P1-BLK-M".into(),
                quantity: 4,
            },
        });
        assert!(
            log.lines().is_empty(),
            "setting a quantity does not bring a line back"
        );
        log.insert(Op {
            id: id(4),
            at: 40,
            change: Change::Restore { removal: id(2) },
        });
        let lines = log.lines();
        assert_eq!(skus(&log), ["P1-BLK-M"]);
        assert_eq!(
            lines[0].quantity, 4,
            "the undone line keeps its latest quantity"
        );
    }

    #[test]
    fn later_writes_win_for_quantity_and_note() {
        let mut log = OpLog::new();
        log.insert(add(1, 10, "P1-BLK-M", 1));
        log.insert(Op {
            id: id(2),
            at: 30,
            change: Change::SetNote {
                sku: "P1-BLK-M".into(),
                note: Some("for mum".into()),
            },
        });
        log.insert(Op {
            id: id(3),
            at: 20,
            change: Change::SetQuantity {
                sku: "P1-BLK-M".into(),
                quantity: 3,
            },
        });
        let line = &log.lines()[0];
        assert_eq!((line.quantity, line.note.as_deref()), (3, Some("for mum")));
        assert_eq!(line.added_at, 10);
    }

    #[test]
    fn validation_refuses_out_of_range_values() {
        assert_eq!(
            add(1, 1, "P1", 0).validate(),
            Err(BagError::QuantityOutOfRange(0))
        );
        assert_eq!(
            add(1, 1, "P1", 100).validate(),
            Err(BagError::QuantityOutOfRange(100))
        );
        assert_eq!(add(1, 1, "", 1).validate(), Err(BagError::BadSku));
        assert!(add(1, 1, "P1", 99).validate().is_ok());
        let long_note = Op {
            id: id(2),
            at: 1,
            change: Change::SetNote {
                sku: "P1".into(),
                note: Some("x".repeat(MAX_NOTE_CHARS + 1)),
            },
        };
        assert_eq!(long_note.validate(), Err(BagError::NoteTooLong));
        let far_store = Op {
            id: id(3),
            at: 1,
            change: Change::Add {
                sku: "P1".into(),
                quantity: 1,
                store: Some("s".repeat(MAX_ID_LEN + 1).into()),
                note: None,
                intent: None,
            },
        };
        assert_eq!(far_store.validate(), Err(BagError::BadStore));
        let sweeping = Op {
            id: id(4),
            at: 1,
            change: Change::Remove {
                sku: "P1".into(),
                observed: (0..=MAX_OBSERVED as u128).map(id).collect(),
            },
        };
        assert_eq!(
            sweeping.validate(),
            Err(BagError::TooManyObserved(MAX_OBSERVED + 1))
        );
    }

    #[test]
    fn a_batch_is_applied_all_or_nothing() {
        let mut log = OpLog::new();
        let good = add(1, 10, "P1-BLK-M", 1);
        let bad = add(2, 11, "P2-BLK-M", 0);
        assert_eq!(
            log.apply(&[good.clone(), bad]),
            Err(BagError::QuantityOutOfRange(0))
        );
        assert!(log.is_empty());
        assert_eq!(log.apply(&[good.clone(), good]), Ok(1));
    }

    #[test]
    fn a_bag_holds_at_most_max_lines() {
        let mut log = OpLog::new();
        let full: Vec<Op> = (0..MAX_LINES as u128)
            .map(|n| add(n + 1, 10, &format!("P{n}"), 1))
            .collect();
        assert_eq!(log.apply(&full), Ok(MAX_LINES));
        let one_more = add(9_999, 20, "P-EXTRA", 1);
        assert_eq!(
            log.apply(&[one_more]),
            Err(BagError::TooManyLines(MAX_LINES + 1))
        );
        assert_eq!(log.lines().len(), MAX_LINES);
    }

    #[test]
    fn operations_travel_as_tagged_json() {
        let json = serde_json::to_value(add(1, 10, "P1-BLK-M", 2)).unwrap();
        assert_eq!(json["type"], "add");
        assert_eq!(json["sku"], "P1-BLK-M");
        assert_eq!(json["id"], "00000000000000000000000000000001");
        let back: Op = serde_json::from_value(json).unwrap();
        assert_eq!(back, add(1, 10, "P1-BLK-M", 2));
    }
}
