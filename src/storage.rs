//! The device's localStorage, holding JSON (read and written by `crate::json`).

use crate::json;
use serde::Serialize;

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
