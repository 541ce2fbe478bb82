//! Hosting the built app: precompression, SPA fallback, cache headers and the CSP's script hashes.

use crate::common::{assert_error, config, TestDb, TestServer};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::{Duration, SystemTime};

const BOOT: &str = "\nimport init, * as bindings from '/shopbag-0123456789abcdef.js';\nconst wasm = await init({ module_or_path: '/shopbag-0123456789abcdef_bg.wasm' });\nwindow.wasmBindings = bindings;\n";
const JS: &str = "export default function init() {}\n";

fn index_html(boot: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>shopbag</title>\
         <link rel=\"modulepreload\" href=\"/shopbag-0123456789abcdef.js\">\
         <script type=\"module\">{boot}</script></head><body></body></html>"
    )
}

/// A dist directory shaped like Trunk's output.
fn make_dist(dir: &Path) -> Vec<u8> {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), index_html(BOOT)).unwrap();
    std::fs::write(dir.join("shopbag-0123456789abcdef.js"), JS.repeat(50)).unwrap();
    // Compressible like a real module: a header and repetitive sections.
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..2_000u32 {
        wasm.extend_from_slice(&(i % 97).to_le_bytes());
    }
    std::fs::write(dir.join("shopbag-0123456789abcdef_bg.wasm"), &wasm).unwrap();
    std::fs::write(dir.join("manifest.webmanifest"), r#"{"name":"shopbag"}"#).unwrap();
    wasm
}

fn sha256(text: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

async fn get_with(server: &TestServer, path: &str, accept_encoding: &str) -> reqwest::Response {
    server
        .client
        .get(server.url(path))
        .header("accept-encoding", accept_encoding)
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn serves_the_built_app() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    let wasm = make_dist(&dist);
    let database = TestDb::new(dir.path()).await;
    let server = TestServer::start(&config(&database.url, &dist)).await;

    for file in [
        "index.html",
        "shopbag-0123456789abcdef.js",
        "shopbag-0123456789abcdef_bg.wasm",
    ] {
        for suffix in ["br", "gz"] {
            assert!(
                dist.join(format!("{file}.{suffix}")).is_file(),
                "{file}.{suffix}"
            );
        }
    }

    let home = get_with(&server, "/", "identity").await;
    assert_eq!(home.status(), 200);
    assert!(header(&home, "content-type").starts_with("text/html"));
    assert_eq!(header(&home, "cache-control"), "no-cache");
    let csp = header(&home, "content-security-policy").to_string();
    assert!(csp.contains(&sha256(BOOT)), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"));
    assert_eq!(home.text().await.unwrap(), index_html(BOOT));

    // A client-side route on reload.
    let route = get_with(&server, "/p/123", "identity").await;
    assert_eq!(route.status(), 200);
    assert!(header(&route, "content-type").starts_with("text/html"));
    assert_eq!(header(&route, "cache-control"), "no-cache");
    assert_eq!(route.text().await.unwrap(), index_html(BOOT));

    let js = get_with(&server, "/shopbag-0123456789abcdef.js", "identity").await;
    assert_eq!(js.status(), 200);
    assert_eq!(
        header(&js, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    // A script may start a worker, which takes its policy from the script's response.
    assert!(header(&js, "content-security-policy").contains(&sha256(BOOT)));
    assert_eq!(js.text().await.unwrap(), JS.repeat(50));

    let module = get_with(
        &server,
        "/shopbag-0123456789abcdef_bg.wasm",
        "gzip, deflate, br",
    )
    .await;
    assert_eq!(module.status(), 200);
    assert_eq!(header(&module, "content-encoding"), "br");
    assert_eq!(header(&module, "content-type"), "application/wasm");
    assert_eq!(header(&module, "x-content-type-options"), "nosniff");
    assert!(module.headers().get("content-security-policy").is_none());
    assert_eq!(
        header(&module, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let compressed = module.bytes().await.unwrap();
    assert!(compressed.len() < wasm.len());
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut compressed.as_ref(), &mut plain).unwrap();
    assert_eq!(plain, wasm);

    let gz = get_with(&server, "/shopbag-0123456789abcdef_bg.wasm", "gzip").await;
    assert_eq!(header(&gz, "content-encoding"), "gzip");

    let manifest = get_with(&server, "/manifest.webmanifest", "identity").await;
    assert_eq!(header(&manifest, "cache-control"), "public, max-age=3600");
    assert_eq!(header(&manifest, "x-content-type-options"), "nosniff");

    // A chunk of a replaced release is gone, and says so: it is not the page.
    let gone = get_with(&server, "/split_bag-fedcba9876543210.wasm", "br").await;
    assert_eq!(gone.status(), 404);
    assert!(!header(&gone, "content-type").starts_with("text/html"));

    // The API is never swallowed by the SPA fallback.
    assert_error(server.get("/api/v1/nope").await, 404, "not_found").await;
    server.stop().await;
}

/// A new release's index.html in `dist`, as a deploy writes it; its boot script.
fn deploy_index(dist: &std::path::Path) -> &'static str {
    let rebuilt = "\nimport init from '/shopbag-fedcba9876543210.js';\nawait init();\n";
    let index = dist.join("index.html");
    std::fs::write(&index, index_html(rebuilt)).unwrap();
    // Coarse file-system clocks: make sure the rebuild is visibly newer.
    std::fs::File::options()
        .write(true)
        .open(&index)
        .unwrap()
        .set_modified(SystemTime::now() + Duration::from_secs(10))
        .unwrap();
    rebuilt
}

#[tokio::test]
async fn picks_up_a_rebuilt_app_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    make_dist(&dist);
    let database = TestDb::new(dir.path()).await;
    let server = TestServer::start(&config(&database.url, &dist)).await;
    let before = get_with(&server, "/", "br").await;
    assert!(header(&before, "content-security-policy").contains(&sha256(BOOT)));

    let rebuilt = deploy_index(&dist);

    let after = get_with(&server, "/", "br").await;
    let csp = header(&after, "content-security-policy").to_string();
    assert!(csp.contains(&sha256(rebuilt)), "{csp}");
    assert!(!csp.contains(&sha256(BOOT)));
    assert_eq!(header(&after, "content-encoding"), "br");
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut after.bytes().await.unwrap().as_ref(), &mut plain).unwrap();
    assert_eq!(String::from_utf8(plain).unwrap(), index_html(rebuilt));
    server.stop().await;
}

#[tokio::test]
async fn a_new_release_is_served_while_its_files_are_compressed() {
    // Before, every request after a deploy waited until the whole release was compressed (half a
    // minute for the real app in a debug build): a shop with a page open stalled.
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    make_dist(&dist);
    let database = TestDb::new(dir.path()).await;
    let server = TestServer::start(&config(&database.url, &dist)).await;
    // The next release brings a large module (several seconds of brotli at its best level).
    let big: String = (0..100_000u32)
        .map(|i| format!("{:x}", i.wrapping_mul(2_654_435_761)))
        .collect();
    std::fs::write(dist.join("chunk_1-fedcba9876543210.wasm"), &big).unwrap();
    let rebuilt = deploy_index(&dist);

    let page = get_with(&server, "/", "br").await;
    assert!(header(&page, "content-security-policy").contains(&sha256(rebuilt)));
    assert_eq!(header(&page, "content-encoding"), "br");
    let chunk = get_with(&server, "/chunk_1-fedcba9876543210.wasm", "br").await;
    assert_eq!(chunk.status(), 200);
    assert!(
        !dist.join("chunk_1-fedcba9876543210.wasm.br").exists(),
        "answered before the release's compression finished"
    );
    assert_eq!(
        chunk.bytes().await.unwrap().len(),
        big.len(),
        "served as it is meanwhile"
    );
    server.stop().await;
}

#[tokio::test]
async fn without_a_built_app_the_page_says_so_and_the_api_works() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDb::new(dir.path()).await;
    let server = TestServer::start(&config(&database.url, &dir.path().join("missing"))).await;
    let home = server.get("/").await;
    assert_eq!(home.status(), 503);
    assert!(header(&home, "content-type").starts_with("text/plain"));
    assert!(home.text().await.unwrap().contains("trunk build"));
    assert_eq!(server.get("/p/123").await.status(), 503);
    assert_eq!(server.get("/api/v1/health").await.status(), 200);
    server.stop().await;
}
