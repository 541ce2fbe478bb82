//! The bag's copy on this device, in localStorage: written before anything is sent, so a reload,
//! a crash or airplane mode loses nothing. The products of its lines are kept beside it, under a
//! key of their own: only the screens that show them read that cache.
//!
//! localStorage rather than IndexedDB: it is synchronous (the write is done before the tap's
//! handler returns), exists in every webview we target, a bag of 200 lines is far below its
//! quota, and its `storage` event keeps two tabs in step without a broadcast channel.
//!
//! What a device can do to the copy, and what the bag does about it:
//! - storage full: the bag's write comes first — the products cache (only a cache) and then a
//!   set-aside damaged copy make room for it; if it still does not fit, the bag says so for as
//!   long as only the page holds a change (`SyncStatus::OnlyOnThisPage`);
//! - a damaged copy: set aside, and its token kept, so the server's copy of the bag comes back;
//! - an operation this release cannot read (a newer one wrote it): left out of the bag, kept
//!   in the stored copy as it was;
//! - the browser clearing storage it may clear (WebKit, after seven days without a visit): the
//!   app asks for storage that is kept (`ask_to_keep`) once the bag has a line.

use crate::api::bag::{BagToken, Change, Intent, Line, Op, OpId, Replica};
use crate::api::{Product, ProductId, Sku, StoreId};
use crate::json;
use crate::reflect::call;
use crate::storage::{self, Refused};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen::{JsCast, JsValue};

pub const STORAGE_KEY: &str = "shopbag.bag";
/// The products of the lines by product id, so the bag page renders offline.
pub const PRODUCTS_KEY: &str = "shopbag.products";
/// The stored bag's summary, beside its operations: how many lines, and how many of each
/// variant (see `glance` and `summarise`).
const LINE_COUNT: &str = "line_count";
const QUANTITIES: &str = "quantities";
/// Where an unreadable copy is moved, so it can still be recovered by hand.
const DAMAGED_KEY: &str = "shopbag.bag.damaged";

/// The products of the lines by product id.
pub type Products = BTreeMap<ProductId, Product>;

/// What reading the device's copy found.
pub enum Loaded {
    Fresh(Replica),
    /// The stored copy was not JSON; it was set aside, and the bag starts again with its token
    /// (when one could be found in it), so the server's copy comes back with the next sync.
    Damaged(Replica),
}

pub fn load() -> Loaded {
    let Some(text) = storage::read_text(STORAGE_KEY) else {
        return Loaded::Fresh(Replica::default());
    };
    match parse_object(&text) {
        Some(stored) => {
            move_products_out();
            Loaded::Fresh(read_bag(&stored))
        }
        None => {
            let _ = storage::write_text(DAMAGED_KEY, &text);
            storage::remove(STORAGE_KEY);
            Loaded::Damaged(Replica {
                token: token_in(&text),
                ..Replica::default()
            })
        }
    }
}

fn parse_object(text: &str) -> Option<JsValue> {
    js_sys::JSON::parse(text).ok().filter(JsValue::is_object)
}

/// The stored bag, read part by part: an operation (or id) this release cannot read is left
/// out, not the bag with it.
pub fn read_bag(stored: &JsValue) -> Replica {
    let mut bag = Replica {
        token: get(stored, "token")
            .and_then(|t| t.as_string())
            .filter(|t| BagToken::parse(t).is_some()),
        ..Replica::default()
    };
    for (id, value) in entries(get(stored, "log").and_then(|log| get(&log, "ops"))) {
        if let Ok(op) = json::from_value::<Op>(value) {
            if op.id.as_str() == id {
                bag.log.insert(op);
            }
        }
    }
    for (field, set) in [("synced", &mut bag.synced), ("rejected", &mut bag.rejected)] {
        let ids: Option<js_sys::Array> = get(stored, field).and_then(|v| v.dyn_into().ok());
        for id in ids.iter().flat_map(js_sys::Array::iter) {
            if let Some(id) = id.as_string().and_then(|t| OpId::parse(&t).ok()) {
                set.insert(id);
            }
        }
    }
    bag
}

/// The token in a damaged copy's text, if its `"token":"…"` survived.
fn token_in(text: &str) -> Option<String> {
    const FIELD: &str = r#""token":""#;
    let start = text.find(FIELD)? + FIELD.len();
    let token = text.get(start..start + 32)?;
    BagToken::parse(token).map(|_| token.to_string())
}

/// An object's own `(key, value)` pairs (none for anything else).
fn entries(object: Option<JsValue>) -> Vec<(String, JsValue)> {
    let Some(object) = object.and_then(|o| o.dyn_into::<js_sys::Object>().ok()) else {
        return Vec::new();
    };
    js_sys::Object::entries(&object)
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.unchecked_into();
            Some((entry.get(0).as_string()?, entry.get(1)))
        })
        .collect()
}

/// Writes the bag's copy. When the device is full, what is only a copy of something kept
/// elsewhere makes room: the products (the screens fetch them again), then a damaged bag set
/// aside earlier (its token already went on with the bag, and the server has what it synced).
fn write_bag(text: &str) -> Result<(), Refused> {
    storage::write_text(STORAGE_KEY, text)
        .or_else(|_| {
            storage::remove(PRODUCTS_KEY);
            storage::write_text(STORAGE_KEY, text)
        })
        .or_else(|_| {
            storage::remove(DAMAGED_KEY);
            storage::write_text(STORAGE_KEY, text)
        })
}

/// Asks the browser, once a page, to keep this site's storage (WebKit otherwise clears it after
/// seven days without a visit): the shopper who comes back for 11.11 finds her bag. The browser
/// decides; the answer changes nothing here.
pub fn ask_to_keep() {
    static ASKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if ASKED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    if let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) {
        if let Ok(asked) = storage.persist() {
            // A promise that may reject (an insecure origin): given a handler, so nothing is
            // logged. A built-in function needs no Rust closure kept alive for the page's life:
            // `Boolean` takes the reason and drops it.
            if let Some(drop_reason) = get(&js_sys::global(), "Boolean") {
                call(&asked, "catch", &[drop_reason]);
            }
        }
    }
}

/// Earlier releases kept the products inside the bag's copy: give them their own key before the
/// next write of the bag leaves them out (moved as text, without reading them).
fn move_products_out() {
    if storage::read_text(PRODUCTS_KEY).is_some() {
        return;
    }
    let Some(bag) = storage::read_text(STORAGE_KEY).and_then(|t| js_sys::JSON::parse(&t).ok())
    else {
        return;
    };
    let products = js_sys::Reflect::get(&bag, &"products".into()).ok();
    if let Some(products) = products.filter(|p| p.is_object()) {
        if let Ok(text) = js_sys::JSON::stringify(&products) {
            let _ = storage::write_text(PRODUCTS_KEY, &String::from(text));
        }
    }
}

/// Merges `ours` with what is stored now (another tab may have written) and stores the union.
/// Returns the union, or [`Refused`] when the device would not store it (quota, private mode).
///
/// Stored operations this release cannot read stay in the copy as they were.
pub fn save(ours: &Replica) -> Result<Replica, Refused> {
    let stored = storage::read_text(STORAGE_KEY).and_then(|text| parse_object(&text));
    let mut merged = ours.clone();
    if let Some(stored) = &stored {
        merged.merge(read_bag(stored));
    }
    let written = stored_bag(&merged)?;
    let ops = get(&written, "log")
        .and_then(|log| get(&log, "ops"))
        .ok_or(Refused)?;
    let theirs = stored
        .and_then(|s| get(&s, "log"))
        .and_then(|log| get(&log, "ops"));
    for (id, value) in entries(theirs) {
        if get(&ops, &id).is_none() {
            set(&ops, &id, &value)?;
        }
    }
    write_bag(&json::stringify(&written).map_err(|_| Refused)?)?;
    Ok(merged)
}

/// The whole bag as the device stores it — the JSON serde writes for [`Replica`], with the
/// summary beside it (in the same item, so the two never disagree) — built by hand like
/// [`stored_op`]. The browser tests read it back with serde.
pub fn stored_bag(saved: &Replica) -> Result<JsValue, Refused> {
    let ids = |set: &BTreeSet<OpId>| -> js_sys::Array {
        set.iter()
            .map(|id| JsValue::from_str(id.as_str()))
            .collect()
    };
    let ops: JsValue = js_sys::Object::new().into();
    for op in saved.log.ops() {
        set(&ops, op.id.as_str(), &stored_op(op).ok_or(Refused)?)?;
    }
    let log: JsValue = js_sys::Object::new().into();
    set(&log, "ops", &ops)?;
    let token = saved
        .token
        .as_deref()
        .map_or(JsValue::NULL, JsValue::from_str);
    let stored: JsValue = js_sys::Object::new().into();
    set(&stored, "token", &token)?;
    set(&stored, "log", &log)?;
    set(&stored, "synced", &ids(&saved.synced))?;
    set(&stored, "rejected", &ids(&saved.rejected))?;
    summarise(&stored, &saved.lines())?;
    Ok(stored)
}

/// Writes the summary of `lines` into a stored bag.
fn summarise(stored: &JsValue, lines: &[Line]) -> Result<(), Refused> {
    let quantities = js_sys::Object::new();
    for line in lines {
        set(
            &quantities,
            line.sku.as_str(),
            &f64::from(line.quantity).into(),
        )?;
    }
    set(stored, QUANTITIES, &quantities)?;
    set(stored, LINE_COUNT, &(lines.len() as f64).into())
}

/// An operation as the stored log holds it — the JSON serde writes for an [`Op`]
/// (`{"id", "at", "type": "add", …}`), built field by field so that a screen that changes the
/// bag does not carry serde's writer. The tests check it reads back as the same `Op`.
pub fn stored_op(op: &Op) -> Option<JsValue> {
    let text = |t: &str| JsValue::from_str(t);
    let or_null = |t: Option<&str>| t.map_or(JsValue::NULL, text);
    let stored: JsValue = js_sys::Object::new().into();
    set(&stored, "id", &text(op.id.as_str())).ok()?;
    set(&stored, "at", &(op.at as f64).into()).ok()?;
    let kind = match &op.change {
        Change::Add {
            sku,
            quantity,
            store,
            note,
            intent,
        } => {
            let intent = intent.map(|i| match i {
                Intent::WaitForPromotion => "wait_for_promotion",
                Intent::SoldOutHere => "sold_out_here",
            });
            set(&stored, "sku", &text(sku.as_str())).ok()?;
            set(&stored, "quantity", &f64::from(*quantity).into()).ok()?;
            set(
                &stored,
                "store",
                &or_null(store.as_ref().map(StoreId::as_str)),
            )
            .ok()?;
            set(&stored, "note", &or_null(note.as_deref())).ok()?;
            set(&stored, "intent", &or_null(intent)).ok()?;
            "add"
        }
        Change::SetQuantity { sku, quantity } => {
            set(&stored, "sku", &text(sku.as_str())).ok()?;
            set(&stored, "quantity", &f64::from(*quantity).into()).ok()?;
            "set_quantity"
        }
        Change::SetNote { sku, note } => {
            set(&stored, "sku", &text(sku.as_str())).ok()?;
            set(&stored, "note", &or_null(note.as_deref())).ok()?;
            "set_note"
        }
        Change::Remove { sku, observed } => {
            let ids: js_sys::Array = observed.iter().map(|id| text(id.as_str())).collect();
            set(&stored, "sku", &text(sku.as_str())).ok()?;
            set(&stored, "observed", &ids).ok()?;
            "remove"
        }
        Change::Restore { removal } => {
            set(&stored, "removal", &text(removal.as_str())).ok()?;
            "restore"
        }
    };
    set(&stored, "type", &text(kind)).ok()?;
    Some(stored)
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    js_sys::Reflect::get(object, &key.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), Refused> {
    js_sys::Reflect::set(object, &key.into(), value)
        .map(|_| ())
        .map_err(|_| Refused)
}

/// What the stored summary becomes with the operations written.
#[derive(Clone, Copy)]
pub enum Summary<'a> {
    /// The bag's lines, as the bag in memory computed them with the operation.
    Lines(&'a [Line]),
    /// One variant's new quantity, from the summary alone (the bag is not read: an add from a
    /// product page); `new_line` when the variant was not in the bag.
    Step {
        sku: &'a Sku,
        quantity: u8,
        new_line: bool,
    },
}

/// Writes operations straight into the stored bag, as JSON, with its summary — without reading
/// the stored bag into our types or writing all of it. With `new_bag`, a device with no stored
/// bag starts one with that token; without, there must be one. Another tab's operations in the
/// stored copy stay there; this tab takes them in through the `storage` event.
pub fn store_ops(ops: &[&Op], new_bag: Option<&str>, summary: Summary) -> Result<Glance, Refused> {
    let stored = match (storage::read_text(STORAGE_KEY), new_bag) {
        (Some(text), _) => js_sys::JSON::parse(&text).map_err(|_| Refused)?,
        (None, None) => return Err(Refused),
        // A new bag, as serde writes an empty `Replica` with its token.
        (None, Some(token)) => js_sys::JSON::parse(&format!(
            r#"{{"token":"{token}","log":{{"ops":{{}}}},"synced":[],"rejected":[]}}"#
        ))
        .map_err(|_| Refused)?,
    };
    let stored_ops = get(&stored, "log")
        .and_then(|log| get(&log, "ops"))
        .ok_or(Refused)?;
    for op in ops {
        set(&stored_ops, op.id.as_str(), &stored_op(op).ok_or(Refused)?)?;
    }
    match summary {
        Summary::Lines(lines) => summarise(&stored, lines)?,
        Summary::Step {
            sku,
            quantity,
            new_line,
        } => {
            let lines = get(&stored, LINE_COUNT)
                .and_then(|n| n.as_f64())
                .unwrap_or(0.0) as usize
                + usize::from(new_line);
            let quantities = match get(&stored, QUANTITIES) {
                Some(quantities) => quantities,
                None => {
                    let fresh: JsValue = js_sys::Object::new().into();
                    set(&stored, QUANTITIES, &fresh)?;
                    fresh
                }
            };
            set(&quantities, sku.as_str(), &f64::from(quantity).into())?;
            set(&stored, LINE_COUNT, &(lines as f64).into())?;
        }
    }
    write_bag(&json::stringify(&stored).map_err(|_| Refused)?)?;
    Ok(glance())
}

/// What the shell knows before the bag is read: whether this device keeps a bag, and how many
/// lines it had when last stored.
pub struct Glance {
    pub kept: bool,
    pub lines: usize,
    quantities: Option<JsValue>,
    /// The stored bag's token as stored (read with `BagToken::parse` where it is used: the
    /// shell glances at the bag on every page).
    pub token: Option<String>,
}

impl Glance {
    /// How many of `sku` the stored bag holds (0: none), when its summary says — a copy stored
    /// by an earlier release has none.
    pub fn quantity(&self, sku: &Sku) -> Option<u8> {
        let quantities = self.quantities.as_ref()?;
        Some(
            get(quantities, sku.as_str())
                .and_then(|q| q.as_f64())
                .unwrap_or(0.0) as u8,
        )
    }
}

/// Looks at the stored bag through the browser's JSON, without reading the bag itself (whose
/// code then stays out of the first load). Anything odd reads as no bag: the bag, once read,
/// tells the truth.
pub fn glance() -> Glance {
    let stored = storage::read_text(STORAGE_KEY).and_then(|t| js_sys::JSON::parse(&t).ok());
    let field = |name: &str| get(stored.as_ref()?, name);
    match field("token").and_then(|t| t.as_string()) {
        None => Glance {
            kept: false,
            lines: 0,
            // No bag yet: it holds none of anything.
            quantities: stored.is_none().then(|| js_sys::Object::new().into()),
            token: None,
        },
        Some(token) => Glance {
            kept: true,
            lines: field(LINE_COUNT).and_then(|n| n.as_f64()).unwrap_or(0.0) as usize,
            quantities: field(QUANTITIES),
            token: Some(token),
        },
    }
}

/// Keeps a product as the API sent it, beside the kept ones, without reading them: for a
/// screen that adds before the bag's own code has arrived.
pub fn keep_product_json(id: &ProductId, product: &JsValue) -> Result<(), Refused> {
    let kept = storage::read_text(PRODUCTS_KEY)
        .and_then(|t| js_sys::JSON::parse(&t).ok())
        .filter(JsValue::is_object)
        .unwrap_or_else(|| js_sys::Object::new().into());
    set(&kept, id.as_str(), product)?;
    storage::write_text(PRODUCTS_KEY, &json::stringify(&kept).map_err(|_| Refused)?)
}

/// The kept products. Each is read alone: one this release cannot read (kept as a newer server
/// sent it, say) is left out, not the others with it; the cache is only a cache, and the
/// screens fetch what they miss.
pub fn load_products() -> Products {
    let Some(kept) = storage::read_text(PRODUCTS_KEY).and_then(|t| js_sys::JSON::parse(&t).ok())
    else {
        return Products::default();
    };
    let Some(kept) = kept.dyn_ref::<js_sys::Object>() else {
        return Products::default();
    };
    // Inserted one by one: collecting into a map sorts, and a sort costs kilobytes of the bag
    // page's first load.
    let mut products = Products::new();
    for entry in js_sys::Object::entries(kept).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        if let (Some(id), Ok(product)) = (entry.get(0).as_string(), json::from_value(entry.get(1)))
        {
            products.insert(id.into(), product);
        }
    }
    products
}

/// Merges `ours` with the kept products (another tab may have written) and stores the union of
/// those `wanted` keeps (the products of the bag's lines: the others are no longer needed).
pub fn save_products(
    ours: &Products,
    wanted: impl Fn(&Product) -> bool,
) -> Result<Products, Refused> {
    let mut merged = load_products();
    merged.extend(ours.iter().map(|(id, p)| (id.clone(), p.clone())));
    merged.retain(|_, product| wanted(product));
    storage::write(PRODUCTS_KEY, &merged)?;
    Ok(merged)
}
