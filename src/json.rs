//! JSON through the browser's own `JSON`: the app carries no JSON parser, and each type has one
//! reader, whether it comes from the API or from the device's storage.
//!
//! Reading is ours, a serde `Deserializer` over the parsed value that does not spell out what
//! went wrong: serde-wasm-bindgen's formats its errors, and formatting serde's messages (floats
//! among them) was 10 KB of every screen's first load. The caller says what could not be read.
//! Writing goes through serde-wasm-bindgen, only on screens that write.

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::Serialize;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// Why a text was not the JSON of a `T`, in words for logs and error messages.
pub type Problem = String;

pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    let value = js_sys::JSON::parse(text).map_err(|_| Problem::from("not JSON"))?;
    from_value(value)
}

pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Problem> {
    T::deserialize(Value(value)).map_err(|_| Problem::from("not the expected JSON"))
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

/// A value of parsed JSON, read into a type.
struct Value(JsValue);

/// The value was not what the type expects (deliberately without the details: see above).
#[derive(Debug)]
struct Unreadable;

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not the expected JSON")
    }
}

impl std::error::Error for Unreadable {}

impl de::Error for Unreadable {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unreadable
    }
}

/// JSON numbers are doubles; serde's integer readers take integers only, so whole numbers (all
/// of ours: quantities, fen, milliseconds) are handed over as integers.
const SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// What a value is, found out once (not in every type's reader: each type gets its own copy of
/// the generic part, so it is kept to a `match`).
enum Found {
    Nothing,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    Items(Items),
    Entries(Entries),
    Other,
}

#[inline(never)]
fn look_at(value: JsValue) -> Found {
    if value.is_null() || value.is_undefined() {
        Found::Nothing
    } else if let Some(yes) = value.as_bool() {
        Found::Bool(yes)
    } else if let Some(n) = value.as_f64() {
        match n {
            _ if n.fract() != 0.0 || n.abs() > SAFE_INTEGER => Found::Float(n),
            _ if n < 0.0 => Found::Signed(n as i64),
            _ => Found::Unsigned(n as u64),
        }
    } else if let Some(text) = value.as_string() {
        Found::Text(text)
    } else if js_sys::Array::is_array(&value) {
        Found::Items(Items::of(value.unchecked_into()))
    } else if value.is_object() {
        Found::Entries(Entries {
            entries: Items::of(js_sys::Object::entries(value.unchecked_ref())),
            value: None,
        })
    } else {
        Found::Other
    }
}

impl<'de> de::Deserializer<'de> for Value {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        match look_at(self.0) {
            Found::Nothing => visitor.visit_unit(),
            Found::Bool(yes) => visitor.visit_bool(yes),
            Found::Unsigned(n) => visitor.visit_u64(n),
            Found::Signed(n) => visitor.visit_i64(n),
            Found::Float(n) => visitor.visit_f64(n),
            Found::Text(text) => visitor.visit_string(text),
            Found::Items(items) => visitor.visit_seq(items),
            Found::Entries(entries) => visitor.visit_map(entries),
            Found::Other => Err(Unreadable),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    /// Our enums are strings (`"sold_out"`); internally tagged ones are read as maps.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        let name = self.0.as_string().ok_or(Unreadable)?;
        visitor.visit_enum(IntoDeserializer::<Unreadable>::into_deserializer(name))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// An array's items, one at a time.
struct Items {
    array: js_sys::Array,
    next: u32,
}

impl Items {
    fn of(array: js_sys::Array) -> Items {
        Items { array, next: 0 }
    }
}

impl Iterator for Items {
    type Item = JsValue;

    fn next(&mut self) -> Option<JsValue> {
        (self.next < self.array.length()).then(|| {
            self.next += 1;
            self.array.get(self.next - 1)
        })
    }
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Unreadable;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unreadable> {
        self.next()
            .map(|item| seed.deserialize(Value(item)))
            .transpose()
    }
}

/// An object's `[key, value]` entries.
struct Entries {
    entries: Items,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Unreadable;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unreadable> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        let entry: js_sys::Array = entry.unchecked_into();
        self.value = Some(entry.get(1));
        let key = entry.get(0).as_string().ok_or(Unreadable)?;
        let key: StringDeserializer<Unreadable> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unreadable> {
        seed.deserialize(Value(self.value.take().ok_or(Unreadable)?))
    }
}
