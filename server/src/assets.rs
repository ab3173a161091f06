//! The browser's files under `/pkg`: the WebAssembly, its JavaScript glue and the stylesheet.
//!
//! The run command builds them with hashed names (`tandem.<md5>.wasm`, cargo-leptos `hash-files`)
//! and with `.br` and `.gz` copies beside each (`--precompress`). Such a name never changes its
//! bytes, so it is cached for a year without asking again (`immutable`); unhashed names (the debug
//! build the tests use) are revalidated on every load (`no-cache` with `Last-Modified`).
use std::path::{Path, PathBuf};

use axum::http::{header, HeaderValue};
use tower::Layer;
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

/// A year: the longest lifetime RFC 9111 caches are asked to honour.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed files may change with the next build: use them only after asking the server.
pub const REVALIDATE: &str = "no-cache";

/// Whether the site was built with hashed file names: cargo-leptos then writes `hash.txt` beside
/// the server binary (where Leptos reads it) and leaves no unhashed `pkg/tandem.js`.
pub fn hashed_build(site_root: &str) -> bool {
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|file| file.is_file());
    beside_binary && !pkg_dir(site_root).join("tandem.js").is_file()
}

/// The door page's program, `/pkg/door-<hash>/boot.js`, when `scripts/lib.sh` built it into this
/// site (`build_door`). The folder's name carries a hash of its files, so it may be cached for a
/// year like the hashed app files; with several (an older build left behind) the newest counts.
pub fn door_script(site_root: &str) -> Option<String> {
    let entries = std::fs::read_dir(pkg_dir(site_root)).ok()?;
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("door-"))
        .filter(|e| e.path().join("boot.js").is_file())
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| format!("/pkg/{}/boot.js", e.file_name().to_string_lossy()))
}

fn pkg_dir(site_root: &str) -> PathBuf {
    Path::new(site_root).join("pkg")
}

/// `/pkg/*` from the site's `pkg` folder: a `.br` or `.gz` copy when the client accepts it and
/// the build made one, with the cache policy that fits the names.
pub fn pkg_service(site_root: &str, hashed: bool) -> SetResponseHeader<ServeDir, HeaderValue> {
    let files = ServeDir::new(pkg_dir(site_root))
        .precompressed_br()
        .precompressed_gzip();
    let policy = HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE });
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, policy).layer(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_door_program_is_found_by_its_hashed_folder() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path().to_str().unwrap();
        assert_eq!(door_script(root), None, "no pkg folder");
        std::fs::create_dir_all(site.path().join("pkg/door-1a2b3c")).unwrap();
        assert_eq!(door_script(root), None, "no boot.js yet");
        std::fs::write(site.path().join("pkg/door-1a2b3c/boot.js"), "").unwrap();
        assert_eq!(
            door_script(root).as_deref(),
            Some("/pkg/door-1a2b3c/boot.js")
        );
    }
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    fn site_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        for (name, bytes) in files {
            std::fs::write(dir.path().join("pkg").join(name), bytes).unwrap();
        }
        dir
    }

    async fn get(
        site: &tempfile::TempDir,
        hashed: bool,
        path: &str,
        accept: &str,
    ) -> axum::http::Response<tower_http::services::fs::ServeFileSystemResponseBody> {
        pkg_service(site.path().to_str().unwrap(), hashed)
            .oneshot(
                Request::get(path)
                    .header(header::ACCEPT_ENCODING, accept)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_hashed_file_is_sent_as_its_brotli_copy_and_cached_for_a_year() {
        let site = site_with(&[
            ("tandem.abc123.wasm", b"raw wasm"),
            ("tandem.abc123.wasm.br", b"brotli wasm"),
            ("tandem.abc123.wasm.gz", b"gzip wasm"),
        ]);
        let res = get(&site, true, "/tandem.abc123.wasm", "gzip, br").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(res.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");

        let res = get(&site, true, "/tandem.abc123.wasm", "gzip").await;
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
        let res = get(&site, true, "/tandem.abc123.wasm", "identity").await;
        assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
        assert_eq!(res.headers()[header::CACHE_CONTROL], IMMUTABLE);
    }

    #[tokio::test]
    async fn an_unhashed_file_is_revalidated_and_a_missing_one_is_404() {
        let site = site_with(&[("tandem.css", b"body{}")]);
        let res = get(&site, false, "/tandem.css", "br").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CACHE_CONTROL], REVALIDATE);
        assert!(res.headers().contains_key(header::LAST_MODIFIED));
        let res = get(&site, false, "/nothing.js", "br").await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_site_without_a_hash_file_beside_the_binary_is_not_hashed() {
        let site = site_with(&[("tandem.js", b"")]);
        assert!(!hashed_build(site.path().to_str().unwrap()));
    }
}
