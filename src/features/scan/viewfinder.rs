//! The live camera with its region frame and controls, or why there is no camera: the scanner
//! screen's, and the cashier's for member codes.

use super::camera::CameraProblem;
use super::decoder::Decoder;
use super::lens::{use_camera, Camera, Lens};
use super::{feedback, frames};
use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shopbag_scanner::Decoded;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// The live camera with its region frame and controls, or exactly why there is no camera. Each
/// code the camera reads goes to `on_code`.
#[component]
pub fn Viewfinder(
    on_code: Callback<String>,
    decoder: StoredValue<Decoder, LocalStorage>,
    #[prop(into)] paused: Signal<bool>,
    restarts: Signal<u32>,
    /// The screen's handle on the video, for a shot of what is in view.
    #[prop(optional)]
    video: NodeRef<html::Video>,
) -> impl IntoView {
    let i18n = use_i18n();
    let camera = use_camera(video);
    let lens = camera.lens;
    // The box takes the picture's proportions, so the region frame lies on the pixels decoded.
    let proportions = RwSignal::new((4u32, 3u32));
    let on_metadata = move |_| {
        if let Some(video) = video.get_untracked() {
            if video.video_width() > 0 && video.video_height() > 0 {
                proportions.set((video.video_width(), video.video_height()));
            }
        }
    };
    let unavailable = read_frames(video, lens, paused, decoder, on_code);

    let status = move || match lens.get() {
        Lens::Starting => i18n.camera_starting().to_string(),
        Lens::Off => i18n.camera_paused().to_string(),
        _ if unavailable.get() => i18n.decoder_unavailable().to_string(),
        _ if paused.get() => i18n.camera_paused().to_string(),
        _ => i18n.scan_hint().to_string(),
    };

    view! {
        <div
            class="viewfinder"
            class:paused=paused
            data-decoder-restarts=move || restarts.get().to_string()
            data-camera=move || match lens.get() {
                Lens::Starting => "starting",
                Lens::On(_) => "on",
                Lens::Off => "off",
                Lens::Problem(_) => "problem",
            }
            hidden=move || matches!(lens.get(), Lens::Problem(_))
            style:aspect-ratio=move || {
                let (w, h) = proportions.get();
                format!("{w} / {h}")
            }
            style:width=move || {
                let (w, h) = proportions.get();
                format!("min(100%, calc(60vh * {w} / {h}))")
            }
        >
            <video
                node_ref=video
                autoplay=true
                muted=true
                playsinline=true
                aria-hidden="true"
                on:loadedmetadata=on_metadata
            ></video>
            <div class="viewfinder-region" aria-hidden="true"></div>
            <p class="viewfinder-status">{status}</p>
        </div>
        <CameraControls camera />
        {move || match lens.get() {
            Lens::Problem(problem) => Some(view! {
                <CameraTrouble problem on_retry=move || camera.start(None) />
            }),
            _ => None,
        }}
        {move || {
            (restarts.get() > 0)
                .then(|| view! { <p class="hint">{move || i18n.decoder_restarted()}</p> })
        }}
    }
}

/// Sends the video's frames to the decoder from the moment the element exists, while the lens
/// is on and the screen not `paused`, until the owner goes; each code read goes to `on_code`.
/// The answer turns true when the decoder worker could not be loaded at all (offline before it
/// was ever fetched).
fn read_frames(
    video: NodeRef<html::Video>,
    lens: RwSignal<Lens>,
    paused: Signal<bool>,
    decoder: StoredValue<Decoder, LocalStorage>,
    on_code: Callback<String>,
) -> RwSignal<bool> {
    let stopped = Rc::new(Cell::new(false));
    let unavailable = RwSignal::new(false);
    let frames_stopped = stopped.clone();
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let Some(element) = video.get() else {
            return false;
        };
        let element = JsValue::from(element);
        // Read without panicking: the loop may wake once more after the screen is gone.
        let active = move || {
            matches!(lens.try_get_untracked(), Some(Lens::On(_)))
                && paused.try_get_untracked() == Some(false)
        };
        let on_code = move |code: Decoded, _at: f64| on_code.run(code.text);
        let stopped = frames_stopped.clone();
        let decoder = decoder.get_value();
        spawn_local(async move {
            frames::watch(element, decoder, active, on_code, stopped.clone()).await;
            if !stopped.get() {
                unavailable.set(true);
            }
        });
        true
    });
    let stopped = send_wrapper::SendWrapper::new(stopped);
    on_cleanup(move || stopped.set(true));

    unavailable
}

/// The beep setting and what the camera offers: another lens, the torch, zoom.
#[component]
fn CameraControls(camera: Camera) -> impl IntoView {
    let i18n = use_i18n();
    // Off unless the shopper turned it on: a shop floor is no place for surprise noises.
    let beep = RwSignal::new(feedback::beep_wanted());
    view! {
        <div class="camera-controls">
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=beep
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        beep.set(on);
                        feedback::want_beep(on);
                    }
                />
                <span>{move || i18n.beep_on_scan()}</span>
            </label>
            <Show when=move || { camera.cameras.with(Vec::len) > 1 }>
                <button type="button" class="button" on:click=move |_| camera.switch()>
                    {move || i18n.switch_camera()}
                </button>
            </Show>
            <Show when=move || camera.abilities().torch>
                <button
                    type="button"
                    class="button"
                    aria-pressed=move || camera.torch.get().to_string()
                    on:click=move |_| camera.toggle_torch()
                >
                    {move || i18n.torch()}
                </button>
            </Show>
            {move || camera.abilities().zoom.map(|(min, max, step)| view! {
                <label class="zoom">
                    <span>{move || i18n.zoom()}</span>
                    <input type="range" min=min max=max step=step value=min
                        on:input=move |ev| camera.zoom(event_target_value(&ev).parse().unwrap_or(1.0)) />
                </label>
            })}
        </div>
    }
}

/// Why the camera cannot be used and what to do about it; the fallbacks sit right below.
#[component]
fn CameraTrouble(
    problem: CameraProblem,
    on_retry: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let (message, can_retry) = match &problem {
        CameraProblem::Insecure => (i18n.camera_insecure().to_string(), false),
        CameraProblem::Unsupported => (i18n.camera_unsupported().to_string(), false),
        CameraProblem::Denied => (i18n.camera_denied().to_string(), true),
        CameraProblem::NoCamera => (i18n.camera_none().to_string(), true),
        CameraProblem::Busy => (i18n.camera_busy().to_string(), true),
        CameraProblem::Failed(reason) => (i18n.camera_failed(reason.clone()).to_string(), true),
    };
    view! {
        <div class="problem camera-problem" role="alert">
            <h2>{move || i18n.camera_unavailable()}</h2>
            <p>{message}</p>
            <p>{move || i18n.camera_fallback_hint()}</p>
            <Show when=move || can_retry>
                <button type="button" class="button" on:click=move |_| on_retry()>
                    {move || i18n.retry()}
                </button>
            </Show>
        </div>
    }
}
