//! The store the shopper stands in: the "here" of every stock figure, remembered on the device.

use crate::api::{ApiError, Client, Fetch, Lang, Localized, Store, StoreId};
use crate::storage;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

const STORAGE_KEY: &str = "shopbag.store";

/// The store she chose, with its name, so the app bar can say where she is without the list.
#[derive(Debug, Clone, PartialEq)]
struct ChosenStore {
    pub id: StoreId,
    /// Unknown for a choice kept by an earlier release (only the id); filled in from the list.
    pub name: Option<Localized>,
}

impl ChosenStore {
    /// As kept on the device: `{"id": …, "name": {"zh": …, "en": …}}`, written field by field
    /// like it is read (every screen may choose a store; none should carry serde's writer).
    fn written(&self) -> Option<String> {
        let set = |object: &JsValue, key: &str, value: &JsValue| {
            js_sys::Reflect::set(object, &key.into(), value).is_ok()
        };
        let kept: JsValue = js_sys::Object::new().into();
        let mut ok = set(&kept, "id", &JsValue::from_str(self.id.as_str()));
        if let Some(name) = &self.name {
            let names: JsValue = js_sys::Object::new().into();
            ok &= set(&names, "zh", &JsValue::from_str(&name.zh));
            ok &= set(&names, "en", &JsValue::from_str(&name.en));
            ok &= set(&kept, "name", &names);
        }
        let text = js_sys::JSON::stringify(&kept).ok()?;
        ok.then(|| text.into())
    }

    /// The kept choice, read field by field in the browser's JSON (the shell reads it at start,
    /// and serde's reader would weigh more than this). Earlier releases kept the bare id, which
    /// is not JSON.
    fn read(text: &str) -> Option<ChosenStore> {
        let Ok(kept) = js_sys::JSON::parse(text) else {
            let id = text.trim();
            return (!id.is_empty()).then(|| ChosenStore {
                id: id.into(),
                name: None,
            });
        };
        let field = |value: &JsValue, name: &str| {
            js_sys::Reflect::get(value, &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        let name = js_sys::Reflect::get(&kept, &"name".into()).ok();
        Some(ChosenStore {
            id: field(&kept, "id")?.into(),
            name: name.and_then(|n| Some(Localized::new(field(&n, "zh")?, field(&n, "en")?))),
        })
    }
}

/// The store the shopper stands in, remembered on the device (none chosen yet: `None`).
#[derive(Clone, Copy)]
pub struct Here(RwSignal<Option<ChosenStore>>);

impl Here {
    /// The choice kept on the device; it is written back whenever she chooses again.
    pub fn from_device() -> Self {
        let kept = storage::read_text(STORAGE_KEY).and_then(|text| ChosenStore::read(&text));
        Here(RwSignal::new(kept))
    }

    pub fn store_id(self) -> Option<StoreId> {
        self.0.with(|c| c.as_ref().map(|c| c.id.clone()))
    }

    /// The chosen store's name in `lang`, when known.
    pub fn name(self, lang: Lang) -> Option<String> {
        self.0
            .with(|c| Some(c.as_ref()?.name.as_ref()?.get(lang).to_string()))
    }

    pub fn choose(self, store: &Store) {
        self.keep(ChosenStore {
            id: store.id.clone(),
            name: Some(store.name.clone()),
        });
    }

    /// Takes the chosen store's current name from a fresh list (stores get renamed, and earlier
    /// releases kept no name).
    pub fn refresh(self, stores: &[Store]) {
        let Some(chosen) = self.0.get_untracked() else {
            return;
        };
        let Some(store) = stores.iter().find(|s| s.id == chosen.id) else {
            return;
        };
        if chosen.name.as_ref() != Some(&store.name) {
            self.choose(store);
        }
    }

    fn keep(self, chosen: ChosenStore) {
        // Not kept (storage full or off): still chosen for this visit.
        if let Some(text) = chosen.written() {
            let _ = storage::write_text(STORAGE_KEY, &text);
        }
        self.0.set(Some(chosen));
    }
}

pub fn use_here() -> Here {
    expect_context::<Here>()
}

/// The store list, fetched once — the first time a screen needs it — and shared by every page.
#[derive(Clone, Copy)]
pub struct Stores(Fetch<Result<Vec<Store>, ApiError>>);

/// Where the list is made: under the shell's owner, so it outlives the screen that asked first.
#[derive(Clone)]
struct StoreDirectory {
    owner: Owner,
    stores: StoredValue<Option<Stores>>,
}

/// Called once, in the app shell; nothing is fetched until a screen asks for the list.
pub fn provide_stores() {
    provide_context(StoreDirectory {
        owner: Owner::current().expect("the shell has an owner"),
        stores: StoredValue::new(None),
    });
}

pub fn use_stores() -> Stores {
    let directory = expect_context::<StoreDirectory>();
    if let Some(stores) = directory.stores.get_value() {
        return stores;
    }
    let client = expect_context::<Client>();
    let here = use_here();
    let stores = directory.owner.with(|| {
        Stores(Fetch::new(move || {
            let client = client.clone();
            async move {
                let stores = client.stores().await;
                if let Ok(list) = &stores {
                    here.refresh(list);
                }
                stores
            }
        }))
    });
    directory.stores.set_value(Some(stores));
    stores
}

impl Stores {
    /// The list, `None` while on its way (tracked).
    pub fn answer(self) -> Option<Result<Vec<Store>, ApiError>> {
        self.0.with(|answer| answer.cloned())
    }

    /// Asks for the list again, after a failure.
    pub fn again(self) {
        self.0.again();
    }

    /// The loaded list, or empty while loading or on error.
    pub fn list(self) -> Vec<Store> {
        self.0
            .with(|answer| answer.and_then(|a| a.as_ref().ok()).cloned())
            .unwrap_or_default()
    }

    pub fn find(self, id: &StoreId) -> Option<Store> {
        self.list().into_iter().find(|s| s.id == *id)
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

/// Asks the browser where the shopper is (she is asked for permission): the nearest store's id,
/// or nothing when the position is refused or unavailable.
///
/// One position, awaited, from `getCurrentPosition` settling a promise: leptos-use's
/// `use_geolocation` keeps watching and its bindings weighed in every first load.
pub async fn locate_nearest(stores: &[Store]) -> Option<StoreId> {
    let geolocation = web_sys::window()?.navigator().geolocation().ok()?;
    let asked = js_sys::Promise::new(&mut |found, failed| {
        if geolocation
            .get_current_position_with_error_callback(&found, Some(&failed))
            .is_err()
        {
            let _ = failed.call0(&JsValue::NULL);
        }
    });
    let position: web_sys::Position = wasm_bindgen_futures::JsFuture::from(asked)
        .await
        .ok()?
        .unchecked_into();
    let at = position.coords();
    nearest(stores, at.latitude(), at.longitude()).map(|s| s.id.clone())
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
        assert_eq!(
            nearest(&stores, 31.2300, 121.4990).unwrap().id.as_str(),
            "lujiazui"
        );
        assert_eq!(
            nearest(&stores, 31.2240, 121.4400).unwrap().id.as_str(),
            "jingan"
        );
        assert!(nearest(&[], 0.0, 0.0).is_none());
    }
}
