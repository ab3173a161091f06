//! Server functions: a few lines each — who asks, parse the input, call a service, return a DTO.
pub mod auth;
pub mod directory;
pub mod door;
pub mod dto;
pub mod events;
pub mod guest_list;
pub mod invitations;
pub mod plan;
pub mod profile;
pub mod reports;
pub mod users;

/// Gives a failed server function its real HTTP status (404, 403, 422…), and sends a page render
/// that needs a signed-in user to the sign-in page.
#[cfg(feature = "ssr")]
pub(crate) fn finish<T>(
    result: Result<T, crate::error::AppError>,
) -> Result<T, crate::error::AppError> {
    use crate::error::AppError;
    use leptos::prelude::use_context;
    if let Err(err) = &result {
        let parts = use_context::<http::request::Parts>();
        let is_api = parts
            .as_ref()
            .is_some_and(|p| p.uri.path().starts_with("/api/"));
        let plain_form_post = parts.as_ref().is_some_and(|p| {
            is_api
                && p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        });
        if !is_api && *err == AppError::Unauthorized {
            leptos_axum::redirect("/login");
        } else if !plain_form_post {
            // a plain form post (no JavaScript) is redirected back to its page by leptos_axum
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(err.status());
            }
        }
    }
    result
}
