//! One event's whole plan at a glance: when and where (in its time zone), brief, agenda,
//! deadlines, comments and the activity log.
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::dto::{ActivityDto, EventDetail};
use crate::api::events::{get_event, AddComment, ChangeEventStatus};
use crate::api::invitations::{get_reminders, RemindersDto, SetReminders};
use crate::components::{
    action_field_errors, action_message, general_error, use_id_param, use_lang, KindChip, RoleChip,
    StatusChip, TextArea, TextField, Typed,
};
use crate::domain::EventStatus;
use crate::error::AppError;
use crate::i18n::{t, Lang};
use crate::pages::errors::ErrorView;
use crate::pages::event_guests::{GuestListData, GuestListSection};
use crate::pages::event_plan::{GoalsData, GoalsSection, TasksData, TasksSection};

#[component]
pub fn EventPage() -> impl IntoView {
    let lang = use_lang();
    let id = use_id_param();
    let status_action = ServerAction::<ChangeEventStatus>::new();
    let comment_action = ServerAction::<AddComment>::new();
    let event = Resource::new(
        move || {
            (
                id.get(),
                status_action.version().get(),
                comment_action.version().get(),
            )
        },
        |(id, _, _)| get_event(id),
    );
    // Every section's data is created here, outside the `Suspense`, not in the sections it
    // feeds: on the server a `Suspense` walks its view again after its resources resolve, and a
    // resource created inside that view was created, and fetched, again on each walk (the page of
    // a 2,000-guest event loaded its guest list three times).
    let sections = Sections {
        goals: GoalsData::new(id),
        tasks: TasksData::new(id),
        guests: GuestListData::new(id),
        reminders: RemindersData::new(id),
    };

    view! {
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match event.await {
                    Ok(detail) => {
                        view! { <EventView detail status_action comment_action sections /> }.into_any()
                    }
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The data of the page's sections, created once per page (see `EventPage`).
#[derive(Clone, Copy)]
struct Sections {
    goals: GoalsData,
    tasks: TasksData,
    guests: GuestListData,
    reminders: RemindersData,
}

fn transition_key(next: EventStatus) -> &'static str {
    match next {
        EventStatus::Open => k!("event-to-open"),
        EventStatus::Closed => k!("event-to-closed"),
        _ => k!("event-to-cancelled"),
    }
}

/// Cancelling asks for a note to the invited guests, who are told by email (with a calendar
/// cancellation); the browser asks once more before it goes.
#[component]
fn CancelEvent(id: i32, status_action: ServerAction<ChangeEventStatus>) -> impl IntoView {
    let lang = use_lang();
    let errors = Signal::derive(move || match status_action.value().get() {
        Some(Err(err)) => err.field_errors(),
        _ => Vec::new(),
    });
    let typed = Typed::of(status_action.value().get_untracked());
    let refused = !typed.value("note", "").is_empty() || !errors.get_untracked().is_empty();
    view! {
        <details class="cancel-event" open=refused>
            <summary class="button button-danger" data-status="cancelled">{t(lang, transition_key(EventStatus::Cancelled))}</summary>
            <ActionForm action=status_action attr:class="form cancel-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="status" value="cancelled" />
                <TextArea label=tr!(lang, "cancel-note") name="note" field="note" errors value=typed.value("note", "") rows=3 />
                <button
                    type="submit"
                    class="button button-danger"
                    on:click=move |ev| {
                        if !confirm_cancel(lang) {
                            ev.prevent_default();
                        }
                    }
                >
                    {tr!(lang, "cancel-confirm-button")}
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn EventView(
    detail: EventDetail,
    status_action: ServerAction<ChangeEventStatus>,
    comment_action: ServerAction<AddComment>,
    sections: Sections,
) -> impl IntoView {
    let lang = use_lang();
    let id = detail.id;
    let status_error = move || match status_action.value().get() {
        Some(Err(err)) => general_error(lang, &err),
        _ => None,
    };
    view! {
        <Title text=detail.title.clone() />
        <article class="event">
            <header class="event-head">
                <div>
                    <p class="chips">
                        <StatusChip status=detail.status />
                        " "
                        <KindChip kind=detail.kind />
                    </p>
                    <h1>{detail.title.clone()}</h1>
                    <p class="event-when">
                        <strong>{detail.when.clone()}</strong>
                        " "
                        {tr!(lang, "event-until")}
                        " "
                        {detail.until.clone()}
                        <span class="muted">" · " {detail.time_zone.clone()}</span>
                    </p>
                </div>
                <div class="event-actions">
                    // a full page load: the door page runs its own small program, not this app
                    {(detail.status == EventStatus::Open).then(|| view! {
                        <a class="button button-primary" href=format!("/events/{id}/door") rel="external">
                            {tr!(lang, "door-open-link")}
                        </a>
                    })}
                    {(detail.status != EventStatus::Draft).then(|| view! {
                        <a class="button" href=format!("/events/{id}/report")>
                            {tr!(lang, "report-open-link")}
                        </a>
                    })}
                    <a class="button" href=format!("/events/{id}/calendar.ics") download="" rel="external">
                        {tr!(lang, "calendar-add")}
                    </a>
                    {detail
                        .can_edit
                        .then(|| {
                            view! {
                                <a class="button" href=format!("/events/{id}/edit")>
                                    {tr!(lang, "event-edit")}
                                </a>
                            }
                        })}
                    {detail
                        .next_states
                        .iter()
                        .map(|next| {
                            let next = *next;
                            if next == EventStatus::Cancelled {
                                return view! { <CancelEvent id status_action /> }.into_any();
                            }
                            view! {
                                <ActionForm action=status_action attr:class="inline-form">
                                    <input type="hidden" name="id" value=id />
                                    <input type="hidden" name="status" value=next.as_str() />
                                    <button type="submit" class="button button-primary" data-status=next.as_str()>
                                        {t(lang, transition_key(next))}
                                    </button>
                                </ActionForm>
                            }
                            .into_any()
                        })
                        .collect_view()}
                </div>
            </header>
            <nav class="jump" aria-label=tr!(lang, "event-sections")>
                <a href="#guests">{tr!(lang, "guests-title")}</a>
                <a href="#goals">{tr!(lang, "goals-title")}</a>
                <a href="#tasks">{tr!(lang, "tasks-title")}</a>
                <a href="#comments">{tr!(lang, "event-comments")}</a>
            </nav>
            <p class="form-error" role="alert">
                {status_error}
            </p>
            {(detail.status == EventStatus::Cancelled)
                .then(|| view! { <p class="notice">{tr!(lang, "event-cancelled-note")}</p> })}
            {(!detail.can_edit && detail.status != EventStatus::Cancelled)
                .then(|| view! { <p class="notice">{tr!(lang, "event-read-only")}</p> })}

            <div class="event-grid">
                <div class="event-main">
                    <section class="card">
                        <h2>{tr!(lang, "event-brief")}</h2>
                        {if detail.brief_html.trim().is_empty() {
                            view! { <p class="muted">{tr!(lang, "event-no-brief")}</p> }.into_any()
                        } else {
                            // sanitised on the server (pulldown-cmark + ammonia)
                            view! { <div class="prose" inner_html=detail.brief_html.clone()></div> }
                                .into_any()
                        }}
                    </section>
                    <section class="card">
                        <h2>{tr!(lang, "event-agenda")}</h2>
                        {if detail.agenda.is_empty() {
                            view! { <p class="muted">{tr!(lang, "event-no-agenda")}</p> }.into_any()
                        } else {
                            view! {
                                <ol class="agenda">
                                    {detail
                                        .agenda
                                        .iter()
                                        .map(|item| {
                                            view! {
                                                <li>
                                                    <time>{item.time.clone()}</time>
                                                    <span>{item.title.clone()}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                            }
                                .into_any()
                        }}
                    </section>
                    <Comments detail=detail.clone() comment_action />
                </div>
                <aside class="event-side">
                    <section class="card">
                        <dl class="facts">
                            {detail
                                .venue_name
                                .clone()
                                .map(|venue| {
                                    view! {
                                        <dt>{tr!(lang, "event-venue")}</dt>
                                        <dd>
                                            {venue}
                                            <br />
                                            <span class="muted">
                                                {detail.venue_address.clone().unwrap_or_default()}
                                            </span>
                                        </dd>
                                    }
                                })}
                            {detail
                                .join_url
                                .clone()
                                .map(|url| {
                                    view! {
                                        <dt>{tr!(lang, "event-join")}</dt>
                                        <dd>
                                            <a href=url.clone() rel="noopener noreferrer" target="_blank">
                                                {url.clone()}
                                            </a>
                                        </dd>
                                    }
                                })}
                            <dt>{tr!(lang, "event-capacity")}</dt>
                            <dd>{format!("{} {}", detail.capacity, tr!(lang, "event-seats"))}</dd>
                            <dt>{tr!(lang, "event-language")}</dt>
                            <dd>
                                {t(lang, if detail.language == "de" { k!("lang-de") } else { k!("lang-en") })}
                            </dd>
                            <dt>{tr!(lang, "event-owner")}</dt>
                            <dd>{detail.owner_name.clone()}</dd>
                        </dl>
                    </section>
                    <section class="card">
                        <h2>{tr!(lang, "event-timeline")}</h2>
                        <ol class="timeline">
                            {detail
                                .timeline
                                .iter()
                                .map(|entry| {
                                    view! {
                                        <li class:past=entry.past>
                                            <strong>{t(lang, timeline_key(&entry.label_key))}</strong>
                                            <span>{entry.when.clone()}</span>
                                            <span class="muted small">{entry.relative.clone()}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </section>
                    <GoalsSection event_id=id data=sections.goals />
                    <TasksSection event_id=id data=sections.tasks />
                    <section class="card">
                        <h2>{tr!(lang, "event-activity")}</h2>
                        {if detail.activity.is_empty() {
                            view! { <p class="muted">{tr!(lang, "event-no-activity")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="activity">
                                    {detail
                                        .activity
                                        .iter()
                                        .map(|a| activity_line(lang, a))
                                        .collect_view()}
                                </ul>
                                {(detail.activity_total > detail.activity.len() as u64).then(|| view! {
                                    <p class="muted small">
                                        {tr!(lang, "event-activity-latest", shown = detail.activity.len(), total = crate::i18n::format_number(lang, detail.activity_total as i64))}
                                    </p>
                                })}
                            }
                                .into_any()
                        }}
                    </section>
                </aside>
            </div>
            <GuestListSection event_id=id data=sections.guests />
            <RemindersSection data=sections.reminders />
        </article>
    }
}

/// Cancelling cannot be undone: ask first (the browser's own dialog).
fn confirm_cancel(lang: Lang) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window()
            .confirm_with_message(tr!(lang, "event-confirm-cancel"))
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = lang;
        true
    }
}

fn timeline_key(key: &str) -> &'static str {
    match key {
        "timeline-nominations" => k!("timeline-nominations"),
        "timeline-rsvp" => k!("timeline-rsvp"),
        "timeline-start" => k!("timeline-start"),
        _ => k!("timeline-end"),
    }
}

fn field_label(field: &str) -> &'static str {
    match field {
        "title" => k!("form-title"),
        "kind" => k!("form-kind"),
        "brief" => k!("event-brief"),
        "agenda" => k!("event-agenda"),
        "venue_name" => k!("form-venue-name"),
        "venue_address" => k!("form-venue-address"),
        "join_url" => k!("form-join-url"),
        "starts_at" => k!("form-starts-at"),
        "ends_at" => k!("form-ends-at"),
        "time_zone" => k!("form-time-zone"),
        "capacity" => k!("form-capacity"),
        "nomination_deadline" => k!("form-nomination-deadline"),
        "rsvp_deadline" => k!("form-rsvp-deadline"),
        "language" => k!("form-language"),
        _ => k!("col-status"),
    }
}

fn activity_line(lang: Lang, a: &ActivityDto) -> impl IntoView {
    let what = match a.action.as_str() {
        "created" => tr!(lang, "activity-created").to_string(),
        "status" => {
            let status = |v: &Option<String>| {
                v.as_deref()
                    .and_then(crate::domain::EventStatus::parse)
                    .map(|s| t(lang, crate::components::status_key(s)).to_string())
                    .unwrap_or_default()
            };
            format!(
                "{}: {} → {}",
                tr!(lang, "activity-status"),
                status(&a.old_value),
                status(&a.new_value)
            )
        }
        // the guest list's history: `field` names the contact (or the rep, for seats)
        "quota" | "nominated" | "nomination_edited" | "withdrawn" | "decided" => {
            let subject = a.field.clone().unwrap_or_default();
            let state = |v: &Option<String>| {
                v.as_deref()
                    .and_then(crate::domain::NominationState::parse)
                    .map(|s| t(lang, crate::pages::event_guests::nomination_key(s)).to_string())
                    .unwrap_or_default()
            };
            let plain = |v: &Option<String>| v.clone().unwrap_or_default();
            match a.action.as_str() {
                "quota" => format!(
                    "{} {subject}: {} → {}",
                    tr!(lang, "activity-quota"),
                    plain(&a.old_value),
                    plain(&a.new_value)
                ),
                "nominated" => format!(
                    "{} {subject} ({})",
                    tr!(lang, "activity-nominated"),
                    plain(&a.new_value)
                ),
                "nomination_edited" => format!(
                    "{} {subject}: {} → {}",
                    tr!(lang, "activity-nomination-edited"),
                    plain(&a.old_value),
                    plain(&a.new_value)
                ),
                "withdrawn" => format!("{} {subject}", tr!(lang, "activity-withdrawn")),
                _ => format!(
                    "{} {subject}: {} → {}",
                    tr!(lang, "activity-decided"),
                    state(&a.old_value),
                    state(&a.new_value)
                ),
            }
        }
        _ => {
            let field = a.field.clone().unwrap_or_default();
            let short = |v: &Option<String>| {
                let v = v.clone().unwrap_or_default();
                if v.chars().count() > 60 {
                    v.chars().take(60).collect::<String>() + "…"
                } else if v.is_empty() {
                    "—".to_string()
                } else {
                    v
                }
            };
            format!(
                "{} {}: {} → {}",
                tr!(lang, "activity-updated"),
                t(lang, field_label(&field)),
                short(&a.old_value),
                short(&a.new_value)
            )
        }
    };
    view! {
        <li>
            <strong>{a.user_name.clone()}</strong>
            " "
            {what}
            <div class="muted small">{a.when.clone()}</div>
        </li>
    }
}

#[component]
fn Comments(detail: EventDetail, comment_action: ServerAction<AddComment>) -> impl IntoView {
    let lang = use_lang();
    let form = NodeRef::<Form>::new();
    let errors = action_field_errors(comment_action.value());
    let general = action_message(lang, comment_action.value());
    Effect::new(move |_| {
        if let Some(Ok(())) = comment_action.value().get() {
            if let Some(form) = form.get() {
                form.reset();
            }
        }
    });
    let count = detail.comments.len();
    let typed = Typed::of(comment_action.value().get_untracked());
    view! {
        <section class="card" id="comments">
            <h2>{tr!(lang, "event-comments")} <span class="count">{count}</span></h2>
            {if detail.comments.is_empty() {
                view! { <p class="muted">{tr!(lang, "event-no-comments")}</p> }.into_any()
            } else {
                view! {
                    <ol class="comments">
                        {detail
                            .comments
                            .iter()
                            .map(|c| {
                                view! {
                                    <li class="comment">
                                        <div class="comment-meta">
                                            <strong>{c.author_name.clone()}</strong>
                                            " "
                                            <RoleChip role=c.author_role />
                                            " "
                                            <span class="muted small">{c.when.clone()}</span>
                                        </div>
                                        <p class="comment-body">{c.body.clone()}</p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            }}
            <ActionForm action=comment_action node_ref=form>
                <input type="hidden" name="event_id" value=detail.id />
                <TextArea label=tr!(lang, "comment-label") name="body" field="body" errors rows=3 value=typed.value("body", "") />
                <p class="form-error" role="alert">
                    {general}
                </p>
                <button
                    type="submit"
                    class="button button-primary"
                    disabled=move || comment_action.pending().get()
                >
                    {tr!(lang, "comment-submit")}
                </button>
            </ActionForm>
        </section>
    }
}

/// The reminders section's schedule and form, created where the page starts.
#[derive(Clone, Copy)]
struct RemindersData {
    save: ServerAction<SetReminders>,
    data: Resource<Result<RemindersDto, AppError>>,
}

impl RemindersData {
    fn new(event_id: Signal<i32>) -> Self {
        let save = ServerAction::<SetReminders>::new();
        let data = Resource::new(
            move || (event_id.get(), save.version().get()),
            |(event_id, _)| get_reminders(event_id),
        );
        Self { save, data }
    }
}

/// What the event has scheduled for its guests and what went out; marketing sets the days.
#[component]
fn RemindersSection(data: RemindersData) -> impl IntoView {
    let lang = use_lang();
    let RemindersData { save, data } = data;
    let errors = action_field_errors(save.value());
    view! {
        <section class="card" id="reminders">
            <h2>{tr!(lang, "reminders-title")}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(d) = data.await else { return ().into_any() };
                    let typed = Typed::of(save.value().get_untracked());
                    view! {
                        {if d.lines.is_empty() {
                            view! { <p class="muted">{tr!(lang, "reminders-none")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="schedule">
                                    {d.lines.iter().map(|(what, due, sent)| {
                                        let chip = if *sent > 0 { "chip chip-approved" } else { "chip" };
                                        view! {
                                        <li>
                                            <span>{what.clone()}</span>
                                            <span class="muted">{tr!(lang, "reminders-due", when = due)}</span>
                                            <span class=chip>{tr!(lang, "reminders-sent", count = *sent)}</span>
                                        </li>
                                    }}).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {d.no_deadline.then(|| view! { <p class="muted small">{tr!(lang, "reminders-no-deadline")}</p> })}
                        {d.can_edit.then(|| view! {
                            <ActionForm action=save attr:class="form reminders-form">
                                <input type="hidden" name="event_id" value=d.event_id />
                                <TextField label=tr!(lang, "reminders-days-label") name="reminder_days" field="reminder_days" errors value=typed.value("reminder_days", d.reminder_days.clone()) />
                                <TextField label=tr!(lang, "reminders-nudge-label") name="nudge_days" field="nudge_days" errors value=typed.value("nudge_days", d.nudge_days.clone()) input_type="number" />
                                <button type="submit" class="button">{tr!(lang, "reminders-save")}</button>
                            </ActionForm>
                        })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
