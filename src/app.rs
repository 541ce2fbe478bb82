//! The app shell: translations, router, shared context, and the pages.

use crate::api::Client;
use crate::components::AppBar;
use crate::features::store::{provide_stores, Here};
use crate::i18n::*;
use crate::pages::{Home, NotFound, ProductPage};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use leptos_use::{SameSite, UseCookieOptions};

/// How long the language choice is remembered, in milliseconds (one year).
const LANGUAGE_COOKIE_MAX_AGE: i64 = 365 * 24 * 60 * 60 * 1000;

#[component]
pub fn App() -> impl IntoView {
    // zh-CN unless the shopper chose otherwise: the cookie holds her choice for every path.
    let language_cookie = UseCookieOptions::<Locale, _, _>::default()
        .default_value(Some(Locale::zh_CN))
        .max_age(LANGUAGE_COOKIE_MAX_AGE)
        .path("/".to_string())
        .same_site(SameSite::Lax);
    view! {
        <I18nContextProvider cookie_options=language_cookie>
            <Router>
                <Shell />
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Shell() -> impl IntoView {
    provide_context(Client::same_origin());
    provide_stores();
    provide_context(Here::from_device());
    view! {
        <AppBar />
        <main id="main">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Home />
                <Route path=path!("/p/:code") view=ProductPage />
            </Routes>
        </main>
    }
}
