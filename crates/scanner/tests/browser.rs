//! The worker's reading path in headless Chromium: fixture pictures go through the browser's own
//! image decoding, an OffscreenCanvas and `Frame::from_rgba` into the scanner, exactly as in the
//! decoder worker (`cargo test -p shopbag-scanner --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use shopbag_scanner::worker::{frame_of_photo, PHOTO_LONG_SIDE};
use shopbag_scanner::{Agreement, Format, Mode, Scanner};
use wasm_bindgen_test::*;
use web_sys::{Blob, BlobPropertyBag};

wasm_bindgen_test_configure!(run_in_browser);

const EAN: &str = "6931234500018";
const TAG_URL: &str = "https://shopbag.example.cn/p/6931234500018";

fn blob(bytes: &[u8], mime: &str) -> Blob {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

async fn scan(bytes: &[u8], mime: &str, mode: Mode) -> Option<(Format, String)> {
    let frame = frame_of_photo(&blob(bytes, mime)).await.unwrap();
    Scanner::new()
        .scan(&frame, mode)
        .map(|code| (code.format, code.text))
}

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("fixtures/", $name))
    };
}

#[wasm_bindgen_test]
async fn camera_frames_are_read_in_live_mode() {
    let ean = Some((Format::Ean13, EAN.to_string()));
    for bytes in [
        &fixture!("ean13-clean.png")[..],
        fixture!("ean13-blur.png"),
        fixture!("ean13-noise.png"),
        fixture!("ean13-perspective.png"),
        fixture!("ean13-low-contrast.png"),
    ] {
        assert_eq!(scan(bytes, "image/png", Mode::Live).await, ean);
    }
    assert_eq!(
        scan(fixture!("qr-tag-url.png"), "image/png", Mode::Live).await,
        Some((Format::Qr, TAG_URL.to_string()))
    );
}

#[wasm_bindgen_test]
async fn a_wrong_check_digit_and_an_empty_frame_give_nothing() {
    for mode in [Mode::Live, Mode::Thorough] {
        assert_eq!(
            scan(fixture!("ean13-bad-check-digit.png"), "image/png", mode).await,
            None
        );
        assert_eq!(scan(fixture!("nothing.png"), "image/png", mode).await, None);
    }
}

#[wasm_bindgen_test]
async fn photos_are_scaled_by_the_browser_and_read_thoroughly() {
    let large = frame_of_photo(&blob(fixture!("ean13-photo-large.jpg"), "image/jpeg"))
        .await
        .unwrap();
    assert_eq!(large.width().max(large.height()), PHOTO_LONG_SIDE);
    let found = Scanner::new().scan(&large, Mode::Thorough).map(|c| c.text);
    assert_eq!(found.as_deref(), Some(EAN));
    assert_eq!(
        scan(fixture!("qr-photo.webp"), "image/webp", Mode::Thorough).await,
        Some((Format::Qr, TAG_URL.to_string()))
    );
    assert_eq!(
        scan(fixture!("ean13-sideways.png"), "image/png", Mode::Thorough).await,
        Some((Format::Ean13, EAN.to_string()))
    );
}

#[wasm_bindgen_test]
async fn a_file_that_is_not_a_picture_is_refused_clearly() {
    let error = frame_of_photo(&blob(b"not a picture", "image/png"))
        .await
        .unwrap_err();
    assert!(error.contains("not a picture"), "{error}");
}

#[wasm_bindgen_test]
async fn live_codes_need_two_agreeing_frames() {
    let frame = frame_of_photo(&blob(fixture!("ean13-clean.png"), "image/png"))
        .await
        .unwrap();
    let mut scanner = Scanner::new();
    let mut agreement = Agreement::default();
    let first = scanner.scan(&frame, Mode::Live);
    assert!(first.is_some());
    assert_eq!(agreement.observe(first, 0.0), None);
    let second = scanner.scan(&frame, Mode::Live);
    assert_eq!(
        agreement.observe(second, 80.0).map(|c| c.text).as_deref(),
        Some(EAN)
    );
}
