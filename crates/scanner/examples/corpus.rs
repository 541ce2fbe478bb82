//! `cargo run --release -p shopbag-scanner --example corpus [DIR]`: reads every photo of the scan
//! corpus (real photos of real codes, `tests/corpus/`) in both modes and prints, folder by folder,
//! how many codes were read right, how many misread, and how many codes were reported on photos
//! that have none — the figures the decoder is measured by (docs/benchmarks.md).
//!
//! Each image `N.ext` has its expected text in `N.txt`, in the form zxing-cpp reports: UPC-A and
//! UPC-E as 13 digits (`0` + UPC-A, UPC-E expanded first), line breaks as `\n`. A folder named
//! `falsepositives-*` holds photos with no code.

use shopbag_scanner::{Decoded, Format, Frame, Mode, Scanner};
use std::path::{Path, PathBuf};

#[derive(Default, Clone, Copy)]
struct Tally {
    images: usize,
    read: usize,
    misread: usize,
    /// Codes reported on photos without one.
    phantom: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.images += other.images;
        self.read += other.read;
        self.misread += other.misread;
        self.phantom += other.phantom;
    }
}

fn main() {
    let dir = std::env::args().nth(1).map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus"),
        PathBuf::from,
    );
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    let mut scanner = Scanner::new();
    let mut totals = [Tally::default(); 2];
    println!("| folder | images | thorough: read | misread | live: read | misread |");
    println!("|---|---:|---:|---:|---:|---:|");
    for folder in folders {
        let name = folder.file_name().unwrap().to_string_lossy().to_string();
        let mut tallies = [Tally::default(); 2];
        for image in images(&folder) {
            let expected = std::fs::read_to_string(image.with_extension("txt")).ok();
            let frame = load(&image);
            for (tally, mode) in tallies.iter_mut().zip([Mode::Thorough, Mode::Live]) {
                tally.images += 1;
                match (scanner.scan(&frame, mode), &expected) {
                    (None, _) => {}
                    (Some(_), None) => tally.phantom += 1,
                    (Some(found), Some(expected)) if same(&as_expected(&found), expected) => {
                        tally.read += 1
                    }
                    (Some(found), Some(_)) => {
                        eprintln!("{mode:?} misread {}: {:?}", image.display(), found.text);
                        tally.misread += 1
                    }
                }
            }
        }
        let [thorough, live] = tallies;
        if name.starts_with("falsepositives") {
            println!(
                "| {name} | {} | {} reported | | {} reported | |",
                thorough.images, thorough.phantom, live.phantom
            );
        } else {
            println!(
                "| {name} | {} | {} | {} | {} | {} |",
                thorough.images, thorough.read, thorough.misread, live.read, live.misread
            );
        }
        totals[0] += thorough;
        totals[1] += live;
    }
    let [thorough, live] = totals;
    println!(
        "| **total** | {} | **{}** | {} | **{}** | {} |",
        thorough.images, thorough.read, thorough.misread, live.read, live.misread
    );
    println!(
        "codes reported on photos without one: thorough {}, live {}",
        thorough.phantom, live.phantom
    );
}

fn images(folder: &Path) -> Vec<PathBuf> {
    let mut images: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["png", "jpg", "jpeg", "webp"].contains(&e))
        })
        .collect();
    images.sort();
    images
}

fn load(file: &Path) -> Frame {
    let image = image::ImageReader::open(file)
        .and_then(|reader| reader.with_guessed_format())
        .map_err(|e| e.to_string())
        .and_then(|reader| reader.decode().map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
        .into_rgba8();
    let (width, height) = image.dimensions();
    Frame::from_rgba(width, height, image.as_raw()).unwrap()
}

/// Our reading in the form the expected texts are written in.
fn as_expected(found: &Decoded) -> String {
    match found.format {
        Format::UpcA => format!("0{}", found.text),
        Format::UpcE => shopbag_api::code::upc_e_to_upc_a(&found.text)
            .map_or_else(|| found.text.clone(), |a| format!("0{a}")),
        _ => found.text.clone(),
    }
}

/// Equal line by line, `\r\n` as `\n`, trailing spaces ignored (the corpus's README).
fn same(found: &str, expected: &str) -> bool {
    let lines = |text: &str| -> Vec<String> {
        text.replace("\r\n", "\n")
            .trim_end()
            .lines()
            .map(|line| line.trim_end().to_string())
            .collect()
    };
    lines(found) == lines(expected)
}
