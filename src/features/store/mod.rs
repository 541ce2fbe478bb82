//! The store the shopper stands in: the "here" of every stock figure, remembered on the device.

use crate::api::{ApiError, Client, Store};
use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;

const STORAGE_KEY: &str = "shopbag.store";

/// The chosen store's id; an empty string means none chosen yet.
#[derive(Clone, Copy)]
pub struct Here {
    id: Signal<String>,
    set_id: WriteSignal<String>,
}

impl Here {
    /// Reads (and later writes) the choice in local storage, so it survives reloads and tabs.
    pub fn from_device() -> Self {
        let (id, set_id, _) = use_local_storage::<String, FromToStringCodec>(STORAGE_KEY);
        Here { id, set_id }
    }

    pub fn store_id(self) -> Option<String> {
        Some(self.id.get()).filter(|id| !id.is_empty())
    }

    pub fn choose(self, store_id: &str) {
        self.set_id.set(store_id.to_string());
    }
}

pub fn use_here() -> Here {
    expect_context::<Here>()
}

/// The store list, fetched once and shared by every page.
#[derive(Clone, Copy)]
pub struct Stores(pub LocalResource<Result<Vec<Store>, ApiError>>);

pub fn provide_stores() {
    let client = expect_context::<Client>();
    provide_context(Stores(LocalResource::new(move || {
        let client = client.clone();
        async move { client.stores().await }
    })));
}

pub fn use_stores() -> Stores {
    expect_context::<Stores>()
}

impl Stores {
    /// The loaded list, or empty while loading or on error.
    pub fn list(self) -> Vec<Store> {
        self.0.get().and_then(Result::ok).unwrap_or_default()
    }

    pub fn find(self, id: &str) -> Option<Store> {
        self.list().into_iter().find(|s| s.id == id)
    }
}

/// The store closest to a position (great-circle distance), for "you seem to be at …".
pub fn nearest(stores: &[Store], lat: f64, lng: f64) -> Option<&Store> {
    let distance = |store: &Store| {
        let (p1, p2) = (lat.to_radians(), store.position.lat.to_radians());
        let dp = p2 - p1;
        let dl = (store.position.lng - lng).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * a.sqrt().asin()
    };
    stores
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
}

/// Asks the browser where the shopper is (she is asked for permission) and calls back with
/// the nearest store's id, or nothing when the position is refused or unavailable.
pub fn locate_nearest(stores: Vec<Store>, done: impl FnOnce(Option<String>) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let geolocation = web_sys::window().and_then(|w| w.navigator().geolocation().ok());
    let Some(geolocation) = geolocation else {
        done(None);
        return;
    };
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(done)));
    let on_position = {
        let done = done.clone();
        Closure::once(move |position: web_sys::Position| {
            let coords = position.coords();
            let id = nearest(&stores, coords.latitude(), coords.longitude()).map(|s| s.id.clone());
            if let Some(done) = done.borrow_mut().take() {
                done(id);
            }
        })
    };
    let on_error = Closure::once(move |_: web_sys::PositionError| {
        if let Some(done) = done.borrow_mut().take() {
            done(None);
        }
    });
    let asked = geolocation.get_current_position_with_error_callback(
        on_position.as_ref().unchecked_ref(),
        Some(on_error.as_ref().unchecked_ref()),
    );
    // The browser calls back later: the closures must outlive this function.
    on_position.forget();
    on_error.forget();
    if asked.is_err() {
        leptos::logging::debug_warn!("geolocation request failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{GeoPoint, Localized};

    fn store(id: &str, lat: f64, lng: f64) -> Store {
        Store {
            id: id.into(),
            name: Localized::new(id, id),
            address: Localized::new("", ""),
            opening_hours: "10:00–22:00".into(),
            position: GeoPoint { lat, lng },
        }
    }

    #[test]
    fn picks_the_closest_store() {
        let stores = [
            store("jingan", 31.2243, 121.4450),
            store("lujiazui", 31.2353, 121.5020),
        ];
        assert_eq!(nearest(&stores, 31.2300, 121.4990).unwrap().id, "lujiazui");
        assert_eq!(nearest(&stores, 31.2240, 121.4400).unwrap().id, "jingan");
        assert!(nearest(&[], 0.0, 0.0).is_none());
    }
}
