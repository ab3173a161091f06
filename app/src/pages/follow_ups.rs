//! Follow-ups, `/follow-ups?rep=`: a rep's attendees and no-shows across events, each with the
//! outcome the rep recorded or a form to record it (meeting booked with its date, opportunity with
//! amount and currency, no interest; a note). Managers, marketing and admins first see every
//! follow-up still open a week after its event, and can choose a rep to see their whole list.
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::reports::{follow_ups, FollowUpRowDto, FollowUpsDto, RecordOutcome};
use crate::components::{
    action_field_errors, action_message, general_error, use_lang, FieldMessage, TextArea, TextField,
};
use crate::domain::{message_for, Attendance, OutcomeKind};

/// Bumped when an outcome was saved, so the list reads the new figures.
#[derive(Clone, Copy)]
struct Saved(RwSignal<u32>);

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let query = use_query_map();
    let rep = move || query.read().get("rep").and_then(|r| r.parse::<i32>().ok());
    let saved = RwSignal::new(0u32);
    provide_context(Saved(saved));
    let data = Resource::new(move || (rep(), saved.get()), |(rep, _)| follow_ups(rep));
    let lang = use_lang();
    view! {
        <Title text=tr!(lang, "follow-ups-title") />
        <div class="page-head">
            <h1>{tr!(lang, "follow-ups-title")}</h1>
        </div>
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <FollowUpsView page /> }.into_any(),
                    Err(err) => view! { <p class="notice">{general_error(lang, &err)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FollowUpsView(page: FollowUpsDto) -> impl IntoView {
    let lang = use_lang();
    let overdue_view = page.rep.is_none();
    let chosen = page.rep.map(|r| r.to_string()).unwrap_or_default();
    let chooser = (!page.reps.is_empty()).then(|| {
        view! {
            <form class="card filters" method="get" action="/follow-ups" id="choose-rep">
                <div class="field">
                    <label for="follow-ups-rep">{tr!(lang, "follow-ups-show")}</label>
                    <select id="follow-ups-rep" name="rep">
                        <option value="" selected=chosen.is_empty()>
                            {tr!(lang, "follow-ups-open-all")}
                        </option>
                        {page
                            .reps
                            .iter()
                            .map(|(id, name)| {
                                let value = id.to_string();
                                let selected = value == chosen;
                                view! { <option value=value selected=selected>{name.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="button button-primary">{tr!(lang, "reports-show")}</button>
                </div>
            </form>
        }
    });
    let intro = if overdue_view {
        tr!(lang, "follow-ups-overdue-intro")
    } else {
        tr!(lang, "follow-ups-intro")
    };
    let open = page.rows.iter().filter(|r| r.outcome.is_none()).count();
    let total = page.rows.len();
    let currency = page.currency.clone();
    view! {
        {chooser}
        <p class="muted" id="follow-ups-summary">
            {intro} " "
            {tr!(lang, "follow-ups-count", open = open, total = total)}
        </p>
        {if page.rows.is_empty() {
            view! {
                <div class="empty-state card">
                    <p>
                        {if overdue_view {
                            tr!(lang, "follow-ups-none-overdue")
                        } else {
                            tr!(lang, "follow-ups-empty")
                        }}
                    </p>
                </div>
            }
                .into_any()
        } else {
            view! {
                <ul class="follow-ups">
                    {page
                        .rows
                        .into_iter()
                        .map(|row| view! { <FollowUpItem row show_rep=overdue_view currency=currency.clone() /> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}

#[component]
fn FollowUpItem(row: FollowUpRowDto, show_rep: bool, currency: String) -> impl IntoView {
    let lang = use_lang();
    let (chip_class, chip_key) = match row.attendance {
        Attendance::Attended => ("chip chip-ok", Attendance::Attended.label_id()),
        Attendance::NoShow => ("chip chip-warn", Attendance::NoShow.label_id()),
    };
    let id = row.guest_id;
    view! {
        <li class="card follow-up" id=format!("follow-up-{id}") data-guest=row.name.clone()>
            <div class="follow-up-head">
                <div>
                    <h2 class="follow-up-name">{row.name.clone()}</h2>
                    <p class="muted small">
                        {row.company.clone().unwrap_or_default()}
                        {row.company.is_some().then_some(" · ")}
                        <a href=format!("/events/{}/report", row.event_id)>{row.event_title.clone()}</a>
                        " · "
                        {row.event_when.clone()}
                        {show_rep.then(|| format!(" · {}", tr!(lang, "follow-ups-rep", rep = row.rep_name.clone())))}
                    </p>
                </div>
                <div class="chips">
                    <span class=chip_class>{crate::i18n::t(lang, chip_key).to_string()}</span>
                    {row.overdue.then(|| view! {
                        <span class="chip chip-danger">{tr!(lang, "follow-ups-overdue")}</span>
                    })}
                </div>
            </div>
            {row.outcome.as_ref().map(|o| view! {
                <p class="follow-up-outcome" data-kind=o.kind.as_str()>
                    <strong>{o.summary.clone()}</strong>
                    {(!o.note.is_empty()).then(|| format!(" — {}", o.note))}
                </p>
            })}
            {row.can_record.then(|| view! { <OutcomeForm row=row.clone() currency /> })}
        </li>
    }
}

#[component]
fn OutcomeForm(row: FollowUpRowDto, currency: String) -> impl IntoView {
    let lang = use_lang();
    let action = ServerAction::<RecordOutcome>::new();
    let errors = action_field_errors(action.value());
    let message = action_message(lang, action.value());
    let saved = use_context::<Saved>();
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(Saved(saved))) = (action.value().get(), saved) {
            saved.update(|n| *n += 1);
        }
    });
    let id = row.guest_id;
    let o = row.outcome.clone();
    let recorded = o.is_some();
    let kind = o.as_ref().map(|o| o.kind.as_str()).unwrap_or("");
    let field_id = move |name: &str| format!("o{id}-{name}");
    let invalid = move |field: &'static str| move || message_for(&errors.get(), field).is_some();
    let kinds =
        OutcomeKind::ALL.map(|k| (k.as_str(), crate::i18n::t(lang, k.label_key()).to_string()));
    let summary = if recorded {
        tr!(lang, "follow-ups-change")
    } else {
        tr!(lang, "follow-ups-record")
    };
    view! {
        <details class="outcome-form" open=!recorded>
            <summary>{summary}</summary>
            <ActionForm action attr:class="form outcome-fields" attr:novalidate=true>
                <input type="hidden" name="guest_id" value=id />
                <fieldset class="field" class:invalid=invalid("kind")>
                    <legend>{tr!(lang, "outcome-kind")}</legend>
                    <div class="segmented">
                        {kinds
                            .into_iter()
                            .map(|(value, label)| {
                                let input_id = field_id(value);
                                view! {
                                    <label for=input_id.clone()>
                                        <input type="radio" id=input_id.clone() name="input[kind]" value=value checked=value == kind />
                                        {label}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <FieldMessage errors field="kind" id=field_id("kind-err") />
                </fieldset>
                <div class="field-row">
                    <TextField
                        label=tr!(lang, "outcome-meeting-on")
                        name="input[meeting_on]"
                        field="meeting_on"
                        errors
                        input_type="date"
                        value=o.as_ref().and_then(|o| o.meeting_on.clone()).unwrap_or_default()
                        id=field_id("meeting")
                    />
                    <TextField
                        label=tr!(lang, "outcome-amount")
                        name="input[amount]"
                        field="amount"
                        errors
                        value=o.as_ref().and_then(|o| o.amount).map(|a| a.to_string()).unwrap_or_default()
                        id=field_id("amount")
                    />
                    <TextField
                        label=tr!(lang, "outcome-currency")
                        name="input[currency]"
                        field="currency"
                        errors
                        value=o.as_ref().and_then(|o| o.currency.clone()).unwrap_or(currency)
                        id=field_id("currency")
                    />
                </div>
                <TextArea
                    label=tr!(lang, "outcome-note")
                    name="input[note]"
                    field="note"
                    errors
                    rows=2
                    value=o.as_ref().map(|o| o.note.clone()).unwrap_or_default()
                    id=field_id("note")
                />
                <p class="form-error" role="alert">{move || message.get()}</p>
                <button type="submit" class="button button-primary">{tr!(lang, "outcome-save")}</button>
            </ActionForm>
        </details>
    }
}
