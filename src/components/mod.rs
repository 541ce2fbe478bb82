//! UI pieces shared by the pages.

mod code_entry;
mod language;
mod lazy_screen;
mod picture;
mod price;
mod problem;
mod product_sheet;
mod skeleton;
mod slot;
mod when_seen;

pub use code_entry::{code_reason, CodeEntry, Entry};
pub use language::{lang_of, use_lang, Translated};
pub use lazy_screen::{LazyScreen, ScreenFetch};
pub use picture::{picture, Load};
pub use price::Price;
pub use problem::{ApiProblem, CodeProblem, LookupProblem};
pub use product_sheet::{Added, NewLine, ProductSheet};
pub use skeleton::Skeleton;
pub use slot::Slot;
pub use when_seen::WhenSeen;
