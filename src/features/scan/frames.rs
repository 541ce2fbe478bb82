//! The camera frames that go to the decoder: only the viewfinder region, one at a time.

use super::decoder::{Decoder, Trouble};
use crate::reflect::{call, get};
use futures::channel::oneshot;
use gloo_timers::future::TimeoutFuture;
use js_sys::{Object, Reflect};
use leptos::prelude::request_animation_frame;
use shopbag_scanner::protocol::Crop;
use shopbag_scanner::Decoded;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The viewfinder region as shares of the frame. The scanner screen draws its frame from the same
/// numbers (`style/main.css`, `.viewfinder-region`).
pub const REGION: Crop = Crop {
    left: 0.1,
    top: 0.18,
    width: 0.8,
    height: 0.64,
};

#[wasm_bindgen]
extern "C" {
    /// WebCodecs' `VideoFrame` (web-sys has it only behind its unstable APIs flag).
    pub type VideoFrame;
    #[wasm_bindgen(constructor, catch)]
    fn new(source: &JsValue) -> Result<VideoFrame, JsValue>;
    #[wasm_bindgen(method)]
    fn close(this: &VideoFrame);
}

/// One camera frame on its way to the decoder.
pub enum Grab {
    /// The whole frame as the camera delivered it (WebCodecs): the worker copies the
    /// viewfinder's luma straight out of it.
    Video(VideoFrame),
    /// The viewfinder region, cropped and scaled by the browser and read back through a canvas
    /// in the worker: where WebCodecs is missing. (An `ImageBitmap`.)
    Bitmap(JsValue),
}

impl Grab {
    /// The picture to post.
    pub fn picture(&self) -> JsValue {
        match self {
            Grab::Video(frame) => frame.into(),
            Grab::Bitmap(bitmap) => bitmap.clone(),
        }
    }

    /// What the worker cuts from the picture: a bitmap is cut already.
    pub fn crop(&self) -> Option<Crop> {
        matches!(self, Grab::Video(_)).then_some(REGION)
    }

    pub fn close(self) {
        match self {
            Grab::Video(frame) => frame.close(),
            Grab::Bitmap(bitmap) => {
                call(&bitmap, "close", &[]);
            }
        }
    }
}

/// Wider regions are scaled down while grabbing: a tag needs about two pixels a bar, and fewer
/// pixels decode faster.
const MAX_GRAB_WIDTH: f64 = 800.0;

/// Sends frames from `video` to `decoder` until `stop` is set, while `active()` holds, and calls
/// `on_code` with each code that passed every gate and the time its frame was taken. Returns
/// early if the decoder cannot be loaded at all.
pub async fn watch(
    video: JsValue,
    decoder: Decoder,
    active: impl Fn() -> bool,
    on_code: impl Fn(Decoded, f64),
    stop: Rc<Cell<bool>>,
) {
    while !stop.get() {
        next_frame().await;
        // Paused (a product sheet is open): check again next frame, so resuming is immediate.
        if !active() {
            continue;
        }
        // HAVE_CURRENT_DATA: a frame can be drawn.
        if number(&video, "readyState") < 2.0 || number(&video, "videoWidth") == 0.0 {
            TimeoutFuture::new(100).await;
            continue;
        }
        let at = now();
        let Some(grabbed) = grab(&video).await else {
            TimeoutFuture::new(100).await;
            continue;
        };
        if stop.get() {
            grabbed.close();
            break;
        }
        // Waiting for the answer before the next grab is the "one frame in flight" rule: a
        // slow phone reads fewer frames instead of queueing them.
        match decoder.read_frame(grabbed, at).await {
            Ok(reading) => {
                if let Some(code) = reading.code {
                    if !stop.get() && active() {
                        on_code(code, at);
                    }
                }
            }
            // No worker will come: stop grabbing frames nobody reads.
            Err(Trouble::Unavailable) => return,
            // Crashed or hung: the watchdog is already starting a fresh worker.
            Err(_) => {}
        }
    }
}

/// The current frame: as a `VideoFrame` where the browser has WebCodecs, else the viewfinder
/// region as a bitmap, cropped (and scaled) by the browser.
async fn grab(video: &JsValue) -> Option<Grab> {
    let has_webcodecs = web_sys::window()
        .is_some_and(|w| js_sys::Reflect::has(&w, &"VideoFrame".into()).unwrap_or(false));
    if has_webcodecs {
        if let Ok(frame) = VideoFrame::new(video) {
            return Some(Grab::Video(frame));
        }
    }
    let size = |name| number(video, name) as u32;
    let region = REGION.pixels(size("videoWidth"), size("videoHeight"));
    let (sw, sh) = (f64::from(region.width), f64::from(region.height));
    let mut args: Vec<JsValue> = vec![
        video.clone(),
        region.x.into(),
        region.y.into(),
        region.width.into(),
        region.height.into(),
    ];
    if sw > MAX_GRAB_WIDTH {
        let options = Object::new();
        let _ = Reflect::set(&options, &"resizeWidth".into(), &MAX_GRAB_WIDTH.into());
        let height = (sh * MAX_GRAB_WIDTH / sw).round();
        let _ = Reflect::set(&options, &"resizeHeight".into(), &height.into());
        args.push(options.into());
    }
    let promise = call(&web_sys::window()?.into(), "createImageBitmap", &args)?;
    JsFuture::from(js_sys::Promise::from(promise))
        .await
        .ok()
        .map(Grab::Bitmap)
}

/// A number property of a browser object (0 when it has none).
pub(crate) fn number(target: &JsValue, name: &str) -> f64 {
    get(target, name).and_then(|n| n.as_f64()).unwrap_or(0.0)
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Resolves at the next animation frame (never while the tab is hidden). The loop awaits its
/// frames one at a time, so it takes Leptos's one-shot frame callback, not a per-frame hook.
async fn next_frame() {
    let (shown, frame) = oneshot::channel();
    request_animation_frame(move || {
        let _ = shown.send(());
    });
    let _ = frame.await;
}
