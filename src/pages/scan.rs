//! `/scan`: the camera scanner, with photo, typed and hardware-scanner fallbacks on the same screen.
//!
//! Every way in ends in [`Scanner::hit`]: look the code up, put that exact colour and size in the
//! bag, confirm (screen, announcement, buzz, optional beep) and show the product sheet, from
//! which one tap goes back to scanning.

use crate::api::{Client, CodeError, CodeMatch, Lang, ScannedCode};
use crate::components::{code_reason, CodeProblem, Entry, LookupProblem};
use crate::features::bag::{use_bag, Bag};
use crate::features::scan::camera::{self, Abilities, CameraProblem};
use crate::features::scan::decoder::{Decoder, Trouble};
use crate::features::scan::{feedback, frames, use_wedge, Cooldown};
use crate::features::store::{use_here, Here};
use crate::i18n::*;
use crate::pages::product::{intent_of, ProductSheet};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_query_map;
use leptos_use::use_document_visibility;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::MediaStream;

/// Where the camera is at.
#[derive(Debug, Clone, PartialEq)]
enum Lens {
    Starting,
    On(Abilities),
    Off,
    Problem(CameraProblem),
}

/// What the screen shows under the viewfinder after a code came in.
#[derive(Debug, Clone, PartialEq)]
enum Hit {
    Looking(String),
    Added(Box<CodeMatch>),
    Problem(String, LookupProblem),
    /// A photo with no readable code in it.
    NothingInPhoto,
}

/// The scanner screen's state and its one entry point for codes; a `Copy` handle holding the
/// app handles it needs, because codes also arrive from the frame loop, outside any component.
#[derive(Clone, Copy)]
struct Scanner {
    hit: RwSignal<Option<Hit>>,
    announcement: RwSignal<String>,
    cooldown: StoredValue<Cooldown, LocalStorage>,
    client: StoredValue<Client>,
    bag: Bag,
    here: Here,
    i18n: I18nContext<Locale>,
}

/// How a code reached us: camera reads repeat by themselves, the others are deliberate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Camera,
    Deliberate,
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            hit: RwSignal::new(None),
            announcement: RwSignal::new(String::new()),
            cooldown: StoredValue::new_local(Cooldown::default()),
            client: StoredValue::new(expect_context::<Client>()),
            bag: use_bag(),
            here: use_here(),
            i18n: use_i18n(),
        }
    }

    /// Looks `code` up and adds it to the bag. A camera read of a code added moments ago is
    /// ignored: "add another" is the way to add it again.
    fn hit(self, code: String, source: Source) {
        // Deliberate scans start the cooldown too, so the camera does not add the same tag twice.
        let fresh = self.admit(&code);
        if source == Source::Camera && !fresh {
            let i18n = self.i18n;
            self.announcement
                .set(t_string!(i18n, scan_already_added).to_string());
            return;
        }
        self.hit.set(Some(Hit::Looking(code.clone())));
        let client = self.client.get_value();
        spawn_local(async move {
            let looked_up = match ScannedCode::parse(&code) {
                Err(e) => Err(LookupProblem::Malformed(e)),
                Ok(_) => client.code(&code).await.map_err(LookupProblem::Api),
            };
            match looked_up {
                Ok(found) => {
                    self.add(&found);
                    self.hit.set(Some(Hit::Added(Box::new(found))));
                }
                Err(problem) => self.hit.set(Some(Hit::Problem(code, problem))),
            }
        });
    }

    /// Puts the exact colour and size the code names in the bag, and says so.
    fn add(self, found: &CodeMatch) {
        let Some(variant) = found.variant() else {
            return;
        };
        let store = self.here.store_id();
        let intent = intent_of(variant, store.as_deref(), false);
        self.bag.add(&found.product, &variant.sku, store, intent);
        let i18n = self.i18n;
        let lang = match i18n.get_locale_untracked() {
            Locale::zh_CN => Lang::ZhCn,
            Locale::en => Lang::En,
        };
        let name = found.product.name.get(lang).to_string();
        self.announcement
            .set(t_string!(i18n, scan_added, name = name).to_string());
        feedback::vibrate();
        if feedback::beep_wanted() {
            feedback::beep();
        }
    }

    /// Whether the cooldown lets `code` through now.
    fn admit(self, code: &str) -> bool {
        let mut admitted = false;
        self.cooldown
            .update_value(|c| admitted = c.admit(code, frames::now()));
        admitted
    }

    fn scan_next(self) {
        self.hit.set(None);
        self.announcement.set(String::new());
    }
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let i18n = use_i18n();
    let scanner = Scanner::new();
    let typing = RwSignal::new(false);
    let reading = RwSignal::new(false);
    let decoder = StoredValue::new_local(Decoder::start());
    let restarts = decoder.with_value(Decoder::restarts);

    // Hardware-scanner bursts, whether they opened this screen or arrived while it was open.
    let wedge = use_wedge();
    Effect::new(move |_| {
        if let Some(code) = wedge.take_new() {
            scanner.hit(code, Source::Deliberate);
        }
    });

    // The watchdog drill (`/scan?drill=panic|hang`): for the tests of the restart path.
    if let Some(kind) = use_query_map().with_untracked(|q| q.get("drill")) {
        let decoder = decoder.get_value();
        spawn_local(async move {
            let _ = decoder.drill(&kind).await;
        });
    }
    on_cleanup(move || decoder.with_value(Decoder::shut_down));

    view! {
        <section class="page scan">
            <h1>{t!(i18n, scan_title)}</h1>
            <Viewfinder
                scanner
                decoder
                paused=Signal::derive(move || {
                    scanner.hit.with(Option::is_some) || typing.get() || reading.get()
                })
                restarts
            />
            <p class="scan-announcement" role="status" aria-live="polite">
                {move || scanner.announcement.get()}
            </p>
            {move || match scanner.hit.get() {
                Some(hit) => view! { <HitSheet hit scanner /> }.into_any(),
                None => view! { <Fallbacks scanner decoder typing reading /> }.into_any(),
            }}
        </section>
    }
}

/// The live camera with its region frame and controls, or exactly why there is no camera.
#[component]
fn Viewfinder(
    scanner: Scanner,
    decoder: StoredValue<Decoder, LocalStorage>,
    #[prop(into)] paused: Signal<bool>,
    restarts: Signal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let video = NodeRef::<html::Video>::new();
    let lens = RwSignal::new(Lens::Starting);
    let stream = StoredValue::new_local(None::<MediaStream>);
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
            camera::stop(&s);
        }
    };
    let start_camera = move |device: Option<String>| {
        stop_camera();
        lens.set(Lens::Starting);
        spawn_local(async move {
            match camera::open(device).await {
                Ok(s) => {
                    if let Some(video) = video.get_untracked() {
                        video.set_src_object(Some(&s));
                        let _ = video.play();
                    }
                    lens.set(Lens::On(camera::abilities(&s)));
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
        let element: web_sys::HtmlVideoElement = element.unchecked_into();
        let active = move || matches!(lens.get_untracked(), Lens::On(_)) && !paused.get_untracked();
        let on_code = move |code: crate::features::scan::decoder::Code, _at: f64| {
            scanner.hit(code.text, Source::Camera);
        };
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
        let current = stream.with_value(|s| s.as_ref().and_then(camera::device_of));
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
                camera::apply(s, "torch", on.into());
            }
        });
    };
    let set_zoom = move |ev: leptos::ev::Event| {
        let value: f64 = event_target_value(&ev).parse().unwrap_or(1.0);
        stream.with_value(|s| {
            if let Some(s) = s {
                camera::apply(s, "zoom", value.into());
            }
        });
    };
    let abilities = move || match lens.get() {
        Lens::On(abilities) => abilities,
        _ => Abilities::default(),
    };
    let status = move || match lens.get() {
        Lens::Starting => t_string!(i18n, camera_starting).to_string(),
        Lens::Off => t_string!(i18n, camera_paused).to_string(),
        _ if unavailable.get() => t_string!(i18n, decoder_unavailable).to_string(),
        _ if paused.get() => t_string!(i18n, camera_paused).to_string(),
        _ => t_string!(i18n, scan_hint).to_string(),
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
                <span>{t!(i18n, beep_on_scan)}</span>
            </label>
            <Show when=move || { cameras.with(Vec::len) > 1 }>
                <button type="button" class="button" on:click=switch_camera>
                    {t!(i18n, switch_camera)}
                </button>
            </Show>
            <Show when=move || abilities().torch>
                <button type="button" class="button" aria-pressed=move || torch.get().to_string() on:click=toggle_torch>
                    {t!(i18n, torch)}
                </button>
            </Show>
            {move || abilities().zoom.map(|(min, max, step)| view! {
                <label class="zoom">
                    <span>{t!(i18n, zoom)}</span>
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
                .then(|| view! { <p class="hint">{t!(i18n, decoder_restarted)}</p> })
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
        CameraProblem::Insecure => (t_string!(i18n, camera_insecure).to_string(), false),
        CameraProblem::Unsupported => (t_string!(i18n, camera_unsupported).to_string(), false),
        CameraProblem::Denied => (t_string!(i18n, camera_denied).to_string(), true),
        CameraProblem::NoCamera => (t_string!(i18n, camera_none).to_string(), true),
        CameraProblem::Busy => (t_string!(i18n, camera_busy).to_string(), true),
        CameraProblem::Failed(reason) => (
            t_string!(i18n, camera_failed, reason = reason.clone()).to_string(),
            true,
        ),
    };
    view! {
        <div class="problem camera-problem" role="alert">
            <h2>{t!(i18n, camera_unavailable)}</h2>
            <p>{message}</p>
            <p>{t!(i18n, camera_fallback_hint)}</p>
            <Show when=move || can_retry>
                <button type="button" class="button" on:click=move |_| on_retry()>
                    {t!(i18n, retry)}
                </button>
            </Show>
        </div>
    }
}

/// Photo and typing: always offered, and all there is when the camera cannot be used.
#[component]
fn Fallbacks(
    scanner: Scanner,
    decoder: StoredValue<Decoder, LocalStorage>,
    typing: RwSignal<bool>,
    reading: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let take = NodeRef::<html::Input>::new();
    let choose = NodeRef::<html::Input>::new();
    let photo_problem = RwSignal::new(None::<String>);
    let read_photo = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        reading.set(true);
        photo_problem.set(None);
        let decoder = decoder.get_value();
        spawn_local(async move {
            let read = decoder.read_photo(file.into()).await;
            reading.set(false);
            match read {
                Ok(reading) => match reading.code {
                    Some(code) => scanner.hit(code.text, Source::Deliberate),
                    None => scanner.hit.set(Some(Hit::NothingInPhoto)),
                },
                Err(Trouble::Picture(_)) => {
                    photo_problem.set(Some(t_string!(i18n, photo_unreadable).to_string()))
                }
                Err(_) => photo_problem.set(Some(t_string!(i18n, decoder_unavailable).to_string())),
            }
        });
    };
    let open = |input: NodeRef<html::Input>| {
        move |_| {
            if let Some(input) = input.get() {
                input.click();
            }
        }
    };
    view! {
        <div class="fallbacks">
            <button type="button" class="button" on:click=open(take)>{t!(i18n, take_photo)}</button>
            <button type="button" class="button" on:click=open(choose)>{t!(i18n, choose_photo)}</button>
            <button
                type="button"
                class="button"
                aria-expanded=move || typing.get().to_string()
                on:click=move |_| typing.update(|t| *t = !*t)
            >
                {t!(i18n, type_code)}
            </button>
            // Two inputs: `capture` opens the rear camera on phones, without it the gallery.
            <input node_ref=take type="file" accept="image/*" capture="environment" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=read_photo />
            <input node_ref=choose type="file" accept="image/*" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=read_photo />
        </div>
        <p class="hint" role="status">
            {move || reading.get().then(|| t_string!(i18n, reading_photo).to_string())}
        </p>
        <p class="field-problem" role="alert">{move || photo_problem.get()}</p>
        <Show when=move || typing.get()>
            <TypedCode scanner typing />
        </Show>
    }
}

/// Digits from under the barcode, checked as they are typed.
#[component]
fn TypedCode(scanner: Scanner, typing: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let verdict = move || {
        let text = text.get();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        match Entry::read(&text) {
            Entry::Empty => None,
            Entry::Code(_) => Some((true, t_string!(i18n, code_valid).to_string())),
            // While typing, a short code is unfinished, not wrong.
            Entry::BadCode(CodeError::BadLength(_)) if !submitted.get() => Some((
                false,
                t_string!(i18n, digits_so_far, count = digits).to_string(),
            )),
            Entry::BadCode(error) => Some((false, code_reason(i18n, &error))),
            Entry::Search(_) => Some((false, code_reason(i18n, &CodeError::NotDigits))),
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if let Entry::Code(code) = Entry::read(&text.get_untracked()) {
            typing.set(false);
            scanner.hit(code, Source::Deliberate);
        }
    };
    view! {
        <form class="typed-code" on:submit=on_submit>
            <label for="typed-code">{t!(i18n, typed_code_label)}</label>
            <div class="code-entry-row">
                <input
                    id="typed-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    enterkeyhint="done"
                    aria-describedby="typed-code-check"
                    aria-invalid=move || verdict().is_some_and(|(ok, _)| !ok).to_string()
                    bind:value=text
                    on:input=move |_| submitted.set(false)
                />
                <button type="submit" class="button primary">{t!(i18n, add_to_bag)}</button>
            </div>
            <p
                id="typed-code-check"
                class=move || if verdict().is_some_and(|(ok, _)| ok) { "code-check valid" } else { "code-check" }
                aria-live="polite"
            >
                {move || verdict().map(|(_, message)| message)}
            </p>
        </form>
    }
}

/// After a hit: what was added, the product sheet, and the way back to scanning.
#[component]
fn HitSheet(hit: Hit, scanner: Scanner) -> impl IntoView {
    let i18n = use_i18n();
    let next = move |_| scanner.scan_next();
    let body = match hit {
        Hit::Looking(_) => view! { <p class="hint">{t!(i18n, loading_product)}</p> }.into_any(),
        Hit::Added(found) => {
            let found = *found;
            let again = found.clone();
            view! {
                <div class="scan-added" role="status">
                    <p class="confirmation">{t!(i18n, added_to_bag)}</p>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| scanner.add(&again)
                    >
                        {t!(i18n, add_another)}
                    </button>
                </div>
                <ProductSheet found />
            }
            .into_any()
        }
        Hit::Problem(code, problem) => {
            let retry_code = code.clone();
            view! {
                <CodeProblem
                    code
                    problem
                    on_retry=move |_| scanner.hit(retry_code.clone(), Source::Deliberate)
                />
            }
            .into_any()
        }
        Hit::NothingInPhoto => view! {
            <div class="problem" role="alert">
                <p>{t!(i18n, photo_nothing)}</p>
            </div>
        }
        .into_any(),
    };
    view! {
        <div class="hit-sheet">
            <button type="button" class="button primary wide scan-next" on:click=next>
                {t!(i18n, scan_next)}
            </button>
            {body}
        </div>
    }
}
