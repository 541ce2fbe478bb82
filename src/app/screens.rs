//! The screens' split points (see `crate::lazy`): each screen is its own chunk, fetched the
//! first time the shopper opens it.

use crate::lazy::ChunkError;
use crate::pages::{BagPage, Home, NotFound, OrderPage, ProductPage, ScanPage, StoreEntrance};
use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

#[wasm_split(home, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn home() -> Result<AnyView, ChunkError> {
    Ok(view! { <Home /> }.into_any())
}

#[wasm_split(scan, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn scan() -> Result<AnyView, ChunkError> {
    Ok(view! { <ScanPage /> }.into_any())
}

#[wasm_split(product, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn product(code: String) -> Result<AnyView, ChunkError> {
    Ok(view! { <ProductPage code /> }.into_any())
}

#[wasm_split(store_entrance, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn store_entrance(store: String) -> Result<AnyView, ChunkError> {
    Ok(view! { <StoreEntrance store /> }.into_any())
}

#[wasm_split(bag, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn bag() -> Result<AnyView, ChunkError> {
    Ok(view! { <BagPage /> }.into_any())
}

#[wasm_split(order, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn order(number: String) -> Result<AnyView, ChunkError> {
    Ok(view! { <OrderPage number /> }.into_any())
}

#[wasm_split(not_found, wasm_split_path = ::leptos::wasm_split, fallible)]
pub fn not_found() -> Result<AnyView, ChunkError> {
    Ok(view! { <NotFound /> }.into_any())
}
