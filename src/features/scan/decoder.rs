//! The decoder worker seen from the page: loaded when the scanner opens, one picture in flight,
//! and a watchdog that replaces a worker that panicked or stopped answering.

use futures::channel::oneshot;
use js_sys::{Array, Object, Reflect};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, ImageBitmap, MessageEvent, Worker};

/// Trunk's loader for the worker (`data-loader-shim` in index.html); not hashed, so stable.
const WORKER_URL: &str = "/decoder-worker_loader.js";
/// A camera frame takes milliseconds; no answer in this long means the worker is stuck.
pub const FRAME_DEADLINE_MS: i32 = 2000;
/// A photo is read thoroughly (turned, inverted, several scales): slow phones need longer.
pub const PHOTO_DEADLINE_MS: i32 = 10_000;
/// A worker that dies this many times in a row before it is even ready will not come up.
const MAX_FAILED_STARTS: u32 = 3;

/// A code the worker read, in rxing's format names.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    pub format: String,
    pub text: String,
}

/// The worker's answer about one picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Read in this picture alone.
    pub seen: Option<Code>,
    /// Passed every gate: for camera frames, two frames agreed.
    pub code: Option<Code>,
    /// Time spent decoding in the worker.
    pub ms: f64,
}

/// Why a picture got no reading; the worker is already being replaced when it is not `Picture`.
#[derive(Debug, Clone, PartialEq)]
pub enum Trouble {
    Crashed,
    Hung,
    /// The worker cannot be loaded (offline before it was ever fetched, or blocked).
    Unavailable,
    /// The worker is fine; the picture was not (e.g. a file that is not an image).
    Picture(String),
}

/// A cheap handle; the worker ends with [`Decoder::shut_down`] (the scanner screen's cleanup).
#[derive(Clone)]
pub struct Decoder(Rc<Inner>);

struct Inner {
    worker: RefCell<Option<Worker>>,
    ready: Cell<bool>,
    waiting: RefCell<Vec<oneshot::Sender<()>>>,
    pending: RefCell<Option<Pending>>,
    /// Callers waiting for the picture in flight to be answered.
    queued: RefCell<Vec<oneshot::Sender<()>>>,
    next_id: Cell<u32>,
    failed_starts: Cell<u32>,
    /// No worker will come any more: shut down, or it failed to start too often.
    closed: Cell<bool>,
    restarts: RwSignal<u32>,
    listeners: RefCell<Vec<Listener>>,
}

/// A worker event handler, kept alive as long as its worker.
type Listener = Closure<dyn FnMut(JsValue)>;

struct Pending {
    id: u32,
    reply: oneshot::Sender<Result<JsValue, Trouble>>,
    timer: i32,
}

impl Decoder {
    pub fn start() -> Decoder {
        let decoder = Decoder(Rc::new(Inner {
            worker: RefCell::new(None),
            ready: Cell::new(false),
            waiting: RefCell::new(Vec::new()),
            pending: RefCell::new(None),
            queued: RefCell::new(Vec::new()),
            next_id: Cell::new(1),
            failed_starts: Cell::new(0),
            closed: Cell::new(false),
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

    /// Reads one camera frame (the viewfinder region), handing the bitmap over without a copy.
    pub async fn read_frame(&self, bitmap: ImageBitmap, at: f64) -> Result<Reading, Trouble> {
        let message = object(&[("mode", "live".into()), ("at", at.into())]);
        let _ = Reflect::set(&message, &"bitmap".into(), &bitmap);
        let answer = self
            .ask(message, Some(bitmap.into()), FRAME_DEADLINE_MS)
            .await;
        answer.and_then(reading)
    }

    /// Reads a photo thoroughly. Blobs are passed by reference, not copied.
    pub async fn read_photo(&self, photo: Blob) -> Result<Reading, Trouble> {
        let message = object(&[("mode", "thorough".into()), ("blob", photo.into())]);
        self.ask(message, None, PHOTO_DEADLINE_MS)
            .await
            .and_then(reading)
    }

    pub fn shut_down(&self) {
        let inner = &self.0;
        inner.closed.set(true);
        end_worker(inner);
        if let Some(pending) = take_pending(inner) {
            clear_timer(pending.timer);
        }
        inner.waiting.borrow_mut().clear();
        inner.listeners.borrow_mut().clear();
    }

    async fn ask(
        &self,
        message: JsValue,
        transfer: Option<JsValue>,
        deadline_ms: i32,
    ) -> Result<JsValue, Trouble> {
        let inner = &self.0;
        // A ready worker with nothing in flight: a photo chosen while a camera frame is being
        // read waits for that answer (or for the replacement worker, if that frame killed it).
        loop {
            let (go, wait) = oneshot::channel();
            if inner.closed.get() {
                return Err(Trouble::Unavailable);
            } else if !inner.ready.get() {
                inner.waiting.borrow_mut().push(go);
            } else if inner.pending.borrow().is_some() {
                inner.queued.borrow_mut().push(go);
            } else {
                break;
            }
            wait.await.map_err(|_| Trouble::Unavailable)?;
        }
        let id = inner.next_id.get();
        inner.next_id.set(id + 1);
        let _ = Reflect::set(&message, &"id".into(), &id.into());
        let (reply, answer) = oneshot::channel();
        let weak = Rc::downgrade(inner);
        let timer = set_timer(deadline_ms, move || {
            if let Some(inner) = weak.upgrade() {
                let late = inner.pending.borrow().as_ref().is_some_and(|p| p.id == id);
                if late {
                    replace_worker(&inner, Trouble::Hung);
                }
            }
        });
        *inner.pending.borrow_mut() = Some(Pending { id, reply, timer });
        let sent = match (inner.worker.borrow().as_ref(), transfer) {
            (Some(worker), Some(transfer)) => {
                worker.post_message_with_transfer(&message, &Array::of1(&transfer))
            }
            (Some(worker), None) => worker.post_message(&message),
            (None, _) => Err(JsValue::NULL),
        };
        if sent.is_err() {
            if let Some(pending) = take_pending(inner) {
                clear_timer(pending.timer);
            }
            return Err(Trouble::Unavailable);
        }
        answer.await.map_err(|_| Trouble::Unavailable)?
    }
}

fn spawn_worker(inner: &Rc<Inner>) {
    if inner.closed.get() {
        return;
    }
    let Ok(worker) = Worker::new(WORKER_URL) else {
        inner.closed.set(true);
        inner.waiting.borrow_mut().clear();
        return;
    };
    let weak = Rc::downgrade(inner);
    let on_message = Listener::new(move |event: JsValue| {
        if let Some(inner) = weak.upgrade() {
            heard(&inner, event.unchecked_into::<MessageEvent>().data());
        }
    });
    let weak = Rc::downgrade(inner);
    // Fires when the script cannot load or an exception escapes the worker.
    let on_error = Listener::new(move |event: JsValue| {
        event.unchecked_ref::<web_sys::Event>().prevent_default();
        if let Some(inner) = weak.upgrade() {
            if !inner.ready.get() {
                inner.failed_starts.set(inner.failed_starts.get() + 1);
            }
            replace_worker(&inner, Trouble::Crashed);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    *inner.listeners.borrow_mut() = vec![on_message, on_error];
    *inner.worker.borrow_mut() = Some(worker);
}

/// Terminates the worker. Its handlers are unhooked first: events it had already queued (the
/// error after a panic) must not reach listeners that are about to be dropped.
fn end_worker(inner: &Inner) {
    if let Some(worker) = inner.worker.borrow_mut().take() {
        worker.set_onmessage(None);
        worker.set_onerror(None);
        worker.terminate();
    }
}

/// The picture in flight is done with (answered or failed): the next caller may send.
fn take_pending(inner: &Inner) -> Option<Pending> {
    let pending = inner.pending.borrow_mut().take();
    for free in inner.queued.borrow_mut().drain(..) {
        let _ = free.send(());
    }
    pending
}

fn heard(inner: &Rc<Inner>, data: JsValue) {
    let get = |key: &str| Reflect::get(&data, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if get("ready").is_truthy() {
        inner.ready.set(true);
        inner.failed_starts.set(0);
        for waiter in inner.waiting.borrow_mut().drain(..) {
            let _ = waiter.send(());
        }
        return;
    }
    // The worker's panic hook says so just before the wasm aborts.
    if !get("crashed").is_undefined() {
        replace_worker(inner, Trouble::Crashed);
        return;
    }
    let id = get("id").as_f64().map(|id| id as u32);
    let mine = inner.pending.borrow().as_ref().map(|p| p.id) == id;
    if mine {
        if let Some(pending) = take_pending(inner) {
            clear_timer(pending.timer);
            let error = get("error").as_string();
            let _ = pending
                .reply
                .send(error.map_or(Ok(data), |e| Err(Trouble::Picture(e))));
        }
    }
}

/// The watchdog's one move: end the worker, fail the picture in flight, start a fresh worker.
fn replace_worker(inner: &Rc<Inner>, trouble: Trouble) {
    end_worker(inner);
    inner.ready.set(false);
    if let Some(pending) = take_pending(inner) {
        clear_timer(pending.timer);
        let _ = pending.reply.send(Err(trouble));
    }
    if inner.failed_starts.get() >= MAX_FAILED_STARTS {
        // Dropping the waiters tells them the decoder is unavailable.
        inner.closed.set(true);
        inner.waiting.borrow_mut().clear();
        return;
    }
    inner.restarts.update(|n| *n += 1);
    // Later, not now: this may run inside the old worker's listener, which spawn_worker drops.
    let inner = inner.clone();
    wasm_bindgen_futures::spawn_local(async move { spawn_worker(&inner) });
}

fn reading(answer: JsValue) -> Result<Reading, Trouble> {
    let get = |target: &JsValue, key: &str| Reflect::get(target, &key.into()).ok();
    let code = |key: &str| {
        let code = get(&answer, key).filter(|c| c.is_object())?;
        Some(Code {
            format: get(&code, "format")?.as_string()?,
            text: get(&code, "text")?.as_string()?,
        })
    };
    Ok(Reading {
        seen: code("seen"),
        code: code("code"),
        ms: get(&answer, "ms").and_then(|m| m.as_f64()).unwrap_or(0.0),
    })
}

fn set_timer(ms: i32, run: impl FnOnce() + 'static) -> i32 {
    let callback = Closure::once_into_js(run);
    web_sys::window()
        .and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), ms)
                .ok()
        })
        .unwrap_or(0)
}

fn clear_timer(timer: i32) {
    if let Some(window) = web_sys::window() {
        window.clear_timeout_with_handle(timer);
    }
}

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object.into()
}
