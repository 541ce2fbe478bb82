//! The whole network against scripts/vision-reference.py, an independent numpy implementation
//! run once on the same weights file (its outputs: tests/reference.json).
//!
//! Tolerance: both sides use the very same f16 weights widened exactly, so the only difference is
//! arithmetic: numpy in float64, Rust in f32 through 50 layers with sums in another order, and
//! the reference's 7 significant digits. Measured: at most 2e-7 on any element of these unit
//! vectors (elements run up to ~0.2). An element may differ by 2e-6 (ten times that, room for
//! another CPU's or wasm's sum order) and the cosine must be at least 0.99999. A real mistake
//! moves far more: padding before instead of after on the stride-2 layers gives elements 0.1 off
//! and a cosine of 0.85.

use shopbag_vision::{Embedding, Model, Picture, MODEL_PATH};
use std::sync::OnceLock;

const ELEMENT_TOLERANCE: f32 = 2e-6;
const COSINE_AT_LEAST: f32 = 0.99999;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = format!("{}/../../{MODEL_PATH}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{path}: {e}. Run bash scripts/test.sh, which converts the weights")
        });
        Model::load(&bytes).expect("the converted weights load")
    })
}

fn reference(case: &str) -> Vec<f32> {
    let text = include_str!("reference.json");
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    json["embeddings"][case]
        .as_array()
        .unwrap_or_else(|| panic!("no reference for {case}"))
        .iter()
        .map(|v| v.as_f64().unwrap() as f32)
        .collect()
}

fn assert_matches(case: &str, embedding: &Embedding) {
    let expected = reference(case);
    assert_eq!(expected.len(), Embedding::LEN);
    let worst = embedding
        .values()
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    let cosine: f32 = embedding
        .values()
        .iter()
        .zip(&expected)
        .map(|(a, b)| a * b)
        .sum();
    println!("{case}: largest difference {worst:e}, cosine {cosine}");
    assert!(
        worst <= ELEMENT_TOLERANCE,
        "{case}: an element differs by {worst:e} from the reference"
    );
    assert!(
        cosine >= COSINE_AT_LEAST,
        "{case}: cosine {cosine} to the reference"
    );
}

/// The network's input by formula, the same as the reference script's `formula_tensor`.
fn formula_tensor() -> Picture {
    let mut values = Vec::with_capacity(224 * 224 * 3);
    for y in 0..224 {
        for x in 0..224 {
            for c in 0..3 {
                let (x, y, c) = (f64::from(x), f64::from(y), f64::from(c));
                let v = (0.031 * x * (c + 1.0) + 0.017 * y * (3.0 - c) + c).sin()
                    * (0.023 * (x - y)).cos();
                values.push(v as f32);
            }
        }
    }
    Picture::from_normalised(values).unwrap()
}

/// 8-bit pixels by integer formulas, the same as the reference script's `formula_rgb`.
fn formula_rgb(width: i64, height: i64) -> Vec<u8> {
    let mut rgb = Vec::new();
    for y in 0..height {
        for x in 0..width {
            let (dx, dy, r) = (x - width / 2, y - height / 2, height / 3);
            rgb.push(((x * 7 + y * 3) % 256) as u8);
            rgb.push(if dx * dx + dy * dy < r * r { 230 } else { 40 });
            rgb.push(((x * y / 16) % 256) as u8);
        }
    }
    rgb
}

#[test]
fn network_matches_the_reference() {
    assert_matches("formula_tensor", &model().embed(&formula_tensor()));
}

#[test]
fn preprocessing_and_network_match_the_reference() {
    let picture = Picture::from_rgb(320, 240, &formula_rgb(320, 240)).unwrap();
    assert_matches("formula_rgb_320x240", &model().embed(&picture));
}

#[test]
fn embeddings_are_unit_length_and_tell_pictures_apart() {
    let a = model().embed(&formula_tensor());
    let b = model().embed(&Picture::from_rgb(320, 240, &formula_rgb(320, 240)).unwrap());
    assert!((a.cosine(&a) - 1.0).abs() < 1e-5);
    // Two unrelated patterns are further apart than a picture and itself shifted by a pixel.
    let shifted = formula_rgb(322, 240);
    let shifted: Vec<u8> = shifted
        .chunks_exact(322 * 3)
        .flat_map(|row| row[3..321 * 3].to_vec())
        .collect();
    let c = model().embed(&Picture::from_rgb(320, 240, &shifted).unwrap());
    assert!(
        b.cosine(&c) > a.cosine(&b),
        "shifted {} vs unrelated {}",
        b.cosine(&c),
        a.cosine(&b)
    );
    // And the bytes a database would keep give the same embedding back.
    assert_eq!(Embedding::from_bytes(&a.to_bytes()).unwrap(), a);
}

#[test]
fn loading_refuses_a_damaged_file() {
    let path = format!("{}/../../{MODEL_PATH}", env!("CARGO_MANIFEST_DIR"));
    let Ok(bytes) = std::fs::read(&path) else {
        panic!("{path} is missing. Run bash scripts/test.sh, which converts the weights");
    };
    assert!(Model::load(&bytes[..bytes.len() - 2]).is_err());
    // The first tensor's name changed: the table no longer describes EfficientNet-Lite0.
    let mut renamed = bytes.clone();
    renamed[13] = b'X';
    assert!(Model::load(&renamed).is_err());
}
