//! An answer on its way, as a signal: `None` until it arrives.
//!
//! A signal filled by a spawned request rather than Leptos' `LocalResource` shown through a
//! `Transition`: the screens here load once, and again on "try again" or new search words,
//! which this does at a fraction of the first-load bytes — the resource machinery was the
//! largest part of a screen's chunks after its views (docs/benchmarks.md). A request is not
//! cancelled when its screen goes or a newer one is sent; its answer is simply not shown.

use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

type Request<T> = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = T>>>>;

pub struct Fetch<T: Send + Sync + 'static> {
    answer: RwSignal<Option<T>>,
    request: StoredValue<Request<T>, LocalStorage>,
    /// How many times the request was sent: only the latest one's answer is shown (an earlier
    /// search that answers late must not replace the results of the words typed since).
    sent: StoredValue<u32>,
}

impl<T: Send + Sync + 'static> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Fetch<T> {}

impl<T: Send + Sync + 'static> Fetch<T> {
    /// Sends `request` now.
    pub fn new<Fut: Future<Output = T> + 'static>(request: impl Fn() -> Fut + 'static) -> Self {
        let request: Request<T> = Rc::new(move || Box::pin(request()));
        let fetch = Fetch {
            answer: RwSignal::new(None),
            request: StoredValue::new_local(request),
            sent: StoredValue::new(0),
        };
        fetch.again();
        fetch
    }

    /// Sends the request again ("try again"); the answer is `None` until the new one arrives.
    pub fn again(self) {
        let Some(request) = self.request.try_get_value() else {
            return;
        };
        self.answer.set(None);
        self.sent.update_value(|n| *n += 1);
        let this = self.sent.get_value();
        leptos::task::spawn_local(async move {
            let answer = request().await;
            // The screen may be gone by the time it arrives (then it is shown to no one), or
            // the request sent again meanwhile (then the newer answer is the one to show).
            if self.sent.try_get_value() == Some(this) {
                let _ = self.answer.try_set(Some(answer));
            }
        });
    }

    /// `f` of the answer (tracked), `None` while it is on its way.
    pub fn with<U>(self, f: impl FnOnce(Option<&T>) -> U) -> U {
        self.answer.with(|answer| f(answer.as_ref()))
    }
}
