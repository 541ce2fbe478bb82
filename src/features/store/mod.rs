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
