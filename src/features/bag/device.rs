//! The bag's copy on this device, in localStorage: written before anything is sent, so a reload,
//! a crash or airplane mode loses nothing.
//!
//! localStorage rather than IndexedDB: it is synchronous (the write is done before the tap's
//! handler returns), exists in every webview we target, a bag of 200 lines is far below its
//! quota, and its `storage` event keeps two tabs in step without a broadcast channel.

use crate::api::bag::{BagToken, Line, Op, OpId, OpLog};
use crate::api::Product;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const STORAGE_KEY: &str = "shopbag.bag";
/// Where an unreadable copy is moved, so it can still be recovered by hand.
const DAMAGED_KEY: &str = "shopbag.bag.damaged";

/// Everything the device keeps about the bag. Merging two copies is a union of each part, so
/// tabs can write concurrently and the result never loses an operation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Saved {
    /// Hex form of the bag token (kept as text so serde never prints a `BagToken`).
    pub token: Option<String>,
    pub log: OpLog,
    /// Operations the server has confirmed; the rest are waiting to be sent.
    pub synced: BTreeSet<OpId>,
    /// Operations the server refused for good (say, a variant no longer sold): kept, not sent
    /// again, and left out of the lines.
    pub rejected: BTreeSet<OpId>,
    /// Products of the lines by product id, so the bag page renders offline.
    pub products: BTreeMap<String, Product>,
}

impl Saved {
    pub fn token(&self) -> Option<BagToken> {
        self.token.as_deref().and_then(BagToken::parse)
    }

    /// Operations not yet confirmed by the server, oldest first.
    pub fn pending(&self) -> Vec<Op> {
        let mut ops: Vec<_> = self
            .log
            .ops()
            .filter(|op| !self.synced.contains(&op.id) && !self.rejected.contains(&op.id))
            .cloned()
            .collect();
        ops.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        ops
    }

    /// The bag's lines, without refused operations.
    pub fn lines(&self) -> Vec<Line> {
        if self.rejected.is_empty() {
            return self.log.lines();
        }
        let mut kept = OpLog::new();
        for op in self.log.ops().filter(|op| !self.rejected.contains(&op.id)) {
            kept.insert(op.clone());
        }
        kept.lines()
    }

    pub fn merge(&mut self, other: Saved) {
        if self.token.is_none() {
            self.token = other.token;
        }
        self.log.merge(&other.log);
        self.synced.extend(other.synced);
        self.rejected.extend(other.rejected);
        self.products.extend(other.products);
    }
}

/// What reading the device's copy found.
pub enum Loaded {
    Fresh(Saved),
    /// The stored copy could not be read; it was set aside and the bag starts empty.
    Damaged(Saved),
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load() -> Loaded {
    let Some(storage) = storage() else {
        return Loaded::Fresh(Saved::default());
    };
    match storage.get_item(STORAGE_KEY).ok().flatten() {
        None => Loaded::Fresh(Saved::default()),
        Some(text) => match serde_json::from_str(&text) {
            Ok(saved) => Loaded::Fresh(saved),
            Err(_) => {
                let _ = storage.set_item(DAMAGED_KEY, &text);
                let _ = storage.remove_item(STORAGE_KEY);
                Loaded::Damaged(Saved::default())
            }
        },
    }
}

/// Merges `ours` with what is stored now (another tab may have written) and stores the union.
/// Returns the union, or an error text when the device refused the write (quota, private mode).
pub fn save(ours: &Saved) -> Result<Saved, String> {
    let mut merged = ours.clone();
    if let Loaded::Fresh(stored) = load() {
        merged.merge(stored);
    }
    let storage = storage().ok_or("no storage on this device")?;
    let text = serde_json::to_string(&merged).map_err(|e| e.to_string())?;
    storage
        .set_item(STORAGE_KEY, &text)
        .map_err(|_| "the device refused to store the bag".to_string())?;
    Ok(merged)
}
