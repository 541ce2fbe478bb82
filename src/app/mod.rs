//! The app shell: translations, navigation, shared context, the app bar, and the screen for the
//! address. Every screen is its own chunk, fetched the first time the shopper opens it (see
//! `screens`); the shell is what every page needs before that.

mod app_bar;
mod screens;

use crate::api::Client;
use crate::components::{LazyScreen, ScreenFetch, Translated};
use crate::features::bag::provide_bag;
use crate::features::kiosk;
use crate::features::scan::provide_wedge;
use crate::features::store::{provide_stores, Here};
use crate::i18n::*;
use crate::navigation::provide_address;
use crate::route::Route;
use app_bar::AppBar;
use leptos::prelude::*;
use screens::{AtTheTill, LeavingTheBag};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

#[component]
pub fn App() -> impl IntoView {
    let updated = keep_app_on_device();
    view! {
        <Translated>
            <Shell />
            <NewRelease updated />
        </Translated>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let address = provide_address();
    let client = Client::same_origin();
    provide_context(client.clone());
    provide_stores();
    provide_bag(client);
    provide_context(Here::from_device());
    provide_wedge();
    // The path picks the screen; the query (search words) is read by the screen itself, so
    // typing a search does not rebuild the page.
    let route = Memo::new(move |_| Route::parse(&address.path()));
    let kiosk = kiosk::on_this_device(address.query("kiosk").as_deref()).map(|id| {
        let load = move || -> ScreenFetch { Box::pin(screens::scan(AtTheTill::Kiosk(id.clone()))) };
        view! { <LazyScreen load=Callback::new(move |()| load()) /> }
    });
    view! {
        <AppBar />
        {kiosk}
        <main id="main">{move || screen(route.get())}</main>
    }
}

/// The screen for an address, each from its own chunk.
fn screen(route: Route) -> AnyView {
    let load = move || -> ScreenFetch {
        match route.clone() {
            Route::Home | Route::Search(_) => Box::pin(screens::home()),
            Route::Scan => Box::pin(screens::scan(AtTheTill::Scanner)),
            Route::Product(code) => Box::pin(screens::product(code)),
            Route::StoreEntrance(store) => Box::pin(screens::store_entrance(store)),
            Route::Bag => Box::pin(screens::bag()),
            Route::Order(number) => Box::pin(screens::order(LeavingTheBag::Order(number))),
            Route::Claim(code) => Box::pin(screens::order(LeavingTheBag::Claim(code))),
            Route::Member => Box::pin(screens::scan(AtTheTill::MemberCode)),
            Route::Me => Box::pin(screens::scan(AtTheTill::History)),
            Route::Cashier => Box::pin(screens::scan(AtTheTill::Cashier)),
            Route::NotFound(_) => Box::pin(screens::not_found()),
        }
    };
    view! { <LazyScreen load=Callback::new(move |()| load()) /> }.into_any()
}

/// Registers the service worker that keeps the app for offline starts. Browsers offer it only in
/// secure contexts (HTTPS, localhost); elsewhere the app simply needs the network to start.
///
/// A page a service worker already served learns of the next release when the new worker takes
/// over (public/sw.js): the answer turns true, and the shell offers a reload. (The first worker
/// of a first visit takes over too, but the page runs that release already.)
fn keep_app_on_device() -> RwSignal<bool> {
    let updated = RwSignal::new(false);
    let Some(window) = web_sys::window() else {
        return updated;
    };
    let navigator = window.navigator();
    let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if supported {
        let container = navigator.service_worker();
        let _ = container.register("/sw.js");
        // Served by a worker already, or (on a first visit) from the first worker's takeover on.
        let controller = js_sys::Reflect::get(&container, &"controller".into());
        let mut served = controller.is_ok_and(|worker| worker.is_truthy());
        let taken_over = Closure::<dyn FnMut()>::new(move || {
            if served {
                updated.set(true);
            }
            served = true;
        });
        // For the page's whole life, like the shell, so handed to the browser for good: an
        // owner-bound listener (leptos-use's) would add its weight to every first load.
        let _ = container.add_event_listener_with_callback(
            "controllerchange",
            taken_over.into_js_value().unchecked_ref(),
        );
    }
    updated
}

/// "A new version is ready", with a reload, once a new release took over this page. Always on
/// the page and hidden until then: the cheapest view for the first load (no `Show`, whose
/// machinery no other part of the shell needs).
#[component]
fn NewRelease(updated: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let reload = move |_| {
        let _ = window().location().reload();
    };
    view! {
        <div class="new-release" role="status" hidden=move || !updated.get()>
            <span>{move || i18n.update_ready()}</span>
            <button type="button" class="button" on:click=reload>{move || i18n.update_reload()}</button>
        </div>
    }
}
