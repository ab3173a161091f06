//! The door, `/events/:id/door`: a check-in page for phones. Rendered on the server only (the team
//! app does not hydrate it): search is a GET form, every button a plain form post, so it works
//! without JavaScript. The door's own small program (`app/door`, loaded by the shell) then takes
//! the list over: search as you type, check-ins that wait on the device while the server cannot be
//! reached, the QR camera, and counters that follow every other door device live. The markup
//! here and the program's agree on ids and classes (see `app/door/src/client.rs`).
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::door::{door_page, DoorForm, DoorPageDto};
use crate::components::{
    action_field_errors, general_error, use_id_param, use_lang, FieldMessage, TextField,
};

use crate::error::AppError;
use crate::i18n::Lang;
use door::protocol::DoorGuest;

#[component]
pub fn DoorPage() -> impl IntoView {
    let id = use_id_param();
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let action = ServerAction::<DoorForm>::new();
    let data = Resource::new(
        move || (id.get(), search(), action.version().get()),
        |(id, q, _)| door_page(id, q),
    );
    let lang = use_lang();
    view! {
        <Title text=tr!(lang, "door-title") />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <DoorView page query=search() action /> }.into_any(),
                    Err(AppError::Forbidden) => view! {
                        <p class="notice">{tr!(lang, "door-not-allowed")}</p>
                    }.into_any(),
                    Err(err) => view! {
                        <p class="notice">{general_error(lang, &err)}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The texts the door's program shows, in the page's language (it carries no locale files).
fn client_texts(lang: Lang) -> String {
    let pairs = [
        ("check_in", tr!(lang, "door-check-in").to_string()),
        ("undo", tr!(lang, "door-undo").to_string()),
        (
            "in_at",
            tr!(lang, "door-in-at", time = "{time}", user = "{user}"),
        ),
        ("waitlisted", tr!(lang, "door-waitlisted").to_string()),
        ("walk_in", tr!(lang, "door-walk-in-badge").to_string()),
        ("host", tr!(lang, "door-host", rep = "{rep}")),
        (
            "priority",
            tr!(lang, "door-priority", priority = "{priority}"),
        ),
        ("pending", tr!(lang, "door-pending").to_string()),
        ("offline", tr!(lang, "door-offline", count = "{count}")),
        ("live", tr!(lang, "door-live").to_string()),
        ("reconnecting", tr!(lang, "door-reconnecting").to_string()),
        ("no_match", tr!(lang, "door-no-match", query = "{query}")),
        ("empty", tr!(lang, "door-empty").to_string()),
        (
            "showing",
            tr!(lang, "door-showing", shown = "{shown}", total = "{total}"),
        ),
        ("scan", tr!(lang, "door-scan").to_string()),
        ("scan_stop", tr!(lang, "door-scan-stop").to_string()),
        ("scan_failed", tr!(lang, "door-scan-failed").to_string()),
        ("failed", tr!(lang, "door-failed").to_string()),
    ];
    let map: std::collections::BTreeMap<&str, String> = pairs.into_iter().collect();
    serde_json::to_string(&map).unwrap_or_default()
}

#[component]
fn DoorView(page: DoorPageDto, query: String, action: ServerAction<DoorForm>) -> impl IntoView {
    let lang = use_lang();
    let id = page.event_id;
    let errors = action_field_errors(action.value());
    let message = move || match action.value().get() {
        Some(Err(err)) if err.field_errors().is_empty() => general_error(lang, &err),
        _ => None,
    };
    let typed = move |name: &str| -> String {
        match action.value().get() {
            Some(Err(err)) => err
                .typed()
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    let shown = page.guests.len();
    let summary = if page.matching == 0 && !query.trim().is_empty() {
        Some(tr!(lang, "door-no-match", query = query.trim()))
    } else if page.matching == 0 {
        Some(tr!(lang, "door-empty").to_string())
    } else if shown < page.matching {
        Some(tr!(
            lang,
            "door-showing",
            shown = shown,
            total = page.matching
        ))
    } else {
        None
    };
    let counters = page.counters;
    let open = page.open;
    let rep_options = page.reps.clone();
    view! {
        <section
            id="door"
            class="door"
            data-event=id
            data-cursor=page.cursor
            data-open=open.to_string()
            data-texts=client_texts(lang)
        >
            <header class="door-head">
                <a class="small" href=format!("/events/{id}")>"← "{tr!(lang, "door-back")}</a>
                <h1>{tr!(lang, "door-title")}" · "{page.title.clone()}</h1>
                <p class="door-counters" aria-live="polite">
                    <span class="door-counter">
                        <strong id="door-in">{counters.checked_in}</strong>
                        " "{tr!(lang, "door-counter-in")}
                    </span>
                    <span class="door-counter">
                        <strong id="door-accepted">{counters.accepted}</strong>
                        " "{tr!(lang, "door-counter-accepted")}
                    </span>
                    <span class="door-counter">
                        <strong id="door-capacity">{counters.capacity}</strong>
                        " "{tr!(lang, "door-counter-capacity")}
                    </span>
                    <span id="door-status" class="door-status muted small"></span>
                </p>
            </header>
            {page.closed_reason.clone().map(|why| view! { <p class="notice">{why}</p> })}
            <p id="door-message" class="notice door-message" role="status" hidden=move || message().is_none()>
                {message}
            </p>
            <p id="door-pending" class="notice door-pending" role="status" hidden></p>

            <ActionForm action attr:id="door-code-form" attr:class="door-code-form">
                <input type="hidden" name="event_id" value=id />
                <input type="hidden" name="kind" value="code" />
                <div class="field" class:invalid=move || crate::domain::message_for(&errors.get(), "code").is_some()>
                    <label for="door-code">{tr!(lang, "door-code-label")}</label>
                    <div class="door-inline">
                        <input
                            id="door-code"
                            name="code"
                            autocomplete="off"
                            autocapitalize="characters"
                            spellcheck="false"
                            placeholder=tr!(lang, "door-code-placeholder")
                            value=move || typed("code")
                            aria-describedby="err-code"
                        />
                        <button type="submit" class="button button-primary">{tr!(lang, "door-code-button")}</button>
                        <button type="button" id="door-scan" class="button" hidden>{tr!(lang, "door-scan")}</button>
                    </div>
                    <FieldMessage errors field="code" />
                </div>
            </ActionForm>
            <video id="door-video" class="door-video" playsinline="" muted="" hidden></video>

            <form id="door-search" class="door-search" method="get" role="search">
                <label for="door-q">{tr!(lang, "door-search-label")}</label>
                <div class="door-inline">
                    <input
                        id="door-q"
                        type="search"
                        name="q"
                        value=query.clone()
                        autocomplete="off"
                        placeholder=tr!(lang, "door-search-placeholder")
                    />
                    <button type="submit" class="button">{tr!(lang, "door-search-button")}</button>
                </div>
            </form>
            <p id="door-summary" class="muted small">{summary}</p>
            <ul id="door-list" class="door-list">
                {page
                    .guests
                    .iter()
                    .map(|g| view! { <DoorRow guest=g.clone() event_id=id action open /> })
                    .collect_view()}
            </ul>

            <details class="door-walk-in" open=move || !errors.get().is_empty()>
                <summary>{tr!(lang, "door-walk-in-title")}</summary>
                <p class="muted small">{tr!(lang, "door-walk-in-help")}</p>
                <ActionForm action attr:id="door-walk-in-form" attr:class="door-walk-in-form">
                    <input type="hidden" name="event_id" value=id />
                    <input type="hidden" name="kind" value="walk_in" />
                    <TextField label=tr!(lang, "contacts-first-name") name="first_name" field="first_name" errors value=typed("first_name") required=true autocomplete="off" />
                    <TextField label=tr!(lang, "contacts-last-name") name="last_name" field="last_name" errors value=typed("last_name") required=true autocomplete="off" />
                    <TextField label=tr!(lang, "contacts-email") name="email" field="email" errors value=typed("email") input_type="email" required=true autocomplete="off" />
                    <TextField label=tr!(lang, "door-company") name="company" field="company" errors value=typed("company") autocomplete="off" />
                    <div class="field" class:invalid=move || crate::domain::message_for(&errors.get(), "rep").is_some()>
                        <label for="f-rep">{tr!(lang, "door-rep")}</label>
                        <select id="f-rep" name="rep" required=true aria-describedby="err-rep">
                            <option value="">{tr!(lang, "door-rep-choose")}</option>
                            {rep_options
                                .into_iter()
                                .map(|(rep_id, name)| {
                                    let chosen = typed("rep") == rep_id.to_string();
                                    view! { <option value=rep_id selected=chosen>{name}</option> }
                                })
                                .collect_view()}
                        </select>
                        <FieldMessage errors field="rep" />
                    </div>
                    <button type="submit" class="button button-primary">{tr!(lang, "door-walk-in-button")}</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// One guest: who, host rep and priority, and the one button (check in, or undo once in).
#[component]
fn DoorRow(
    guest: DoorGuest,
    event_id: i32,
    action: ServerAction<DoorForm>,
    open: bool,
) -> impl IntoView {
    let lang = use_lang();
    let is_in = guest.is_in();
    let (kind, label, class) = if is_in {
        ("undo", tr!(lang, "door-undo"), "button door-button")
    } else {
        (
            "check_in",
            tr!(lang, "door-check-in"),
            "button button-primary door-button",
        )
    };
    view! {
        <li class="door-row" class:is-in=is_in data-guest=guest.id>
            <div class="door-who">
                <strong class="door-name">{guest.name.clone()}</strong>
                {(!guest.company.is_empty()).then(|| view! { <span class="door-company">{guest.company.clone()}</span> })}
                <span class="door-meta small muted">
                    {tr!(lang, "door-host", rep = &guest.rep)}
                    " · "
                    {tr!(lang, "door-priority", priority = &guest.priority)}
                </span>
                {guest.waitlisted.then(|| view! { <span class="chip door-chip">{tr!(lang, "door-waitlisted")}</span> })}
                {guest.walk_in.then(|| view! { <span class="chip door-chip">{tr!(lang, "door-walk-in-badge")}</span> })}
                {guest.checked_in_at.clone().map(|time| view! {
                    <span class="door-in-at small">
                        {tr!(lang, "door-in-at", time = time, user = guest.checked_in_by.clone().unwrap_or_default())}
                    </span>
                })}
            </div>
            {open.then(|| view! {
                <ActionForm action attr:class="door-act">
                    <input type="hidden" name="event_id" value=event_id />
                    <input type="hidden" name="kind" value=kind />
                    <input type="hidden" name="guest" value=guest.id />
                    <button type="submit" class=class>{label}</button>
                </ActionForm>
            })}
        </li>
    }
}
