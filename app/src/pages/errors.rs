//! 404 and 403 pages, and the view pages use when a server function says no.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{use_lang, Layout};
use crate::error::AppError;
use crate::pages::guest::{GuestFrame, GuestNotFoundPage};
use crate::public_paths::is_guest_path;

/// What `Routes` shows for a URL no route matches: the guest 404 in the guest frame for guest
/// paths, the team 404 in the team layout for everything else.
#[component]
pub fn FallbackPage() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    if is_guest_path(&path) {
        view! {
            <GuestFrame>
                <GuestNotFoundPage />
            </GuestFrame>
        }
        .into_any()
    } else {
        view! {
            <Layout>
                <NotFoundPage />
            </Layout>
        }
        .into_any()
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! { <ErrorView error=AppError::NotFound /> }
}

/// What a page shows instead of its content when loading it failed.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    let lang = use_lang();
    let (title, text) = match &error {
        AppError::NotFound => (
            tr!(lang, "error-not-found"),
            tr!(lang, "error-not-found-text"),
        ),
        AppError::Forbidden => (
            tr!(lang, "error-forbidden"),
            tr!(lang, "error-forbidden-text"),
        ),
        _ => (tr!(lang, "error-generic"), ""),
    };
    view! {
        <Title text=title />
        <section class="card error-page">
            <h1>{title}</h1>
            <p>{text}</p>
            <a class="button" href="/">
                {tr!(lang, "error-back")}
            </a>
        </section>
    }
}

/// Renders the 403 view and, on the server, gives the response its 403 status.
#[component]
pub fn ForbiddenView() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! { <ErrorView error=AppError::Forbidden /> }
}
