//! The phone's camera: the rear lens (or the one the shopper picked), its torch and zoom, and
//! exactly why it cannot be used when it cannot.
//!
//! Thin glue over `getUserMedia` rather than leptos-use's `use_user_media`: switching lenses
//! needs new constraints per start, and the reason for a refusal lives in the DOMException name.
//! Every camera API is reached by name (see `crate::reflect`): as web-sys bindings they were
//! imports of the main module, in every page's first load, for the scanner screen alone.

use crate::reflect::{call, get};
use crate::storage;
use js_sys::{Array, Object, Reflect};
use leptos::prelude::window;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Why the camera cannot be used; each has its own message and way out on the scanner screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraProblem {
    /// Plain HTTP on another host: browsers offer cameras only to HTTPS pages and localhost.
    Insecure,
    /// No `getUserMedia` at all: an old browser or a webview that does not pass it on.
    Unsupported,
    /// The shopper (or a policy) said no.
    Denied,
    NoCamera,
    /// Another app or tab holds the camera.
    Busy,
    Failed(String),
}

impl CameraProblem {
    fn from_error(error: &JsValue) -> CameraProblem {
        let name = Reflect::get(error, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "PermissionDeniedError" | "SecurityError" => CameraProblem::Denied,
            "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => {
                CameraProblem::NoCamera
            }
            "NotReadableError" | "TrackStartError" | "AbortError" => CameraProblem::Busy,
            _ => CameraProblem::Failed(name),
        }
    }
}

/// The lens the shopper switched to last time, by device id.
const CHOICE_KEY: &str = "shopbag.camera";

pub fn remembered_camera() -> Option<String> {
    storage::read_text(CHOICE_KEY)
}

pub fn remember_camera(device_id: &str) {
    let _ = storage::write_text(CHOICE_KEY, device_id);
}

/// A running camera: its `MediaStream`.
#[derive(Clone)]
pub struct Stream(JsValue);

/// Starts the camera: `device` if given (and still there), else the rear lens.
pub async fn open(device: Option<String>) -> Result<Stream, CameraProblem> {
    let window = JsValue::from(window());
    if !get(&window, "isSecureContext").is_some_and(|s| s.is_truthy()) {
        return Err(CameraProblem::Insecure);
    }
    let media = get(&window, "navigator").and_then(|n| get(&n, "mediaDevices"));
    let Some(media) = media.filter(|m| get(m, "getUserMedia").is_some_and(|f| f.is_function()))
    else {
        return Err(CameraProblem::Unsupported);
    };
    let attempt = |device: Option<&str>| {
        let constraints = Object::new();
        let _ = Reflect::set(&constraints, &"audio".into(), &JsValue::FALSE);
        let _ = Reflect::set(&constraints, &"video".into(), &video_constraints(device));
        let promise = call(&media, "getUserMedia", &[constraints.into()]);
        async move {
            let promise = promise.ok_or(JsValue::UNDEFINED)?;
            JsFuture::from(js_sys::Promise::from(promise)).await
        }
    };
    match attempt(device.as_deref()).await {
        Ok(stream) => Ok(Stream(stream)),
        // A remembered lens that is gone (another phone, a detached USB camera): use the default.
        Err(error)
            if device.is_some() && CameraProblem::from_error(&error) == CameraProblem::NoCamera =>
        {
            let stream = attempt(None)
                .await
                .map_err(|e| CameraProblem::from_error(&e))?;
            Ok(Stream(stream))
        }
        Err(error) => Err(CameraProblem::from_error(&error)),
    }
}

/// `{deviceId: {exact}}` for a chosen lens, else the rear one at up to 1280×720: enough pixels
/// for a tag at arm's length, few enough to grab quickly.
fn video_constraints(device: Option<&str>) -> JsValue {
    let video = Object::new();
    let set = |target: &Object, key: &str, value: JsValue| {
        let _ = Reflect::set(target, &key.into(), &value);
    };
    let ideal = |value: JsValue| {
        let o = Object::new();
        set(&o, "ideal", value);
        JsValue::from(o)
    };
    match device {
        Some(id) => {
            let exact = Object::new();
            set(&exact, "exact", id.into());
            set(&video, "deviceId", exact.into());
        }
        None => set(&video, "facingMode", ideal("environment".into())),
    }
    set(&video, "width", ideal(1280.into()));
    set(&video, "height", ideal(720.into()));
    video.into()
}

/// The device ids of every camera, in the browser's order (labels need permission; ids do not).
pub async fn cameras() -> Vec<String> {
    let media = get(&window().navigator().into(), "mediaDevices");
    let Some(promise) = media.and_then(|m| call(&m, "enumerateDevices", &[])) else {
        return Vec::new();
    };
    let Ok(devices) = JsFuture::from(js_sys::Promise::from(promise)).await else {
        return Vec::new();
    };
    Array::from(&devices)
        .iter()
        .filter(|d| get(d, "kind").and_then(|k| k.as_string()).as_deref() == Some("videoinput"))
        .filter_map(|d| get(&d, "deviceId")?.as_string())
        .filter(|id| !id.is_empty())
        .collect()
}

impl Stream {
    fn video_track(&self) -> Option<JsValue> {
        let tracks = call(&self.0, "getVideoTracks", &[])?;
        Some(Array::from(&tracks).get(0)).filter(|t| t.is_object())
    }

    /// Shows the camera in `video` and starts it playing.
    pub fn show_in(&self, video: &JsValue) {
        let _ = Reflect::set(video, &"srcObject".into(), &self.0);
        call(video, "play", &[]);
    }

    pub fn device(&self) -> Option<String> {
        let settings = call(&self.video_track()?, "getSettings", &[])?;
        get(&settings, "deviceId")?.as_string()
    }

    /// What the lens can do beyond taking pictures; only what the track reports is offered.
    pub fn abilities(&self) -> Abilities {
        // getCapabilities is missing in some browsers (Firefox): then nothing is offered.
        let capabilities = self
            .video_track()
            .and_then(|track| call(&track, "getCapabilities", &[]));
        let Some(capabilities) = capabilities else {
            return Abilities::default();
        };
        let torch = get(&capabilities, "torch").is_some_and(|t| t.is_truthy());
        let zoom = get(&capabilities, "zoom")
            .filter(|z| z.is_object())
            .and_then(|z| {
                let min = get(&z, "min")?.as_f64()?;
                let max = get(&z, "max")?.as_f64()?;
                let step = get(&z, "step").and_then(|s| s.as_f64()).unwrap_or(0.1);
                (max > min).then_some((min, max, step))
            });
        Abilities { torch, zoom }
    }

    /// Applies `{advanced: [{name: value}]}`: torch and zoom are not in the basic constraint set.
    pub fn apply(&self, name: &str, value: JsValue) {
        let Some(track) = self.video_track() else {
            return;
        };
        let setting = Object::new();
        let _ = Reflect::set(&setting, &name.into(), &value);
        let constraints = Object::new();
        let _ = Reflect::set(&constraints, &"advanced".into(), &Array::of1(&setting));
        if let Some(promise) = call(&track, "applyConstraints", &[constraints.into()]) {
            // A refusal leaves the lens as it was; nothing else to do.
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(js_sys::Promise::from(promise)).await;
            });
        }
    }

    pub fn stop(&self) {
        if let Some(tracks) = call(&self.0, "getTracks", &[]) {
            for track in Array::from(&tracks).iter() {
                call(&track, "stop", &[]);
            }
        }
    }
}

/// What the lens can do beyond taking pictures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Abilities {
    pub torch: bool,
    /// min, max, step
    pub zoom: Option<(f64, f64, f64)>,
}
