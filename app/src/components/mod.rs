//! Shared UI pieces: the page layout, status chips, form fields and error views.
mod directory;
mod feedback;
mod fields;
mod layout;

pub use directory::*;
pub use feedback::*;
pub use fields::*;
pub use layout::*;

use leptos::prelude::*;

use crate::domain::{EventKind, EventStatus, Role};
use crate::error::AppError;
use crate::i18n::{t, Lang};

/// The UI language, provided by `App`.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or(Lang::En)
}

pub fn status_key(status: EventStatus) -> &'static str {
    status.label_id()
}

pub fn kind_key(kind: EventKind) -> &'static str {
    match kind {
        EventKind::OnSite => k!("kind-on-site"),
        EventKind::Online => k!("kind-online"),
        EventKind::Hybrid => k!("kind-hybrid"),
    }
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => k!("role-admin"),
        Role::Marketing => k!("role-marketing"),
        Role::Sales => k!("role-sales"),
        Role::Manager => k!("role-manager"),
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
        AppError::Validation(errors) | AppError::Retype { errors, .. } => errors
            .iter()
            .find(|e| e.field == "form")
            .map(|e| crate::i18n::word(lang, &e.message)),
        AppError::Conflict(message) | AppError::TooManyRequests(message) => {
            Some(crate::i18n::word(lang, message))
        }
        AppError::BadRequest(message) => Some(message.clone()),
        AppError::Forbidden => Some(tr!(lang, "error-forbidden-text").to_string()),
        AppError::NotFound => Some(tr!(lang, "error-not-found-text").to_string()),
        _ => Some(tr!(lang, "error-generic").to_string()),
    }
}

/// The field errors of a failed server action, for the form's fields.
pub fn action_field_errors<T, S>(value: S) -> Signal<Vec<crate::domain::FieldError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(err)) => err.field_errors(),
        _ => Vec::new(),
    })
}

/// The message of a failed action that is not about one form field (or about a field the form
/// does not show).
pub fn action_message<T, S>(lang: Lang, value: S) -> Signal<Option<String>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || match value.get() {
        Some(Err(err)) if err.field_errors().is_empty() => general_error(lang, &err),
        Some(Err(err)) => err
            .field_errors()
            .iter()
            .find(|e| e.field == "guest_ids" || e.field == "decision")
            .map(|e| crate::i18n::word(lang, &e.message)),
        _ => None,
    })
}

/// The numeric `:id` of the current route; 0 (which never exists) when it is not a number.
pub fn use_id_param() -> Signal<i32> {
    let params = leptos_router::hooks::use_params_map();
    Signal::derive(move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    })
}
