//! Browser APIs reached by name, through `js_sys::Reflect`, for the few the app calls in one
//! place only: every web-sys binding the app uses is an import of its main module, in every
//! page's first load (a few hundred bytes each, with its JS glue).

use wasm_bindgen::{JsCast, JsValue};

/// `target[name]`, when it is there.
pub fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(target, &name.into())
        .ok()
        .filter(|v| !v.is_undefined())
}

/// `target.name(...args)`; `None` when there is no such method or it threw.
pub fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Option<JsValue> {
    let method: js_sys::Function = get(target, name)?.dyn_into().ok()?;
    method.apply(target, &args.iter().collect()).ok()
}

/// `new window[class](...args)`; `None` where the browser has no such class.
pub fn construct(class: &str, args: &[JsValue]) -> Option<JsValue> {
    let class: js_sys::Function = get(&js_sys::global(), class)?.dyn_into().ok()?;
    js_sys::Reflect::construct(&class, &args.iter().collect()).ok()
}
