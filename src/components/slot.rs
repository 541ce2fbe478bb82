//! A place in a view filled later by code from another chunk: the page that shows it holds the
//! place (a signal, a few bytes of its first load), the chunk that arrives holds the drawing.

use leptos::prelude::*;
use std::rc::Rc;

/// Draws the part for one key (a bag line's sku, say).
type Draw = Rc<dyn Fn(&str) -> AnyView>;

#[derive(Clone, Copy)]
pub struct Slot(RwSignal<Option<Draw>, LocalStorage>);

impl Slot {
    pub fn new() -> Self {
        Slot(RwSignal::new_local(None))
    }

    /// From now on `draw` fills the slot, until the calling owner goes.
    pub fn fill(self, draw: impl Fn(&str) -> AnyView + 'static) {
        self.0.set(Some(Rc::new(draw)));
        on_cleanup(move || {
            let _ = self.0.try_set(None);
        });
    }

    /// The part for `key`, once the slot is filled (tracked).
    pub fn view(self, key: &str) -> Option<AnyView> {
        self.0.with(|draw| draw.as_ref().map(|draw| draw(key)))
    }
}

impl Default for Slot {
    fn default() -> Self {
        Slot::new()
    }
}
