//! The screens, one per file (or folder); each is built by its split point in `crate::app`.

mod bag;
mod cashier;
mod claim;
mod home;
mod kiosk;
mod me;
mod member;
mod not_found;
mod order;
mod product;
mod scan;
mod store_entrance;

pub use bag::BagPage;
pub use cashier::CashierPage;
pub use claim::ClaimPage;
pub use home::Home;
pub use kiosk::KioskFrame;
pub use me::MePage;
pub use member::MemberPage;
pub use not_found::NotFound;
pub use order::OrderPage;
pub use product::ProductPage;
pub use scan::ScanPage;
pub use store_entrance::StoreEntrance;
