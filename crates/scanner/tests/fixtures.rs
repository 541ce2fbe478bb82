//! Reads the fixture pictures (tests/fixtures/README.md says how each was made) natively,
//! through the same `Scanner` the decoder worker runs, and the `decode` command on top.
#![cfg(not(target_arch = "wasm32"))]

use shopbag_scanner::{Format, Frame, Mode, Scanner};
use std::path::PathBuf;
use std::process::Command;

const EAN: &str = "6931234500018";
const TAG_URL: &str = "https://shopbag.example.cn/p/6931234500018";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scan(name: &str, mode: Mode) -> Option<(Format, String)> {
    let image = image::open(fixture(name)).unwrap().into_rgba8();
    let frame = Frame::from_rgba(image.width(), image.height(), image.as_raw()).unwrap();
    Scanner::new()
        .scan(&frame, mode)
        .map(|code| (code.format, code.text))
}

fn found(format: Format, text: &str) -> Option<(Format, String)> {
    Some((format, text.to_string()))
}

#[test]
fn live_mode_reads_tags_held_up_to_the_camera() {
    for name in [
        "ean13-clean.png",
        "ean13-blur.png",
        "ean13-noise.png",
        "ean13-perspective.png",
        "ean13-low-contrast.png",
    ] {
        assert_eq!(scan(name, Mode::Live), found(Format::Ean13, EAN), "{name}");
    }
    assert_eq!(
        scan("qr-tag-url.png", Mode::Live),
        found(Format::Qr, TAG_URL)
    );
}

#[test]
fn every_symbology_on_our_tags_is_read() {
    let cases = [
        ("ean8.png", Format::Ean8, "96385074"),
        ("upc-a.png", Format::UpcA, "036000291452"),
        ("upc-e.png", Format::UpcE, "01234565"),
        ("code128.png", Format::Code128, "SB-1042-M"),
    ];
    for (name, format, text) in cases {
        assert_eq!(scan(name, Mode::Live), found(format, text), "{name}");
        assert_eq!(scan(name, Mode::Thorough), found(format, text), "{name}");
    }
}

#[test]
fn thorough_mode_reads_what_live_mode_skips() {
    // Live mode reads the middle half of the frame and never turns it; light-on-dark QR codes
    // (a phone screen in dark mode) it does read.
    assert_eq!(scan("ean13-sideways.png", Mode::Live), None);
    assert_eq!(
        scan("ean13-sideways.png", Mode::Thorough),
        found(Format::Ean13, EAN)
    );
    for mode in [Mode::Live, Mode::Thorough] {
        assert_eq!(scan("qr-inverted.png", mode), found(Format::Qr, TAG_URL));
    }
    assert_eq!(
        scan("qr-photo.webp", Mode::Thorough),
        found(Format::Qr, TAG_URL)
    );
    assert_eq!(
        scan("ean13-photo-large.jpg", Mode::Thorough),
        found(Format::Ean13, EAN)
    );
}

#[test]
fn a_wrong_check_digit_or_no_code_reads_as_nothing() {
    for mode in [Mode::Live, Mode::Thorough] {
        assert_eq!(scan("ean13-bad-check-digit.png", mode), None);
        assert_eq!(scan("nothing.png", mode), None);
    }
}

fn decode(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_decode"))
        .args(args)
        .current_dir(fixture(""))
        .output()
        .unwrap();
    let lines = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (output.status.code().unwrap(), lines)
}

#[test]
fn the_decode_command_prints_one_json_line_per_file() {
    let (status, lines) = decode(&[
        "ean13-clean.png",
        "qr-photo.webp",
        "ean13-photo-large.jpg",
        "nothing.png",
    ]);
    assert_eq!(status, 0);
    assert_eq!(
        lines,
        vec![
            serde_json::json!({"file": "ean13-clean.png", "format": "EAN_13", "text": EAN}),
            serde_json::json!({"file": "qr-photo.webp", "format": "QR_CODE", "text": TAG_URL}),
            serde_json::json!({"file": "ean13-photo-large.jpg", "format": "EAN_13", "text": EAN}),
            serde_json::json!({"file": "nothing.png", "format": null}),
        ]
    );
}

#[test]
fn the_decode_command_honours_the_mode_and_reports_bad_files() {
    let (status, lines) = decode(&["--mode", "live", "ean13-sideways.png"]);
    assert_eq!(
        (status, lines[0]["format"].clone()),
        (0, serde_json::Value::Null)
    );
    let (status, lines) = decode(&["README.md", "missing.png"]);
    assert_eq!(status, 1);
    assert_eq!(lines.len(), 2);
    assert!(lines
        .iter()
        .all(|l| l["format"].is_null() && l["error"].is_string()));
    assert_eq!(decode(&["--mode", "fast", "x.png"]).0, 2);
    assert_eq!(decode(&[]).0, 2);
}
