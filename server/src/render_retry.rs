//! A page render that hangs is rendered again. Rarely (a few runs in a hundred of the HTTP tests)
//! a Leptos server render never finishes: the runtime is idle, the handler pending, like
//! leptos-rs/leptos#4578/#4647 (a resource that resolves without waking its Suspense). Rendering
//! the same GET again succeeds. So page requests (GET/HEAD outside `/pkg/`) run under a timeout
//! with the whole body buffered (pages render in `SsrMode::Async`, complete anyway), and a render
//! that times out is dropped and started afresh, at most `ATTEMPTS` times in all. Page GETs change
//! nothing twice: the RSVP page's "viewed" is a conditional first-time write.
use std::convert::Infallible;
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
                match tokio::time::timeout(RENDER_TIMEOUT, render).await {
                    Ok(Ok(response)) => return Ok(response),
                    Ok(Err(err)) => {
                        tracing::error!(error = %err, "a page's body failed");
                        return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
                    }
                    // only the path's first segment: the rest may be a guest's personal link
                    Err(_) => tracing::warn!(
                        section = parts.uri.path().split('/').nth(1).unwrap_or(""),
                        attempt,
                        "a page render hung; rendering it again"
                    ),
                }
            }
            Ok(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
    })
}
