//! Error messages with a way forward: retry what may work later, explain what never will.

use crate::api::code::quoted;
use crate::api::{ApiError, CodeError, ErrorCode};
use crate::components::code_reason;
use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;

/// Why a product lookup failed: refused before asking, or the server's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupProblem {
    Malformed(CodeError),
    Api(ApiError),
}

/// A failed request: the translated message and, when trying again can help, a retry button.
#[component]
pub fn ApiProblem(error: ApiError, #[prop(into)] on_retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let message = match &error {
        ApiError::Network(_) => i18n.error_network().to_string(),
        _ => i18n.error_server().to_string(),
    };
    view! {
        <div class="problem" role="alert">
            <p>{message}</p>
            <button type="button" class="button" on:click=move |_| on_retry.run(())>
                {move || i18n.retry()}
            </button>
        </div>
    }
}

/// Why a code shows no product, in the shopper's language.
#[component]
pub fn CodeProblem(
    code: String,
    problem: LookupProblem,
    #[prop(into)] on_retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = quoted(&code);
    let not_a_code = |reason: String| {
        view! {
            <h1>{move || i18n.malformed_code_title()}</h1>
            <div class="problem" role="alert">
                <p>{i18n.error_malformed_code(code.clone(), reason).to_string()}</p>
                <a href=Route::Home.href() class="button">{move || i18n.scan_another()}</a>
            </div>
        }
        .into_any()
    };
    match problem {
        LookupProblem::Malformed(reason) => not_a_code(code_reason(i18n, &reason)),
        LookupProblem::Api(error) => match error.code() {
            Some(ErrorCode::UnknownCode) | Some(ErrorCode::NotFound) => view! {
                <h1>{move || i18n.unknown_code_title()}</h1>
                <div class="problem" role="alert">
                    <p>{i18n.error_unknown_code(code.clone()).to_string()}</p>
                    <a href=Route::Home.href() class="button">{move || i18n.scan_another()}</a>
                </div>
            }
            .into_any(),
            Some(ErrorCode::MalformedCode) => not_a_code(error.to_string()),
            _ => view! {
                <h1>{move || i18n.lookup_failed_title()}</h1>
                <ApiProblem error on_retry />
            }
            .into_any(),
        },
    }
}
