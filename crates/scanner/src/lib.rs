//! Reads the codes on hang tags: camera frames and photos in, checked product codes out.
//!
//! The path is the same on every platform: pixels → [`Frame`] (luma) → region of interest →
//! rxing (QR codes whole; linear codes row by row, our rows and binarisations) → [`guard`] (GS1
//! rules; rows of one picture that agree; in live mode, two agreeing frames). The `decode` command and
//! the browser's decoder worker both call [`Scanner::scan`], so what staff see on the command line
//! is what shoppers get on their phones.

mod frame;
pub mod guard;
mod linear;
mod scanner;

pub use frame::{Frame, FrameError, Region};
pub use guard::{Agreement, Reading, Refusal, Votes};
pub use scanner::{Decoded, Format, Mode, Scanner};

#[cfg(target_arch = "wasm32")]
pub mod worker;
