//! Sign-in.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::Login;
use crate::components::{action_field_errors, action_message, use_lang, TextField};
use crate::i18n::t;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let login = ServerAction::<Login>::new();
    let errors = action_field_errors(login.value());
    let general = action_message(lang, login.value());
    view! {
        <Title text=t(lang, "login.title") />
        <section class="card login-card">
            <h1>{t(lang, "login.title")}</h1>
            <p class="muted">{t(lang, "app.tagline")}</p>
            <ActionForm action=login>
                <TextField
                    label=t(lang, "login.email")
                    name="email"
                    field="email"
                    errors
                    input_type="email"
                    required=true
                    autocomplete="username"
                />
                <TextField
                    label=t(lang, "login.password")
                    name="password"
                    field="password"
                    errors
                    input_type="password"
                    required=true
                    autocomplete="current-password"
                />
                <p class="form-error" role="alert">
                    {general}
                </p>
                <button type="submit" class="button button-primary" disabled=move || login.pending().get()>
                    {t(lang, "login.submit")}
                </button>
            </ActionForm>
        </section>
    }
}
