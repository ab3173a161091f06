//! `/unsubscribe/:token`: the link in every invitation's footer. The page shows the address and a
//! button; a GET never unsubscribes (mail scanners open links). Afterwards the guest can undo it
//! on the same page. Works without JavaScript.
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::invitations::{get_unsubscribe, ChangeSubscription, UnsubscribeView};
use crate::domain::Language;
use crate::pages::guest::GuestNotFoundPage;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let change = ServerAction::<ChangeSubscription>::new();
    let data = Resource::new(
        move || (token(), change.version().get()),
        |(token, _)| get_unsubscribe(token),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <UnsubscribeCard view token=token() change /> }.into_any(),
                    Err(_) => view! { <GuestNotFoundPage /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UnsubscribeCard(
    view: UnsubscribeView,
    token: String,
    change: ServerAction<ChangeSubscription>,
) -> impl IntoView {
    let lang = Language::parse(&view.language).unwrap_or(Language::En);
    let (heading, text, button, value) = if view.unsubscribed {
        (
            tr!(lang, "unsubscribe-done-title"),
            tr!(lang, "unsubscribe-done-text", email = &view.email),
            tr!(lang, "unsubscribe-undo"),
            "undo",
        )
    } else {
        (
            tr!(lang, "unsubscribe-title"),
            tr!(lang, "unsubscribe-text", email = &view.email),
            tr!(lang, "unsubscribe-button"),
            "unsubscribe",
        )
    };
    let show_button = !view.unsubscribed || view.can_undo;
    view! {
        <Title text=heading />
        <section class="card rsvp" lang=view.language.clone()>
            <h1>{heading}</h1>
            <p>{text}</p>
            {show_button.then(|| view! {
                <ActionForm action=change attr:class="inline-form">
                    <input type="hidden" name="token" value=token.clone() />
                    <input type="hidden" name="change" value=value />
                    <button type="submit" class=if value == "undo" { "button button-secondary" } else { "button" }>{button}</button>
                </ActionForm>
            })}
        </section>
    }
}
