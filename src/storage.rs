//! The device's localStorage, holding JSON (read and written by `crate::json`), and which of it is
//! the shopper's (what the device forgets when she signs out or a kiosk starts over).
//!
//! Plain calls rather than leptos-use's `use_local_storage`: the shell reads the kept store and
//! line count before any screen, and a storage signal with its codec and listeners would weigh
//! in every first load (docs/benchmarks.md, the first-load steps). Every key goes through here.

use crate::json;
use crate::reflect::{call, get};
use crate::route::Route;
use leptos::prelude::window;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// The device would not store it: no storage (some private modes), or its quota is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn read_text(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

pub fn write<T: Serialize>(key: &str, value: &T) -> Result<(), Refused> {
    write_text(key, &json::to_text(value).map_err(|_| Refused)?)
}

pub fn write_text(key: &str, text: &str) -> Result<(), Refused> {
    local()
        .ok_or(Refused)?
        .set_item(key, text)
        .map_err(|_| Refused)
}

pub fn remove(key: &str) {
    if let Some(storage) = local() {
        let _ = storage.remove_item(key);
    }
}

/// The device's own settings, which stay when she signs out or a kiosk starts over: they say
/// nothing about her.
const DEVICE_SETTINGS: [&str; 6] = [
    "shopbag.kiosk",
    "shopbag.language",
    "shopbag.camera",
    "shopbag.scan.beep",
    "shopbag.store",
    "shopbag.cashier",
];

/// Whether a stored key holds something of hers (her bag, its products, sizes she chose,
/// reminders she was shown, her membership): signing out, and a kiosk starting over, remove all
/// of those.
pub fn is_personal(key: &str) -> bool {
    key.starts_with("shopbag.") && !DEVICE_SETTINGS.contains(&key)
}

/// The device forgets her: everything of hers goes from its storage, and the app starts again
/// on the start page, so nothing of hers stays in memory either (the bag starts empty, with a
/// token of its own). Storage and navigation are reached by name (see `crate::reflect`).
pub fn forget_shopper() {
    let window = JsValue::from(window());
    remove_personal();
    // A write already on its way (a sync answer storing the bag) could land before the page
    // goes: what is hers is removed once more as it goes, when nothing can write any more.
    let again = Closure::once_into_js(remove_personal);
    call(&window, "addEventListener", &["pagehide".into(), again]);
    if let Some(location) = get(&window, "location") {
        call(&location, "replace", &[Route::Home.href().into()]);
    }
}

/// Removes everything of hers from the device's storage (the page keeps what it has in memory).
pub fn remove_personal() {
    for key in personal_keys() {
        remove(&key);
    }
}

/// Whether the device's storage holds anything of a shopper's.
pub fn keeps_personal() -> bool {
    !personal_keys().is_empty()
}

fn personal_keys() -> Vec<String> {
    let Some(storage) = get(&window().into(), "localStorage") else {
        return Vec::new();
    };
    let count = get(&storage, "length")
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0) as u32;
    (0..count)
        .filter_map(|i| call(&storage, "key", &[i.into()])?.as_string())
        .filter(|key| is_personal(key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_out_takes_her_things_and_leaves_the_devices_settings() {
        for hers in [
            "shopbag.bag",
            "shopbag.products",
            "shopbag.member",
            "shopbag.size.coat",
            "shopbag.notified",
            "shopbag.prompted",
        ] {
            assert!(is_personal(hers), "{hers}");
        }
        for kept in DEVICE_SETTINGS.iter().chain(&["other.app.key"]) {
            assert!(!is_personal(kept), "{kept}");
        }
    }
}
