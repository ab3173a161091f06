//! The two pages read far more often than anything on them changes — a guest's RSVP page and an
//! event's page — are kept, as rendered, for a few seconds, and only while nothing was written.
//!
//! A page is stored under everything of the request a render reads (path and query, the
//! `Accept-Language` and `Cookie` headers), together with the number of commits the database had
//! when the render started (`app::ssr::db::Commits`, counted by SQLite after each commit landed,
//! whatever wrote it). It is served again only while that number is unchanged: the next request
//! after any write — an answer, an edit, a sign-out, a new guest — renders afresh, so nobody ever
//! sees a page older than the last write, least of all the one who wrote. What the database cannot
//! tell (the clock: a deadline passing, a session's end) is bounded by the time to live; after it
//! the page is served while a render in the background renews it (renewals take turns). A render
//! that saw a commit land meanwhile is not stored. While nobody has a current page, one request
//! renders it and the others wait for that render. The CSP nonce differs per response: the stored
//! body is cut at the render's nonce and joined with the new one.
//!
//! Only on SQLite in WAL mode, where this process is the only writer. On PostgreSQL (several
//! instances, none of which sees the others' commits) pages are always rendered.
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, Response as HttpResponse, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;
use tower::{Service, ServiceExt};

use crate::security::CspNonce;

/// The default time to live: long next to a page's render, short next to anything a person
/// notices on a clock (the deadline shown as open a few seconds after it passed; answering is
/// checked on the server anyway).
pub const DEFAULT_TTL: Duration = Duration::from_secs(5);
/// All pages kept together stay under this (a 2,000-guest event page is about 300 KB).
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// A page bigger than this is not kept.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;
/// How long a request waits for another's render of the same page before it renders it itself.
const WAIT_FOR_RENDER: Duration = Duration::from_secs(10);
/// Pages past their time to live renewed in the background at once. Pages kept at about the same
/// moment fall due together: a 2,000-guest event's RSVP pages, all rendered within a tenth of a
/// second, were 2,000 renders at once every time to live, and every other request waited behind
/// them (p99 16–18 ms against 4 ms without renewals, docs/performance.md 21). One at a time
/// renews 2,000 of them in about two seconds, while they are served as kept.
const RENEWALS_AT_ONCE: usize = 1;

/// The pages kept, shared by every request of one server.
pub struct PageCache {
    ttl: Duration,
    /// The database's commit count now, `None` when it cannot be told (then nothing is kept).
    commits: Box<dyn Fn() -> Option<u64> + Send + Sync>,
    inner: Mutex<Kept>,
    /// Renewals in the background run one at a time (`RENEWALS_AT_ONCE`).
    renewals: Arc<tokio::sync::Semaphore>,
}

#[derive(Default)]
struct Kept {
    pages: HashMap<String, Arc<Page>>,
    /// Pages being rendered while none is current: requests for the same page wait for that
    /// render rather than render it too (after a write, fifty readers of a big event's page would
    /// otherwise render it fifty times at once).
    rendering: HashMap<String, Arc<Notify>>,
    bytes: usize,
}

/// One rendered page.
struct Page {
    /// The commit count before the render read anything.
    commits: u64,
    rendered: Instant,
    /// One request renders the page again once it is older than the time to live; meanwhile the
    /// others are served this one (nothing was written: only the clock moved).
    refreshing: AtomicBool,
    headers: HeaderMap,
    /// The body cut at the render's nonce.
    pieces: Vec<Bytes>,
    size: usize,
}

/// What the cache has for a request.
enum Found {
    /// Current: serve it.
    Current(Arc<Page>),
    /// Nothing written since, but older than the time to live: this request gets it and has it
    /// rendered again in the background.
    Refresh(Arc<Page>),
    /// Nothing current, and this request renders it; the others wait until the turn is dropped.
    Render(Option<RenderTurn>),
    /// Another request is rendering it: wait, then look again.
    Wait(OwnedNotified),
}

/// The one render of a page that others wait for; when it ends (kept, not kept, failed or
/// dropped with its request) the waiters look again.
struct RenderTurn {
    cache: Arc<PageCache>,
    key: String,
}

impl Drop for RenderTurn {
    fn drop(&mut self) {
        let mut kept = self.cache.inner.lock().unwrap();
        if let Some(notify) = kept.rendering.remove(&self.key) {
            notify.notify_waiters();
        }
    }
}

impl PageCache {
    /// Pages kept for `ttl`, against the database's commit count.
    pub fn new(ttl: Duration, commits: app::ssr::db::Commits) -> Self {
        Self::counting(ttl, move || commits.now())
    }

    fn counting(ttl: Duration, commits: impl Fn() -> Option<u64> + Send + Sync + 'static) -> Self {
        PageCache {
            ttl,
            commits: Box::new(commits),
            inner: Mutex::new(Kept::default()),
            renewals: Arc::new(tokio::sync::Semaphore::new(RENEWALS_AT_ONCE)),
        }
    }

    /// What there is for `key` while the database is at `commits`; `may_wait`: whether this
    /// request may still wait for another's render (once).
    fn find(self: &Arc<Self>, key: &str, commits: u64, now: Instant, may_wait: bool) -> Found {
        let mut kept = self.inner.lock().unwrap();
        if let Some(page) = kept.pages.get(key).filter(|p| p.commits == commits) {
            let age = now.saturating_duration_since(page.rendered);
            if age < self.ttl {
                return Found::Current(page.clone());
            }
            if age < self.ttl * 2 && page.refreshing.swap(true, Ordering::AcqRel) {
                // another request is rendering it again
                return Found::Current(page.clone());
            }
            return Found::Refresh(page.clone());
        }
        match kept.rendering.get(key) {
            // registered with the lock held: the render's end cannot slip past it
            Some(notify) if may_wait => Found::Wait(notify.clone().notified_owned()),
            Some(_) => Found::Render(None),
            None => {
                kept.rendering
                    .insert(key.to_string(), Arc::new(Notify::new()));
                Found::Render(Some(RenderTurn {
                    cache: self.clone(),
                    key: key.to_string(),
                }))
            }
        }
    }

    /// Keeps `page` under `key` unless a commit landed while it was rendered; makes room by
    /// dropping what no longer counts, then everything, when the pages outgrow `MAX_BYTES`.
    fn keep(&self, key: String, page: Page) {
        if (self.commits)() != Some(page.commits) || page.size > MAX_PAGE_BYTES {
            return self.release(&key);
        }
        let mut kept = self.inner.lock().unwrap();
        if kept.bytes + page.size > MAX_BYTES {
            let (commits, ttl) = (page.commits, self.ttl);
            kept.pages
                .retain(|_, p| p.commits == commits && p.rendered.elapsed() < ttl * 2);
            kept.bytes = kept.pages.values().map(|p| p.size).sum();
            if kept.bytes + page.size > MAX_BYTES {
                kept.pages.clear();
                kept.bytes = 0;
            }
        }
        kept.bytes += page.size;
        if let Some(old) = kept.pages.insert(key, Arc::new(page)) {
            kept.bytes -= old.size;
        }
    }

    /// A render that was not kept lets the next request try again.
    fn release(&self, key: &str) {
        if let Some(page) = self.inner.lock().unwrap().pages.get(key) {
            page.refreshing.store(false, Ordering::Release);
        }
    }

    /// How many pages are kept (for tests).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap().pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A GET of a guest's RSVP page (`/rsvp/{token}`) or of an event's page (`/events/{id}`).
fn is_kept_path(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        (Some("rsvp"), Some(token), None) => !token.is_empty(),
        (Some("events"), Some(id), None) => {
            !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

/// Everything of the request that a render of these pages reads: path and query, the language
/// the browser asks for, and the cookies (the session, the language switch). Two requests with
/// the same key get the same page.
fn key_of(req: &Request) -> Option<String> {
    let text = |name| {
        let values: Vec<&str> = req
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().ok())
            .collect::<Option<_>>()?;
        Some(values.join("; "))
    };
    let target = req.uri().path_and_query()?.as_str();
    Some(format!(
        "{target}\n{}\n{}",
        text(header::ACCEPT_LANGUAGE)?,
        text(header::COOKIE)?
    ))
}

/// A response that may be kept: a complete HTML page that sets no cookie.
fn is_keepable(response: &Response) -> bool {
    response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}

impl Page {
    /// `body` as rendered with `nonce`, cut where the nonce stands.
    fn cut(commits: u64, headers: HeaderMap, body: &Bytes, nonce: &str) -> Option<Page> {
        let text = std::str::from_utf8(body).ok()?;
        let mut pieces = Vec::new();
        let mut start = 0;
        for (at, _) in text.match_indices(nonce) {
            pieces.push(body.slice(start..at));
            start = at + nonce.len();
        }
        pieces.push(body.slice(start..));
        let mut headers = headers;
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::DATE);
        Some(Page {
            commits,
            rendered: Instant::now(),
            refreshing: AtomicBool::new(false),
            headers,
            size: body.len(),
            pieces,
        })
    }

    /// The page again, with this response's nonce.
    fn response(&self, nonce: &str) -> Response {
        let mut body = Vec::with_capacity(self.size + nonce.len() * self.pieces.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        let mut response = HttpResponse::new(Body::from(body));
        *response.headers_mut() = self.headers.clone();
        response
    }
}

/// `pages` behind the cache; `None`: always rendered.
pub fn with_page_cache<S>(
    pages: S,
    cache: Option<Arc<PageCache>>,
) -> impl Service<Request, Response = Response, Error = Infallible, Future = impl Send + 'static>
       + Clone
       + Send
       + 'static
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    tower::service_fn(move |req: Request| {
        let pages = pages.clone();
        let cache = cache.clone();
        async move {
            let Some(cache) = cache else {
                return pages.oneshot(req).await;
            };
            let nonce = req.extensions().get::<CspNonce>().map(|n| n.0.clone());
            let (Some(nonce), Some(key)) = (
                nonce.filter(|n| !n.is_empty()),
                (req.method() == Method::GET && is_kept_path(req.uri().path()))
                    .then(|| key_of(&req))
                    .flatten(),
            ) else {
                return pages.oneshot(req).await;
            };
            let mut may_wait = true;
            let (commits, _turn) = loop {
                let Some(commits) = (cache.commits)() else {
                    return pages.oneshot(req).await;
                };
                match cache.find(&key, commits, Instant::now(), may_wait) {
                    Found::Current(page) => return Ok(page.response(&nonce)),
                    Found::Wait(rendered) => {
                        may_wait = false;
                        let _ = tokio::time::timeout(WAIT_FOR_RENDER, rendered).await;
                    }
                    Found::Refresh(page) => {
                        // only the clock moved: nobody waits for the new render, and renewals
                        // take turns; while another runs, a later request tries again
                        match cache.renewals.clone().try_acquire_owned() {
                            Ok(turn) => {
                                let again = copy_of(&req);
                                let same = nonce.clone();
                                tokio::spawn(async move {
                                    let _ =
                                        render_and_keep(pages, &cache, key, again, &same, commits)
                                            .await;
                                    drop(turn);
                                });
                            }
                            Err(_) => cache.release(&key),
                        }
                        return Ok(page.response(&nonce));
                    }
                    Found::Render(turn) => break (commits, turn),
                }
            };
            render_and_keep(pages, &cache, key, req, &nonce, commits).await
        }
    })
}

/// Renders the page and keeps it if it may be kept (`is_keepable`, and no commit landed since
/// `commits` was read).
async fn render_and_keep<S>(
    pages: S,
    cache: &PageCache,
    key: String,
    req: Request,
    nonce: &str,
    commits: u64,
) -> Result<Response, Infallible>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    let response = pages.oneshot(req).await?;
    if !is_keepable(&response) {
        cache.release(&key);
        return Ok(response);
    }
    let (head, body) = response.into_parts();
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(err) => {
            cache.release(&key);
            tracing::error!(error = %err, "a page's body failed");
            return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    match Page::cut(commits, head.headers.clone(), &body, nonce) {
        Some(page) => cache.keep(key, page),
        None => cache.release(&key),
    }
    Ok(Response::from_parts(head, Body::from(body)))
}

/// The same GET again (what a render reads: method, target, headers, and what the middleware
/// before put into the extensions: the client's address, the nonce).
fn copy_of(req: &Request) -> Request {
    let mut copy = Request::new(Body::empty());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    *copy.extensions_mut() = req.extensions().clone();
    copy
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use std::sync::atomic::{AtomicU32, AtomicU64};

    /// A database's commit count of its own, per test.
    #[derive(Clone, Default)]
    struct Commits(Arc<AtomicU64>);

    impl Commits {
        fn cache(&self, ttl: Duration) -> Arc<PageCache> {
            let count = self.0.clone();
            Arc::new(PageCache::counting(ttl, move || {
                Some(count.load(Ordering::SeqCst))
            }))
        }
        fn commit(&self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        fn now(&self) -> u64 {
            self.0.load(Ordering::SeqCst)
        }
    }

    /// A page that shows how often it was rendered and the nonce it was rendered with, and that
    /// commits when asked to (`?write`), as the RSVP page's first view does.
    fn counted_pages(commits: &Commits) -> (Router, Arc<AtomicU32>) {
        let renders = Arc::new(AtomicU32::new(0));
        let counted = renders.clone();
        let commits = commits.clone();
        let page = move |req: Request| {
            let counted = counted.clone();
            let commits = commits.clone();
            async move {
                let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
                if req.uri().query() == Some("write") {
                    commits.commit();
                }
                let nonce = &req.extensions().get::<CspNonce>().unwrap().0;
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    format!("<p>render {n}</p><script nonce=\"{nonce}\"></script>"),
                )
            }
        };
        let pages = Router::new()
            .route("/rsvp/{token}", get(page.clone()))
            .route("/events/{id}", get(page.clone()))
            .route("/events", get(page));
        (pages, renders)
    }

    async fn get_page(
        service: &(impl Service<Request, Response = Response, Error = Infallible> + Clone),
        path: &str,
        nonce: &str,
        cookie: &str,
    ) -> String {
        let mut req = Request::get(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(CspNonce(nonce.into()));
        let res = service.clone().oneshot(req).await.unwrap();
        let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn a_page_is_served_again_with_the_new_nonce_until_something_is_written() {
        let commits = Commits::default();
        let (pages, renders) = counted_pages(&commits);
        let cache = commits.cache(Duration::from_secs(60));
        let service = with_page_cache(pages, Some(cache.clone()));

        let first = get_page(&service, "/rsvp/abc", "n1", "").await;
        let again = get_page(&service, "/rsvp/abc", "n2", "").await;
        assert_eq!(first, r#"<p>render 1</p><script nonce="n1"></script>"#);
        assert_eq!(again, r#"<p>render 1</p><script nonce="n2"></script>"#);

        commits.commit();
        let after_write = get_page(&service, "/rsvp/abc", "n3", "").await;
        assert_eq!(
            after_write,
            r#"<p>render 2</p><script nonce="n3"></script>"#
        );
        assert_eq!(renders.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_render_that_wrote_is_not_kept() {
        let commits = Commits::default();
        let (pages, renders) = counted_pages(&commits);
        let cache = commits.cache(Duration::from_secs(60));
        let service = with_page_cache(pages, Some(cache.clone()));
        get_page(&service, "/events/7?write", "n1", "").await;
        get_page(&service, "/events/7?write", "n2", "").await;
        assert_eq!(renders.load(Ordering::SeqCst), 2);
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn another_cookie_or_another_page_is_another_render() {
        let commits = Commits::default();
        let (pages, renders) = counted_pages(&commits);
        let cache = commits.cache(Duration::from_secs(60));
        let service = with_page_cache(pages, Some(cache.clone()));
        let mine = get_page(&service, "/events/7", "n", "tandem_session=mine").await;
        let theirs = get_page(&service, "/events/7", "n", "tandem_session=theirs").await;
        get_page(&service, "/events/8", "n", "tandem_session=mine").await;
        assert_ne!(mine, theirs);
        assert_eq!(renders.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn other_paths_are_always_rendered() {
        let commits = Commits::default();
        let (pages, renders) = counted_pages(&commits);
        let cache = commits.cache(Duration::from_secs(60));
        let service = with_page_cache(pages, Some(cache.clone()));
        get_page(&service, "/events", "n", "").await;
        get_page(&service, "/events", "n", "").await;
        assert_eq!(renders.load(Ordering::SeqCst), 2);
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn a_page_past_its_time_is_rendered_again_by_one_request_while_the_others_get_it() {
        let commits = Commits::default();
        let (pages, _) = counted_pages(&commits);
        let cache = commits.cache(Duration::from_millis(40));
        let service = with_page_cache(pages, Some(cache.clone()));
        get_page(&service, "/rsvp/late", "n", "").await;
        let commits = commits.now();
        let later = Instant::now() + Duration::from_millis(50);
        assert!(matches!(
            cache.find("/rsvp/late\n\n", commits, later, true),
            Found::Refresh(_)
        ));
        assert!(matches!(
            cache.find("/rsvp/late\n\n", commits, later, true),
            Found::Current(_)
        ));
        // twice the time to live: no longer served while the renewal is under way
        let much_later = Instant::now() + Duration::from_millis(100);
        assert!(matches!(
            cache.find("/rsvp/late\n\n", commits, much_later, true),
            Found::Refresh(_)
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_page_past_its_time_is_served_at_once_and_rendered_again_in_the_background() {
        let commits = Commits::default();
        let (pages, renders) = counted_pages(&commits);
        let cache = commits.cache(Duration::from_millis(40));
        let service = with_page_cache(pages, Some(cache));
        get_page(&service, "/rsvp/late", "n1", "").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let late = get_page(&service, "/rsvp/late", "n2", "").await;
        assert_eq!(late, r#"<p>render 1</p><script nonce="n2"></script>"#);
        for _ in 0..100 {
            if renders.load(Ordering::SeqCst) == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        let renewed = get_page(&service, "/rsvp/late", "n3", "").await;
        assert_eq!(renewed, r#"<p>render 2</p><script nonce="n3"></script>"#);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn pages_that_fall_due_together_are_served_at_once_and_renewed_one_at_a_time() {
        let commits = Commits::default();
        let (renders, running, most) = (
            Arc::new(AtomicU32::new(0)),
            Arc::new(AtomicU32::new(0)),
            Arc::new(AtomicU32::new(0)),
        );
        let (counted, now_running, at_most) = (renders.clone(), running.clone(), most.clone());
        let pages = Router::new().route(
            "/rsvp/{token}",
            get(move |req: Request| {
                let (counted, now_running, at_most) =
                    (counted.clone(), now_running.clone(), at_most.clone());
                async move {
                    let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
                    let running = now_running.fetch_add(1, Ordering::SeqCst) + 1;
                    at_most.fetch_max(running, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    now_running.fetch_sub(1, Ordering::SeqCst);
                    let nonce = &req.extensions().get::<CspNonce>().unwrap().0;
                    (
                        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                        format!("<p>render {n}</p><script nonce=\"{nonce}\"></script>"),
                    )
                }
            }),
        );
        // long next to the renewals of all ten (about 50 ms), so none falls due twice meanwhile
        let cache = commits.cache(Duration::from_millis(500));
        let service = with_page_cache(pages, Some(cache));
        let guests: Vec<String> = (0..10).map(|i| format!("/rsvp/guest{i}")).collect();
        let mut first = Vec::new();
        for path in &guests {
            first.push(get_page(&service, path, "n", "").await);
        }
        tokio::time::sleep(Duration::from_millis(510)).await;
        most.store(0, Ordering::SeqCst);

        // every page is past its time: all ten are asked for at once, again and again
        let started = Instant::now();
        let mut renewed = vec![false; guests.len()];
        while renewed.iter().any(|r| !r) {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "not every page was renewed"
            );
            let asked: Vec<_> = guests
                .iter()
                .map(|path| {
                    let (service, path) = (service.clone(), path.clone());
                    tokio::spawn(async move { get_page(&service, &path, "n", "").await })
                })
                .collect();
            for (i, answer) in asked.into_iter().enumerate() {
                let page = answer.await.unwrap();
                renewed[i] |= page != first[i];
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            1,
            "the renewals took turns: one render at a time"
        );
        assert!(
            renders.load(Ordering::SeqCst) < 30,
            "each page renewed about once, not once per request"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn twenty_requests_for_a_page_no_one_kept_yet_get_one_render() {
        let commits = Commits::default();
        let renders = Arc::new(AtomicU32::new(0));
        let counted = renders.clone();
        let pages = Router::new().route(
            "/events/{id}",
            get(move |req: Request| {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    let nonce = &req.extensions().get::<CspNonce>().unwrap().0;
                    (
                        [(header::CONTENT_TYPE, "text/html")],
                        format!("<script nonce=\"{nonce}\"></script>"),
                    )
                }
            }),
        );
        let service = with_page_cache(pages, Some(commits.cache(Duration::from_secs(60))));
        let readers: Vec<_> = (0..20)
            .map(|i| {
                let service = service.clone();
                tokio::spawn(async move {
                    get_page(&service, "/events/3", &format!("nonce{i}"), "").await
                })
            })
            .collect();
        for (i, reader) in readers.into_iter().enumerate() {
            let page = reader.await.unwrap();
            assert_eq!(page, format!("<script nonce=\"nonce{i}\"></script>"));
        }
        assert_eq!(renders.load(Ordering::SeqCst), 1, "one render for all");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn when_the_render_others_wait_for_is_not_kept_they_render_themselves() {
        let commits = Commits::default();
        let (pages, renders) = counted_pages(&commits);
        let service = with_page_cache(pages, Some(commits.cache(Duration::from_secs(60))));
        // every render writes: none is kept, and nobody waits forever
        let readers: Vec<_> = (0..5)
            .map(|_| {
                let service = service.clone();
                tokio::spawn(async move { get_page(&service, "/events/4?write", "n", "").await })
            })
            .collect();
        for reader in readers {
            reader.await.unwrap();
        }
        assert_eq!(renders.load(Ordering::SeqCst), 5);
    }

    #[test]
    fn only_a_guests_page_and_an_events_page_are_kept() {
        assert!(is_kept_path("/rsvp/Ab3-x"));
        assert!(is_kept_path("/events/12"));
        assert!(!is_kept_path("/rsvp/abc/calendar.ics"));
        assert!(!is_kept_path("/events/12/guests"));
        assert!(!is_kept_path("/events/new"));
        assert!(!is_kept_path("/events"));
        assert!(!is_kept_path("/rsvp/"));
    }
}
