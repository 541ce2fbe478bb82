//! `use_camera`: the rear camera as reactive state for the component that shows it — started
//! while the screen is shown and the tab visible, stopped otherwise and when the owner goes, with
//! the lens switch, torch and zoom the camera offers.

use super::camera::{self, Abilities, CameraProblem};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use::use_document_visibility;

/// Where the camera is at.
#[derive(Debug, Clone, PartialEq)]
pub enum Lens {
    Starting,
    On(Abilities),
    Off,
    Problem(CameraProblem),
}

/// The camera shown in a `<video>`; a `Copy` handle for the view's controls.
#[derive(Clone, Copy)]
pub struct Camera {
    pub lens: RwSignal<Lens>,
    /// The device's cameras, once one is on: more than one offers a switch.
    pub cameras: RwSignal<Vec<String>>,
    pub torch: RwSignal<bool>,
    stream: StoredValue<Option<camera::Stream>, LocalStorage>,
    video: NodeRef<html::Video>,
}

/// Starts the remembered camera in `video` while the tab is visible.
pub fn use_camera(video: NodeRef<html::Video>) -> Camera {
    let camera = Camera {
        lens: RwSignal::new(Lens::Starting),
        cameras: RwSignal::new(Vec::new()),
        torch: RwSignal::new(false),
        stream: StoredValue::new_local(None),
        video,
    };
    let visible = use_document_visibility();
    Effect::new(move |_| {
        if visible.get() == web_sys::VisibilityState::Visible {
            camera.start(camera::remembered_camera());
        } else {
            camera.stop();
            camera.lens.set(Lens::Off);
        }
    });
    on_cleanup(move || camera.stop());
    camera
}

impl Camera {
    /// Opens `device` (the default camera when `None`) in place of the one on.
    pub fn start(self, device: Option<String>) {
        self.stop();
        self.lens.set(Lens::Starting);
        spawn_local(async move {
            match camera::open(device).await {
                Ok(stream) => {
                    if let Some(video) = self.video.get_untracked() {
                        stream.show_in(&video.into());
                    }
                    self.lens.set(Lens::On(stream.abilities()));
                    self.torch.set(false);
                    self.stream.set_value(Some(stream));
                    self.cameras.set(camera::cameras().await);
                }
                Err(problem) => self.lens.set(Lens::Problem(problem)),
            }
        });
    }

    fn stop(self) {
        if let Some(stream) = self.stream.try_update_value(Option::take).flatten() {
            stream.stop();
        }
    }

    /// The next of the device's cameras, remembered for the next visit.
    pub fn switch(self) {
        let current = self
            .stream
            .with_value(|s| s.as_ref().and_then(camera::Stream::device));
        let list = self.cameras.get_untracked();
        let at = list.iter().position(|id| Some(id) == current.as_ref());
        let next = list.get(at.map_or(0, |i| (i + 1) % list.len())).cloned();
        if let Some(next) = next {
            camera::remember_camera(&next);
            self.start(Some(next));
        }
    }

    pub fn toggle_torch(self) {
        let on = !self.torch.get_untracked();
        self.torch.set(on);
        self.apply("torch", on.into());
    }

    pub fn zoom(self, value: f64) {
        self.apply("zoom", value.into());
    }

    fn apply(self, name: &str, value: wasm_bindgen::JsValue) {
        self.stream.with_value(|s| {
            if let Some(s) = s {
                s.apply(name, value);
            }
        });
    }

    /// What the camera offers now (nothing while it is not on).
    pub fn abilities(self) -> Abilities {
        match self.lens.get() {
            Lens::On(abilities) => abilities,
            _ => Abilities::default(),
        }
    }
}
