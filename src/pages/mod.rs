//! One route per file.

mod home;
mod not_found;
mod product;

pub use home::Home;
pub use not_found::NotFound;
pub use product::ProductPage;
