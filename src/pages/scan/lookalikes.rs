//! "Find by photo of the item", for a garment with no tag to scan: a shot of it goes to the
//! server's visual search, and the three products that look most like it are shown with the
//! photo each matched and how alike it is. She taps the right one and picks its colour and size
//! on its page, as after a scan; nothing goes in the bag by itself.

use super::{Hit, ScanScreen};
use crate::api::visual::{Framing, VisualMatch};
use crate::api::{ApiError, Client, ErrorCode};
use crate::components::use_lang;
use crate::components::Price;
use crate::features::scan::snapshot;
use crate::i18n::*;
use crate::route::Route;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::Blob;

impl ScanScreen {
    /// Sends `shot` (none when it could not be taken) to the visual search and shows the
    /// answer, unless a newer scan or search came in meanwhile.
    fn find_lookalikes(self, shot: Option<Blob>) {
        let number = self.show(Some(Hit::FindingLookalikes));
        let i18n = self.i18n;
        let client = self.client.get_value();
        spawn_local(async move {
            let found = match shot {
                None => Err(i18n.lookalikes_no_shot().to_string()),
                Some(shot) => client
                    .visual_search(&shot)
                    .await
                    .map_err(|error| why_not(i18n, &error)),
            };
            if self.shown.get_value() == number {
                self.hit.set(Some(match found {
                    Ok(found) => Hit::Lookalikes(found.matches),
                    Err(why) => Hit::NoLookalikes(why),
                }));
            }
        });
    }
}

/// What she is told when the search could not answer.
fn why_not(i18n: I18n, error: &ApiError) -> String {
    match (error, error.code()) {
        (ApiError::Network(_), _) => i18n.lookalikes_offline().to_string(),
        (_, Some(ErrorCode::TooManyRequests)) => i18n.error_too_many_requests().to_string(),
        // No model on this server, or it failed: nothing she can change.
        _ => i18n.error_server().to_string(),
    }
}

/// The button, next to the photo and typing ways in: the garment in the viewfinder when the
/// camera is on, else a photo taken (or chosen) for it.
#[component]
pub(super) fn FindByPhoto(scanner: ScanScreen) -> impl IntoView {
    let i18n = use_i18n();
    let photo = NodeRef::<html::Input>::new();
    let find = move |_| {
        let live = scanner
            .video
            .get_untracked()
            .filter(|video| video.video_width() > 0);
        match live {
            Some(video) => {
                let video = video.into();
                spawn_local(
                    async move { scanner.find_lookalikes(snapshot::of_video(&video).await) },
                );
            }
            None => {
                if let Some(input) = photo.get() {
                    input.click();
                }
            }
        }
    };
    let from_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        spawn_local(async move {
            scanner.find_lookalikes(snapshot::of_file(&file, Framing::shot).await)
        });
    };
    view! {
        <button type="button" class="button" on:click=find>{move || i18n.find_by_photo()}</button>
        <input node_ref=photo type="file" accept="image/*" capture="environment" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=from_file />
    }
}

/// The products that look like her shot, best first; none found says so.
#[component]
pub(super) fn Lookalikes(matches: Vec<VisualMatch>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    if matches.is_empty() {
        return view! { <p class="problem" role="alert">{move || i18n.lookalikes_none()}</p> }
            .into_any();
    }
    let items = matches
        .into_iter()
        .map(|found| {
            let href = Route::Product(found.product.ean13.clone()).href();
            let photo = client.photo_url(found.photo);
            let percent = (found.score.clamp(0.0, 1.0) * 100.0).round() as u32;
            let product = found.product;
            view! {
                <li>
                    <a href=href>
                        <img src=photo alt="" width="72" height="96" />
                        <span class="name">{move || product.name.get(lang()).to_string()}</span>
                        <span class="brand">{product.brand.clone()}</span>
                        <span class="hint">{move || i18n.lookalike_alike(percent)}</span>
                        <Price amount=product.price />
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{move || i18n.lookalikes_title()}</h2>
        <ul class="product-list lookalikes">{items}</ul>
    }
    .into_any()
}
