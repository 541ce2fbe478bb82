//! The decoder Web Worker: [`Request`]s arrive beside their pictures, [`Answer`]s leave
//! (`crate::protocol` says how); the worker stays up whatever a picture holds.

use crate::protocol::{Answer, Crop, Reading, Rect, Request};
use crate::{Agreement, Frame, Mode, Scanner};
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, DedicatedWorkerGlobalScope, DomRectReadOnly, ImageBitmap, ImageBitmapOptions,
    MessageEvent, OffscreenCanvas, OffscreenCanvasRenderingContext2d, ResizeQuality,
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
    let id = request.id();
    post(&match read(&request, message.get(1)).await {
        Ok(reading) => Answer::Read { id, reading },
        Err(error) => Answer::Failed { id, error },
    });
}

/// What one picture shows, what of it passes every gate, and how long that took.
async fn read(request: &Request, picture: JsValue) -> Result<Reading, String> {
    let started = now();
    let (frame, mode, at) = match *request {
        Request::Live { at, crop, .. } => (live_frame(picture, crop).await?, Mode::Live, Some(at)),
        Request::Thorough { .. } => {
            let blob: Blob = picture
                .dyn_into()
                .map_err(|_| "a photo needs a Blob".to_string())?;
            (frame_of_photo(&blob).await?, Mode::Thorough, None)
        }
    };
    let pixels_ms = now() - started;
    let seen = SCANNER.with_borrow_mut(|s| s.scan(&frame, mode));
    let code = match at {
        Some(at) => AGREEMENT.with_borrow_mut(|a| a.observe(seen.clone(), at)),
        None => seen.clone(),
    };
    Ok(Reading {
        seen,
        code,
        ms: now() - started,
        pixels_ms,
    })
}

/// A camera frame's viewfinder region: a bitmap cut already, or a `VideoFrame` to cut.
async fn live_frame(picture: JsValue, crop: Option<Crop>) -> Result<Frame, String> {
    match (picture.dyn_into::<ImageBitmap>(), crop) {
        (Ok(bitmap), _) => {
            let frame = frame_of_bitmap(&bitmap);
            bitmap.close();
            frame
        }
        (Err(picture), Some(crop)) if is_video_frame(&picture) => {
            let video: VideoFrame = picture.unchecked_into();
            let frame = frame_of_video(&video, crop).await;
            video.close();
            frame
        }
        _ => Err("a live frame is an ImageBitmap, or a VideoFrame with a crop".into()),
    }
}

#[wasm_bindgen]
extern "C" {
    /// WebCodecs' `VideoFrame`, the members read here (web-sys has it only behind its unstable
    /// APIs flag).
    type VideoFrame;
    /// The pixel layout, e.g. "I420"; null for a frame whose pixels only the GPU holds.
    #[wasm_bindgen(method, getter)]
    fn format(this: &VideoFrame) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = visibleRect)]
    fn visible_rect(this: &VideoFrame) -> Option<DomRectReadOnly>;
    #[wasm_bindgen(method, js_name = copyTo)]
    fn copy_to(this: &VideoFrame, destination: &Uint8Array, options: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(method)]
    fn close(this: &VideoFrame);
}

/// Asks whether the class exists first: `instanceof` an undefined class throws.
fn is_video_frame(value: &JsValue) -> bool {
    Reflect::has(&js_sys::global(), &"VideoFrame".into()).unwrap_or(false)
        && value.is_instance_of::<VideoFrame>()
}

/// Camera frames this much wider than the viewfinder needs are read at half size: a tag needs
/// about two pixels a bar, and fewer pixels decode faster.
const MAX_LIVE_WIDTH: u32 = 1200;

/// The viewfinder region of a camera frame, copied straight out of the frame: for the YUV
/// layouts cameras deliver, the luma plane is already the picture we read — no canvas, no
/// readback, no colour conversion. Other layouts are converted; a frame only the GPU holds is
/// drawn on a canvas like a bitmap.
async fn frame_of_video(video: &VideoFrame, crop: Crop) -> Result<Frame, String> {
    let visible = video
        .visible_rect()
        .ok_or("the camera frame has no picture")?;
    let whole = crop.pixels(visible.width() as u32, visible.height() as u32);
    let rect = Rect {
        x: whole.x + visible.x() as u32,
        y: whole.y + visible.y() as u32,
        ..whole
    };
    let frame = match video.format().as_deref() {
        Some(
            layout @ ("I420" | "I420A" | "I422" | "I444" | "NV12" | "RGBA" | "RGBX" | "BGRA"
            | "BGRX"),
        ) => copied(video, layout, rect).await,
        _ => drawn(video.unchecked_ref(), rect),
    }?;
    Ok(if frame.width() > MAX_LIVE_WIDTH {
        frame.half()
    } else {
        frame
    })
}

async fn copied(video: &VideoFrame, layout: &str, rect: Rect) -> Result<Frame, String> {
    #[derive(serde::Serialize)]
    struct CopyOptions {
        rect: Rect,
    }
    let failed = |e: JsValue| format!("cannot copy the camera frame: {e:?}");
    let (width, height) = (rect.width, rect.height);
    let pixels = (width * height) as usize;
    // Planes are packed in order, the first (luma, or the only one) with a stride of its width.
    let bytes = if layout.starts_with('I') || layout == "NV12" {
        pixels * 3
    } else {
        pixels * 4
    };
    let buffer = Uint8Array::new_with_length(bytes as u32);
    let options = serde_wasm_bindgen::to_value(&CopyOptions { rect }).map_err(|e| e.to_string())?;
    JsFuture::from(video.copy_to(&buffer, &options))
        .await
        .map_err(failed)?;
    match layout {
        "RGBA" | "RGBX" => Frame::from_rgba(width, height, &buffer.to_vec()),
        "BGRA" | "BGRX" => Frame::from_bgra(width, height, &buffer.to_vec()),
        _ => Frame::from_luma(width, height, buffer.subarray(0, pixels as u32).to_vec()),
    }
    .map_err(|e| e.to_string())
}

/// The region of a picture the canvas can draw (a GPU-held `VideoFrame`), read back.
fn drawn(picture: &JsValue, rect: Rect) -> Result<Frame, String> {
    let failed = |e: JsValue| format!("cannot read the picture's pixels: {e:?}");
    let context = canvas(rect.width, rect.height)?;
    let draw: js_sys::Function = Reflect::get(&context, &"drawImage".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("no drawImage in this browser")?;
    let args = Array::of3(
        picture,
        &(-f64::from(rect.x)).into(),
        &(-f64::from(rect.y)).into(),
    );
    draw.apply(&context, &args).map_err(failed)?;
    read_back(&context, rect.width, rect.height)
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
    let context = canvas(width, height)?;
    context
        .draw_image_with_image_bitmap(bitmap, 0.0, 0.0)
        .map_err(|e| format!("cannot draw the picture: {e:?}"))?;
    read_back(&context, width, height)
}

/// A 2D canvas to read pixels back from, off the page.
fn canvas(width: u32, height: u32) -> Result<OffscreenCanvasRenderingContext2d, String> {
    let failed = |e: JsValue| format!("cannot make a canvas: {e:?}");
    let canvas = OffscreenCanvas::new(width, height).map_err(failed)?;
    // Pixels are read back every frame: ask for a CPU-side canvas up front.
    let options = object(&[("willReadFrequently", JsValue::TRUE)]);
    Ok(canvas
        .get_context_with_context_options("2d", &options)
        .map_err(failed)?
        .ok_or("no 2d canvas in this browser")?
        .unchecked_into())
}

fn read_back(
    context: &OffscreenCanvasRenderingContext2d,
    width: u32,
    height: u32,
) -> Result<Frame, String> {
    let pixels = context
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .map_err(|e| format!("cannot read the picture's pixels: {e:?}"))?;
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
