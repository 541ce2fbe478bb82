//! The app shell: translations, router, shared context, and the pages.

use crate::api::Client;
use crate::components::{AppBar, Translated};
use crate::features::bag::provide_bag;
use crate::features::scan::provide_wedge;
use crate::features::store::{provide_stores, Here};
use crate::pages::{BagPage, Home, NotFound, OrderPage, ProductPage, ScanPage, StoreEntrance};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    keep_app_on_device();
    view! {
        <Translated>
            <Router>
                <Shell />
            </Router>
        </Translated>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let client = Client::same_origin();
    provide_context(client.clone());
    provide_stores();
    provide_bag(client);
    provide_context(Here::from_device());
    provide_wedge();
    view! {
        <AppBar />
        <main id="main">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home />
                <Route path=path!("/scan") view=ScanPage />
                <Route path=path!("/p/:code") view=ProductPage />
                <Route path=path!("/s/:store") view=StoreEntrance />
                <Route path=path!("/bag") view=BagPage />
                <Route path=path!("/orders/:number") view=OrderPage />
            </Routes>
        </main>
    }
}

/// Registers the service worker that keeps the app shell for offline starts. Browsers offer it
/// only in secure contexts (HTTPS, localhost); elsewhere the app simply needs the network to start.
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
