//! A garment as a small JPEG to send: the frame the camera shows now, or a photo file, drawn on
//! an `OffscreenCanvas` at the size its [`Framing`] says and encoded by the browser. Reached by
//! name (`crate::reflect`), like the frame grab: these are called from one screen only.

use super::frames::number;
use crate::api::visual::Framing;
use crate::reflect::{call, construct};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Quality of the JPEG sent: the network does not see the difference from 1.0, the upload does.
const JPEG_QUALITY: f64 = 0.8;

/// The camera's current frame, framed as a shopper's shot. `None` while the video has no
/// frame, or where the browser cannot encode one (no `OffscreenCanvas`).
pub async fn of_video(video: &JsValue) -> Option<Blob> {
    let size = |name| number(video, name) as u32;
    let framing = Framing::shot(size("videoWidth"), size("videoHeight"))?;
    jpeg(video, framing).await
}

/// A photo file (any picture the browser opens), framed by `framing`.
pub async fn of_file(file: &Blob, framing: fn(u32, u32) -> Option<Framing>) -> Option<Blob> {
    let window: JsValue = web_sys::window()?.into();
    let opened = call(&window, "createImageBitmap", &[file.into()])?;
    let bitmap = JsFuture::from(Promise::from(opened)).await.ok()?;
    let size = |name| number(&bitmap, name) as u32;
    let shot = match framing(size("width"), size("height")) {
        Some(framing) => jpeg(&bitmap, framing).await,
        None => None,
    };
    call(&bitmap, "close", &[]);
    shot
}

async fn jpeg(source: &JsValue, framing: Framing) -> Option<Blob> {
    let (width, height) = framing.size;
    let canvas = construct("OffscreenCanvas", &[width.into(), height.into()])?;
    let context = call(&canvas, "getContext", &["2d".into()])?;
    let (x, y, w, h) = framing.source;
    let args = [x, y, w, h, 0.0, 0.0, f64::from(width), f64::from(height)];
    let mut draw: Vec<JsValue> = vec![source.clone()];
    draw.extend(args.map(JsValue::from));
    call(&context, "drawImage", &draw)?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"type".into(), &"image/jpeg".into());
    let _ = Reflect::set(&options, &"quality".into(), &JPEG_QUALITY.into());
    let encoded = call(&canvas, "convertToBlob", &[options.into()])?;
    JsFuture::from(Promise::from(encoded))
        .await
        .ok()?
        .dyn_into()
        .ok()
}
