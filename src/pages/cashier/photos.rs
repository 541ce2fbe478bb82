//! Staff: the photos a product is found by in the scanner's "Find by photo of the item". Type or
//! scan one of its codes, see its photos, add one (taken or chosen; sent at most 1024 px a side)
//! or remove one. The server embeds each photo as it arrives.

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
        Some(ErrorCode::VisualSearchUnavailable) => i18n.error_server().to_string(),
        _ => i18n.cashier_offline().to_string(),
    }
}

/// The screen's state and its requests. Every change ends by reading the product's photos
/// again, so what is shown is what the server holds.
#[derive(Clone, Copy)]
struct Staff {
    client: StoredValue<Client>,
    key: StoredValue<String>,
    shown: RwSignal<Option<Enrolment>>,
    trouble: RwSignal<Option<String>>,
    i18n: I18n,
}

impl Staff {
    fn new(key: String) -> Staff {
        Staff {
            client: StoredValue::new(expect_context::<Client>()),
            key: StoredValue::new(key),
            shown: RwSignal::new(None),
            trouble: RwSignal::new(None),
            i18n: use_i18n(),
        }
    }

    /// The product one of its codes names, and its photos.
    async fn open(self, code: String) {
        let found = self.client.get_value().code(&code).await;
        self.settle(match found {
            Ok(found) => self.refresh(found.product).await,
            Err(error) => Err(error),
        });
    }

    /// One more photo of the product shown, downscaled and sent as a JPEG.
    async fn add(self, file: web_sys::File) {
        let Some(product) = self.product() else {
            return;
        };
        let Some(photo) = snapshot::of_file(&file, Framing::enrolment).await else {
            self.trouble
                .set(Some(self.i18n.photo_unreadable().to_string()));
            return;
        };
        let client = self.client.get_value();
        let sent = client
            .enrol_photo(&self.key.get_value(), &product.id, &photo)
            .await;
        self.settle(match sent {
            Ok(_) => self.refresh(product).await,
            Err(error) => Err(error),
        });
    }

    async fn remove(self, photo: PhotoId) {
        let Some(product) = self.product() else {
            return;
        };
        let client = self.client.get_value();
        let gone = client
            .forget_photo(&self.key.get_value(), &product.id, photo)
            .await;
        self.settle(match gone {
            Ok(()) => self.refresh(product).await,
            Err(error) => Err(error),
        });
    }

    fn product(self) -> Option<Product> {
        self.shown.get_untracked().map(|shown| shown.product)
    }

    async fn refresh(self, product: Product) -> Result<(), ApiError> {
        let client = self.client.get_value();
        let photos = client
            .product_photos(&self.key.get_value(), &product.id)
            .await?;
        self.shown.set(Some(Enrolment { product, photos }));
        Ok(())
    }

    fn settle(self, done: Result<(), ApiError>) {
        let i18n = self.i18n;
        self.trouble
            .set(done.err().map(|error| problem(i18n, &error)));
    }
}

#[component]
pub(super) fn ProductPhotos(key: String) -> impl IntoView {
    let i18n = use_i18n();
    let staff = Staff::new(key);
    let code = RwSignal::new(String::new());
    let open = Action::new_local(move |code: &String| staff.open(code.clone()));
    let add =
        Action::new_local(move |file: &SendWrapper<web_sys::File>| staff.add(file.clone().take()));
    let remove = Action::new_local(move |photo: &PhotoId| staff.remove(*photo));
    let busy = Signal::derive(move || {
        open.pending().get() || add.pending().get() || remove.pending().get()
    });
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
        <p class="field-problem" role="alert">{move || staff.trouble.get()}</p>
        {move || staff.shown.get().map(|shown| view! {
            <Photos shown busy add=Callback::new(move |file| { add.dispatch(file); }) remove />
        })}
    }
}

/// A product's photos, each with "Remove", and "Add a photo" while it has room for one.
#[component]
fn Photos(
    shown: Enrolment,
    busy: Signal<bool>,
    add: Callback<SendWrapper<web_sys::File>>,
    remove: Action<PhotoId, ()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    let Enrolment { product, photos } = shown;
    let count = photos.photos.len();
    let full = count >= MOST_PHOTOS_PER_PRODUCT;
    let picker = NodeRef::<html::Input>::new();
    let chosen = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            add.run(SendWrapper::new(file));
        }
        input.set_value("");
    };
    view! {
        <h2>{move || product.name.get(lang()).to_string()}</h2>
        <p class="hint">{move || i18n.photos_count(count, MOST_PHOTOS_PER_PRODUCT)}</p>
        <ul class="enrolled-photos">
            {photos.photos.into_iter().map(|photo| view! {
                <li>
                    <img src=client.photo_url(photo.id) alt="" width="96" height="128" />
                    <button type="button" class="button" disabled=busy on:click=move |_| {
                        remove.dispatch(photo.id);
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
        <input node_ref=picker type="file" accept="image/*" capture="environment" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=chosen />
    }
}
