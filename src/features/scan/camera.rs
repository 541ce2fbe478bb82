//! The phone's camera: the rear lens (or the one the shopper picked), its torch and zoom, and
//! exactly why it cannot be used when it cannot.
//!
//! Thin glue over `getUserMedia` rather than leptos-use's `use_user_media`: switching lenses
//! needs new constraints per start, and the reason for a refusal lives in the DOMException name.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaStream, MediaStreamConstraints, MediaStreamTrack};

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
    storage()?.get_item(CHOICE_KEY).ok().flatten()
}

pub fn remember_camera(device_id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(CHOICE_KEY, device_id);
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Starts the camera: `device` if given (and still there), else the rear lens.
pub async fn open(device: Option<String>) -> Result<MediaStream, CameraProblem> {
    let window = web_sys::window().ok_or(CameraProblem::Unsupported)?;
    if !window.is_secure_context() {
        return Err(CameraProblem::Insecure);
    }
    let navigator = window.navigator();
    let media = Reflect::get(&navigator, &"mediaDevices".into()).unwrap_or(JsValue::UNDEFINED);
    let has_gum = !media.is_undefined()
        && Reflect::get(&media, &"getUserMedia".into()).is_ok_and(|f| f.is_function());
    if !has_gum {
        return Err(CameraProblem::Unsupported);
    }
    let media: web_sys::MediaDevices = media.unchecked_into();
    let attempt = |device: Option<&str>| {
        let constraints = MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::FALSE);
        constraints.set_video(&video_constraints(device));
        media.get_user_media_with_constraints(&constraints)
    };
    let opened = match attempt(device.as_deref()) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    match opened {
        Ok(stream) => Ok(stream.unchecked_into()),
        // A remembered lens that is gone (another phone, a detached USB camera): use the default.
        Err(error)
            if device.is_some() && CameraProblem::from_error(&error) == CameraProblem::NoCamera =>
        {
            let promise = attempt(None).map_err(|e| CameraProblem::from_error(&e))?;
            let stream = JsFuture::from(promise)
                .await
                .map_err(|e| CameraProblem::from_error(&e))?;
            Ok(stream.unchecked_into())
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
    let Some(media) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else {
        return Vec::new();
    };
    let Ok(promise) = media.enumerate_devices() else {
        return Vec::new();
    };
    let Ok(devices) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    Array::from(&devices)
        .iter()
        .filter_map(|d| {
            let d: web_sys::MediaDeviceInfo = d.unchecked_into();
            (d.kind() == web_sys::MediaDeviceKind::Videoinput).then(|| d.device_id())
        })
        .filter(|id| !id.is_empty())
        .collect()
}

pub fn video_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into().ok()
}

pub fn device_of(stream: &MediaStream) -> Option<String> {
    let settings = video_track(stream)?.get_settings();
    Reflect::get(&settings, &"deviceId".into())
        .ok()?
        .as_string()
}

/// What the lens can do beyond taking pictures; only what the track reports is offered.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Abilities {
    pub torch: bool,
    /// min, max, step
    pub zoom: Option<(f64, f64, f64)>,
}

pub fn abilities(stream: &MediaStream) -> Abilities {
    let Some(track) = video_track(stream) else {
        return Abilities::default();
    };
    // getCapabilities is missing in some browsers (Firefox): then nothing is offered.
    let capabilities = Reflect::get(&track, &"getCapabilities".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&track).ok());
    let Some(capabilities) = capabilities else {
        return Abilities::default();
    };
    let get = |target: &JsValue, key: &str| Reflect::get(target, &key.into()).ok();
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
pub fn apply(stream: &MediaStream, name: &str, value: JsValue) {
    let Some(track) = video_track(stream) else {
        return;
    };
    let setting = Object::new();
    let _ = Reflect::set(&setting, &name.into(), &value);
    let constraints = web_sys::MediaTrackConstraints::new();
    constraints.set_advanced(&Array::of1(&setting));
    if let Ok(promise) = track.apply_constraints_with_constraints(&constraints) {
        // A refusal leaves the lens as it was; nothing else to do.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
}

pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}
