//! The device's localStorage, holding JSON. The browser's own `JSON` reads and writes the text,
//! with serde-wasm-bindgen between it and our types, so the first load carries no JSON parser of
//! its own.

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

pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

pub fn write<T: Serialize>(key: &str, value: &T) -> Result<(), Refused> {
    // Plain objects and numbers, as JSON has them (not JS Maps and BigInts).
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| Refused)?;
    let text = js_sys::JSON::stringify(&value).map_err(|_| Refused)?;
    write_text(key, &String::from(text))
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
