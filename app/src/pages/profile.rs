//! The signed-in user's profile: who they are, and changing their own password.
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::profile::{get_arrival_mail, get_feed, ChangePassword, RenewFeed, SetArrivalMail};
use crate::components::{
    action_field_errors, action_message, use_lang, use_user, RoleChip, TextField,
};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let lang = use_lang();
    let me = use_user();
    let change = ServerAction::<ChangePassword>::new();
    let form = NodeRef::<Form>::new();
    let errors = action_field_errors(change.value());
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
        <Title text=tr!(lang, "profile-title") />
        <h1>{tr!(lang, "profile-title")}</h1>
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
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
        <CalendarFeed />
        <ArrivalMail />
        <section class="card">
            <h2>{tr!(lang, "profile-change-password")}</h2>
            <p class="muted">{tr!(lang, "profile-password-hint")}</p>
            <ActionForm action=change node_ref=form attr:class="form" attr:id="password-form">
                <TextField
                    label=tr!(lang, "profile-current-password")
                    name="input[current_password]"
                    field="current_password"
                    errors
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <TextField
                    label=tr!(lang, "profile-new-password")
                    name="input[new_password]"
                    field="new_password"
                    errors
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <TextField
                    label=tr!(lang, "profile-new-password-repeat")
                    name="input[new_password_repeat]"
                    field="new_password_repeat"
                    errors
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <p class="form-error" role="alert">{message}</p>
                <p class="form-success" role="status">
                    {move || done().then(|| tr!(lang, "profile-password-changed"))}
                </p>
                <button type="submit" class="button button-primary" disabled=move || change.pending().get()>
                    {tr!(lang, "profile-change-password")}
                </button>
            </ActionForm>
        </section>
    }
}

/// The private calendar feed: its address to paste into a calendar app, and a button that makes a
/// new one (the old address stops working, e.g. after it was shared by mistake).
#[component]
fn CalendarFeed() -> impl IntoView {
    let lang = use_lang();
    let renew = ServerAction::<RenewFeed>::new();
    let feed = Resource::new(move || renew.version().get(), |_| get_feed());
    view! {
        <section class="card" id="calendar-feed">
            <h2>{tr!(lang, "feed-title")}</h2>
            <p class="muted">{tr!(lang, "feed-hint")}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let url = feed.await.ok().flatten();
                    let has = url.is_some();
                    view! {
                        {url.map(|url| view! {
                            <label class="field">
                                <span>{tr!(lang, "feed-address")}</span>
                                <input type="text" readonly value=url class="feed-url" on:focus=move |ev| {
                                    #[cfg(feature = "hydrate")]
                                    {
                                        use wasm_bindgen::JsCast;
                                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                            input.select();
                                        }
                                    }
                                    #[cfg(not(feature = "hydrate"))]
                                    let _ = ev;
                                } />
                            </label>
                        })}
                        <ActionForm action=renew attr:class="inline-form">
                            <button type="submit" class="button">
                                {if has { tr!(lang, "feed-renew") } else { tr!(lang, "feed-create") }}
                            </button>
                        </ActionForm>
                        {has.then(|| view! { <p class="muted small">{tr!(lang, "feed-renew-hint")}</p> })}
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The email a rep may ask for when one of their guests is checked in at the door.
#[component]
fn ArrivalMail() -> impl IntoView {
    let lang = use_lang();
    let save = ServerAction::<SetArrivalMail>::new();
    let current = Resource::new(move || save.version().get(), |_| get_arrival_mail());
    view! {
        <section class="card" id="arrival-mail">
            <h2>{tr!(lang, "profile-arrival-title")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let on = current.await.unwrap_or(false);
                    view! {
                        <ActionForm action=save attr:class="form">
                            <div class="field field-check">
                                <label for="f-arrival-mail">
                                    <input id="f-arrival-mail" type="checkbox" name="on" value="on" checked=on />
                                    " "
                                    {tr!(lang, "profile-arrival-label")}
                                </label>
                            </div>
                            <p class="muted small">{tr!(lang, "profile-arrival-hint")}</p>
                            <p class="form-success" role="status">
                                {move || matches!(save.value().get(), Some(Ok(()))).then(|| tr!(lang, "profile-arrival-saved"))}
                            </p>
                            <button type="submit" class="button">{tr!(lang, "profile-arrival-save")}</button>
                        </ActionForm>
                    }
                })}
            </Suspense>
        </section>
    }
}
