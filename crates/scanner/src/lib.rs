//! Reads the codes on hang tags: camera frames and photos in, checked product codes out.
//!
//! The path is the same on every platform: pixels → [`Frame`] (luma, cut to the viewfinder) →
//! rxing (QR codes whole; linear codes row by row, our rows and binarisations) → [`guard`] (GS1
//! rules; rows of one picture that agree; in live mode, two agreeing frames). The `decode` command
//! and the browser's decoder worker both call [`Scanner::scan`], so what staff see on the command
//! line is what shoppers get on their phones.
//!
//! Without its default `decoder` feature the crate is only [`protocol`]: what the page and the
//! worker say to each other, which the app shares without compiling rxing.

pub mod protocol;
pub use protocol::{Decoded, Format};

#[cfg(feature = "decoder")]
mod frame;
#[cfg(feature = "decoder")]
pub mod guard;
#[cfg(feature = "decoder")]
mod linear;
#[cfg(feature = "decoder")]
mod scanner;

#[cfg(feature = "decoder")]
pub use frame::{Frame, FrameError, MAX_PIXELS};
#[cfg(feature = "decoder")]
pub use guard::{Agreement, Refusal, RowReading, Votes};
#[cfg(feature = "decoder")]
pub use scanner::{Mode, Scanner};

#[cfg(all(target_arch = "wasm32", feature = "decoder"))]
pub mod worker;
