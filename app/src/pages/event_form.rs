//! Creating and editing an event. The browser checks the same rules as the server
//! (`EventPlan::parse`) before sending; the server checks again and has the last word.
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;

use crate::api::events::{get_event_form, CreateEvent, UpdateEvent};
use crate::components::{
    form_feedback, use_id_param, use_lang, use_user, SelectField, TextArea, TextField,
};
use crate::domain::EventInput;
use crate::i18n::t;
use crate::pages::errors::{ErrorView, ForbiddenView};

const TIME_ZONES: [&str; 12] = [
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Singapore",
    "UTC",
];

fn blank_input() -> EventInput {
    EventInput {
        kind: "on_site".into(),
        time_zone: "Europe/Berlin".into(),
        capacity: "30".into(),
        language: "en".into(),
        ..Default::default()
    }
}

#[component]
pub fn NewEventPage() -> impl IntoView {
    let user = use_user();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if u.role.can_edit_events() => {
                        view! { <EventFormView id=None version=0 input=blank_input() /> }.into_any()
                    }
                    Ok(Some(_)) => view! { <ForbiddenView /> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn EditEventPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_id_param();
    let form = Resource::new(move || id.get(), get_event_form);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <EventFormView id=Some(form.id) version=form.version input=form.input /> }.into_any(),
                    Err(crate::error::AppError::Forbidden) => view! { <ForbiddenView /> }.into_any(),
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EventFormView(id: Option<i32>, version: i32, input: EventInput) -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateEvent>::new();
    let update = ServerAction::<UpdateEvent>::new();
    // problems found in the browser before anything was sent
    let server = Signal::derive(move || {
        if id.is_some() {
            update.value().get()
        } else {
            create.value().get()
        }
    });
    let feedback = form_feedback(lang, server);
    let (errors, general) = (feedback.errors, feedback.general);
    let pending = move || create.pending().get() || update.pending().get();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use crate::domain::EventPlan;
            use leptos::form::FromFormData;
            ev.prevent_default();
            if id.is_some() {
                if let Ok(args) = UpdateEvent::from_event(&ev) {
                    if feedback.check(EventPlan::parse(&args.input)) {
                        update.dispatch(args);
                    }
                }
            } else if let Ok(args) = CreateEvent::from_event(&ev) {
                if feedback.check(EventPlan::parse(&args.input)) {
                    create.dispatch(args);
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    let (title_key, action_url, submit_key) = match id {
        Some(_) => (k!("form-edit-title"), UpdateEvent::url(), k!("form-save")),
        None => (k!("form-new-title"), CreateEvent::url(), k!("form-create")),
    };
    let cancel_href = id
        .map(|id| format!("/events/{id}"))
        .unwrap_or_else(|| "/".into());
    let kinds = ["on_site", "online", "hybrid"]
        .iter()
        .map(|k| {
            (
                k.to_string(),
                t(
                    lang,
                    crate::components::kind_key(crate::domain::EventKind::parse(k).expect("kind")),
                )
                .to_string(),
            )
        })
        .collect::<Vec<_>>();
    let languages = vec![
        ("en".to_string(), tr!(lang, "lang-en").to_string()),
        ("de".to_string(), tr!(lang, "lang-de").to_string()),
    ];

    view! {
        <Title text=t(lang, title_key) />
        <h1>{t(lang, title_key)}</h1>
        <form class="card form event-form" method="post" action=action_url on:submit=on_submit novalidate>
            {id.map(|id| view! {
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="version" value=version />
            })}
            <TextField label=tr!(lang, "form-title") name="input[title]" field="title" errors value=feedback.value("input[title]", input.title.clone()) required=true />
            <div class="form-row">
                <SelectField label=tr!(lang, "form-kind") name="input[kind]" field="kind" errors options=kinds value=feedback.value("input[kind]", input.kind.clone()) />
                <SelectField label=tr!(lang, "form-language") name="input[language]" field="language" errors options=languages value=feedback.value("input[language]", input.language.clone()) />
                <TextField label=tr!(lang, "form-capacity") name="input[capacity]" field="capacity" errors value=feedback.value("input[capacity]", input.capacity.clone()) input_type="number" required=true />
            </div>
            <fieldset>
                <legend>{tr!(lang, "form-times-hint")}</legend>
                <div class="form-row">
                    <TextField label=tr!(lang, "form-starts-at") name="input[starts_at]" field="starts_at" errors value=feedback.value("input[starts_at]", input.starts_at.clone()) input_type="datetime-local" required=true />
                    <TextField label=tr!(lang, "form-ends-at") name="input[ends_at]" field="ends_at" errors value=feedback.value("input[ends_at]", input.ends_at.clone()) input_type="datetime-local" required=true />
                    <TextField label=tr!(lang, "form-time-zone") name="input[time_zone]" field="time_zone" errors value=feedback.value("input[time_zone]", input.time_zone.clone()) list="time-zones" required=true />
                </div>
                <datalist id="time-zones">
                    {TIME_ZONES.iter().map(|tz| view! { <option value=*tz></option> }).collect_view()}
                </datalist>
                <div class="form-row">
                    <TextField label=tr!(lang, "form-nomination-deadline") name="input[nomination_deadline]" field="nomination_deadline" errors value=feedback.value("input[nomination_deadline]", input.nomination_deadline.clone()) input_type="datetime-local" />
                    <TextField label=tr!(lang, "form-rsvp-deadline") name="input[rsvp_deadline]" field="rsvp_deadline" errors value=feedback.value("input[rsvp_deadline]", input.rsvp_deadline.clone()) input_type="datetime-local" />
                </div>
            </fieldset>
            <div class="form-row">
                <TextField label=tr!(lang, "form-venue-name") name="input[venue_name]" field="venue_name" errors value=feedback.value("input[venue_name]", input.venue_name.clone()) />
                <TextField label=tr!(lang, "form-venue-address") name="input[venue_address]" field="venue_address" errors value=feedback.value("input[venue_address]", input.venue_address.clone()) />
            </div>
            <TextField label=tr!(lang, "form-join-url") name="input[join_url]" field="join_url" errors value=feedback.value("input[join_url]", input.join_url.clone()) input_type="url" placeholder="https://" />
            <TextArea label=tr!(lang, "form-brief") name="input[brief]" field="brief" errors value=feedback.value("input[brief]", input.brief.clone()) rows=8 />
            <TextArea label=tr!(lang, "form-agenda") name="input[agenda]" field="agenda" errors value=feedback.value("input[agenda]", input.agenda.clone()) rows=5 />
            <p class="form-error" role="alert">{general}</p>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=pending>
                    {move || if pending() { tr!(lang, "form-saving") } else { t(lang, submit_key) }}
                </button>
                <a class="button button-quiet" href=cancel_href>{tr!(lang, "form-cancel")}</a>
            </div>
        </form>
    }
}
