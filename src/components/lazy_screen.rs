//! Screens that arrive as chunks: the loading skeleton while one is fetched and, when it cannot
//! be, a clear message with a retry — or, when a new release has replaced this one's chunks on
//! the server, a reload into the new release at the same address.

use crate::components::Skeleton;
use crate::i18n::*;
use crate::lazy::ChunkError;
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use std::future::Future;
use std::pin::Pin;

/// A screen on its way: the split function's call (see `crate::lazy`).
pub type ScreenFetch = Pin<Box<dyn Future<Output = Result<AnyView, ChunkError>>>>;

/// Where a screen's chunk is.
enum Stage {
    Fetching,
    Arrived(AnyView),
    Failed,
    /// Handed to the page: a view is shown once.
    Shown,
}

/// Shows the screen `load` fetches; `load` is called again on retry (a failed fetch is not
/// remembered by the loader, so a retry really fetches again). One type for every screen, so
/// the loading and failure views exist once in the app, not once per screen.
///
/// A signal and a spawned future rather than `<Suspense>`: no screen waits on anything else
/// asynchronously, and Suspense's machinery would be the largest thing in every first load.
#[component]
pub fn LazyScreen(load: Callback<(), ScreenFetch>) -> impl IntoView {
    let stage = RwSignal::new_local(Stage::Fetching);
    // The screen is built when its chunk arrives, under this component's owner: it finds the
    // app's context there, and goes when this does.
    let owner = Owner::current().unwrap_or_default();
    let fetch = move || {
        stage.set(Stage::Fetching);
        let screen = owner.with(|| ScopedFuture::new(load.run(())));
        leptos::task::spawn_local(async move {
            let arrived = match screen.await {
                Ok(view) => Stage::Arrived(view),
                Err(ChunkError) => Stage::Failed,
            };
            // Gone meanwhile (the shopper moved on): nothing to show it in.
            let _ = stage.try_set(arrived);
        });
    };
    fetch();
    let retry = Callback::new(move |()| fetch());
    move || {
        stage.track();
        match stage.try_update_untracked(|s| std::mem::replace(s, Stage::Shown)) {
            Some(Stage::Arrived(screen)) => screen,
            Some(Stage::Failed) => view! { <ChunkProblem retry /> }.into_any(),
            _ => view! { <section class="page"><Skeleton lines=6 /></section> }.into_any(),
        }
    }
}

#[component]
fn ChunkProblem(retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    leptos::task::spawn_local(async {
        if release::replaced().await {
            release::reload();
        }
    });
    view! {
        <section class="page chunk-problem">
            <h1>{move || i18n.chunk_failed_title()}</h1>
            <div class="problem" role="alert">
                <p>{move || i18n.chunk_failed_text()}</p>
                <button type="button" class="button primary" on:click=move |_| retry.run(())>
                    {move || i18n.retry()}
                </button>
            </div>
        </section>
    }
}

/// Which release of the app this page runs, and whether the server has moved on.
mod release {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    /// `index.html` names its release in `<meta name="shopbag-release" content="…">`
    /// (written by scripts/split-app.mjs; the chunks of a release carry the same hash).
    const META: &str = "shopbag-release";
    /// Set before reloading into a new release, so that release is never reloaded into twice.
    const RELOADED_KEY: &str = "shopbag.reloaded-into";

    fn running() -> Option<String> {
        let meta = web_sys::window()?
            .document()?
            .query_selector(&format!("meta[name=\"{META}\"]"))
            .ok()??;
        meta.get_attribute("content")
    }

    /// The release the server (or, offline, the service worker's copy) hands out now, when it
    /// is not the one running here and has not been reloaded into already.
    pub async fn replaced() -> bool {
        let (Some(ours), Some(html)) = (running(), current_index().await) else {
            return false;
        };
        let Some(current) = release_in(&html) else {
            return false;
        };
        let session = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
        let tried = session
            .as_ref()
            .and_then(|s| s.get_item(RELOADED_KEY).ok().flatten());
        if !worth_a_reload(&ours, current, tried.as_deref()) {
            return false;
        }
        if let Some(session) = session {
            let _ = session.set_item(RELOADED_KEY, current);
        }
        true
    }

    /// A chunk failed while `current` is what the server hands out: moving to it helps when it
    /// is a new release — once. (Two servers on different releases behind one address would
    /// otherwise reload the page back and forth.)
    pub fn worth_a_reload(running: &str, current: &str, reloaded_into: Option<&str>) -> bool {
        current != running && reloaded_into != Some(current)
    }

    /// The `index.html` the server hands out now (offline: the service worker's copy).
    async fn current_index() -> Option<String> {
        let init = web_sys::RequestInit::new();
        init.set_cache(web_sys::RequestCache::NoStore);
        let fetch = web_sys::window()?.fetch_with_str_and_init("/", &init);
        let response: web_sys::Response = JsFuture::from(fetch).await.ok()?.dyn_into().ok()?;
        if !response.ok() {
            return None;
        }
        JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()
    }

    /// Loads the current address again: the new release's shell and chunks.
    pub fn reload() {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    }

    /// The release an `index.html` names.
    pub fn release_in(html: &str) -> Option<&str> {
        let marker = format!("name=\"{META}\" content=\"");
        let start = html.find(&marker)? + marker.len();
        let len = html[start..].find('"')?;
        Some(&html[start..start + len]).filter(|r| !r.is_empty())
    }

    #[cfg(test)]
    mod tests {
        use super::{release_in, worth_a_reload};

        #[test]
        fn a_new_release_is_reloaded_into_once() {
            assert!(worth_a_reload("aaaa", "bbbb", None));
            assert!(
                !worth_a_reload("aaaa", "aaaa", None),
                "the same release: a real failure"
            );
            assert!(
                !worth_a_reload("aaaa", "bbbb", Some("bbbb")),
                "moved there already"
            );
            assert!(
                worth_a_reload("bbbb", "cccc", Some("bbbb")),
                "and on to the next one"
            );
        }

        #[test]
        fn reads_the_release_an_index_names() {
            let html = r#"<head><meta name="shopbag-release" content="0a1b2c3d4e5f6a7b"><title>"#;
            assert_eq!(release_in(html), Some("0a1b2c3d4e5f6a7b"));
            assert_eq!(release_in("<head></head>"), None);
            assert_eq!(
                release_in(r#"<meta name="shopbag-release" content="">"#),
                None
            );
            assert_eq!(
                release_in(r#"<meta name="shopbag-release" content="ab"#),
                None
            );
        }
    }
}
