//! Sign-in.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::Login;
use crate::components::{action_field_errors, action_message, use_lang, TextField};

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let login = ServerAction::<Login>::new();
    let errors = action_field_errors(login.value());
    let general = action_message(lang, login.value());
    view! {
        <Title text=tr!(lang, "login-title") />
        <section class="card login-card">
            <h1>{tr!(lang, "login-title")}</h1>
            <p class="muted">{tr!(lang, "app-tagline")}</p>
            <ActionForm action=login>
                <TextField
                    label=tr!(lang, "login-email")
                    name="email"
                    field="email"
                    errors
                    input_type="email"
                    required=true
                    autocomplete="username"
                />
                <TextField
                    label=tr!(lang, "login-password")
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
                    {tr!(lang, "login-submit")}
                </button>
            </ActionForm>
        </section>
    }
}
