//! The decoder Web Worker: [`Request`]s arrive beside their pictures, [`Answer`]s leave
//! (`crate::protocol` says how); the worker stays up whatever a picture holds.

use crate::protocol::{Answer, Reading, Request};
use crate::{Agreement, Frame, Mode, Scanner};
use js_sys::{Array, Object, Reflect};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, DedicatedWorkerGlobalScope, ImageBitmap, ImageBitmapOptions, MessageEvent,
    OffscreenCanvas, OffscreenCanvasRenderingContext2d, ResizeQuality,
};

/// Photos are scaled by the browser to at most this long side before reading: the thorough
/// pass reads at most this much anyway, and it spares copying a 48-megapixel photo into wasm.
pub const PHOTO_LONG_SIDE: u32 = 1600;

thread_local! {
    static SCANNER: RefCell<Scanner> = RefCell::new(Scanner::new());
    static AGREEMENT: RefCell<Agreement> = RefCell::new(Agreement::default());
}

/// Starts answering messages; called once by the worker's `main`.
pub fn serve() {
    // A panic aborts the wasm instance; say so first, so the page replaces this worker at once
    // instead of waiting for its watchdog.
    std::panic::set_hook(Box::new(|info| {
        post(&Answer::Crashed {
            message: info.to_string(),
        })
    }));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        wasm_bindgen_futures::spawn_local(answer(event.data()));
    });
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker's one listener lives as long as the worker.
    on_message.forget();
    post(&Answer::Ready);
}

fn post(answer: &Answer) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Ok(message) = serde_wasm_bindgen::to_value(answer) {
        let _ = scope.post_message(&message);
    }
}

/// Answers one `[request, picture]` message. A message that is not one is ignored: there is no
/// id to answer to, and the page's deadline covers it.
async fn answer(message: JsValue) {
    let message: Array = message.unchecked_into();
    let Ok(request) = serde_wasm_bindgen::from_value::<Request>(message.get(0)) else {
        return;
    };
    let started = now();
    let id = request.id();
    post(&match read(&request, message.get(1)).await {
        Ok((seen, code)) => Answer::Read {
            id,
            reading: Reading {
                seen,
                code,
                ms: now() - started,
            },
        },
        Err(error) => Answer::Failed { id, error },
    });
}

/// What one picture shows, and what of it passes every gate.
async fn read(
    request: &Request,
    picture: JsValue,
) -> Result<(Option<crate::Decoded>, Option<crate::Decoded>), String> {
    match *request {
        Request::Live { at, .. } => {
            let bitmap: ImageBitmap = picture
                .dyn_into()
                .map_err(|_| "a live frame needs an ImageBitmap".to_string())?;
            let frame = frame_of_bitmap(&bitmap);
            bitmap.close();
            let frame = frame?;
            let seen = SCANNER.with_borrow_mut(|s| s.scan(&frame, Mode::Live));
            let code = AGREEMENT.with_borrow_mut(|a| a.observe(seen.clone(), at));
            Ok((seen, code))
        }
        Request::Thorough { .. } => {
            let blob: Blob = picture
                .dyn_into()
                .map_err(|_| "a photo needs a Blob".to_string())?;
            let frame = frame_of_photo(&blob).await?;
            let code = SCANNER.with_borrow_mut(|s| s.scan(&frame, Mode::Thorough));
            Ok((code.clone(), code))
        }
    }
}

/// Decodes a photo file in the browser, scaled to at most [`PHOTO_LONG_SIDE`], into a frame.
pub async fn frame_of_photo(blob: &Blob) -> Result<Frame, String> {
    let unreadable = |_| "the file is not a picture this browser can open".to_string();
    let full: ImageBitmap = bitmap(create_image_bitmap(blob.as_ref(), None)?)
        .await
        .map_err(unreadable)?;
    let (width, height) = (full.width(), full.height());
    let long_side = width.max(height);
    if long_side <= PHOTO_LONG_SIDE {
        let frame = frame_of_bitmap(&full);
        full.close();
        return frame;
    }
    let options = ImageBitmapOptions::new();
    options.set_resize_width(
        (u64::from(width) * u64::from(PHOTO_LONG_SIDE) / u64::from(long_side)) as u32,
    );
    options.set_resize_height(
        (u64::from(height) * u64::from(PHOTO_LONG_SIDE) / u64::from(long_side)) as u32,
    );
    options.set_resize_quality(ResizeQuality::High);
    let scaled = bitmap(create_image_bitmap(full.as_ref(), Some(&options))?).await;
    full.close();
    let scaled = scaled.map_err(unreadable)?;
    let frame = frame_of_bitmap(&scaled);
    scaled.close();
    frame
}

/// Reads a bitmap's pixels through an OffscreenCanvas (available in workers and pages alike).
pub fn frame_of_bitmap(bitmap: &ImageBitmap) -> Result<Frame, String> {
    let (width, height) = (bitmap.width(), bitmap.height());
    let failed = |e: JsValue| format!("cannot read the picture's pixels: {e:?}");
    let canvas = OffscreenCanvas::new(width, height).map_err(failed)?;
    // Pixels are read back every frame: ask for a CPU-side canvas up front.
    let options = object(&[("willReadFrequently", JsValue::TRUE)]);
    let context: OffscreenCanvasRenderingContext2d = canvas
        .get_context_with_context_options("2d", &options)
        .map_err(failed)?
        .ok_or("no 2d canvas in this browser")?
        .unchecked_into();
    context
        .draw_image_with_image_bitmap(bitmap, 0.0, 0.0)
        .map_err(failed)?;
    let pixels = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(failed)?;
    Frame::from_rgba(width, height, &pixels.data()).map_err(|e| e.to_string())
}

/// `createImageBitmap` of whichever global this runs in: the worker's, or a test page's window.
fn create_image_bitmap(
    source: &JsValue,
    options: Option<&ImageBitmapOptions>,
) -> Result<js_sys::Promise, String> {
    let global = js_sys::global();
    let create: js_sys::Function = Reflect::get(&global, &"createImageBitmap".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("createImageBitmap is missing in this browser")?;
    let result = match options {
        Some(options) => create.call2(&global, source, options),
        None => create.call1(&global, source),
    };
    result
        .map(JsCast::unchecked_into)
        .map_err(|e| format!("cannot open the picture: {e:?}"))
}

async fn bitmap(promise: js_sys::Promise) -> Result<ImageBitmap, JsValue> {
    JsFuture::from(promise).await.map(JsCast::unchecked_into)
}

fn now() -> f64 {
    Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}
