//! What a kiosk adds around every screen (see `crate::features::kiosk` for its rules): its own
//! styles (style/kiosk.css: large type and targets), a big start on the start page, "Take this
//! bag with you" whenever the bag holds something, and the idle warning before it starts over.
//! In the scanner's chunk: a kiosk scans anyway, and no phone's first load carries any of it.

use crate::api::bag::BagToken;
use crate::api::handoff::{ClaimCode, HandoffOffer, HandoffRequest, HandoffState};
use crate::api::{ApiError, Client};
use crate::clock;
use crate::features::bag::use_bag;
use crate::features::kiosk::{self, Idle, KioskId, IDLE_MS};
use crate::features::member::drawing;
use crate::i18n::*;
use crate::navigation::use_address;
use crate::reflect::{call, get};
use crate::route::Route;
use crate::storage;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_use::{
    use_idle_with_options, use_interval_fn, use_timeout_fn, UseIdleOptions, UseIdleReturn,
    UseTimeoutFnReturn,
};
use wasm_bindgen::JsValue;

/// How often the kiosk asks whether its bag was claimed.
const POLL_MS: u64 = 2_000;
/// How long the thanks stay before the kiosk starts over.
const THANKS_MS: f64 = 5_000.0;
/// Marks (in sessionStorage) that this browser session's first page already made sure nothing
/// of an earlier shopper's is stored.
const SESSION: &str = "shopbag.kiosk.session";

#[component]
pub fn KioskFrame(id: KioskId) -> impl IntoView {
    start_session();
    let i18n = use_i18n();
    let bag = use_bag();
    let address = use_address();
    let now = clock::ticking();
    // What counts as a shopper using it: presses, keys (a USB scanner's too), scrolling. Not
    // mouse moves, which browsers also send when the page changes under a resting pointer (a
    // banner counting down), nor resizes.
    let inputs = ["pointerdown", "keydown", "touchstart", "wheel"].map(String::from);
    let UseIdleReturn { last_active, .. } = use_idle_with_options(
        IDLE_MS as u64,
        UseIdleOptions::default().events(inputs.to_vec()),
    );
    // "Continue" counts as input however the browser reports the press.
    let continued = RwSignal::new(0_i64);
    let on_start = move || Route::parse(&address.path()) == Route::Home;
    let idle = Memo::new(move |_| {
        let last_input = (last_active.get() as i64).max(continued.get());
        kiosk::idle(now.get().0, last_input, on_start() && bag.count() == 0)
    });
    Effect::new(move |_| match idle.get() {
        Idle::StartOver => storage::forget_shopper(),
        Idle::Tidy => storage::remove_personal(),
        Idle::InUse | Idle::Warning { .. } => {}
    });
    let warning = Memo::new(move |_| matches!(idle.get(), Idle::Warning { .. }));
    let seconds_left = Signal::derive(move || match idle.get() {
        Idle::Warning { seconds_left } => seconds_left,
        _ => 0,
    });
    let has_lines = move || bag.count() != 0;
    let handing = RwSignal::new(false);
    view! {
        <link rel="stylesheet" href="/kiosk.css" />
        <Show when=on_start>
            <section class="kiosk-welcome" aria-labelledby="kiosk-welcome">
                <p id="kiosk-welcome" class="kiosk-welcome-title">{move || i18n.kiosk_welcome()}</p>
                <p>{move || i18n.kiosk_welcome_text()}</p>
                <a class="button primary" href=Route::Scan.href()>{move || i18n.scan_link()}</a>
                <p class="kiosk-id">{id.as_str().to_string()}</p>
            </section>
        </Show>
        <Show when=has_lines>
            <div class="kiosk-take">
                <button type="button" class="button primary" on:click=move |_| handing.set(true)>
                    {move || i18n.kiosk_take_bag()}
                </button>
            </div>
        </Show>
        {move || {
            handing.get().then(|| view! { <Handoff close=Callback::new(move |()| handing.set(false)) /> })
        }}
        {move || {
            warning
                .get()
                .then(|| {
                    view! {
                        <IdleWarning
                            seconds_left
                            on_continue=Callback::new(move |()| continued.set(clock::now_ms()))
                        />
                    }
                })
        }}
    }
}

/// The first page of a browser session on a kiosk starts over if an earlier shopper's things are
/// still stored (the browser was closed or crashed before the kiosk could wipe them).
fn start_session() {
    let Some(session) = get(&window().into(), "sessionStorage") else {
        return;
    };
    let marked = call(&session, "getItem", &[SESSION.into()]).and_then(|v| v.as_string());
    if marked.is_some() {
        return;
    }
    call(&session, "setItem", &[SESSION.into(), "1".into()]);
    if storage::keeps_personal() {
        storage::forget_shopper();
    }
}

/// Opens `dialog` as a modal once it is on the page: the rest of the page is inert meanwhile,
/// and the dialog's first button (or the one marked autofocus) has the focus. By name, see
/// `crate::reflect`.
fn show_modal(dialog: NodeRef<Dialog>) {
    Effect::new(move |_| {
        if let Some(element) = dialog.get() {
            call(&JsValue::from(element), "showModal", &[]);
        }
    });
}

/// "Are you still there?": 15 seconds to touch Continue before the kiosk starts over (WCAG
/// 2.2.1: warned, and one simple action extends). Any other input extends it too.
#[component]
fn IdleWarning(seconds_left: Signal<u32>, on_continue: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let dialog = NodeRef::<Dialog>::new();
    show_modal(dialog);
    view! {
        <dialog
            node_ref=dialog
            class="kiosk-dialog idle-warning"
            role="alertdialog"
            aria-labelledby="idle-title"
            aria-describedby="idle-text"
            on:cancel=move |event: leptos::ev::Event| {
                event.prevent_default();
                on_continue.run(());
            }
        >
            <h2 id="idle-title">{move || i18n.kiosk_idle_title()}</h2>
            <p id="idle-text" role="timer">{move || i18n.kiosk_idle_text(seconds_left.get())}</p>
            // Said politely every five seconds, not every second.
            <p class="visually-hidden" aria-live="polite">
                {move || {
                    let left = seconds_left.get();
                    left.is_multiple_of(5).then(|| i18n.kiosk_idle_text(left))
                }}
            </p>
            <button type="button" class="button primary" autofocus on:click=move |_| on_continue.run(())>
                {move || i18n.kiosk_continue()}
            </button>
        </dialog>
    }
}

/// Where the handoff dialog is.
#[derive(Debug, Clone, PartialEq)]
enum Handing {
    Preparing,
    Failed,
    Showing(HandoffOffer),
    Expired,
    Claimed,
}

/// "Take this bag with you": the claim code as a QR code of its link, until a phone claims it
/// (then thanks, and the kiosk starts over) or it expires (then a new one on request).
#[component]
fn Handoff(close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let bag = use_bag();
    let now = clock::ticking();
    let token = bag.lasting_token();
    let offer = Action::new_local({
        let (client, token) = (client.clone(), token.clone());
        move |(): &()| {
            let (client, token) = (client.clone(), token.clone());
            let request = HandoffRequest { lines: bag.lines() };
            async move {
                let token = token.ok_or_else(|| ApiError::Decode("no bag token".into()))?;
                client.offer_handoff(&token, &request).await
            }
        }
    });
    offer.dispatch(());
    let state = RwSignal::new(HandoffState::Waiting);
    let handing = Memo::new(move |_| match (offer.value().get(), state.get()) {
        (_, HandoffState::Claimed) => Handing::Claimed,
        (None, _) => Handing::Preparing,
        (Some(Err(_)), _) => Handing::Failed,
        (Some(Ok(_)), HandoffState::Expired) => Handing::Expired,
        (Some(Ok(shown)), _) if shown.expires_at <= now.get().0 => Handing::Expired,
        (Some(Ok(shown)), _) => Handing::Showing(shown),
    });
    poll_claim(client, token, handing, state);
    start_over_once_claimed(handing);
    let again = move |_| {
        state.set(HandoffState::Waiting);
        offer.dispatch(());
    };
    let dialog = NodeRef::<Dialog>::new();
    show_modal(dialog);
    view! {
        <dialog
            node_ref=dialog
            class="kiosk-dialog handoff"
            aria-labelledby="handoff-title"
            on:cancel=move |_: leptos::ev::Event| close.run(())
        >
            <h2 id="handoff-title">{move || i18n.kiosk_handoff_title()}</h2>
            {move || match handing.get() {
                Handing::Preparing => view! { <p role="status">{move || i18n.kiosk_handoff_preparing()}</p> }.into_any(),
                Handing::Failed => view! {
                    <p class="problem" role="alert">{move || i18n.kiosk_handoff_failed()}</p>
                    <button type="button" class="button primary" on:click=again>{move || i18n.retry()}</button>
                }
                .into_any(),
                Handing::Showing(shown) => view! { <ClaimSymbol offer=shown now /> }.into_any(),
                Handing::Expired => view! {
                    <p role="status">{move || i18n.kiosk_handoff_expired()}</p>
                    <button type="button" class="button primary" on:click=again>
                        {move || i18n.kiosk_handoff_new_code()}
                    </button>
                }
                .into_any(),
                Handing::Claimed => view! { <p class="done" role="status">{move || i18n.kiosk_handoff_done()}</p> }.into_any(),
            }}
            <button type="button" class="button" on:click=move |_| close.run(())>
                {move || i18n.kiosk_close()}
            </button>
        </dialog>
    }
}

/// Asks the server every few seconds whether a phone has claimed the bag shown.
fn poll_claim(
    client: Client,
    token: Option<BagToken>,
    handing: Memo<Handing>,
    state: RwSignal<HandoffState>,
) {
    use_interval_fn(
        move || {
            let (Handing::Showing(_), Some(token)) = (handing.get_untracked(), token.clone())
            else {
                return;
            };
            let client = client.clone();
            leptos::task::spawn_local(async move {
                if let Ok(status) = client.handoff_status(&token).await {
                    let _ = state.try_set(status.state);
                }
            });
        },
        POLL_MS,
    );
}

/// After the thanks, the kiosk forgets the shopper and starts over.
fn start_over_once_claimed(handing: Memo<Handing>) {
    let UseTimeoutFnReturn { start, .. } =
        use_timeout_fn(|()| storage::forget_shopper(), THANKS_MS);
    Effect::new(move |_| {
        if handing.get() == Handing::Claimed {
            start(());
        }
    });
}

/// The claim link as a QR code, the code in groups of five for reading out, and its minutes.
#[component]
fn ClaimSymbol(offer: HandoffOffer, now: Signal<crate::api::Timestamp>) -> impl IntoView {
    let i18n = use_i18n();
    let code = ClaimCode::parse(&offer.code);
    let origin = get(&window().location().into(), "origin").and_then(|o| o.as_string());
    let link = code
        .as_ref()
        .map(|c| format!("{}{}", origin.unwrap_or_default(), c.path()));
    let symbol = link.as_deref().and_then(drawing::qr);
    let grouped = offer
        .code
        .as_bytes()
        .chunks(5)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let expires_at = offer.expires_at;
    view! {
        <p>{move || i18n.kiosk_handoff_text()}</p>
        <figure class="claim-symbol" data-link=link>
            {symbol.map(|d| d.svg("qr", i18n.kiosk_handoff_title().to_string()))}
            <figcaption class="digits">{grouped}</figcaption>
        </figure>
        <p aria-live="polite">
            {move || i18n.kiosk_handoff_expires(kiosk::minutes_left(now.get().0, expires_at))}
        </p>
    }
}
