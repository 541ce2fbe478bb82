//! Code fetched when it is first needed. Each split point — a function marked
//! `#[wasm_split(name, wasm_split_path = ::leptos::wasm_split, fallible)]` — is cut out of the
//! first load into its own wasm chunk after linking (scripts/split-app.mjs), together with the
//! code only it uses, and fetched on its first call.
//!
//! Leptos' own `#[lazy]` panics when a chunk cannot be fetched, and a panic aborts the whole
//! app; the `fallible` form returns [`ChunkError`] instead, so the caller can say so and retry.

/// A chunk could not be fetched or started: offline before the service worker kept it, a new
/// release deployed in between, a server error. The loader does not remember the failure, so
/// calling the split function again fetches again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkError;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}
