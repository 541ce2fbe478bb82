//! Browser tests (wasm-bindgen-test in headless Chromium): the API client against a real server,
//! and components mounted into a real DOM. scripts/test.sh starts the server and sets SHOPBAG_TEST_API.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use shopbag::api::{ApiError, Client, CodeKind, ErrorCode, Money};
use shopbag::components::{CodeEntry, Price, Translated};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn client() -> Client {
    // Not env!: clippy and plain builds of this file run without a test server.
    let Some(origin) = option_env!("SHOPBAG_TEST_API") else {
        panic!("SHOPBAG_TEST_API names the test server (scripts/test.sh sets it)");
    };
    Client::with_origin(origin)
}

/// A well-formed EAN-13 (German prefix) that the Shanghai demo catalogue does not sell.
const FOREIGN_EAN: &str = "4006381333931";

#[wasm_bindgen_test]
async fn client_resolves_a_seeded_ean_to_its_variant() {
    let first = client().search("").await.unwrap().remove(0);
    let found = client().code(&first.ean13).await.unwrap();
    assert_eq!(found.kind, CodeKind::Ean13);
    assert_eq!(found.product.id, first.id);
    let variant = found
        .variant()
        .expect("the matched sku is one of the product's variants");
    assert_eq!(variant.ean13, first.ean13);
}

#[wasm_bindgen_test]
async fn client_resolves_a_tag_url_with_slashes_in_it() {
    let first = client().search("").await.unwrap().remove(0);
    let url = format!("https://tags.example.cn/01/0{}", first.ean13);
    let found = client().code(&url).await.unwrap();
    assert_eq!(found.kind, CodeKind::TagUrl);
    assert_eq!(found.product.id, first.id);
}

#[wasm_bindgen_test]
async fn client_reports_unknown_and_malformed_codes_in_the_error_shape() {
    match client().code(FOREIGN_EAN).await {
        Err(ApiError::Server { status, body }) => {
            assert_eq!(status, 404);
            assert_eq!(body.code, ErrorCode::UnknownCode);
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    match client().code("12345678901234567890").await {
        Err(error @ ApiError::Server { status: 400, .. }) => {
            assert_eq!(error.code(), Some(ErrorCode::MalformedCode));
            assert!(!error.is_transient());
        }
        other => panic!("expected a 400, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn client_lists_the_stores() {
    let stores = client().stores().await.unwrap();
    assert!(stores.len() >= 3, "{stores:?}");
    assert!(stores
        .iter()
        .all(|s| !s.name.zh.is_empty() && !s.name.en.is_empty()));
}

#[wasm_bindgen_test]
async fn client_reports_an_unreachable_server_as_a_network_error() {
    // Port 9 (discard) is closed on the test machine: the fetch itself fails.
    let error = Client::with_origin("http://127.0.0.1:9")
        .stores()
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
    assert!(error.is_transient());
}

fn mount_into_fresh_div<V: IntoView + 'static>(
    view: impl FnOnce() -> V + 'static,
) -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host.clone(), view).forget();
    host
}

/// Lets Leptos run its scheduled effects (they run after the current task).
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn price_shows_yuan_from_fen() {
    let host = mount_into_fresh_div(|| view! { <Price amount=Money::fen(129_900) /> });
    settle().await;
    assert_eq!(host.text_content().unwrap(), "¥1,299.00");
}

#[wasm_bindgen_test]
async fn code_entry_explains_a_wrong_check_digit_in_chinese_by_default() {
    // The headless browser prefers English; the app still starts in Chinese.
    let host = mount_into_fresh_div(|| {
        view! {
            <Translated>
                {
                    shopbag::navigation::provide_address();
                    view! { <CodeEntry /> }
                }
            </Translated>
        }
    });
    settle().await;
    let input: web_sys::HtmlInputElement = host
        .query_selector("#code-input")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.set_value("9780306406158");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let form: web_sys::HtmlFormElement = host
        .query_selector("form")
        .unwrap()
        .unwrap()
        .unchecked_into();
    form.request_submit().unwrap();
    settle().await;
    let problem = host
        .query_selector("#code-problem")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(problem, "最后一位校验码不符，可能输错了一位数字。");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    // Nothing was navigated to: the shopper stays with her typing.
    assert_eq!(input.value(), "9780306406158");
}

/// The bag writes its operations into the stored copy field by field (without serde's writer,
/// to stay small); it reads them back with serde. The two must agree on every field.
#[wasm_bindgen_test]
fn an_operation_written_by_hand_reads_back_as_itself() {
    use shopbag::api::bag::{Change, Intent, Op, OpId};
    use shopbag::features::bag::device::stored_op;
    let ops = [
        Op {
            id: OpId::from_bits(7),
            at: 1_793_000_000_123,
            change: Change::Add {
                sku: "P0001-BLK-M".into(),
                quantity: 1,
                store: Some("sh-jingan".into()),
                note: None,
                intent: Some(Intent::SoldOutHere),
            },
        },
        Op {
            id: OpId::from_bits(8),
            at: 1_793_000_000_456,
            change: Change::Add {
                sku: "P0002-RED-S".into(),
                quantity: 1,
                store: None,
                note: None,
                intent: Some(Intent::WaitForPromotion),
            },
        },
        Op {
            id: OpId::from_bits(9),
            at: 1_793_000_000_789,
            change: Change::SetQuantity {
                sku: "P0001-BLK-M".into(),
                quantity: 2,
            },
        },
        Op {
            id: OpId::from_bits(10),
            at: 1_793_000_000_790,
            change: Change::SetNote {
                sku: "P0001-BLK-M".into(),
                note: Some("for Mum, “the blue one”".into()),
            },
        },
        Op {
            id: OpId::from_bits(11),
            at: 1_793_000_000_791,
            change: Change::SetNote {
                sku: "P0001-BLK-M".into(),
                note: None,
            },
        },
        Op {
            id: OpId::from_bits(12),
            at: 1_793_000_000_792,
            change: Change::Remove {
                sku: "P0001-BLK-M".into(),
                observed: vec![OpId::from_bits(7), OpId::from_bits(9)],
            },
        },
        Op {
            id: OpId::from_bits(13),
            at: 1_793_000_000_793,
            change: Change::Restore {
                removal: OpId::from_bits(12),
            },
        },
    ];
    for op in ops {
        let by_hand = stored_op(&op).expect("every kind is written by hand");
        let read: Op = shopbag::json::from_value(by_hand).unwrap();
        assert_eq!(read, op);
    }
}

/// An add written before the bag's code arrived, on a device with no bag yet, is a bag the bag
/// reads (with its token, the operation, and the summary the app bar shows).
#[wasm_bindgen_test]
fn a_first_add_written_by_hand_starts_a_bag_the_bag_reads() {
    use shopbag::api::bag::{BagToken, Change, Op, OpId};
    use shopbag::features::bag::device::{glance, load, store_op, Loaded, Summary, STORAGE_KEY};
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    assert_eq!(glance().quantity("P0001-BLK-M"), Some(0));
    let token = BagToken::from_bits(42);
    let op = Op {
        id: OpId::from_bits(1),
        at: 1_793_000_000_000,
        change: Change::Add {
            sku: "P0001-BLK-M".into(),
            quantity: 1,
            store: None,
            note: None,
            intent: None,
        },
    };
    let step = Summary::Step {
        sku: "P0001-BLK-M",
        quantity: 1,
        new_line: true,
    };
    let summary = store_op(&op, token.expose(), step).unwrap();
    assert!(summary.kept);
    assert_eq!(summary.lines, 1);
    assert_eq!(summary.quantity("P0001-BLK-M"), Some(1));
    let Loaded::Fresh(saved) = load() else {
        panic!("the bag could not read what was written by hand");
    };
    assert_eq!(saved.token(), Some(token));
    assert_eq!(saved.lines().len(), 1);
    storage.remove_item(STORAGE_KEY).unwrap();
}

/// The chosen store, kept on the device and read back at the next start (both by hand: every
/// screen may choose a store, and the shell reads it before anything else).
#[wasm_bindgen_test]
async fn the_chosen_store_is_kept_and_read_back() {
    use shopbag::features::store::Here;
    let stores = client().stores().await.unwrap();
    let owner = Owner::new();
    owner.set();
    let here = Here::from_device();
    here.choose(&stores[1]);
    let again = Here::from_device();
    assert_eq!(again.store_id(), Some(stores[1].id.clone()));
    assert_eq!(
        again.name(shopbag::api::Lang::En).as_deref(),
        Some(stores[1].name.en.as_str())
    );
    // A choice kept by an earlier release was the bare id: still her store, name to come.
    let storage = window().local_storage().unwrap().unwrap();
    storage.set_item("shopbag.store", &stores[0].id).unwrap();
    let earlier = Here::from_device();
    assert_eq!(earlier.store_id(), Some(stores[0].id.clone()));
    assert_eq!(earlier.name(shopbag::api::Lang::En), None);
    storage.remove_item("shopbag.store").unwrap();
}
