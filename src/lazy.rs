//! Code fetched when it is first needed. Each split point — a function written inside
//! [`split_point!`] — is cut out of the first load into its own wasm chunk after linking
//! (scripts/split-app.mjs), together with the code only it uses, and fetched on its first call.
//!
//! Leptos' `#[lazy]` panics when a chunk cannot be fetched, and a panic aborts the whole app;
//! split points here use wasm-split's `fallible` form and return [`ChunkError`] instead, so the
//! caller can say so and retry.

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

/// `split_point! { name: fn f(args) -> Result<T, ChunkError> { … } }` makes `f` an `async fn`
/// whose body is cut into the chunk `name` in the app's release build (the `split` feature,
/// which scripts/split-app.mjs turns on). Every other build — tests, lints, native — gets the
/// same `async fn` with the body in place: a binary that is never split cannot fetch chunks.
macro_rules! split_point {
    ($name:ident : $(#[$attr:meta])* $vis:vis fn $f:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty $body:block) => {
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        $(#[$attr])*
        $vis fn $f($($arg: $ty),*) -> $ret $body

        #[cfg(not(feature = "split"))]
        $(#[$attr])*
        $vis async fn $f($($arg: $ty),*) -> $ret $body
    };
}
pub(crate) use split_point;
