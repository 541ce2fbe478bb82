//! The device's localStorage, holding JSON (read and written by `crate::json`).

use crate::json;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a key holds.
pub enum Kept<T> {
    Nothing,
    Value(T),
    /// Text that is not a `T`: damaged, or written by something else.
    Unreadable(String),
}

/// The device would not store it: no storage (some private modes), or its quota is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused;

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn read<T: DeserializeOwned>(key: &str) -> Kept<T> {
    match read_text(key) {
        None => Kept::Nothing,
        Some(text) => match parse(&text) {
            Some(value) => Kept::Value(value),
            None => Kept::Unreadable(text),
        },
    }
}

pub fn read_text(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    json::from_text(text).ok()
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
