//! Native decode speed on the fixture frames: `cargo bench -p shopbag-scanner --bench decode`.

use criterion::{criterion_group, criterion_main, Criterion};
use shopbag_scanner::{Frame, Mode, Scanner};
use std::hint::black_box;

fn frame(name: &str) -> Frame {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let image = image::open(path).unwrap().into_rgba8();
    Frame::from_rgba(image.width(), image.height(), image.as_raw()).unwrap()
}

fn decode(c: &mut Criterion) {
    let mut scanner = Scanner::new();
    let cases = [
        ("live 640x480 EAN-13", "ean13-clean.png", Mode::Live),
        ("live 640x480 QR", "qr-tag-url.png", Mode::Live),
        ("live 640x480 nothing", "nothing.png", Mode::Live),
        (
            "thorough 640x480 sideways EAN-13",
            "ean13-sideways.png",
            Mode::Thorough,
        ),
        ("thorough 640x480 nothing", "nothing.png", Mode::Thorough),
        (
            "thorough 3000x2000 photo",
            "ean13-photo-large.jpg",
            Mode::Thorough,
        ),
    ];
    for (label, name, mode) in cases {
        let frame = frame(name);
        c.bench_function(label, |b| b.iter(|| scanner.scan(black_box(&frame), mode)));
    }
    let rgba = vec![128u8; 640 * 480 * 4];
    c.bench_function("RGBA to luma 640x480", |b| {
        b.iter(|| Frame::from_rgba(640, 480, black_box(&rgba)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = decode
}
criterion_main!(benches);
