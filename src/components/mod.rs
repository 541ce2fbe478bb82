//! UI pieces shared by the pages.

mod app_bar;
mod code_entry;
mod price;
mod problem;
mod skeleton;

pub use app_bar::AppBar;
pub use code_entry::{code_reason, CodeEntry};
pub use price::Price;
pub use problem::{ApiProblem, CodeProblem, LookupProblem};
pub use skeleton::Skeleton;

use crate::api::Lang;
use crate::i18n::{use_i18n, Locale};

/// The catalogue language that matches the interface language (reactive).
pub fn use_lang() -> impl Fn() -> Lang + Copy {
    let i18n = use_i18n();
    move || match i18n.get_locale() {
        Locale::zh_CN => Lang::ZhCn,
        Locale::en => Lang::En,
    }
}
