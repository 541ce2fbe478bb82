//! The screens' split points (see `crate::lazy`): each screen is its own chunk, fetched the
//! first time the shopper opens it.

use crate::lazy::split_point;
use crate::lazy::ChunkError;
use crate::pages::{BagPage, Home, NotFound, OrderPage, ProductPage, ScanPage, StoreEntrance};
use leptos::prelude::*;

split_point! { home:
    pub fn home() -> Result<AnyView, ChunkError> {
        Ok(view! { <Home /> }.into_any())
    }
}

split_point! { scan:
    pub fn scan() -> Result<AnyView, ChunkError> {
        Ok(view! { <ScanPage /> }.into_any())
    }
}

split_point! { product:
    pub fn product(code: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <ProductPage code /> }.into_any())
    }
}

split_point! { store_entrance:
    pub fn store_entrance(store: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <StoreEntrance store /> }.into_any())
    }
}

split_point! { bag:
    pub fn bag() -> Result<AnyView, ChunkError> {
        Ok(view! { <BagPage /> }.into_any())
    }
}

split_point! { order:
    pub fn order(number: String) -> Result<AnyView, ChunkError> {
        Ok(view! { <OrderPage number /> }.into_any())
    }
}

split_point! { not_found:
    pub fn not_found() -> Result<AnyView, ChunkError> {
        Ok(view! { <NotFound /> }.into_any())
    }
}
