//! Tandem's Leptos app: the UI, its server functions and (under `ssr`) everything behind them.
#![recursion_limit = "256"]

#[macro_use]
pub mod i18n;
pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
pub mod public_paths;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};

use crate::i18n::Lang;

/// The HTML document around the app, rendered on the server only.
///
/// Guest pages (RSVP, unsubscribe) are forms and text: they work as plain HTML forms and load no
/// WebAssembly at all, so a guest on a phone downloads the page and the stylesheet only (see
/// docs/performance.md). The door page loads the door's own small program. Team pages load the
/// app and hydrate.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = current_language();
    let door = is_door_request();
    let hydrates = !is_guest_request() && !door;
    let scripts = hydrates.then(|| {
        view! {
            <AutoReload options=options.clone() />
            <HydrationScripts options=options.clone() />
        }
    });
    // the door page runs the door's own small program instead of the team app (see `app/door`)
    let door_script = door.then(door_script).flatten().map(|src| {
        view! { <script type="module" src=src></script> }
    });
    view! {
        <!DOCTYPE html>
        <html lang=lang.as_str()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // no favicon yet: an empty one spares every page a request that ends in 404
                <link rel="icon" href="data:," />
                <HashedStylesheet options=options.clone() id="leptos" />
                {scripts}
                {door_script}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether the current request is for a guest page (rendered on the server only).
fn is_guest_request() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_some_and(|parts| public_paths::is_guest_path(parts.uri.path()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// Whether the current request is for a door page (rendered on the server, run by the door's
/// own program rather than hydrated).
fn is_door_request() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .is_some_and(|parts| public_paths::is_door_path(parts.uri.path()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        false
    }
}

/// Where the door's program starts (`/pkg/door-<hash>/boot.js`), when it was built.
fn door_script() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<ssr::state::AppState>().and_then(|s| s.door_script.clone())
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// The UI language of this request. On the server: for guest pages the guest's language
/// (`pages::guest::guest_language`), for team pages the language cookie. In the browser: what the
/// server wrote into `<html lang>`.
pub fn current_language() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if is_guest_request() {
            pages::guest::guest_language(None)
        } else {
            crate::ssr::auth::request_language()
        }
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or(Lang::En)
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::En
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(current_language());
    // lets tests (and curious people) see when the page became interactive
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|title: String| {
            if title.is_empty() { "Tandem".to_string() } else { format!("{title} · Tandem") }
        } />
        <Router>
            // two route trees: the team's (signed-in users, team layout that sends everyone else
            // to /login) and the guests' (no account, own frame and 404); see `public_paths`
            <Routes fallback=pages::errors::FallbackPage>
                <ParentRoute path=path!("") view=components::TeamLayout ssr=SsrMode::Async>
                    <Route path=path!("/") view=pages::events::EventsPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/profile")
                        view=pages::profile::ProfilePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/events/new")
                        view=pages::event_form::NewEventPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/events/:id")
                        view=pages::event::EventPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/events/:id/report")
                        view=pages::report::EventReportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/reports")
                        view=pages::reports::ManagerReportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/follow-ups")
                        view=pages::follow_ups::FollowUpsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/events/:id/door")
                        view=pages::door::DoorPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/events/:id/edit")
                        view=pages::event_form::EditEventPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/contacts")
                        view=pages::contacts::ContactsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/contacts/new")
                        view=pages::contacts::NewContactPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/contacts/import")
                        view=pages::import::ImportPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/contacts/:id")
                        view=pages::contacts::ContactPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/contacts/:id/edit")
                        view=pages::contacts::EditContactPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/accounts")
                        view=pages::accounts::AccountsPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/accounts/new")
                        view=pages::accounts::NewAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/accounts/:id")
                        view=pages::accounts::AccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/accounts/:id/edit")
                        view=pages::accounts::EditAccountPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/outbox")
                        view=pages::outbox::OutboxPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin/users")
                        view=pages::users::UsersPage
                        ssr=SsrMode::Async
                    />
                </ParentRoute>
                <ParentRoute path=path!("") view=pages::guest::GuestLayout ssr=SsrMode::Async>
                    <Route
                        path=path!("/rsvp/:token")
                        view=pages::rsvp::RsvpPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/unsubscribe/:token")
                        view=pages::unsubscribe::UnsubscribePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/calendar/:token")
                        view=pages::guest::GuestNotFoundPage
                        ssr=SsrMode::Async
                    />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
