//! Staff: the photos a product is found by in the scanner's "Find by photo of the item". Type or
//! scan one of its codes, see its photos, add one (taken or chosen; sent at most 1024 px a side)
//! or delete one. The server embeds each photo as it arrives.

use crate::api::visual::{Framing, PhotoId, ProductPhotos, MOST_PHOTOS_PER_PRODUCT};
use crate::api::{ApiError, Client, ErrorCode, Product};
use crate::components::use_lang;
use crate::features::scan::snapshot;
use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;
use send_wrapper::SendWrapper;

/// A product chosen for its photos, with the photos it has.
#[derive(Debug, Clone, PartialEq)]
struct Enrolment {
    product: Product,
    photos: ProductPhotos,
}

/// What a refusal says to staff.
fn problem(i18n: I18n, error: &ApiError) -> String {
    match error.code() {
        Some(ErrorCode::CashierKeyRejected) => i18n.cashier_key_rejected().to_string(),
        Some(ErrorCode::UnknownCode | ErrorCode::MalformedCode | ErrorCode::NotFound) => {
            i18n.unknown_code_title().to_string()
        }
        Some(ErrorCode::TooManyPhotos) => i18n.photos_full().to_string(),
        Some(ErrorCode::InvalidPhoto | ErrorCode::UnsupportedMediaType) => {
            i18n.photo_unreadable().to_string()
        }
        Some(ErrorCode::VisualSearchUnavailable) => i18n.lookalikes_failed().to_string(),
        _ => i18n.cashier_offline().to_string(),
    }
}

#[component]
pub(super) fn ProductPhotos(key: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = StoredValue::new(expect_context::<Client>());
    let key = StoredValue::new(key);
    let code = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<Enrolment>);
    let trouble = RwSignal::new(None::<String>);
    // Every change ends by reading the product's photos again: what the server holds is shown.
    let refresh = move |product: Product| async move {
        let photos = client
            .get_value()
            .product_photos(&key.get_value(), &product.id)
            .await?;
        shown.set(Some(Enrolment { product, photos }));
        Ok::<_, ApiError>(())
    };
    let settle = move |done: Result<(), ApiError>| {
        trouble.set(done.err().map(|error| problem(i18n, &error)));
    };
    let open = Action::new_local(move |code: &String| {
        let code = code.clone();
        async move {
            let found = client.get_value().code(&code).await;
            settle(match found {
                Ok(found) => refresh(found.product).await,
                Err(error) => Err(error),
            });
        }
    });
    let add = Action::new_local(move |file: &SendWrapper<web_sys::File>| {
        let file = file.clone();
        async move {
            let Some(product) = shown.get_untracked().map(|e| e.product) else {
                return;
            };
            let Some(photo) = snapshot::of_file(&file, Framing::enrolment).await else {
                trouble.set(Some(i18n.photo_unreadable().to_string()));
                return;
            };
            let client = client.get_value();
            let sent = client
                .enrol_photo(&key.get_value(), &product.id, &photo)
                .await;
            settle(match sent {
                Ok(_) => refresh(product).await,
                Err(error) => Err(error),
            });
        }
    });
    let forget = Action::new_local(move |photo: &PhotoId| {
        let photo = *photo;
        async move {
            let Some(product) = shown.get_untracked().map(|e| e.product) else {
                return;
            };
            let client = client.get_value();
            let gone = client
                .forget_photo(&key.get_value(), &product.id, photo)
                .await;
            settle(match gone {
                Ok(()) => refresh(product).await,
                Err(error) => Err(error),
            });
        }
    });
    let busy = Signal::derive(move || {
        open.pending().get() || add.pending().get() || forget.pending().get()
    });
    let picker = NodeRef::<html::Input>::new();
    let chosen = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            add.dispatch(SendWrapper::new(file));
        }
        input.set_value("");
    };
    view! {
        <form class="photo-product" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            open.dispatch(code.get_untracked().trim().to_string());
        }>
            <label for="photo-product-code">{move || i18n.photos_product_code()}</label>
            <input
                id="photo-product-code"
                inputmode="numeric"
                autocomplete="off"
                prop:value=code
                on:input=move |ev| code.set(event_target_value(&ev))
            />
            <button type="submit" class="button" disabled=busy>{move || i18n.photos_open()}</button>
        </form>
        <p class="field-problem" role="alert">{move || trouble.get()}</p>
        {move || shown.get().map(|Enrolment { product, photos }| {
            let name = product.name.get(lang()).to_string();
            let full = photos.photos.len() >= MOST_PHOTOS_PER_PRODUCT;
            view! {
                <h2>{name}</h2>
                <p class="hint">{i18n.photos_count(photos.photos.len(), MOST_PHOTOS_PER_PRODUCT)}</p>
                <ul class="enrolled-photos">
                    {photos.photos.into_iter().map(|photo| view! {
                        <li>
                            <img src=client.get_value().photo_url(photo.id) alt="" width="96" height="128" />
                            <button type="button" class="button" disabled=busy on:click=move |_| {
                                forget.dispatch(photo.id);
                            }>
                                {move || i18n.remove()}
                            </button>
                        </li>
                    }).collect_view()}
                </ul>
                <button
                    type="button"
                    class="button primary"
                    disabled=move || full || busy.get()
                    on:click=move |_| {
                        if let Some(input) = picker.get() {
                            input.click();
                        }
                    }
                >
                    {move || i18n.photos_add()}
                </button>
            }
        })}
        <input node_ref=picker type="file" accept="image/*" capture="environment" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=chosen />
    }
}
