//! The shopper's bag: every change is an operation written to the device first, then synced in
//! the background (see `sync`); the lines shown are computed from the operations.

mod availability;
pub mod device;
mod sync;

pub use availability::{pickup_stores, Availability, Group};

use crate::api::bag::{
    Answer, BagError, BagToken, Change, Intent, Line, Op, OpId, Outbox, Replica, Wait, MAX_LINES,
    MAX_QUANTITY,
};
use crate::api::{Client, Product, ProductId, Sku, StoreId};
use crate::components::NewLine;
use crate::lazy::split_point;
use crate::lazy::ChunkError;
use device::{Loaded, Products, Summary};
use futures::channel::mpsc::UnboundedSender;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

pub use crate::api::bag::SyncStatus;

/// Something the shopper should know about her bag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BagNotice {
    /// The stored bag was unreadable: it was set aside, and the bag comes back from the server.
    DamagedStorage,
    /// The server refused a change for good (a variant no longer sold, a full bag).
    Refused,
    /// The bag already has 200 lines.
    Full,
}

/// A small, copyable handle to the bag, provided as context.
///
/// The shell holds only what the app bar shows (how many lines); the bag itself — its
/// operations, its lines, the kept products — is read from the device by the first screen or
/// task that needs it, so none of that code is in the first load of a page that does not.
#[derive(Clone, Copy)]
pub struct Bag {
    count: RwSignal<usize>,
    /// Bumped when another tab stored the bag: the bag, once read, merges the stored copy.
    stored_elsewhere: RwSignal<u32>,
    model: StoredValue<Option<Model>>,
    /// The shell's owner: the bag, read by whichever screen comes first, outlives that screen.
    owner: StoredValue<Owner>,
    /// A batch is on its way to the server.
    sending: RwSignal<bool>,
    notice: RwSignal<Option<BagNotice>>,
    wake: StoredValue<Option<UnboundedSender<()>>>,
    /// The products of the lines, read from the device the first time a screen shows one.
    products: StoredValue<Option<Products>>,
    /// Bumped whenever `products` changes, so views that show products follow.
    products_changed: RwSignal<u32>,
    /// The sync engine is its own chunk: fetched the first time there is something to sync.
    sync: StoredValue<SyncEngine>,
    client: StoredValue<Client>,
}

/// The bag as read from the device.
#[derive(Clone, Copy)]
struct Model {
    saved: RwSignal<Replica>,
    lines: Memo<Vec<Line>>,
    /// A write to the device failed: the stored copy may lack operations held here, so the next
    /// write carries every operation of the bag, not only the new one (and the status says
    /// only this page holds them, until the server or the device does).
    unsaved: RwSignal<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SyncEngine {
    NotNeededYet,
    Starting,
    Running,
}

pub fn use_bag() -> Bag {
    expect_context::<Bag>()
}

/// Provides the bag, with the count the device kept, and starts syncing a bag kept by an
/// earlier visit (a new one has nothing on the server yet: it syncs from its first change on).
pub fn provide_bag(client: Client) -> Bag {
    let glance = device::glance();
    let bag = Bag {
        count: RwSignal::new(glance.lines),
        stored_elsewhere: RwSignal::new(0),
        model: StoredValue::new(None),
        owner: StoredValue::new(Owner::current().expect("the shell has an owner")),
        sending: RwSignal::new(false),
        notice: RwSignal::new(None),
        wake: StoredValue::new(None),
        products: StoredValue::new(None),
        products_changed: RwSignal::new(0),
        sync: StoredValue::new(SyncEngine::NotNeededYet),
        client: StoredValue::new(client),
    };
    provide_context(bag);
    if glance.kept {
        bag.wake_sync();
    }
    // Back online: a round now (the first fetch of the engine may have failed for want of one).
    let online = window_event_listener(leptos::ev::online, move |_| bag.wake_sync());
    // Another tab changed the stored bag: merge its operations (and send any it left pending).
    // Its other keys are not the bag: a device without one does not start syncing because a
    // tab chose a store.
    let storage = window_event_listener(leptos::ev::storage, move |ev| {
        match ev.key().as_deref() {
            Some(device::STORAGE_KEY) | None => {}
            Some(device::PRODUCTS_KEY) => return bag.forget_products(),
            Some(_) => return,
        }
        if bag.model.with_value(Option::is_none) {
            bag.count.set(device::glance().lines);
        }
        bag.stored_elsewhere.update(|n| *n += 1);
        bag.wake_sync();
    });
    on_cleanup(move || {
        online.remove();
        storage.remove();
    });
    bag
}

impl Bag {
    /// How many lines the bag has (for the app bar: kept on the device, so known before the
    /// bag itself is read).
    pub fn count(self) -> usize {
        self.count.get()
    }

    pub fn lines(self) -> Vec<Line> {
        self.model().lines.get()
    }

    pub fn line(self, sku: &Sku) -> Option<Line> {
        self.model()
            .lines
            .with(|lines| lines.iter().find(|l| l.sku == *sku).cloned())
    }

    /// The bag as read from the device, reading it the first time.
    fn model(self) -> Model {
        if let Some(model) = self.model.get_value() {
            return model;
        }
        let (mut saved, notice) = match device::load() {
            Loaded::Fresh(saved) => (saved, None),
            Loaded::Damaged(saved) => (saved, Some(BagNotice::DamagedStorage)),
        };
        // A new bag's token is stored with its first change.
        if saved.token.is_none() {
            saved.token = Some(BagToken::from_bits(random_bits()).expose().to_string());
        }
        if notice.is_some() {
            self.notice.set(notice);
        }
        let model = self.owner.with_value(|owner| {
            owner.with(|| {
                let saved = RwSignal::new(saved);
                let model = Model {
                    saved,
                    lines: Memo::new(move |_| saved.with(Replica::lines)),
                    unsaved: RwSignal::new(false),
                };
                let count = self.count;
                Effect::new(move |_| count.set(model.lines.with(Vec::len)));
                Effect::new(move |seen: Option<()>| {
                    self.stored_elsewhere.track();
                    if seen.is_some() {
                        self.reload();
                    }
                });
                model
            })
        });
        self.model.set_value(Some(model));
        if model.saved.with_untracked(|s| !s.log.is_empty()) {
            device::ask_to_keep();
        }
        if notice.is_some() {
            // The damaged copy's token goes on: stored now, and the server's copy fetched.
            self.persist();
            self.wake_sync();
        }
        model
    }

    pub fn status(self) -> SyncStatus {
        let Model { saved, unsaved, .. } = self.model();
        SyncStatus::of(
            saved.with(Replica::has_pending),
            self.sending.get(),
            !unsaved.get(),
        )
    }

    pub fn notice(self) -> Option<BagNotice> {
        self.notice.get()
    }

    pub fn dismiss_notice(self) {
        self.notice.set(None);
    }

    /// The kept product of a line (reactive).
    pub fn product(self, product_id: &ProductId) -> Option<Product> {
        self.products_changed.track();
        self.with_products(|products| products.get(product_id).cloned())
    }

    /// Keeps a product on the device, for the lines that name it; products no line names any
    /// more are let go. (A cache: when the device will not store it, the screens fetch again.)
    fn remember_product(self, product: Product) {
        let lines = self.model().lines.get_untracked();
        let id = product.id.clone();
        let wanted = move |p: &Product| {
            p.id == id
                || p.variants
                    .iter()
                    .any(|v| lines.iter().any(|line| line.sku == v.sku))
        };
        self.with_products(|products| {
            products.insert(product.id.clone(), product);
        });
        let ours = self.with_products(|products| products.clone());
        if let Ok(kept) = device::save_products(&ours, wanted) {
            self.products.set_value(Some(kept));
        }
        self.products_changed.update(|n| *n += 1);
    }

    /// Keeps a product as the API sent it (without writing it out through our types).
    pub fn keep_product_json(self, id: &ProductId, product: &JsValue) {
        // A cache: when the device will not store it, the bag page fetches it.
        let _ = device::keep_product_json(id, product);
        self.forget_products();
    }

    /// `f` over the kept products, read from the device first if this page has not yet.
    fn with_products<T: Default>(self, f: impl FnOnce(&mut Products) -> T) -> T {
        self.products
            .try_update_value(|kept| f(kept.get_or_insert_with(device::load_products)))
            .unwrap_or_default()
    }

    /// [`Bag::add`] from a screen that does not otherwise change the bag, so a product page
    /// carries none of the bag's code in its first load. Before that code has arrived, the add is
    /// written straight into the stored bag (the same operation the bag would write, built from
    /// the stored summary), so it holds offline; the bag reads it when it is read. The bag's code
    /// is fetched first when anything is out of the ordinary (a bag stored by an earlier release,
    /// without a summary; a full bag; storage refusing the write): the bag then decides.
    pub async fn put(
        self,
        product: Product,
        product_json: JsValue,
        line: NewLine,
    ) -> Result<(), ChunkError> {
        let NewLine { sku, store, intent } = line;
        crate::sizes::remember(&product, &sku);
        let glance = device::glance();
        let quantity = glance
            .quantity(&sku)
            .filter(|_| self.model.with_value(Option::is_none));
        let (change, quantity) = match quantity {
            Some(0) if glance.lines < MAX_LINES => {
                let change = Change::Add {
                    sku: sku.clone(),
                    quantity: 1,
                    store: store.clone(),
                    note: None,
                    intent,
                };
                (change, 1)
            }
            Some(quantity) if quantity > 0 => {
                let quantity = (quantity + 1).min(MAX_QUANTITY);
                let change = Change::SetQuantity {
                    sku: sku.clone(),
                    quantity,
                };
                (change, quantity)
            }
            _ => return put(self, product, sku, store, intent).await,
        };
        let new_line = matches!(change, Change::Add { .. });
        let op = Op {
            id: OpId::from_bits(random_bits()),
            at: crate::clock::now_ms(),
            change,
        };
        let token = BagToken::from_bits(random_bits());
        let summary = Summary::Step {
            sku: &sku,
            quantity,
            new_line,
        };
        match device::store_ops(&[&op], Some(token.expose()), summary) {
            Ok(stored) => self.count.set(stored.lines),
            Err(_) => return put(self, product, sku, store, intent).await,
        }
        device::ask_to_keep();
        // Kept for the bag page offline.
        self.keep_product_json(&product.id, &product_json);
        self.wake_sync();
        Ok(())
    }

    /// [`Bag::add`], its code fetched on first use (the `bag_change` chunk): for a screen that
    /// shows the bag and only seldom adds to it.
    pub async fn add_when_fetched(self, product: Product, line: NewLine) -> Result<(), ChunkError> {
        put(self, product, line.sku, line.store, line.intent).await
    }

    /// Puts a variant in the bag; if it is already there, one more of it.
    pub fn add(self, product: &Product, sku: &Sku, store: Option<StoreId>, intent: Option<Intent>) {
        crate::sizes::remember(product, sku);
        self.remember_product(product.clone());
        let change = match self.line(sku) {
            Some(line) => Change::SetQuantity {
                sku: sku.clone(),
                quantity: (line.quantity + 1).min(MAX_QUANTITY),
            },
            None => Change::Add {
                sku: sku.clone(),
                quantity: 1,
                store,
                note: None,
                intent,
            },
        };
        self.record(change);
    }

    pub fn set_quantity(self, sku: &Sku, quantity: u8) {
        self.record(Change::SetQuantity {
            sku: sku.clone(),
            quantity: quantity.clamp(1, MAX_QUANTITY),
        });
    }

    pub fn set_note(self, sku: &Sku, note: &str) {
        let note = note.trim();
        self.record(Change::SetNote {
            sku: sku.clone(),
            note: (!note.is_empty()).then(|| note.to_string()),
        });
    }

    /// Removes a line; the returned removal can be undone.
    pub fn remove(self, sku: &Sku) -> Option<OpId> {
        let observed = self.model().saved.with_untracked(|s| s.log.live_adds(sku));
        self.record(Change::Remove {
            sku: sku.clone(),
            observed,
        })
    }

    pub fn undo(self, removal: OpId) {
        self.record(Change::Restore { removal });
    }

    /// Writes one change: into memory and the device now, to the server when it can.
    fn record(self, change: Change) -> Option<OpId> {
        let op = Op {
            id: OpId::from_bits(random_bits()),
            at: crate::clock::now_ms(),
            change,
        };
        let id = op.id.clone();
        let mut refused = None;
        self.model().saved.update(|s| {
            if let Err(error) = s.log.apply(std::slice::from_ref(&op)) {
                refused = Some(error);
            }
        });
        if let Some(error) = refused {
            self.notice.set(Some(match error {
                BagError::TooManyLines(_) => BagNotice::Full,
                _ => BagNotice::Refused,
            }));
            return None;
        }
        self.store(&op);
        self.wake_sync();
        Some(id)
    }

    /// Writes one operation of the bag in memory to the device: into the stored copy alone when
    /// that copy holds everything else; after a refused write, or with the stored copy gone,
    /// every operation of the bag (those already stored are written again unchanged).
    fn store(self, op: &Op) {
        let Model { saved, unsaved, .. } = self.model();
        let stored = saved.with_untracked(|s| {
            let lines = s.lines();
            let summary = Summary::Lines(&lines);
            (!unsaved.get_untracked() && device::store_ops(&[op], None, summary).is_ok())
                || device::store_ops(
                    &s.log.ops().collect::<Vec<_>>(),
                    s.token.as_deref(),
                    summary,
                )
                .is_ok()
        });
        unsaved.set(!stored);
        if stored {
            device::ask_to_keep();
        }
    }

    /// Stores the bag on the device, merged with what other tabs stored meanwhile.
    fn persist(self) {
        let Model { saved, unsaved, .. } = self.model();
        let ours = saved.get_untracked();
        let stored = device::save(&ours);
        unsaved.set(stored.is_err());
        if let Ok(merged) = stored {
            if merged != ours {
                saved.set(merged);
            }
        }
    }

    /// The kept products changed on the device: read them again when a screen next shows one.
    fn forget_products(self) {
        if self.products.with_value(Option::is_some) {
            self.products.set_value(None);
            self.products_changed.update(|n| *n += 1);
        }
    }

    /// Another tab stored a newer copy: take its operations too, and read the products again
    /// when a screen next shows one.
    fn reload(self) {
        self.forget_products();
        let saved = self.model().saved;
        if let Loaded::Fresh(stored) = device::load() {
            if saved.with_untracked(|s| *s != stored) {
                saved.update(|s| s.merge(stored));
            }
        }
    }

    /// The stored bag's token, without reading the bag (a screen that only asks on the bag's
    /// behalf need not carry the bag's code).
    pub fn stored_token(self) -> Option<BagToken> {
        BagToken::parse(&device::glance().token?)
    }

    /// The bag token, stored now if the bag is new: signing in leads it to her member bag, and
    /// a device that keeps a bag syncs it from the next page on.
    pub fn lasting_token(self) -> Option<BagToken> {
        let token = self.token();
        if self.stored_token().is_none() {
            self.persist();
        }
        token
    }

    /// The bag token, for requests made on the bag's behalf (orders).
    pub fn token(self) -> Option<BagToken> {
        self.model().saved.with_untracked(Replica::token)
    }

    /// Asks for a sync round now (after a change, or an order removed lines on the server),
    /// starting the sync engine first if it is not running yet.
    pub fn wake_sync(self) {
        match self.sync.get_value() {
            SyncEngine::Running => self.wake.with_value(|wake| {
                if let Some(wake) = wake {
                    let _ = wake.unbounded_send(());
                }
            }),
            SyncEngine::Starting => {}
            SyncEngine::NotNeededYet => {
                self.sync.set_value(SyncEngine::Starting);
                let client = self.client.get_value();
                leptos::task::spawn_local(async move {
                    let started = sync::start(self, client).await;
                    // Not fetched (offline): tried again at the next change or when back online.
                    self.sync.set_value(match started {
                        Ok(()) => SyncEngine::Running,
                        Err(_) => SyncEngine::NotNeededYet,
                    });
                });
            }
        }
    }

    /// The bag `token` names answered `sent` (empty for a pull): the replica takes it in (see
    /// [`Outbox::answered`]), and the device stores the result.
    fn answered(self, outbox: &mut Outbox, token: &str, sent: &[Op], answer: Answer) -> Wait {
        let saved = self.model().saved;
        if matches!(answer, Answer::Unreachable) {
            // Nothing changes but the back-off: no view needs to hear of it.
            return saved
                .try_update_untracked(|s| outbox.answered(s, token, sent, answer))
                .unwrap_or(Wait::Quiet);
        }
        let refused = saved.with_untracked(|s| s.rejected.len());
        let wait = saved
            .try_update(|s| outbox.answered(s, token, sent, answer))
            .unwrap_or(Wait::Quiet);
        if saved.with_untracked(|s| s.rejected.len()) > refused {
            self.notice.set(Some(BagNotice::Refused));
        }
        self.persist();
        wait
    }
}

split_point! { bag_change:
    fn put(
        bag: Bag,
        product: Product,
        sku: Sku,
        store: Option<StoreId>,
        intent: Option<Intent>,
    ) -> Result<(), ChunkError> {
        bag.add(&product, &sku, store, intent);
        Ok(())
    }
}

/// 128 bits from the browser's cryptographic generator (tokens and ids must not be guessable).
pub fn random_bits() -> u128 {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok());
    if filled.is_none() {
        // No Web Crypto (very old webviews): Math.random is enough for operation ids.
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    u128::from_le_bytes(bytes)
}
