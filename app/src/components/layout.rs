//! The frame around every team page: top bar with navigation, who is signed in, language and
//! sign-out. Guest pages have their own frame (`pages::guest`).
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

use super::{use_lang, RoleChip};
use crate::api::auth::{me, Logout, SetLanguage};
use crate::api::dto::UserDto;
use crate::error::AppError;
use crate::i18n::Lang;

/// The signed-in user, refetched on every navigation so sign-in and sign-out show at once.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<UserDto>, AppError>>);

pub fn use_user() -> Resource<Result<Option<UserDto>, AppError>> {
    expect_context::<UserResource>().0
}

/// The team route tree's layout: the frame around an `<Outlet/>`.
#[component]
pub fn TeamLayout() -> impl IntoView {
    view! {
        <Layout>
            <Outlet />
        </Layout>
    }
}

/// The team frame; sends a visitor who is not signed in to `/login`.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| me());
    provide_context(UserResource(user));
    let lang = use_lang();

    view! {
        <a class="skip-link" href="#main">
            {tr!(lang, "nav-skip")}
        </a>
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">
                        "⟳"
                    </span>
                    {tr!(lang, "app-name")}
                </a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let path = location.pathname.get_untracked();
                        match user.await {
                            Ok(Some(user)) => view! { <Nav user /> }.into_any(),
                            _ if path != "/login" => view! { <GoToLogin /> }.into_any(),
                            _ => view! { <LanguageSwitch /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
        </header>
        <main id="main" class="container">
            {children()}
        </main>
    }
}

/// Sends a visitor who is not signed in to the sign-in page (a 302 on the server).
#[component]
fn GoToLogin() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_axum::redirect("/login");
    #[cfg(feature = "hydrate")]
    {
        let navigate = leptos_router::hooks::use_navigate();
        request_animation_frame(move || navigate("/login", Default::default()));
    }
}

#[component]
fn Nav(user: UserDto) -> impl IntoView {
    let lang = use_lang();
    let logout = ServerAction::<Logout>::new();
    // signing out loads the sign-in page afresh: no view of the signed-in app stays on screen,
    // whatever the router was doing (a client-side redirect could leave the old page, without
    // navigation, when resources were still loading)
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            #[cfg(feature = "hydrate")]
            {
                let _ = window().location().assign("/login");
            }
        }
    });
    view! {
        <nav class="nav" aria-label="Main">
            <A href="/" exact=true>
                {tr!(lang, "nav-events")}
            </A>
            {user
                .role
                .can_edit_events()
                .then(|| view! { <A href="/events/new">{tr!(lang, "nav-new-event")}</A> })}
            <A href="/follow-ups">{tr!(lang, "nav-follow-ups")}</A>
            <A href="/reports">{tr!(lang, "nav-reports")}</A>
            <A href="/contacts">{tr!(lang, "nav-contacts")}</A>
            <A href="/accounts">{tr!(lang, "nav-accounts")}</A>
            {user
                .role
                .can_edit_events()
                .then(|| view! { <A href="/outbox">{tr!(lang, "nav-outbox")}</A> })}
            {user
                .role
                .can_manage_users()
                .then(|| view! { <A href="/admin/users">{tr!(lang, "nav-users")}</A> })}
        </nav>
        <div class="whoami">
            <A href="/profile" attr:class="whoami-name" attr:title=tr!(lang, "nav-profile")>
                {user.name.clone()}
            </A>
            <RoleChip role=user.role />
            <LanguageSwitch />
            <ActionForm action=logout attr:class="inline-form">
                <button type="submit" class="button button-quiet">
                    {tr!(lang, "nav-sign-out")}
                </button>
            </ActionForm>
        </div>
    }
}

/// Switches English ↔ German; works as a plain form without JavaScript too.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let other = match lang {
        Lang::En => Lang::De,
        Lang::De => Lang::En,
    };
    let action = ServerAction::<SetLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            // every string on the page changes: a reload is the honest way to show that
            #[cfg(feature = "hydrate")]
            let _ = window().location().reload();
        }
    });
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="lang" value=other.as_str() />
            <button
                type="submit"
                class="button button-quiet"
                lang=other.as_str()
                title=tr!(lang, "nav-language")
            >
                {tr!(lang, "nav-other-language")}
            </button>
        </ActionForm>
    }
}
