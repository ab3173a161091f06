//! Requests from outside the site that a standard requires us to accept: the only exceptions to the
//! Origin check, and their handlers.
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// Paths that accept a cross-site `POST`, each with the standard that requires it. Everything else
/// that changes state must come from this site (see `origin_check` in `lib.rs`).
///
/// - `/unsubscribe/{token}` — RFC 8058 ("Signaling One-Click Functionality for List Email
///   Headers"): a mail provider's server sends `POST` with the body `List-Unsubscribe=One-Click` to
///   the URL of the message's `List-Unsubscribe` header. It comes from the provider, not from a page
///   of ours, so it has no Origin of ours; the token in the URL is what authorises it.
pub const CROSS_SITE_POST_PREFIXES: &[&str] = &["/unsubscribe/"];

/// Whether a request may skip the Origin check: a `POST` to one of `CROSS_SITE_POST_PREFIXES`
/// followed by a single token segment (no further path, so nothing nested below it is exempt).
pub fn accepts_cross_site(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && CROSS_SITE_POST_PREFIXES.iter().any(|prefix| {
            path.strip_prefix(prefix)
                .is_some_and(|token| !token.is_empty() && !token.contains('/'))
        })
}

/// The body RFC 8058 requires of a one-click unsubscribe (section 3.1).
pub const ONE_CLICK_BODY: &str = "List-Unsubscribe=One-Click";

/// `POST /unsubscribe/{token}` (RFC 8058 one-click): the token is the guest's personal link from
/// the invitation. The contact is unsubscribed (idempotent); an unknown token answers 404 and
/// changes nothing.
pub async fn one_click_unsubscribe(
    State(state): State<app::ssr::state::AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let one_click = std::str::from_utf8(&body)
        .is_ok_and(|b| b.split('&').any(|pair| pair.trim() == ONE_CLICK_BODY));
    if !one_click {
        return (
            StatusCode::BAD_REQUEST,
            "Expected the body List-Unsubscribe=One-Click (RFC 8058).",
        )
            .into_response();
    }
    match app::ssr::services::InvitationService::unsubscribe(&state.db, &token).await {
        Ok(_) => (StatusCode::OK, "Unsubscribed.").into_response(),
        Err(app::error::AppError::NotFound) => {
            (StatusCode::NOT_FOUND, "This unsubscribe link is not known.").into_response()
        }
        Err(err) => {
            tracing::warn!(error = %err, "one-click unsubscribe failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_post_to_one_unsubscribe_token_may_come_from_another_site() {
        assert!(accepts_cross_site(&Method::POST, "/unsubscribe/abc123"));
        assert!(!accepts_cross_site(&Method::PUT, "/unsubscribe/abc123"));
        assert!(!accepts_cross_site(&Method::POST, "/unsubscribe/"));
        assert!(!accepts_cross_site(&Method::POST, "/unsubscribe/abc/more"));
        assert!(!accepts_cross_site(&Method::POST, "/api/login"));
        assert!(!accepts_cross_site(&Method::POST, "/rsvp/abc123"));
        assert!(!accepts_cross_site(&Method::POST, "/api/unsubscribe/abc"));
    }
}
