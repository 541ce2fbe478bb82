//! Renders pictures of tags for tests and benchmarks — no camera or printer needed:
//!
//! - `tag_pictures fixtures DIR` — the fixture photos the tests read (see tests/fixtures/README.md);
//! - `tag_pictures y4m OUT (--ean13 DIGITS | --qr TEXT) [--width W --height H]` — a video file for
//!   Chromium's fake camera (`--use-file-for-fake-video-capture`), the code held up to the lens;
//! - `tag_pictures png OUT (--ean13 DIGITS | --qr TEXT)` — the same scene as a photo to upload;
//! - `tag_pictures bench-frames DIR` — the 640×480 and 1280×720 frames of the browser benchmark.
//!
//! EAN-13 bars are drawn by our own encoder (so a wrong check digit can be printed on purpose);
//! every other symbology by rxing's writers. Pictures are deterministic: the noise is seeded.

use rxing::{BarcodeFormat, MultiFormatWriter, Writer};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    match args.first().map(String::as_str) {
        Some("fixtures") => fixtures(Path::new(&args[1])),
        Some("bench-frames") => bench_frames(Path::new(&args[1])),
        Some(kind @ ("y4m" | "png")) => {
            let width = arg("--width").map_or(640, |w| w.parse().expect("--width"));
            let height = arg("--height").map_or(480, |h| h.parse().expect("--height"));
            let (symbol, share) = match (arg("--ean13"), arg("--qr")) {
                (Some(digits), None) => (ean13(&digits), 0.5),
                (None, Some(text)) => (written(&text, BarcodeFormat::QR_CODE), 0.4),
                _ => panic!("{kind} needs --ean13 DIGITS or --qr TEXT"),
            };
            let scene = Scene::new(width, height).with(&symbol, Placement::centred(share));
            if kind == "y4m" {
                write_y4m(Path::new(&args[1]), &scene);
            } else {
                scene.noisy(0.02, 13).save(Path::new(&args[1]));
            }
        }
        _ => {
            eprintln!("usage: tag_pictures fixtures DIR | bench-frames DIR | (y4m|png) OUT (--ean13 D | --qr T)");
            std::process::exit(2);
        }
    }
}

/// A symbol as a grid of modules (true = dark), quiet zone included; 1D codes have one row.
struct Symbol {
    rows: Vec<Vec<bool>>,
}

impl Symbol {
    fn width(&self) -> usize {
        self.rows[0].len()
    }

    fn is_1d(&self) -> bool {
        self.rows.len() == 1
    }
}

/// EAN-13 from 13 digits, whatever the check digit: first digit by the parity of the left half.
fn ean13(digits: &str) -> Symbol {
    const L: [&str; 10] = [
        "0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
        "0110111", "0001011",
    ];
    const PARITY: [&str; 10] = [
        "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL",
        "LGGLGL",
    ];
    let d: Vec<usize> = digits.bytes().map(|b| usize::from(b - b'0')).collect();
    assert_eq!(d.len(), 13, "EAN-13 needs 13 digits");
    let r = |digit: usize| {
        L[digit]
            .chars()
            .map(|c| if c == '0' { '1' } else { '0' })
            .collect::<String>()
    };
    let g = |digit: usize| r(digit).chars().rev().collect::<String>();
    let mut bits = String::from("00000000000101");
    for (i, parity) in PARITY[d[0]].chars().enumerate() {
        bits += &if parity == 'L' {
            L[d[i + 1]].to_string()
        } else {
            g(d[i + 1])
        };
    }
    bits += "01010";
    for &digit in &d[7..] {
        bits += &r(digit);
    }
    bits += "10100000000000";
    Symbol {
        rows: vec![bits.chars().map(|c| c == '1').collect()],
    }
}

/// Any symbology rxing writes, at its smallest size (one pixel a module).
fn written(text: &str, format: BarcodeFormat) -> Symbol {
    let matrix = MultiFormatWriter
        .encode(text, &format, 0, 0)
        .unwrap_or_else(|e| panic!("rxing cannot write {format:?} {text}: {e}"));
    let rows: Vec<Vec<bool>> = (0..matrix.height())
        .map(|y| (0..matrix.width()).map(|x| matrix.get(x, y)).collect())
        .collect();
    let one_d = rows.windows(2).all(|w| w[0] == w[1]);
    Symbol {
        rows: if one_d { vec![rows[0].clone()] } else { rows },
    }
}

/// Where the symbol's corners land in the picture, clockwise from top left.
struct Placement {
    corners: [(f64, f64); 4],
}

impl Placement {
    /// Centred, as wide as `share` of the picture, upright.
    fn centred(share: f64) -> Placement {
        Placement {
            corners: [
                (0.5 - share / 2.0, 0.0),
                (0.5 + share / 2.0, 0.0),
                (0.5 + share / 2.0, 0.0),
                (0.5 - share / 2.0, 0.0),
            ],
        }
    }

    /// A tag held at an angle: the right edge farther away than the left.
    fn tilted(share: f64) -> Placement {
        let (l, r) = (0.5 - share / 2.0, 0.5 + share / 2.0);
        Placement {
            corners: [(l, -0.06), (r, 0.04), (r - 0.02, -0.04), (l + 0.01, 0.06)],
        }
    }
}

/// A grey picture in progress, 0.0 black to 1.0 white.
struct Scene {
    width: usize,
    height: usize,
    pixels: Vec<f64>,
}

impl Scene {
    fn new(width: usize, height: usize) -> Scene {
        Scene {
            width,
            height,
            pixels: vec![0.93; width * height],
        }
    }

    /// Draws `symbol` with 2×2 supersampling through the projective map of `placement`. Vertical
    /// corner offsets in a placement are shares of the symbol's own height.
    fn with(mut self, symbol: &Symbol, placement: Placement) -> Scene {
        let (w, h) = (self.width as f64, self.height as f64);
        let module = (placement.corners[1].0 - placement.corners[0].0) * w / symbol.width() as f64;
        let symbol_height = if symbol.is_1d() {
            module * symbol.width() as f64 * 0.45
        } else {
            module * symbol.rows.len() as f64
        };
        let top = (h - symbol_height) / 2.0;
        let corner = |i: usize, dy: f64| {
            let (x, y) = placement.corners[i];
            (x * w, dy + y * symbol_height)
        };
        let quad = [
            corner(0, top),
            corner(1, top),
            corner(2, top + symbol_height),
            corner(3, top + symbol_height),
        ];
        let to_symbol = square_to_quad(quad).inverse();
        for py in 0..self.height {
            for px in 0..self.width {
                let mut dark = 0.0;
                for (sx, sy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    let (u, v) = to_symbol.apply(px as f64 + sx, py as f64 + sy);
                    if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                        let column = (u * symbol.width() as f64) as usize;
                        let row = if symbol.is_1d() {
                            0
                        } else {
                            (v * symbol.rows.len() as f64) as usize
                        };
                        let paper = 1.0;
                        let ink = if symbol.rows[row][column] {
                            0.08
                        } else {
                            paper
                        };
                        dark += ink / 4.0;
                    } else {
                        dark += self.pixels[py * self.width + px] / 4.0;
                    }
                }
                self.pixels[py * self.width + px] = dark;
            }
        }
        self
    }

    /// Three box blurs of `radius`: close to a Gaussian, like an unfocused lens.
    fn blurred(mut self, radius: usize) -> Scene {
        for _ in 0..3 {
            self.pixels = box_blur(&self.pixels, self.width, self.height, radius, true);
            self.pixels = box_blur(&self.pixels, self.width, self.height, radius, false);
        }
        self
    }

    /// Sensor noise: seeded, roughly Gaussian with standard deviation `sigma`.
    fn noisy(mut self, sigma: f64, seed: u64) -> Scene {
        let mut state = seed;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for p in &mut self.pixels {
            let gauss: f64 = (0..4).map(|_| uniform()).sum::<f64>() - 2.0;
            *p += gauss * sigma * 1.73;
        }
        self
    }

    /// Squeezes black and white towards each other: a faded print under dim light.
    fn contrast(mut self, black: f64, white: f64) -> Scene {
        for p in &mut self.pixels {
            *p = black + *p * (white - black);
        }
        self
    }

    fn inverted(mut self) -> Scene {
        for p in &mut self.pixels {
            *p = 1.0 - *p;
        }
        self
    }

    /// Light falling off from left to right, as from a shop window.
    fn shaded(mut self, right: f64) -> Scene {
        for (i, p) in self.pixels.iter_mut().enumerate() {
            let x = (i % self.width) as f64 / self.width as f64;
            *p *= 1.0 - (1.0 - right) * x;
        }
        self
    }

    /// Fabric-like texture and print with no code in it: what most camera frames look like.
    fn textured(mut self) -> Scene {
        for (i, p) in self.pixels.iter_mut().enumerate() {
            let (x, y) = ((i % self.width) as f64, (i / self.width) as f64);
            *p = 0.55 + 0.2 * ((x * 0.21).sin() * (y * 0.13).cos()) + 0.1 * ((x + y) * 0.05).sin();
        }
        self
    }

    fn luma(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .map(|p| (p.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect()
    }

    fn rotated(self) -> Scene {
        let (w, h) = (self.width, self.height);
        let mut pixels = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                pixels[x * h + (h - 1 - y)] = self.pixels[y * w + x];
            }
        }
        Scene {
            width: h,
            height: w,
            pixels,
        }
    }

    fn save(&self, path: &Path) {
        let image =
            image::GrayImage::from_raw(self.width as u32, self.height as u32, self.luma()).unwrap();
        if path.extension().is_some_and(|e| e == "jpg") {
            let file = std::fs::File::create(path).unwrap();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(file, 82);
            image.write_with_encoder(encoder).unwrap();
        } else {
            image.save(path).unwrap();
        }
    }
}

fn box_blur(src: &[f64], width: usize, height: usize, radius: usize, horizontal: bool) -> Vec<f64> {
    let mut out = vec![0.0; src.len()];
    let (lines, length) = if horizontal {
        (height, width)
    } else {
        (width, height)
    };
    let at = |line: usize, i: usize| {
        if horizontal {
            line * width + i
        } else {
            i * width + line
        }
    };
    for line in 0..lines {
        for i in 0..length {
            let from = i.saturating_sub(radius);
            let to = (i + radius).min(length - 1);
            let sum: f64 = (from..=to).map(|j| src[at(line, j)]).sum();
            out[at(line, i)] = sum / (to - from + 1) as f64;
        }
    }
    out
}

/// A 3×3 projective map.
struct Homography([f64; 9]);

impl Homography {
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let m = &self.0;
        let w = m[6] * x + m[7] * y + m[8];
        (
            (m[0] * x + m[1] * y + m[2]) / w,
            (m[3] * x + m[4] * y + m[5]) / w,
        )
    }

    fn inverse(&self) -> Homography {
        let m = &self.0;
        let cof = [
            m[4] * m[8] - m[5] * m[7],
            m[2] * m[7] - m[1] * m[8],
            m[1] * m[5] - m[2] * m[4],
            m[5] * m[6] - m[3] * m[8],
            m[0] * m[8] - m[2] * m[6],
            m[2] * m[3] - m[0] * m[5],
            m[3] * m[7] - m[4] * m[6],
            m[1] * m[6] - m[0] * m[7],
            m[0] * m[4] - m[1] * m[3],
        ];
        let det = m[0] * cof[0] + m[1] * cof[3] + m[2] * cof[6];
        Homography(cof.map(|c| c / det))
    }
}

/// The map taking the unit square's corners (clockwise from (0,0)) to `quad` (Heckbert, 1989).
fn square_to_quad(q: [(f64, f64); 4]) -> Homography {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    if sx.abs() < 1e-12 && sy.abs() < 1e-12 {
        return Homography([x1 - x0, x2 - x1, x0, y1 - y0, y2 - y1, y0, 0.0, 0.0, 1.0]);
    }
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let det = dx1 * dy2 - dx2 * dy1;
    let g = (sx * dy2 - dx2 * sy) / det;
    let h = (dx1 * sy - sx * dy1) / det;
    Homography([
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
        1.0,
    ])
}

/// What each fixture shows; tests/fixtures/README.md describes the same list.
fn fixtures(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let ean = ean13("6931234500018");
    let tag_url = "https://shopbag.example.cn/p/6931234500018";
    let scenes: Vec<(&str, Scene)> = vec![
        (
            "ean13-clean.png",
            Scene::new(640, 480).with(&ean, Placement::centred(0.6)),
        ),
        (
            "ean13-blur.png",
            Scene::new(640, 480)
                .with(&ean, Placement::centred(0.6))
                .blurred(1),
        ),
        (
            "ean13-noise.png",
            Scene::new(640, 480)
                .with(&ean, Placement::centred(0.6))
                .noisy(0.08, 1),
        ),
        (
            "ean13-perspective.png",
            Scene::new(640, 480)
                .with(&ean, Placement::tilted(0.6))
                .noisy(0.02, 2),
        ),
        (
            "ean13-low-contrast.png",
            Scene::new(640, 480)
                .with(&ean, Placement::centred(0.6))
                .contrast(0.40, 0.62)
                .noisy(0.01, 3),
        ),
        (
            "ean13-bad-check-digit.png",
            Scene::new(640, 480).with(&ean13("6931234500013"), Placement::centred(0.6)),
        ),
        (
            "ean13-sideways.png",
            Scene::new(640, 480)
                .with(&ean, Placement::centred(0.6))
                .noisy(0.02, 4)
                .rotated(),
        ),
        (
            "ean8.png",
            Scene::new(640, 480).with(
                &written("96385074", BarcodeFormat::EAN_8),
                Placement::centred(0.5),
            ),
        ),
        (
            "upc-a.png",
            Scene::new(640, 480).with(
                &written("036000291452", BarcodeFormat::UPC_A),
                Placement::centred(0.6),
            ),
        ),
        (
            "upc-e.png",
            Scene::new(640, 480).with(
                &written("01234565", BarcodeFormat::UPC_E),
                Placement::centred(0.45),
            ),
        ),
        (
            "code128.png",
            Scene::new(640, 480).with(
                &written("SB-1042-M", BarcodeFormat::CODE_128),
                Placement::centred(0.6),
            ),
        ),
        (
            "qr-tag-url.png",
            Scene::new(640, 480)
                .with(
                    &written(tag_url, BarcodeFormat::QR_CODE),
                    Placement::tilted(0.45),
                )
                .blurred(1)
                .noisy(0.03, 5),
        ),
        (
            "qr-inverted.png",
            Scene::new(640, 480)
                .with(
                    &written(tag_url, BarcodeFormat::QR_CODE),
                    Placement::centred(0.45),
                )
                .inverted(),
        ),
        (
            "qr-photo.webp",
            Scene::new(1280, 960)
                .with(
                    &written(tag_url, BarcodeFormat::QR_CODE),
                    Placement::tilted(0.3),
                )
                .shaded(0.6),
        ),
        (
            "ean13-photo-large.jpg",
            Scene::new(3000, 2000)
                .with(&ean, Placement::centred(0.3))
                .blurred(2)
                .noisy(0.02, 6),
        ),
        (
            "nothing.png",
            Scene::new(640, 480).textured().noisy(0.03, 7),
        ),
    ];
    for (name, scene) in scenes {
        scene.save(&dir.join(name));
    }
}

/// The frames both decoders read in the browser benchmark.
fn bench_frames(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let ean = ean13("6931234500018");
    let qr = written(
        "https://shopbag.example.cn/p/6931234500018",
        BarcodeFormat::QR_CODE,
    );
    for (width, height) in [(640, 480), (1280, 720)] {
        let scene = |symbol: Option<(&Symbol, f64)>| {
            let scene = Scene::new(width, height).textured();
            match symbol {
                Some((symbol, share)) => scene.with(symbol, Placement::centred(share)),
                None => scene,
            }
            .noisy(0.02, 9)
        };
        scene(Some((&ean, 0.5))).save(&dir.join(format!("ean13-{width}x{height}.png")));
        scene(Some((&qr, 0.3))).save(&dir.join(format!("qr-{width}x{height}.png")));
        scene(None).save(&dir.join(format!("nothing-{width}x{height}.png")));
    }
}

/// YUV4MPEG2, 4:2:0, two frames with different noise so the stream is not perfectly still.
fn write_y4m(path: &Path, scene: &Scene) {
    use std::io::Write;
    let (w, h) = (scene.width, scene.height);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg").unwrap();
    for seed in [11, 12] {
        let frame = Scene {
            width: w,
            height: h,
            pixels: scene.pixels.clone(),
        }
        .noisy(0.01, seed);
        out.write_all(b"FRAME\n").unwrap();
        out.write_all(&frame.luma()).unwrap();
        out.write_all(&vec![128u8; (w / 2) * (h / 2) * 2]).unwrap();
    }
}
