//! The live camera with its region frame and controls, or why there is no camera: the scanner
//! screen's, and the cashier's for member codes.

use super::camera::{self, Abilities, CameraProblem};
use super::decoder::Decoder;
use super::{feedback, frames};
use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::use_document_visibility;
use shopbag_scanner::Decoded;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Where the camera is at.
#[derive(Debug, Clone, PartialEq)]
enum Lens {
    Starting,
    On(Abilities),
    Off,
    Problem(CameraProblem),
}

/// The live camera with its region frame and controls, or exactly why there is no camera. Each
/// code the camera reads goes to `on_code`.
#[component]
pub fn Viewfinder(
    on_code: Callback<String>,
    decoder: StoredValue<Decoder, LocalStorage>,
    #[prop(into)] paused: Signal<bool>,
    restarts: Signal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let video = NodeRef::<html::Video>::new();
    let lens = RwSignal::new(Lens::Starting);
    let stream = StoredValue::new_local(None::<camera::Stream>);
    let cameras = RwSignal::new(Vec::<String>::new());
    let torch = RwSignal::new(false);
    // Off unless the shopper turned it on: a shop floor is no place for surprise noises.
    let beep = RwSignal::new(feedback::beep_wanted());
    let visible = use_document_visibility();
    // The box takes the picture's proportions, so the region frame lies on the pixels decoded.
    let proportions = RwSignal::new((4u32, 3u32));
    let on_metadata = move |_| {
        if let Some(video) = video.get_untracked() {
            if video.video_width() > 0 && video.video_height() > 0 {
                proportions.set((video.video_width(), video.video_height()));
            }
        }
    };
    let stopped = Rc::new(Cell::new(false));
    // The decoder worker could not be loaded at all (offline before it was ever fetched).
    let unavailable = RwSignal::new(false);

    let stop_camera = move || {
        if let Some(s) = stream.try_update_value(Option::take).flatten() {
            s.stop();
        }
    };
    let start_camera = move |device: Option<String>| {
        stop_camera();
        lens.set(Lens::Starting);
        spawn_local(async move {
            match camera::open(device).await {
                Ok(s) => {
                    if let Some(video) = video.get_untracked() {
                        s.show_in(&video.into());
                    }
                    lens.set(Lens::On(s.abilities()));
                    torch.set(false);
                    stream.set_value(Some(s));
                    cameras.set(camera::cameras().await);
                }
                Err(problem) => lens.set(Lens::Problem(problem)),
            }
        });
    };
    // The camera runs only while the screen is shown and the tab visible.
    Effect::new(move |_| {
        if visible.get() == web_sys::VisibilityState::Visible {
            start_camera(camera::remembered_camera());
        } else {
            stop_camera();
            lens.set(Lens::Off);
        }
    });
    // Frames go to the decoder from the moment the video element exists.
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
    on_cleanup(move || {
        stopped.set(true);
        stop_camera();
    });

    let switch_camera = move |_| {
        let current = stream.with_value(|s| s.as_ref().and_then(camera::Stream::device));
        let list = cameras.get_untracked();
        let at = list.iter().position(|id| Some(id) == current.as_ref());
        let next = list.get(at.map_or(0, |i| (i + 1) % list.len())).cloned();
        if let Some(next) = next {
            camera::remember_camera(&next);
            start_camera(Some(next));
        }
    };
    let toggle_torch = move |_| {
        let on = !torch.get_untracked();
        torch.set(on);
        stream.with_value(|s| {
            if let Some(s) = s {
                s.apply("torch", on.into());
            }
        });
    };
    let set_zoom = move |ev: leptos::ev::Event| {
        let value: f64 = event_target_value(&ev).parse().unwrap_or(1.0);
        stream.with_value(|s| {
            if let Some(s) = s {
                s.apply("zoom", value.into());
            }
        });
    };
    let abilities = move || match lens.get() {
        Lens::On(abilities) => abilities,
        _ => Abilities::default(),
    };
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
            <Show when=move || { cameras.with(Vec::len) > 1 }>
                <button type="button" class="button" on:click=switch_camera>
                    {move || i18n.switch_camera()}
                </button>
            </Show>
            <Show when=move || abilities().torch>
                <button type="button" class="button" aria-pressed=move || torch.get().to_string() on:click=toggle_torch>
                    {move || i18n.torch()}
                </button>
            </Show>
            {move || abilities().zoom.map(|(min, max, step)| view! {
                <label class="zoom">
                    <span>{move || i18n.zoom()}</span>
                    <input type="range" min=min max=max step=step value=min on:input=set_zoom />
                </label>
            })}
        </div>
        {move || match lens.get() {
            Lens::Problem(problem) => Some(view! {
                <CameraTrouble problem on_retry=move || start_camera(None) />
            }),
            _ => None,
        }}
        {move || {
            (restarts.get() > 0)
                .then(|| view! { <p class="hint">{move || i18n.decoder_restarted()}</p> })
        }}
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
