//! Embedding speed, one 224×224 picture at a time: `cargo bench -p shopbag-vision --bench embed`.
//! Needs the converted weights (`bash scripts/test.sh` or `scripts/run.sh` makes them).

use criterion::{criterion_group, criterion_main, Criterion};
use shopbag_vision::{Model, Picture, MODEL_PATH};
use std::hint::black_box;

fn embed(c: &mut Criterion) {
    let path = format!("{}/../../{MODEL_PATH}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{path}: {e}; run bash scripts/test.sh, which converts the weights")
    });
    let model = Model::load(&bytes).unwrap();
    let values = (0..224 * 224 * 3)
        .map(|i| ((i as f32) * 0.001).sin())
        .collect();
    let picture = Picture::from_normalised(values).unwrap();
    c.bench_function("embed 224x224", |b| {
        b.iter(|| model.embed(black_box(&picture)))
    });
    let rgb: Vec<u8> = (0..1280 * 960 * 3).map(|i| (i % 251) as u8).collect();
    c.bench_function("from_rgb 1280x960", |b| {
        b.iter(|| Picture::from_rgb(1280, 960, black_box(&rgb)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = embed
}
criterion_main!(benches);
