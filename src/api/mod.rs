//! The one REST client: every HTTP call of the app goes through here.

mod client;
mod failure;

pub use client::Client;
pub use failure::ApiError;
pub use shopbag_api::*;
