//! JSON through the browser's own `JSON`, with serde-wasm-bindgen between it and our types: the
//! app carries no JSON parser of its own, and each type has one reader, whether it comes from
//! the API or from the device's storage.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// Why a text was not the JSON of a `T`, in words for logs and error messages.
pub type Problem = String;

pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    let value = js_sys::JSON::parse(text).map_err(|_| Problem::from("not JSON"))?;
    from_value(value)
}

pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Problem> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

pub fn to_text<T: Serialize>(value: &T) -> Result<String, Problem> {
    stringify(&to_value(value)?)
}

/// The JS value JSON would make of `value`: plain objects and numbers (not Maps and BigInts).
pub fn to_value<T: Serialize>(value: &T) -> Result<JsValue, Problem> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())
}

pub fn stringify(value: &JsValue) -> Result<String, Problem> {
    let text = js_sys::JSON::stringify(value).map_err(|_| Problem::from("not serialisable"))?;
    Ok(text.into())
}
