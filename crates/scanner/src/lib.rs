//! Reads the codes on hang tags: camera frames and photos in, checked product codes out.
//!
//! The path is the same on every platform: pixels → [`Frame`] (luma) → region of interest →
//! rxing → [`guard`] (GS1 rules, and in live mode two agreeing frames). The `decode` command and
//! the browser's decoder worker both call [`Scanner::scan`], so what staff see on the command line
//! is what shoppers get on their phones.

mod frame;
pub mod guard;
mod scanner;

pub use frame::{Frame, FrameError, Region};
pub use guard::{Agreement, Refusal};
pub use scanner::{Decoded, Format, Mode, Scanner};

#[cfg(target_arch = "wasm32")]
pub mod worker;
