//! The one REST client: every HTTP call of the app goes through here.

mod calendar;
mod client;
mod failure;
mod fetch;

pub use client::{Client, LooksOf};
pub use failure::ApiError;
pub use fetch::Fetch;
pub use shopbag_api::*;
