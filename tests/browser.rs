//! Browser tests (wasm-bindgen-test in headless Chromium): the API client against a real server,
//! and components mounted into a real DOM. scripts/test.sh starts the server and sets SHOPBAG_TEST_API.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use shopbag::api::{ApiError, Client, CodeKind, ErrorCode, Money, Sku};
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

/// An owner for a bag outside a mounted view, with the executor its effects are spawned on.
fn owner_for_the_bag() -> Owner {
    // Mounting starts Leptos's executor (once per page; the bag's effects are spawned on it).
    mount_into_fresh_div(|| ()).remove();
    let owner = Owner::new();
    owner.set();
    owner
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
    use shopbag::features::bag::device::{glance, load, store_ops, Loaded, Summary, STORAGE_KEY};
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let sku = Sku::from("P0001-BLK-M");
    assert_eq!(glance().quantity(&sku), Some(0));
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
        sku: &sku,
        quantity: 1,
        new_line: true,
    };
    let summary = store_ops(&[&op], Some(token.expose()), step).unwrap();
    assert!(summary.kept);
    assert_eq!(summary.lines, 1);
    assert_eq!(summary.quantity(&sku), Some(1));
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
    storage
        .set_item("shopbag.store", stores[0].id.as_str())
        .unwrap();
    let earlier = Here::from_device();
    assert_eq!(earlier.store_id(), Some(stores[0].id.clone()));
    assert_eq!(earlier.name(shopbag::api::Lang::En), None);
    storage.remove_item("shopbag.store").unwrap();
}

/// The whole bag, written by hand (see `stored_bag`), reads back with serde as the same bag.
#[wasm_bindgen_test]
fn the_whole_bag_written_by_hand_reads_back_as_itself() {
    use shopbag::api::bag::Replica;
    use shopbag::api::bag::{Change, Op, OpId};
    use shopbag::features::bag::device::stored_bag;
    let mut saved = Replica {
        token: Some("0123456789abcdef0123456789abcdef".into()),
        ..Replica::default()
    };
    for (n, sku) in ["P0001-BLK-M", "P0002-RED-S", "P0003-NVY-L"]
        .iter()
        .enumerate()
    {
        saved.log.insert(Op {
            id: OpId::from_bits(n as u128 + 1),
            at: 1_793_000_000_000 + n as i64,
            change: Change::Add {
                sku: (*sku).into(),
                quantity: 1,
                store: None,
                note: Some(format!("note {n}")),
                intent: None,
            },
        });
    }
    saved.synced.insert(OpId::from_bits(1));
    saved.rejected.insert(OpId::from_bits(3));
    let by_hand = stored_bag(&saved).expect("written");
    let read: Replica = shopbag::json::from_value(by_hand).unwrap();
    assert_eq!(read, saved);
    let empty: Replica =
        shopbag::json::from_value(stored_bag(&Replica::default()).unwrap()).unwrap();
    assert_eq!(empty, Replica::default());
}

/// Fills the device's storage until not one more character fits; returns the keys used.
fn fill_storage(storage: &web_sys::Storage) -> Vec<String> {
    let mut keys = Vec::new();
    let mut size = 1 << 22;
    while size > 0 {
        let key = format!("shopbag.test.filler.{}", keys.len());
        if storage.set_item(&key, &"x".repeat(size)).is_ok() {
            keys.push(key);
        } else {
            size /= 2;
        }
    }
    keys
}

/// A change the device refused to store (storage full) lives in memory only; the next change
/// that can be stored must bring it along, or a reload loses it.
#[wasm_bindgen_test]
async fn a_change_the_device_could_not_store_is_stored_with_the_next() {
    use shopbag::features::bag::device::{load, Loaded, STORAGE_KEY};
    use shopbag::features::bag::provide_bag;
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let first = client().search("").await.unwrap().remove(0);
    let product = client().product(&first.id).await.unwrap();
    let [one, two, ..] = &product.variants[..] else {
        panic!("a seeded product has several variants");
    };
    let _owner = owner_for_the_bag();
    // Its sync goes nowhere: what is on the device is what this test looks at.
    let bag = provide_bag(Client::with_origin("http://127.0.0.1:9"));
    let filler = fill_storage(&storage);
    bag.add(&product, &one.sku, None, None);
    assert_eq!(
        bag.status(),
        shopbag::features::bag::SyncStatus::OnlyOnThisPage,
        "the shopper is told only the page holds it"
    );
    for key in filler {
        storage.remove_item(&key).unwrap();
    }
    bag.add(&product, &two.sku, None, None);
    let Loaded::Fresh(stored) = load() else {
        panic!("the stored bag reads");
    };
    let skus: Vec<Sku> = stored.lines().into_iter().map(|l| l.sku).collect();
    assert_eq!(skus, [one.sku.clone(), two.sku.clone()]);
    storage.remove_item(STORAGE_KEY).unwrap();
}

/// Products are kept as the API sent them. One this release cannot read (a newer server's, say)
/// is left out when they are read, not the others with it.
#[wasm_bindgen_test]
async fn one_unreadable_kept_product_leaves_the_others() {
    use shopbag::features::bag::device::{keep_product_json, load_products, PRODUCTS_KEY};
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item(PRODUCTS_KEY).unwrap();
    let first = client().search("").await.unwrap().remove(0);
    keep_product_json(&first.id, &client().product_json(&first.id).await.unwrap()).unwrap();
    let newer = js_sys::JSON::parse(r#"{"id":"P9999","category":"spacesuit"}"#).unwrap();
    keep_product_json(&"P9999".into(), &newer).unwrap();
    let kept = load_products();
    assert_eq!(kept.keys().collect::<Vec<_>>(), [&first.id]);
    storage.remove_item(PRODUCTS_KEY).unwrap();
}

/// A bag stored as `ops` (JSON values by id) with this token, as the app writes it.
fn stored_bag_text(token: &str, ops: &[&str]) -> String {
    let ops: Vec<String> = ops
        .iter()
        .map(|op| {
            let id = &op[op.find(r#""id":""#).unwrap() + 6..][..32];
            format!(r#""{id}":{op}"#)
        })
        .collect();
    format!(
        r#"{{"token":"{token}","log":{{"ops":{{{}}}}},"synced":[],"rejected":[]}}"#,
        ops.join(",")
    )
}

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const KNOWN_OP: &str = r#"{"id":"00000000000000000000000000000001","at":1793000000000,"type":"add","sku":"P0001-BLK-M","quantity":1,"store":null,"note":null,"intent":null}"#;
const NEWER_OP: &str = r#"{"id":"00000000000000000000000000000002","at":1793000000001,"type":"gift_wrap","sku":"P0001-BLK-M","paper":"red"}"#;

/// A newer release wrote an operation this one cannot read: the rest of the bag still reads,
/// and writing the bag back keeps that operation as it was.
#[wasm_bindgen_test]
fn an_operation_from_a_newer_release_leaves_the_bag_readable_and_stays_stored() {
    use shopbag::features::bag::device::{load, save, Loaded, STORAGE_KEY};
    let storage = window().local_storage().unwrap().unwrap();
    storage
        .set_item(STORAGE_KEY, &stored_bag_text(TOKEN, &[KNOWN_OP, NEWER_OP]))
        .unwrap();
    let Loaded::Fresh(bag) = load() else {
        panic!("the bag reads");
    };
    assert_eq!(bag.token.as_deref(), Some(TOKEN));
    assert_eq!(bag.log.len(), 1);
    assert_eq!(bag.lines()[0].sku.as_str(), "P0001-BLK-M");
    save(&bag).unwrap();
    let text = storage.get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(text.contains("gift_wrap"), "{text}");
    storage.remove_item(STORAGE_KEY).unwrap();
}

/// A damaged copy is set aside, and the bag goes on with its token: the server's copy of it
/// comes back with the next sync instead of being orphaned under a new token.
#[wasm_bindgen_test]
fn a_damaged_copy_keeps_its_token() {
    use shopbag::features::bag::device::{load, Loaded, STORAGE_KEY};
    let storage = window().local_storage().unwrap().unwrap();
    let text = stored_bag_text(TOKEN, &[KNOWN_OP]);
    storage
        .set_item(STORAGE_KEY, &text[..text.len() - 20])
        .unwrap();
    let Loaded::Damaged(bag) = load() else {
        panic!("a cut-off copy is damaged");
    };
    assert_eq!(bag.token.as_deref(), Some(TOKEN));
    assert!(storage.get_item(STORAGE_KEY).unwrap().is_none());
    assert!(storage.get_item("shopbag.bag.damaged").unwrap().is_some());
    storage.remove_item("shopbag.bag.damaged").unwrap();
}

/// A full device makes room for the bag: the products cache goes before a change is lost.
#[wasm_bindgen_test]
async fn a_full_device_lets_the_products_cache_go_before_the_bag() {
    use shopbag::features::bag::device::{load, Loaded, PRODUCTS_KEY, STORAGE_KEY};
    use shopbag::features::bag::{provide_bag, SyncStatus};
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let first = client().search("").await.unwrap().remove(0);
    let product = client().product(&first.id).await.unwrap();
    let _owner = owner_for_the_bag();
    let bag = provide_bag(Client::with_origin("http://127.0.0.1:9"));
    // A cache that fills most of the device, and filler for the rest.
    storage
        .set_item(
            PRODUCTS_KEY,
            &format!(r#"{{"big":"{}"}}"#, "x".repeat(1 << 20)),
        )
        .unwrap();
    let filler = fill_storage(&storage);
    bag.add(&product, &product.variants[0].sku, None, None);
    assert_ne!(bag.status(), SyncStatus::OnlyOnThisPage);
    let Loaded::Fresh(stored) = load() else {
        panic!("the stored bag reads");
    };
    assert_eq!(stored.lines().len(), 1);
    for key in filler {
        storage.remove_item(&key).unwrap();
    }
    storage.remove_item(STORAGE_KEY).unwrap();
    storage.remove_item(PRODUCTS_KEY).unwrap();
}

/// The products cache keeps the products of the bag's lines, not every product ever added.
#[wasm_bindgen_test]
async fn products_no_line_names_are_let_go() {
    use shopbag::features::bag::device::{load_products, PRODUCTS_KEY, STORAGE_KEY};
    use shopbag::features::bag::provide_bag;
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    storage.remove_item(PRODUCTS_KEY).unwrap();
    let found = client().search("").await.unwrap();
    let (a, b) = (
        client().product(&found[0].id).await.unwrap(),
        client().product(&found[1].id).await.unwrap(),
    );
    let _owner = owner_for_the_bag();
    let bag = provide_bag(Client::with_origin("http://127.0.0.1:9"));
    bag.add(&a, &a.variants[0].sku, None, None);
    bag.remove(&a.variants[0].sku);
    bag.add(&b, &b.variants[0].sku, None, None);
    assert_eq!(load_products().keys().collect::<Vec<_>>(), [&b.id]);
    storage.remove_item(STORAGE_KEY).unwrap();
    storage.remove_item(PRODUCTS_KEY).unwrap();
}

/// Waits `ms` of real time.
async fn wait_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// The beep reaches Web Audio by name: it opens an audio context, starts a tone and closes the
/// context once the tone is over. (The page's AudioContext is wrapped to see that.)
#[wasm_bindgen_test]
async fn a_beep_plays_a_tone_and_closes_its_audio() {
    js_sys::eval(
        "window.__audio = [];
         const Real = window.AudioContext;
         window.AudioContext = class extends Real {
           constructor() { super(); window.__audio.push('open'); }
           createOscillator() {
             const tone = super.createOscillator();
             const start = tone.start.bind(tone);
             tone.start = (when) => { window.__audio.push('tone ' + tone.frequency.value); return start(when); };
             return tone;
           }
           close() { window.__audio.push('close'); return super.close(); }
         };",
    )
    .unwrap();
    shopbag::features::scan::feedback::beep();
    wait_ms(700).await;
    let seen = js_sys::eval("window.__audio.join(',')").unwrap();
    assert_eq!(seen.as_string().as_deref(), Some("open,tone 1760,close"));
}

/// Her member code on screen: a QR code and a Code 128 barcode of the 18 digits the device
/// makes from its secret now, and the seconds until the next one.
#[wasm_bindgen_test]
async fn the_member_code_shows_the_devices_code_of_now_as_two_symbols() {
    use shopbag::api::member::{
        CodeSecret, DeviceNumber, DeviceRegistered, Me, MemberCode, Profile, Tier,
    };
    use shopbag::features::member::{CodeCard, Membership};
    let device = DeviceRegistered {
        device: DeviceNumber::new(12_345_678).unwrap(),
        secret: CodeSecret::from_bytes([7; 20]),
    };
    let membership = Membership {
        me: Me {
            profile: Profile {
                display_name: "林小雨".into(),
                phone_masked: "138****2046".into(),
                tier: Tier::Gold,
                points: 12_480,
                joined_on: "2023-03-18".into(),
                follow_up: false,
            },
            coupons: Vec::new(),
        },
        device: Some(device.clone()),
        paused: false,
    };
    let host = mount_into_fresh_div(move || {
        provide_context(client());
        let membership = RwSignal::new(Some(membership));
        view! { <Translated><CodeCard membership /></Translated> }
    });
    settle().await;
    let figure = host.query_selector("figure.symbols").unwrap().unwrap();
    let shown = figure.get_attribute("data-code").unwrap();
    let now = js_sys::Date::now() as i64;
    let expected =
        [now - 2_000, now].map(|at| MemberCode::at(device.device, &device.secret, at).to_string());
    assert!(expected.contains(&shown), "{shown} vs {expected:?}");
    assert!(host.query_selector("svg.qr path").unwrap().is_some());
    assert!(host.query_selector("svg.bars path").unwrap().is_some());
    let timer = host.query_selector("[role=timer]").unwrap().unwrap();
    assert!(timer.text_content().unwrap().contains("秒后更新"));
    host.remove();
}
