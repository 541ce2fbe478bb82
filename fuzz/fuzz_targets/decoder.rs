//! The decoder's entry: any picture of any size — none, one pixel, one row, long and thin, larger
//! than the pixel budget, a buffer of the wrong length — in live and photo mode, cut to any
//! viewfinder. No panic, no hang, no allocation beyond the picture's; and whatever comes out has
//! passed the guard.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shopbag_scanner::guard::check;
use shopbag_scanner::protocol::Crop;
use shopbag_scanner::{Frame, FrameError, Mode, Scanner};

/// Pictures are kept this small so that millions run: the decoder's work grows with the pixels
/// and its branches do not. (Sizes beyond the budget are still tried; they are refused unread.)
const MOST_PIXELS_READ: usize = 32 * 32;

#[derive(Arbitrary, Debug)]
struct Input {
    width: u32,
    height: u32,
    layout: Layout,
    thorough: bool,
    crop: (f64, f64, f64, f64),
    /// Stretched or cut to the picture's size (its length as given is tried first).
    pixels: Vec<u8>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Layout {
    Luma,
    Rgba,
    Bgra,
}

fn frame(layout: Layout, width: u32, height: u32, pixels: &[u8]) -> Result<Frame, FrameError> {
    match layout {
        Layout::Luma => Frame::from_luma(width, height, pixels.to_vec()),
        Layout::Rgba => Frame::from_rgba(width, height, pixels),
        Layout::Bgra => Frame::from_bgra(width, height, pixels),
    }
}

fuzz_target!(|input: Input| {
    let Input {
        width,
        height,
        layout,
        ..
    } = input;
    let (left, top, crop_width, crop_height) = input.crop;
    let rect = Crop {
        left,
        top,
        width: crop_width,
        height: crop_height,
    }
    .pixels(width, height);
    assert!([rect.x, rect.y, rect.width, rect.height]
        .iter()
        .all(|side| side.is_multiple_of(2)));
    assert!(u64::from(rect.x) + u64::from(rect.width) <= u64::from(width));
    assert!(u64::from(rect.y) + u64::from(rect.height) <= u64::from(height));

    let bytes = match layout {
        Layout::Luma => 1,
        Layout::Rgba | Layout::Bgra => 4,
    };
    let pixels = width as usize * height as usize;
    match frame(layout, width, height, &input.pixels) {
        Ok(frame) => assert_eq!(input.pixels.len(), frame.luma().len() * bytes),
        Err(FrameError::Empty) => assert_eq!(pixels, 0),
        Err(FrameError::TooLarge { .. }) => assert!(pixels > shopbag_scanner::MAX_PIXELS),
        Err(FrameError::SizeMismatch { expected, actual }) => {
            assert_eq!((expected, actual), (pixels * bytes, input.pixels.len()))
        }
    }
    if pixels == 0 || pixels > MOST_PIXELS_READ || input.pixels.is_empty() {
        return;
    }
    let filled: Vec<u8> = input
        .pixels
        .iter()
        .copied()
        .cycle()
        .take(pixels * bytes)
        .collect();
    let frame = frame(layout, width, height, &filled).expect("a picture of its size");
    let mode = if input.thorough {
        Mode::Thorough
    } else {
        Mode::Live
    };
    if let Some(code) = Scanner::new().scan(&frame, mode) {
        assert_eq!(check(code.format, &code.text), Ok(()));
    }
});
