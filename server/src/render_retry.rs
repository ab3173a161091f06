//! A page render that hangs is rendered again. Rarely (a few runs in a hundred of the HTTP tests)
//! a Leptos server render never finishes: the runtime is idle, the handler pending, like
//! leptos-rs/leptos#4578/#4647 (a resource that resolves without waking its Suspense). Rendering
//! the same GET again succeeds. So page requests (GET/HEAD outside `/pkg/`) run under a timeout
//! with the whole body buffered (pages render in `SsrMode::Async`, complete anyway), and a render
//! that times out is dropped and started afresh, at most `ATTEMPTS` times in all. Page GETs change
//! nothing twice: the RSVP page's "viewed" is a conditional first-time write.
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;

/// Far longer than any page takes (well under a second here), short enough that a person waits
/// only a little for the second try.
pub const RENDER_TIMEOUT: Duration = Duration::from_secs(8);
const ATTEMPTS: u32 = 3;
/// Pages are small; a bigger body is not buffered but passed through as it comes.
const MAX_GET_BODY: usize = 64 * 1024;

/// How many renders hung (and were dropped) since the process started.
static HUNG_RENDERS: AtomicU64 = AtomicU64::new(0);

/// How many page renders in this process hung and were dropped for a fresh one. A test that
/// counts what one render did (its queries, say) compares this before and after: a hung render's
/// work counts twice.
pub fn hung_renders() -> u64 {
    HUNG_RENDERS.load(Ordering::Relaxed)
}

/// `pages` (the Leptos routes and the file fallback) behind the retry.
pub fn with_render_retry(
    pages: Router,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    retry_after(pages, RENDER_TIMEOUT)
}

/// `with_render_retry` with the time a render may take (the tests wait less).
fn retry_after(
    pages: Router,
    timeout: Duration,
) -> impl tower::Service<
    Request,
    Response = Response,
    Error = Infallible,
    Future = impl Send + 'static,
> + Clone
       + Send
       + 'static {
    tower::service_fn(move |req: Request| {
        let pages = pages.clone();
        async move {
            let page = matches!(*req.method(), Method::GET | Method::HEAD)
                && !req.uri().path().starts_with("/pkg/");
            if !page {
                return Ok(pages.oneshot(req).await.into_response());
            }
            let (parts, body) = req.into_parts();
            let Ok(body) = to_bytes(body, MAX_GET_BODY).await else {
                return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
            };
            for attempt in 1..=ATTEMPTS {
                let req = Request::from_parts(parts.clone(), Body::from(body.clone()));
                let render = async {
                    let (head, body) = pages
                        .clone()
                        .oneshot(req)
                        .await
                        .into_response()
                        .into_parts();
                    to_bytes(body, usize::MAX)
                        .await
                        .map(|bytes| Response::from_parts(head, Body::from(bytes)))
                };
                match tokio::time::timeout(timeout, render).await {
                    Ok(Ok(response)) => return Ok(response),
                    Ok(Err(err)) => {
                        tracing::error!(error = %err, "a page's body failed");
                        return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
                    }
                    // only the path's first segment: the rest may be a guest's personal link
                    Err(_) => {
                        HUNG_RENDERS.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(
                            section = parts.uri.path().split('/').nth(1).unwrap_or(""),
                            attempt,
                            "a page render hung; rendering it again"
                        )
                    }
                }
            }
            Ok(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use std::sync::atomic::AtomicU32;
    use std::sync::Arc;

    /// A page whose first render never finishes, and whose later renders do.
    fn hangs_once() -> (Router, Arc<AtomicU32>) {
        let renders = Arc::new(AtomicU32::new(0));
        let counted = renders.clone();
        let pages = Router::new().route(
            "/events/1",
            get(move || {
                let counted = counted.clone();
                async move {
                    if counted.fetch_add(1, Ordering::SeqCst) == 0 {
                        std::future::pending::<()>().await;
                    }
                    "the page"
                }
            }),
        );
        (pages, renders)
    }

    #[tokio::test]
    async fn a_page_whose_render_hangs_is_rendered_again_and_the_hang_is_counted() {
        let (pages, renders) = hangs_once();
        let hung_before = hung_renders();
        let res = retry_after(pages, Duration::from_millis(50))
            .oneshot(Request::get("/events/1").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        assert_eq!(&body[..], b"the page");
        assert_eq!(renders.load(Ordering::SeqCst), 2, "rendered twice");
        assert!(hung_renders() > hung_before, "the hung render is counted");
    }

    #[tokio::test]
    async fn a_post_is_never_sent_twice() {
        let sent = Arc::new(AtomicU32::new(0));
        let counted = sent.clone();
        let pages = Router::new().route(
            "/api/answer",
            axum::routing::post(move || {
                let counted = counted.clone();
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    std::future::pending::<()>().await;
                }
            }),
        );
        let call = retry_after(pages, Duration::from_millis(50))
            .oneshot(Request::post("/api/answer").body(Body::empty()).unwrap());
        // a POST is not under the timeout: it is still waiting when the test gives up on it
        assert!(tokio::time::timeout(Duration::from_millis(300), call)
            .await
            .is_err());
        assert_eq!(
            sent.load(Ordering::SeqCst),
            1,
            "the answer went to the handler once"
        );
    }
}
