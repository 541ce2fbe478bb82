//! Shop-floor features. Each folder stands alone: features never import each other.

pub mod bag;
pub mod host;
pub mod kiosk;
pub mod looks;
pub mod member;
pub mod promos;
pub mod scan;
pub mod store;
