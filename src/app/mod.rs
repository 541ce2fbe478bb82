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
use crate::navigation::provide_address;
use crate::route::Route;
use app_bar::AppBar;
use leptos::prelude::*;
use screens::{AtTheTill, LeavingTheBag};

#[component]
pub fn App() -> impl IntoView {
    keep_app_on_device();
    view! {
        <Translated>
            <Shell />
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
fn keep_app_on_device() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let supported = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if supported {
        let _ = navigator.service_worker().register("/sw.js");
    }
}
