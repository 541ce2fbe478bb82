//! Hosts the built browser app: precompressed files, SPA fallback, cache and security headers.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Files worth compressing; images and fonts are compressed already.
const COMPRESSIBLE: [&str; 9] = [
    "html",
    "js",
    "wasm",
    "bundle",
    "css",
    "svg",
    "json",
    "webmanifest",
    "txt",
];

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
const HOUR: &str = "public, max-age=3600";

/// The app's dist directory and what was derived from it (precompressed files, CSP hashes).
pub struct Dist {
    dir: PathBuf,
    index: PathBuf,
    /// The `index.html` the CSP and compressed files were made from.
    seen: Mutex<Release>,
    /// Held while taking in a new `index.html`, so one request does it and the others wait.
    preparing: tokio::sync::Mutex<()>,
    /// Held while compressing, so two releases' compressions never write the same file at once.
    compressing: Arc<Mutex<()>>,
    csp: RwLock<HeaderValue>,
}

impl Dist {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Dist {
            index: dir.join("index.html"),
            dir,
            seen: Mutex::new(Release::NotLookedAt),
            preparing: tokio::sync::Mutex::new(()),
            compressing: Arc::default(),
            csp: RwLock::new(content_security_policy(&[])),
        }
    }

    /// The policy for the current `index.html`.
    pub fn csp(&self) -> HeaderValue {
        self.csp
            .read()
            .map(|v| v.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn release(&self) -> Release {
        match std::fs::metadata(&self.index).and_then(|m| m.modified()) {
            Ok(modified) => Release::Index(modified),
            Err(_) => Release::NoIndex,
        }
    }

    /// Precompresses the files and hashes the inline scripts when `index.html` is new or changed,
    /// and returns once both are done: at start, before the first answer.
    pub async fn refresh(&self) {
        if let Some(compressed) = self.take_in_release().await {
            let _ = compressed.await;
        }
    }

    /// The same while serving — a `trunk build` or a deploy while the server runs: the new
    /// release's script hashes and compressed `index.html` are ready before this request is
    /// answered, its other files are compressed in the background (until then they are served as
    /// they are), so no request waits for the whole release's compression.
    pub async fn refresh_serving(&self) {
        self.take_in_release().await;
    }

    /// When `index.html` is new or changed: its CSP now, and the task compressing the files.
    async fn take_in_release(&self) -> Option<tokio::task::JoinHandle<()>> {
        let release = self.release();
        if *self.seen.lock().unwrap_or_else(|e| e.into_inner()) == release {
            return None;
        }
        let _preparing = self.preparing.lock().await;
        if *self.seen.lock().unwrap_or_else(|e| e.into_inner()) == release {
            return None;
        }
        let mut compressing = None;
        let hashes = if let Release::Index(_) = release {
            // The document itself at once (it is small, and every visit starts with it).
            let index = self.index.clone();
            if let Ok(Err(error)) = tokio::task::spawn_blocking(move || precompress(&index)).await {
                tracing::warn!(%error, "could not precompress index.html");
            }
            let (dir, lock) = (self.dir.clone(), self.compressing.clone());
            compressing = Some(tokio::task::spawn_blocking(move || {
                let _one_at_a_time = lock.lock().unwrap_or_else(|e| e.into_inner());
                compress_all(&dir);
            }));
            match tokio::fs::read_to_string(&self.index).await {
                Ok(html) => inline_script_hashes(&html),
                Err(error) => {
                    tracing::warn!(%error, dir = %self.dir.display(), "could not read index.html");
                    Vec::new()
                }
            }
        } else {
            tracing::warn!(dir = %self.dir.display(), "no index.html: build the app with `trunk build`");
            Vec::new()
        };
        *self.csp.write().unwrap_or_else(|e| e.into_inner()) = content_security_policy(&hashes);
        *self.seen.lock().unwrap_or_else(|e| e.into_inner()) = release;
        compressing
    }
}

/// Which release of the app the server has taken in, told by its `index.html`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Release {
    /// Before the first look at the dist directory.
    NotLookedAt,
    /// No `index.html`: the app is not built.
    NoIndex,
    /// The `index.html` last modified then.
    Index(SystemTime),
}

/// Compresses what needs it; a file that cannot be compressed is served as it is.
fn compress_all(dir: &Path) {
    let mut files = Vec::new();
    if let Err(error) = collect_files(dir, &mut files) {
        tracing::warn!(%error, "could not list all app files");
    }
    let mut written = 0;
    for file in &files {
        let compressible = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if compressible {
            match precompress(file) {
                Ok(n) => written += n,
                Err(error) => {
                    tracing::warn!(%error, file = %file.display(), "could not precompress");
                }
            }
        }
    }
    tracing::info!(files = files.len(), compressed = written, "app files ready");
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        // Hidden entries include Trunk's `.stage` directory, which is half-written while it builds.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_files(&path, files)?;
        } else if kind.is_file() {
            files.push(path);
        }
    }
    Ok(())
}

/// Writes `file.br` and `file.gz` when missing or older than `file`; returns how many it wrote.
fn precompress(file: &Path) -> io::Result<usize> {
    let modified = std::fs::metadata(file)?.modified()?;
    let mut data: Option<Vec<u8>> = None;
    let mut written = 0;
    for (suffix, compress) in [
        ("br", brotli_bytes as fn(&[u8]) -> io::Result<Vec<u8>>),
        ("gz", gzip_bytes),
    ] {
        let mut target = file.as_os_str().to_owned();
        target.push(".");
        target.push(suffix);
        let target = PathBuf::from(target);
        let fresh = std::fs::metadata(&target)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= modified);
        if fresh {
            continue;
        }
        if data.is_none() {
            data = Some(std::fs::read(file)?);
        }
        let compressed = compress(data.as_deref().unwrap_or_default())?;
        // Write beside and rename: a request never sees half a file. The name is unique so that
        // two servers starting on the same dist do not write into each other's file.
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let mut partial = target.as_os_str().to_owned();
        partial.push(format!(
            ".{}-{}.partial",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&partial, compressed)?;
        if let Err(error) = std::fs::rename(&partial, &target) {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
        written += 1;
    }
    Ok(written)
}

fn brotli_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut writer = brotli::CompressorWriter::new(Vec::new(), 64 * 1024, 11, 22);
    writer.write_all(data)?;
    writer.flush()?;
    Ok(writer.into_inner())
}

fn gzip_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    encoder.write_all(data)?;
    encoder.finish()
}

/// `'sha256-…'` for every inline `<script>` (no `src`): the exact text between the tags.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<script") {
        let start = from + found + "<script".len();
        let is_tag = lower[start..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_whitespace() || c == '>');
        let Some(tag_end) = lower[start..].find('>').map(|i| start + i) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| tag_end + i) else {
            break;
        };
        let attributes = &lower[start..tag_end];
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace())
            .any(|a| a == "src" || a.starts_with("src="));
        if is_tag && !has_src {
            let digest = Sha256::digest(&html.as_bytes()[tag_end + 1..close]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        from = close + "</script".len();
    }
    hashes
}

/// The app's Content-Security-Policy: nothing from elsewhere, wasm allowed, inline scripts by hash.
pub fn content_security_policy(script_hashes: &[String]) -> HeaderValue {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        scripts.push(' ');
        scripts.push_str(hash);
    }
    let policy = format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data: blob:; \
         media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'self'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
}

/// Adds the security headers: `nosniff` to every response, and the policies to what they
/// govern — documents, and scripts (a worker takes its policy from its script's response).
/// Images, styles, wasm and JSON go without them: a cold load fetches a dozen such files, and
/// 600 bytes of policy on each would be a tenth of the first-load budget for nothing.
pub async fn security_headers(
    State(dist): State<Arc<Dist>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let governed = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.contains("javascript"));
    if !governed {
        return response;
    }
    headers.insert(header::CONTENT_SECURITY_POLICY, dist.csp());
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(self), microphone=(), payment=()"),
    );
    response
}

/// Trunk names hashed assets `name-<hash>.ext` or `name-<hash>_bg.wasm`, the hash printed with
/// `{:x}` — 16 hex digits, fewer when it starts with zeros.
fn is_hashed(file_name: &str) -> bool {
    let bytes = file_name.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        if b != b'-' {
            return false;
        }
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            .count();
        (13..=16).contains(&digits) && matches!(bytes.get(i + 1 + digits), Some(b'.' | b'_'))
    })
}

/// A file the build writes at the top of dist (scripts, styles, wasm), as opposed to a client
/// route: routes have no extension, and a product code with dots (a tag URL) sits in `/p/…`.
fn is_app_file(path: &str) -> bool {
    let name = path.strip_prefix('/').unwrap_or(path);
    !name.contains('/')
        && [".wasm", ".js", ".css", ".bundle"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

fn cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || name.ends_with(".html") {
        REVALIDATE
    } else if is_hashed(name) {
        IMMUTABLE
    } else {
        HOUR
    }
}

/// Serves a file from dist, or `index.html` for any other path (the app routes on the client).
pub async fn serve(State(dist): State<Arc<Dist>>, request: Request) -> Response {
    dist.refresh_serving().await;
    let path = request.uri().path().to_owned();
    let fallback_dist = dist.clone();
    let files = ServeDir::new(&dist.dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(tower::service_fn(move |request: Request| {
            let dist = fallback_dist.clone();
            async move { Ok::<_, std::convert::Infallible>(app_shell(&dist, request).await) }
        }));
    let mut response = match files.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(cache_control(&path)),
            );
        }
        // The same URL answers br, gzip or plain bytes: caches must key on the request's choice.
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// `index.html` for client-side routes such as `/p/6931234500018`; 503 until the app is built.
/// A missing file of the app (a chunk of a release that was replaced) is a 404, not the page:
/// the app must see that the chunk is gone, not try to run HTML as wasm.
async fn app_shell(dist: &Dist, request: Request) -> Response {
    if !(request.method() == Method::GET || request.method() == Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if is_app_file(request.uri().path()) {
        return (
            StatusCode::NOT_FOUND,
            [(header::CACHE_CONTROL, "no-store")],
            "no such file in this release of the app\n",
        )
            .into_response();
    }
    if !dist.index.is_file() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            "The shopbag app is not built yet: run `trunk build` so that dist/index.html exists \
             (or point --dist at Trunk's output). The API under /api/v1 works meanwhile.\n",
        )
            .into_response();
    }
    let shell = ServeFile::new(&dist.index)
        .precompressed_br()
        .precompressed_gzip();
    let mut response = match shell.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html = r#"<html><head>
<script src="/a.js"></script>
<SCRIPT type="module">import init from '/x.js';</SCRIPT>
<script>
</script></head></html>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/x.js';"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
    }

    #[test]
    fn tolerates_broken_html() {
        assert!(inline_script_hashes("<script>never closed").is_empty());
        assert!(inline_script_hashes("<script").is_empty());
        assert!(inline_script_hashes("<scripts>x</scripts>").is_empty());
        assert!(inline_script_hashes("ü<script>ä</script>").len() == 1);
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed("shopbag-0123456789abcdef.js"));
        assert!(is_hashed("shopbag-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("style-123456789abcdef.css"));
        assert!(!is_hashed("style.css"));
        assert!(!is_hashed("icon-192.png"));
        assert!(!is_hashed("shopbag-0123456789abcdef"));
        assert!(is_hashed("日本-0123456789abcdef.js"));
        assert!(!is_hashed("é-é-"));
        assert_eq!(cache_control("/"), REVALIDATE);
        assert_eq!(cache_control("/index.html"), REVALIDATE);
        assert_eq!(cache_control("/manifest.webmanifest"), HOUR);
    }

    #[test]
    fn app_files_are_not_client_routes() {
        assert!(is_app_file("/split_bag-0123456789abcdef.wasm"));
        assert!(is_app_file("/shopbag-0123456789abcdef.js"));
        assert!(is_app_file("/main-0123456789abcdef.css"));
        assert!(!is_app_file("/p/6931234500018"));
        assert!(!is_app_file("/p/https%3A%2F%2Ftags.example.cn%2Fx.js"));
        assert!(!is_app_file("/bag"));
        assert!(!is_app_file("/"));
    }

    #[test]
    fn policy_lists_the_hashes() {
        let csp = content_security_policy(&["'sha256-abc'".into()]);
        let csp = csp.to_str().unwrap();
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc';"));
        assert!(csp.contains("frame-ancestors 'self'"));
    }

    #[test]
    fn precompresses_once_and_again_when_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app.js");
        std::fs::write(&file, "console.log('hi');".repeat(100)).unwrap();
        assert_eq!(precompress(&file).unwrap(), 2);
        assert_eq!(precompress(&file).unwrap(), 0);
        let br = std::fs::read(dir.path().join("app.js.br")).unwrap();
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut br.as_slice(), &mut plain).unwrap();
        assert_eq!(plain, std::fs::read(&file).unwrap());
        // A rebuilt file is newer than its compressed copies.
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(precompress(&file).unwrap(), 2);
    }
}
