//! Scanning hang tags: the camera, the decoder worker and its watchdog, the guards against
//! double adds, and the keyboard-wedge scanners of kiosks.
//!
//! The decoding itself is `crates/scanner`, running in a Web Worker; this feature is the page
//! side of it and stays thin.

pub mod camera;
mod cooldown;
pub mod decoder;
pub mod feedback;
pub mod frames;
mod lens;
pub mod snapshot;
mod viewfinder;
mod wedge;

pub use cooldown::Cooldown;
pub use viewfinder::Viewfinder;
pub use wedge::WedgeReader;

use crate::navigation::use_address;
use crate::route::Route;
use leptos::prelude::*;

/// The bursts a hardware scanner typed: the latest, numbered so that the same code twice is
/// two scans, and how far the scanner screen has handled them.
#[derive(Clone, Copy)]
pub struct Wedge {
    last: RwSignal<Option<(u32, String)>>,
    handled: RwSignal<u32>,
}

impl Wedge {
    /// The burst not handled yet, if any (tracked: call it in an effect).
    pub fn take_new(self) -> Option<String> {
        let (n, code) = self.last.get()?;
        (n > self.handled.get_untracked()).then(|| {
            self.handled.set(n);
            code
        })
    }
}

/// Listens for scanner bursts on every page; a burst opens the scanner screen, which treats it
/// like a camera hit (the cashier's screen keeps its own). Called once, in the app shell.
pub fn provide_wedge() {
    let last = RwSignal::new(None::<(u32, String)>);
    provide_context(Wedge {
        last,
        handled: RwSignal::new(0),
    });
    let address = use_address();
    wedge::listen(move |code| {
        last.update(|l| {
            let n = l.as_ref().map_or(1, |(n, _)| n + 1);
            *l = Some((n, code));
        });
        // The cashier's screen takes bursts itself (member codes, product codes).
        if !matches!(address.route_untracked(), Route::Scan | Route::Cashier) {
            address.go(&Route::Scan);
        }
    });
}

pub fn use_wedge() -> Wedge {
    expect_context()
}
