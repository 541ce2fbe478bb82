//! The box where a shopper types a code from a tag, or a product name to search for.

use crate::api::{CodeError, ScannedCode};
use crate::i18n::*;
use crate::navigation::use_address;
use crate::route::Route;
use leptos::prelude::*;

/// What the shopper typed means one of these.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A valid code: open its product.
    Code(String),
    /// Digits or a link that cannot be a product code.
    BadCode(CodeError),
    /// Words: search the catalogue.
    Search(String),
    Empty,
}

impl Entry {
    pub fn read(input: &str) -> Entry {
        let input = input.trim();
        let looks_like_code = input.starts_with("http://")
            || input.starts_with("https://")
            || (!input.is_empty() && input.bytes().all(|b| b.is_ascii_digit() || b == b' '));
        if input.is_empty() {
            Entry::Empty
        } else if looks_like_code {
            // People type codes in groups as printed under the bars: "6 931234 500016".
            let compact: String = input.chars().filter(|c| *c != ' ').collect();
            match ScannedCode::parse(&compact) {
                Ok(_) => Entry::Code(compact),
                Err(e) => Entry::BadCode(e),
            }
        } else {
            Entry::Search(input.to_string())
        }
    }
}

/// The translated reason a code was refused.
pub fn code_reason(i18n: I18n, error: &CodeError) -> String {
    match error {
        CodeError::Empty => i18n.reason_empty(),
        CodeError::TooLong => i18n.reason_too_long(),
        CodeError::NotDigits => i18n.reason_not_digits(),
        CodeError::BadLength(_) => i18n.reason_bad_length(),
        CodeError::BadCheckDigit => i18n.reason_bad_check_digit(),
        CodeError::UnsupportedUrl => i18n.reason_unsupported_url(),
    }
    .to_string()
}

#[component]
pub fn CodeEntry(#[prop(optional, into)] initial: String) -> impl IntoView {
    let i18n = use_i18n();
    let address = use_address();
    let text = RwSignal::new(initial);
    let problem = RwSignal::new(None::<CodeError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        match Entry::read(&text.get_untracked()) {
            Entry::Code(code) => address.go(&Route::Product(code)),
            Entry::Search(query) => address.go(&Route::Search(query)),
            Entry::BadCode(error) => problem.set(Some(error)),
            Entry::Empty => problem.set(Some(CodeError::Empty)),
        }
    };
    view! {
        <form class="code-entry" role="search" on:submit=on_submit>
            <label for="code-input">{move || i18n.code_label()}</label>
            <div class="code-entry-row">
                <input
                    id="code-input"
                    name="code"
                    type="text"
                    inputmode="text"
                    autocomplete="off"
                    enterkeyhint="search"
                    aria-describedby="code-hint code-problem"
                    aria-invalid=move || problem.get().is_some().to_string()
                    bind:value=text
                />
                <button type="submit" class="button primary">{move || i18n.find()}</button>
            </div>
            <p id="code-hint" class="hint">{move || i18n.code_hint()}</p>
            <p id="code-problem" class="field-problem" role="alert">
                {move || problem.get().map(|e| code_reason(i18n, &e))}
            </p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_with_a_valid_check_digit_are_a_code() {
        assert_eq!(
            Entry::read(" 9780306406157 "),
            Entry::Code("9780306406157".into())
        );
        assert_eq!(
            Entry::read("978 030640 6157"),
            Entry::Code("9780306406157".into())
        );
    }

    #[test]
    fn digits_that_cannot_be_a_code_explain_why() {
        assert_eq!(
            Entry::read("9780306406158"),
            Entry::BadCode(CodeError::BadCheckDigit)
        );
        assert_eq!(Entry::read("123"), Entry::BadCode(CodeError::BadLength(3)));
    }

    #[test]
    fn words_are_a_search() {
        assert_eq!(Entry::read("wool coat"), Entry::Search("wool coat".into()));
        assert_eq!(Entry::read("   "), Entry::Empty);
    }

    #[test]
    fn tag_links_are_codes() {
        let link = "https://shop.example.cn/p/9780306406157";
        assert_eq!(Entry::read(link), Entry::Code(link.into()));
    }
}
