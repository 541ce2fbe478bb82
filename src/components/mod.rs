//! UI pieces shared by the pages.

mod app_bar;
mod code_entry;
mod language;
mod price;
mod problem;
mod skeleton;

pub use app_bar::AppBar;
pub use code_entry::{code_reason, CodeEntry, Entry};
pub use language::{lang_of, use_lang, Translated};
pub use price::Price;
pub use problem::{ApiProblem, CodeProblem, LookupProblem};
pub use skeleton::Skeleton;
