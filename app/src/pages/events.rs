//! The events list: upcoming, past, mine or all — drafts included, for every role.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::events::list_events;
use crate::components::{use_lang, use_user, KindChip, StatusChip};
use crate::i18n::t;
use crate::pages::errors::ErrorView;

const FILTERS: [(&str, &str); 4] = [
    ("upcoming", k!("events-upcoming")),
    ("past", k!("events-past")),
    ("mine", k!("events-mine")),
    ("all", k!("events-all")),
];

#[component]
pub fn EventsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let filter = move || {
        let value = query.read().get("filter").unwrap_or_default();
        if FILTERS.iter().any(|(f, _)| *f == value) {
            value
        } else {
            "upcoming".to_string()
        }
    };
    let events = Resource::new(filter, list_events);
    let user = use_user();

    view! {
        <Title text=tr!(lang, "events-title") />
        <div class="page-head">
            <h1>{tr!(lang, "events-title")}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let can_create = matches!(
                        user.await, Ok(Some(u)) if u.role.can_edit_events()
                    );
                    can_create
                        .then(|| {
                            view! {
                                <a class="button button-primary" href="/events/new">
                                    {tr!(lang, "nav-new-event")}
                                </a>
                            }
                        })
                })}
            </Suspense>
        </div>
        <HomePanels />
        <nav class="tabs" aria-label="Filter">
            {FILTERS
                .iter()
                .map(|(value, key)| {
                    let value = *value;
                    view! {
                        <a
                            href=format!("/?filter={value}")
                            class="tab"
                            aria-current=move || (filter() == value).then_some("page")
                        >
                            {t(lang, key)}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                let can_create = matches!(user.await, Ok(Some(u)) if u.role.can_edit_events());
                match events.await {
                    Err(error) => view! { <ErrorView error /> }.into_any(),
                    Ok(list) if list.is_empty() => {
                        let text = if can_create { k!("events-empty-create") } else { k!("events-empty") };
                        view! {
                            <div class="empty-state card">
                                <p>{t(lang, text)}</p>
                                {can_create
                                    .then(|| {
                                        view! {
                                            <a class="button button-primary" href="/events/new">
                                                {tr!(lang, "nav-new-event")}
                                            </a>
                                        }
                                    })}
                            </div>
                        }
                            .into_any()
                    }
                    Ok(list) => {
                        let count = list.len();
                        view! {
                            <div class="table-wrap card">
                                <table class="table">
                                    <caption class="table-count">
                                        {format!("{count} {}", tr!(lang, "events-count"))}
                                    </caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">{tr!(lang, "col-title")}</th>
                                            <th scope="col">{tr!(lang, "col-when")}</th>
                                            <th scope="col">{tr!(lang, "col-place")}</th>
                                            <th scope="col">{tr!(lang, "col-status")}</th>
                                            <th scope="col" class="hide-narrow">
                                                {tr!(lang, "col-owner")}
                                            </th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|event| {
                                                view! {
                                                    <tr>
                                                        <td data-label=tr!(lang, "col-title")>
                                                            <a class="row-link" href=format!("/events/{}", event.id)>
                                                                {event.title}
                                                            </a>
                                                            " "
                                                            <KindChip kind=event.kind />
                                                        </td>
                                                        <td data-label=tr!(lang, "col-when")>
                                                            <div>{event.when}</div>
                                                            <div class="muted small">{event.starts_in}</div>
                                                        </td>
                                                        <td data-label=tr!(lang, "col-place")>{event.place}</td>
                                                        <td data-label=tr!(lang, "col-status")>
                                                            <StatusChip status=event.status />
                                                        </td>
                                                        <td class="hide-narrow" data-label=tr!(lang, "col-owner")>
                                                            {event.owner_name}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// What needs the signed-in user: decisions on their nominations and their open tasks.
#[component]
fn HomePanels() -> impl IntoView {
    use crate::api::plan::{get_home, SetTaskDone};
    use crate::pages::event_guests::NominationChip;
    use crate::pages::event_plan::task_view;
    let lang = use_lang();
    let toggle = ServerAction::<SetTaskDone>::new();
    let home = Resource::new(move || toggle.version().get(), |_| get_home());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(home) = home.await else { return ().into_any() };
                // from the home data itself: one more Suspense awaiting the shared user resource
                // made the rare hung server render (see ARCHITECTURE.md) likelier
                let is_rep = home.is_rep;
                if home.decisions.is_empty() && home.tasks.is_empty() && home.news.is_empty() && !is_rep {
                    return ().into_any();
                }
                let news = home.news.clone();
                view! {
                    <div class="home-panels">
                        {(is_rep || !news.is_empty()).then(|| view! {
                            <section class="card" id="my-news">
                                <h2>{tr!(lang, "news-title")}</h2>
                                {if news.is_empty() {
                                    view! { <p class="muted">{tr!(lang, "news-empty")}</p> }.into_any()
                                } else {
                                    view! {
                                        <ul class="news">
                                            {news.iter().map(|n| view! {
                                                <li>
                                                    <a href=format!("/events/{}#guests", n.event_id)>{n.text.clone()}</a>
                                                    <time datetime=n.at.clone()>{n.when.clone()}</time>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                        })}
                        {(!home.decisions.is_empty()).then(|| view! {
                            <section class="card" id="my-decisions">
                                <h2>{tr!(lang, "home-decisions")}</h2>
                                <ul class="decisions">
                                    {home.decisions.iter().map(|d| view! {
                                        <li>
                                            <NominationChip state=d.state />
                                            " "
                                            <strong>{d.contact_name.clone()}</strong>
                                            " · "
                                            <a href=format!("/events/{}#guests", d.event_id)>{d.event_title.clone()}</a>
                                            {d.reason.clone().map(|r| view! { <div class="small decision-reason">{tr!(lang, "decide-reason-shown")} ": " {r}</div> })}
                                            <div class="muted small">{d.when.clone()}</div>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            </section>
                        })}
                        {(!home.tasks.is_empty()).then(|| view! {
                            <section class="card" id="my-tasks">
                                <h2>{tr!(lang, "home-tasks")}</h2>
                                <ul class="tasks">
                                    {home.tasks.iter().map(|task| task_view(lang, task, toggle, true)).collect_view()}
                                </ul>
                            </section>
                        })}
                    </div>
                }.into_any()
            })}
        </Suspense>
    }
}
