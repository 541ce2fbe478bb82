//! Moving between the app's addresses without reloading: the address bar as a signal, links
//! followed inside the app, back and forward.
//!
//! Thin glue over the History API. leptos_router did this too, with a route matcher and URL
//! parser that the app does not use (`Route` knows its addresses) and that weighed 6 KB in
//! every first load.

use crate::route::{query_value, Route};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// Where the app is: the path and query of the address bar (tracked).
#[derive(Clone, Copy)]
pub struct Address(RwSignal<String>);

/// Provides the address for the app's life and follows its links. Called once, by the shell.
pub fn provide_address() -> Address {
    let address = Address(RwSignal::new(current()));
    provide_context(address);
    let links = window_event_listener(leptos::ev::click, move |event| follow(address, event));
    let history = window_event_listener(leptos::ev::popstate, move |_| address.0.set(current()));
    on_cleanup(move || {
        links.remove();
        history.remove();
    });
    address
}

pub fn use_address() -> Address {
    expect_context::<Address>()
}

impl Address {
    /// The path alone: what picks the screen (a new query is not a new screen).
    pub fn path(self) -> String {
        self.0
            .with(|a| a.split('?').next().unwrap_or_default().to_string())
    }

    /// A value of the query, decoded.
    pub fn query(self, key: &str) -> Option<String> {
        self.0
            .with(|a| query_value(a.split_once('?').map_or("", |(_, q)| q), key))
    }

    pub fn route_untracked(self) -> Route {
        Route::parse(&self.0.get_untracked())
    }

    /// Goes to `route`; "back" returns here.
    pub fn go(self, route: &Route) {
        self.visit(&route.href(), false);
    }

    /// Goes to `route` in place of this address (a redirect: "back" skips it).
    pub fn replace(self, route: &Route) {
        self.visit(&route.href(), true);
    }

    fn visit(self, href: &str, replace: bool) {
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
            return;
        };
        let moved = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(href))
        } else if self.0.get_untracked() != href {
            history.push_state_with_url(&JsValue::NULL, "", Some(href))
        } else {
            Ok(())
        };
        if moved.is_err() {
            return;
        }
        self.0.set(current());
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The address bar's path and query.
fn current() -> String {
    let location = window().location();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    let query = location.search().unwrap_or_default();
    format!("{path}{query}")
}

/// A click on one of the app's own links moves inside the app; anything the browser should
/// handle itself (another site, a new tab, a download, a modified click) is left to it.
fn follow(address: Address, event: web_sys::MouseEvent) {
    let modified = event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key();
    if event.default_prevented() || event.button() != 0 || modified {
        return;
    }
    let link = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let Some(link) = link else {
        return;
    };
    let elsewhere = !matches!(link.target().as_str(), "" | "_self");
    if elsewhere || link.has_attribute("download") {
        return;
    }
    let Ok(url) = web_sys::Url::new(&link.href()) else {
        return;
    };
    if Some(url.origin()) != window().location().origin().ok() {
        return;
    }
    event.prevent_default();
    address.visit(&format!("{}{}", url.pathname(), url.search()), false);
}
