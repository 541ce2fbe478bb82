//! The camera frames that go to the decoder: only the viewfinder region, one at a time.

use super::decoder::{Decoder, Trouble};
use shopbag_scanner::Decoded;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlVideoElement, ImageBitmap, ImageBitmapOptions};

/// The viewfinder region as shares of the frame: left, top, width, height. The scanner screen
/// draws its frame from the same numbers (`style/main.css`, `.viewfinder-region`).
pub const REGION: (f64, f64, f64, f64) = (0.1, 0.18, 0.8, 0.64);
/// Wider regions are scaled down while grabbing: a tag needs about two pixels a bar, and fewer
/// pixels decode faster.
const MAX_GRAB_WIDTH: f64 = 800.0;

/// Sends frames from `video` to `decoder` until `stop` is set, while `active()` holds, and calls
/// `on_code` with each code that passed every gate and the time its frame was taken. Returns
/// early if the decoder cannot be loaded at all.
pub async fn watch(
    video: HtmlVideoElement,
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
        if video.ready_state() < 2 || video.video_width() == 0 {
            sleep(100).await;
            continue;
        }
        let at = now();
        let Some(bitmap) = grab(&video).await else {
            sleep(100).await;
            continue;
        };
        if stop.get() {
            bitmap.close();
            break;
        }
        // Waiting for the answer before the next grab is the "one frame in flight" rule: a
        // slow phone reads fewer frames instead of queueing them.
        match decoder.read_frame(bitmap, at).await {
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

/// The viewfinder region of the current frame, cropped (and scaled) by the browser.
async fn grab(video: &HtmlVideoElement) -> Option<ImageBitmap> {
    let (width, height) = (
        f64::from(video.video_width()),
        f64::from(video.video_height()),
    );
    let (left, top, w, h) = REGION;
    let (sx, sy, sw, sh) = (
        (width * left).round(),
        (height * top).round(),
        (width * w).round(),
        (height * h).round(),
    );
    let window = web_sys::window()?;
    let promise = if sw > MAX_GRAB_WIDTH {
        let options = ImageBitmapOptions::new();
        options.set_resize_width(MAX_GRAB_WIDTH as u32);
        options.set_resize_height((sh * MAX_GRAB_WIDTH / sw).round() as u32);
        window
            .create_image_bitmap_with_html_video_element_and_a_sx_and_a_sy_and_a_sw_and_a_sh_and_a_options(
                video, sx as i32, sy as i32, sw as i32, sh as i32, &options,
            )
    } else {
        window.create_image_bitmap_with_html_video_element_and_a_sx_and_a_sy_and_a_sw_and_a_sh(
            video, sx as i32, sy as i32, sw as i32, sh as i32,
        )
    };
    JsFuture::from(promise.ok()?)
        .await
        .ok()
        .map(JsCast::unchecked_into)
}

pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Resolves at the next animation frame (never while the tab is hidden).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}
