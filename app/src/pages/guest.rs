//! The public side for guests: their small layout, their language and their 404 page.
//!
//! Guest pages (RSVP, unsubscribe, calendar — see `crate::public_paths`) never load the signed-in
//! user and never send anyone to `/login`: a guest has no account.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

use crate::i18n::Lang;

/// The language of a guest page: the contact's language when the page knows the contact, else
/// `?lang=`, else the browser's `Accept-Language`, else English (`public_paths::choose_guest_language`).
/// Pages that load a contact call it again with `Some(contact.language)` and provide the result.
pub fn guest_language(contact: Option<Lang>) -> Lang {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<http::request::Parts>();
        let query = parts.as_ref().and_then(|p| p.uri.query());
        let accept = parts.as_ref().and_then(|p| {
            p.headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
        });
        crate::public_paths::choose_guest_language(
            contact,
            query.and_then(|q| crate::public_paths::query_param(q, "lang")),
            accept,
        )
    }
    #[cfg(not(feature = "ssr"))]
    {
        // the server chose the language and wrote it into <html lang>
        contact.unwrap_or_else(crate::current_language)
    }
}

/// The guest route tree's layout: the frame around an `<Outlet/>`.
#[component]
pub fn GuestLayout() -> impl IntoView {
    view! {
        <GuestFrame>
            <Outlet />
        </GuestFrame>
    }
}

/// The frame of every guest page: a plain top bar and the content, in the guest's language.
#[component]
pub fn GuestFrame(children: Children) -> impl IntoView {
    let lang = guest_language(None);
    provide_context(lang);
    view! {
        <a class="skip-link" href="#main">
            {tr!(lang, "nav-skip")}
        </a>
        <header class="topbar topbar-guest">
            <div class="topbar-inner">
                <span class="brand">
                    <span class="brand-mark" aria-hidden="true">
                        "⟳"
                    </span>
                    {tr!(lang, "app-name")}
                </span>
            </div>
        </header>
        <main id="main" class="container guest-main">
            {children()}
        </main>
    }
}

/// A guest link that leads nowhere (unknown or mistyped token, or a page that does not exist).
/// Answers 404 and says what to do, without any team navigation.
#[component]
pub fn GuestNotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_context::<Lang>().unwrap_or_else(|| guest_language(None));
    view! {
        <Title text=tr!(lang, "guest-not-found") />
        <section class="card error-page guest-not-found">
            <h1>{tr!(lang, "guest-not-found")}</h1>
            <p>{tr!(lang, "guest-not-found-text")}</p>
            <p class="muted">{tr!(lang, "guest-not-found-help")}</p>
        </section>
    }
}
