//! The decoder worker seen from the page: loaded when the scanner opens, one picture in flight,
//! and a watchdog that replaces a worker that panicked or stopped answering. The rules are
//! `shopbag_scanner::protocol::Watchdog` (plain Rust, tested natively); this is the glue. The
//! `Worker` is reached by name (see `crate::reflect`): its bindings would be main-module imports.

use super::frames::Grab;
use crate::reflect::{call, construct, get};
use futures::channel::oneshot;
use gloo_timers::callback::Timeout;
use js_sys::Array;
use leptos::prelude::*;
use shopbag_scanner::protocol::{Answer, Fate, Request, RequestId, Turn, Watchdog};
pub use shopbag_scanner::protocol::{Reading, Trouble};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Blob;

/// Trunk's loader for the worker (`data-loader-shim` in index.html); not hashed, so stable.
const WORKER_URL: &str = "/decoder-worker_loader.js";

/// A cheap handle; the worker ends with [`Decoder::shut_down`] (the scanner screen's cleanup).
#[derive(Clone)]
pub struct Decoder(Rc<Inner>);

struct Inner {
    watchdog: RefCell<Watchdog>,
    /// The `Worker`.
    worker: RefCell<Option<JsValue>>,
    /// Callers waiting for their turn (the worker to be ready, or the picture in flight).
    waiting: RefCell<Vec<oneshot::Sender<()>>>,
    pending: RefCell<Option<Pending>>,
    restarts: RwSignal<u32>,
    listeners: RefCell<Vec<Listener>>,
}

/// A worker event handler, kept alive as long as its worker.
type Listener = Closure<dyn FnMut(JsValue)>;

/// The picture in flight: who waits for its answer, and its deadline (cleared when dropped).
struct Pending {
    reply: oneshot::Sender<Result<Reading, Trouble>>,
    _deadline: Timeout,
}

impl Decoder {
    pub fn start() -> Decoder {
        let decoder = Decoder(Rc::new(Inner {
            watchdog: RefCell::new(Watchdog::default()),
            worker: RefCell::new(None),
            waiting: RefCell::new(Vec::new()),
            pending: RefCell::new(None),
            restarts: RwSignal::new(0),
            listeners: RefCell::new(Vec::new()),
        }));
        spawn_worker(&decoder.0);
        decoder
    }

    /// How many times the watchdog has replaced the worker.
    pub fn restarts(&self) -> Signal<u32> {
        self.0.restarts.into()
    }

    /// Reads one camera frame, handing it over without a copy.
    pub async fn read_frame(&self, grabbed: Grab, at: f64) -> Result<Reading, Trouble> {
        let (picture, crop) = (grabbed.picture(), grabbed.crop());
        let answer = self
            .ask(
                |id| Request::Live { id, at, crop },
                picture.clone(),
                Some(picture),
                Watchdog::FRAME_DEADLINE_MS,
            )
            .await;
        // A frame that went out is the worker's now, and closing our handle does nothing; one
        // that never went (no worker) must be closed, or the camera runs out of frames.
        grabbed.close();
        answer
    }

    /// Reads a photo thoroughly. Blobs are passed by reference, not copied.
    pub async fn read_photo(&self, photo: Blob) -> Result<Reading, Trouble> {
        self.ask(
            |id| Request::Thorough { id },
            photo.into(),
            None,
            Watchdog::PHOTO_DEADLINE_MS,
        )
        .await
    }

    pub fn shut_down(&self) {
        let inner = &self.0;
        inner.watchdog.borrow_mut().shut_down();
        end_worker(inner);
        inner.pending.borrow_mut().take();
        // Dropping the waiters tells them the decoder is unavailable.
        inner.waiting.borrow_mut().clear();
        inner.listeners.borrow_mut().clear();
    }

    async fn ask(
        &self,
        request: impl FnOnce(RequestId) -> Request,
        picture: JsValue,
        transfer: Option<JsValue>,
        deadline_ms: u32,
    ) -> Result<Reading, Trouble> {
        let inner = &self.0;
        // A photo chosen while a camera frame is being read waits for that answer (or for the
        // replacement worker, if that frame killed it).
        loop {
            let turn = inner.watchdog.borrow().turn();
            match turn {
                Turn::Go => break,
                Turn::Closed => return Err(Trouble::Unavailable),
                Turn::WaitForReady | Turn::WaitForAnswer => {
                    let (go, wait) = oneshot::channel();
                    inner.waiting.borrow_mut().push(go);
                    wait.await.map_err(|_| Trouble::Unavailable)?;
                }
            }
        }
        let id = inner.watchdog.borrow_mut().send();
        let Ok(request) = serde_wasm_bindgen::to_value(&request(id)) else {
            settle(inner, id);
            return Err(Trouble::Unavailable);
        };
        let (reply, answer) = oneshot::channel();
        let weak = Rc::downgrade(inner);
        let deadline = Timeout::new(deadline_ms, move || {
            if let Some(inner) = weak.upgrade() {
                if inner.watchdog.borrow().overdue(id) {
                    replace_worker(&inner, Trouble::Hung);
                }
            }
        });
        *inner.pending.borrow_mut() = Some(Pending {
            reply,
            _deadline: deadline,
        });
        let message = Array::of2(&request, &picture);
        let mut args = vec![message.into()];
        args.extend(transfer.map(|transfer| JsValue::from(Array::of1(&transfer))));
        let sent = inner
            .worker
            .borrow()
            .as_ref()
            .and_then(|worker| call(worker, "postMessage", &args));
        if sent.is_none() {
            settle(inner, id);
            return Err(Trouble::Unavailable);
        }
        answer.await.map_err(|_| Trouble::Unavailable)?
    }
}

fn spawn_worker(inner: &Rc<Inner>) {
    if inner.watchdog.borrow().turn() == Turn::Closed {
        return;
    }
    let Some(worker) = construct("Worker", &[WORKER_URL.into()]) else {
        inner.watchdog.borrow_mut().shut_down();
        inner.waiting.borrow_mut().clear();
        return;
    };
    let weak = Rc::downgrade(inner);
    let on_message = Listener::new(move |event: JsValue| {
        if let Some(inner) = weak.upgrade() {
            let data = get(&event, "data").unwrap_or_default();
            if let Ok(answer) = serde_wasm_bindgen::from_value(data) {
                heard(&inner, answer);
            }
        }
    });
    let weak = Rc::downgrade(inner);
    // Fires when the script cannot load or an exception escapes the worker.
    let on_error = Listener::new(move |event: JsValue| {
        call(&event, "preventDefault", &[]);
        if let Some(inner) = weak.upgrade() {
            replace_worker(&inner, Trouble::Crashed);
        }
    });
    let _ = js_sys::Reflect::set(&worker, &"onmessage".into(), on_message.as_ref());
    let _ = js_sys::Reflect::set(&worker, &"onerror".into(), on_error.as_ref());
    *inner.listeners.borrow_mut() = vec![on_message, on_error];
    *inner.worker.borrow_mut() = Some(worker);
}

/// Terminates the worker. Its handlers are unhooked first: events it had already queued (the
/// error after a panic) must not reach listeners that are about to be dropped.
fn end_worker(inner: &Inner) {
    if let Some(worker) = inner.worker.borrow_mut().take() {
        let _ = js_sys::Reflect::set(&worker, &"onmessage".into(), &JsValue::NULL);
        let _ = js_sys::Reflect::set(&worker, &"onerror".into(), &JsValue::NULL);
        call(&worker, "terminate", &[]);
    }
}

/// Lets every waiting caller look at its turn again.
fn wake(inner: &Inner) {
    for waiter in inner.waiting.borrow_mut().drain(..) {
        let _ = waiter.send(());
    }
}

/// The picture `id` is done with, if it was the one in flight: the next caller may send, and
/// its deadline is cleared with the `Pending` returned.
fn settle(inner: &Inner, id: RequestId) -> Option<Pending> {
    if !inner.watchdog.borrow_mut().settled(id) {
        return None;
    }
    let pending = inner.pending.borrow_mut().take();
    wake(inner);
    pending
}

fn heard(inner: &Rc<Inner>, answer: Answer) {
    match answer {
        Answer::Ready => {
            inner.watchdog.borrow_mut().ready();
            wake(inner);
        }
        // The worker's panic hook says so just before the wasm aborts.
        Answer::Crashed { .. } => replace_worker(inner, Trouble::Crashed),
        Answer::Read { id, reading } => {
            if let Some(pending) = settle(inner, id) {
                let _ = pending.reply.send(Ok(reading));
            }
        }
        Answer::Failed { id, error } => {
            if let Some(pending) = settle(inner, id) {
                let _ = pending.reply.send(Err(Trouble::Picture(error)));
            }
        }
    }
}

/// The watchdog's one move: end the worker, fail the picture in flight, start a fresh worker
/// unless the watchdog gives up.
fn replace_worker(inner: &Rc<Inner>, trouble: Trouble) {
    end_worker(inner);
    let fate = inner.watchdog.borrow_mut().failed();
    if let Some(pending) = inner.pending.borrow_mut().take() {
        let _ = pending.reply.send(Err(trouble));
    }
    match fate {
        Fate::GiveUp => inner.waiting.borrow_mut().clear(),
        Fate::Restart => {
            inner.restarts.set(inner.watchdog.borrow().restarts());
            wake(inner);
            // Later, not now: this may run inside the old worker's listener, which
            // spawn_worker drops.
            let inner = inner.clone();
            wasm_bindgen_futures::spawn_local(async move { spawn_worker(&inner) });
        }
    }
}
