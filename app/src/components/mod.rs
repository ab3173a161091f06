//! Shared UI pieces: the page layout, status chips, form fields and error views.
mod directory;
mod fields;
mod layout;

pub use directory::*;
pub use fields::*;
pub use layout::*;

use leptos::prelude::*;

use crate::domain::{EventKind, EventStatus, Role};
use crate::i18n::{t, Lang};

/// The UI language, provided by `App`.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or(Lang::En)
}

pub fn status_key(status: EventStatus) -> &'static str {
    match status {
        EventStatus::Draft => "status.draft",
        EventStatus::Open => "status.open",
        EventStatus::Closed => "status.closed",
        EventStatus::Cancelled => "status.cancelled",
    }
}

pub fn kind_key(kind: EventKind) -> &'static str {
    match kind {
        EventKind::OnSite => "kind.on_site",
        EventKind::Online => "kind.online",
        EventKind::Hybrid => "kind.hybrid",
    }
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "role.admin",
        Role::Marketing => "role.marketing",
        Role::Sales => "role.sales",
        Role::Manager => "role.manager",
    }
}

/// A status as text and colour together, never colour alone.
#[component]
pub fn StatusChip(status: EventStatus) -> impl IntoView {
    let lang = use_lang();
    view! {
        <span class=format!("chip chip-{}", status.as_str())>{t(lang, status_key(status))}</span>
    }
}

#[component]
pub fn KindChip(kind: EventKind) -> impl IntoView {
    let lang = use_lang();
    view! { <span class="chip chip-kind">{t(lang, kind_key(kind))}</span> }
}

#[component]
pub fn RoleChip(role: Role) -> impl IntoView {
    let lang = use_lang();
    view! { <span class=format!("chip chip-role-{}", role.as_str())>{t(lang, role_key(role))}</span> }
}

/// A message for errors that are not about one field (conflicts, throttling, server trouble).
pub fn general_error(lang: Lang, err: &crate::error::AppError) -> Option<String> {
    use crate::error::AppError;
    match err {
        AppError::Validation(errors) => errors
            .iter()
            .find(|e| e.field == "form")
            .map(|e| e.message.clone()),
        AppError::Conflict(message) | AppError::TooManyRequests(message) => Some(message.clone()),
        AppError::Forbidden => Some(t(lang, "error.forbidden_text").to_string()),
        AppError::NotFound => Some(t(lang, "error.not_found_text").to_string()),
        _ => Some(t(lang, "error.generic").to_string()),
    }
}
