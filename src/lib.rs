//! shopbag, the shopping bag for people standing in a real store (Leptos, client-side rendered).

pub mod api;
mod app;
pub mod clock;
pub mod components;
pub mod features;
pub mod i18n;
pub mod json;
pub mod lazy;
pub mod navigation;
mod pages;
pub mod reflect;
pub mod route;
pub mod sizes;
pub mod storage;

pub use app::App;
