//! The signed-in user's profile: who they are, and changing their own password.
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::profile::ChangePassword;
use crate::components::{
    action_field_errors, action_message, use_lang, use_user, RoleChip, TextField,
};
use crate::domain::password::PASSWORD_CODES;
use crate::domain::FieldError;
use crate::i18n::{t, Lang};

/// A password rule's code (`password.too_short`, …) in the user's language; other text as it is.
pub fn word_password_error(lang: Lang, message: &str) -> String {
    PASSWORD_CODES
        .iter()
        .find(|code| **code == message)
        .map(|code| t(lang, code).to_string())
        .unwrap_or_else(|| message.to_string())
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let lang = use_lang();
    let me = use_user();
    let change = ServerAction::<ChangePassword>::new();
    let form = NodeRef::<Form>::new();
    let raw_errors = action_field_errors(change.value());
    let errors = Signal::derive(move || {
        raw_errors
            .get()
            .into_iter()
            .map(|e| FieldError::new(&e.field, word_password_error(lang, &e.message)))
            .collect::<Vec<_>>()
    });
    let message = action_message(lang, change.value());
    let done = move || matches!(change.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if let Some(Ok(())) = change.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });

    view! {
        <Title text=t(lang, "profile.title") />
        <h1>{t(lang, "profile.title")}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t(lang, "common.loading")}</p> }>
            {move || Suspend::new(async move {
                let user = me.await.ok().flatten();
                #[cfg(feature = "ssr")]
                if user.is_none() {
                    leptos_axum::redirect("/login");
                }
                user.map(|user| view! {
                    <section class="card">
                        <p>
                            <strong>{user.name.clone()}</strong>
                            " · "
                            {user.email.clone()}
                            " "
                            <RoleChip role=user.role />
                        </p>
                    </section>
                })
            })}
        </Suspense>
        <section class="card">
            <h2>{t(lang, "profile.change_password")}</h2>
            <p class="muted">{t(lang, "profile.password_hint")}</p>
            <ActionForm action=change node_ref=form attr:class="form" attr:id="password-form">
                <TextField
                    label=t(lang, "profile.current_password")
                    name="input[current_password]"
                    field="current_password"
                    errors
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <TextField
                    label=t(lang, "profile.new_password")
                    name="input[new_password]"
                    field="new_password"
                    errors
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <TextField
                    label=t(lang, "profile.new_password_repeat")
                    name="input[new_password_repeat]"
                    field="new_password_repeat"
                    errors
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <p class="form-error" role="alert">{message}</p>
                <p class="form-success" role="status">
                    {move || done().then(|| t(lang, "profile.password_changed"))}
                </p>
                <button type="submit" class="button button-primary" disabled=move || change.pending().get()>
                    {t(lang, "profile.change_password")}
                </button>
            </ActionForm>
        </section>
    }
}
