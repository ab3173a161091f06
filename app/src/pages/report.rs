//! The event report, `/events/:id/report`: the funnel, show rate, goal attainment, a per-rep
//! table and the target accounts that came. Each chart is SVG drawn on the server with its text
//! alternative, beside a table of the same numbers; each table has its CSV file.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::reports::{event_report, EventReportDto, RepRowDto};
use crate::components::{general_error, use_id_param, use_lang, ExportLink, StatusChip};
use crate::i18n::Lang;

/// "67 %" or "–" when nobody accepted yet.
pub fn rate_text(rate: Option<u8>) -> String {
    rate.map(|r| format!("{r} %"))
        .unwrap_or_else(|| "–".to_string())
}

#[component]
pub fn EventReportPage() -> impl IntoView {
    let id = use_id_param();
    let data = Resource::new(move || id.get(), event_report);
    let lang = use_lang();
    view! {
        <Title text=tr!(lang, "report-title") />
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(report) => view! { <EventReportView report /> }.into_any(),
                    Err(err) => view! { <p class="notice">{general_error(lang, &err)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A figure in a tile: the number large, its name below.
#[component]
pub fn Tile(label: String, value: String, #[prop(optional)] id: &'static str) -> impl IntoView {
    let long = value.chars().count() > 10;
    view! {
        <div class="tile" class:tile-long=long id=(!id.is_empty()).then_some(id)>
            <span class="tile-value">{value}</span>
            <span class="tile-label">{label}</span>
        </div>
    }
}

/// The head of a report section: its title and the CSV link of its table.
#[component]
pub fn SectionHead(title: String, csv: String) -> impl IntoView {
    view! {
        <div class="section-head">
            <h2>{title}</h2>
            <ExportLink href=csv />
        </div>
    }
}

#[component]
fn EventReportView(report: EventReportDto) -> impl IntoView {
    let lang = use_lang();
    let id = report.event_id;
    let csv = move |table: &str| format!("/events/{id}/report/{table}.csv");
    let stats = [
        (
            "report-checked-in",
            report.checked_in.to_string(),
            "stat-checked-in",
        ),
        (
            "report-show-rate",
            rate_text(report.show_rate),
            "stat-show-rate",
        ),
        (
            "report-no-shows",
            report.no_shows.to_string(),
            "stat-no-shows",
        ),
        (
            "report-meetings",
            report.meetings.to_string(),
            "stat-meetings",
        ),
        ("report-pipeline", report.pipeline.clone(), "stat-pipeline"),
    ];
    let beside = [
        ("report-declined", report.declined),
        ("report-waitlisted", report.waitlisted),
        ("report-no-shows", report.no_shows),
        ("report-walk-ins", report.walk_ins),
    ];
    view! {
        <div class="page-head">
            <div>
                <p class="breadcrumb">
                    <a href=format!("/events/{id}")>{report.title.clone()}</a>
                </p>
                <h1>{tr!(lang, "report-heading", title = report.title.clone())}</h1>
                <p class="muted">{report.when.clone()} " " <StatusChip status=report.status /></p>
            </div>
            <a class="button" href="/reports">{tr!(lang, "report-all-events")}</a>
        </div>
        {(!report.settled).then(|| view! {
            <p class="notice" id="not-settled">{tr!(lang, "report-not-settled")}</p>
        })}
        <div class="tiles" aria-label=tr!(lang, "report-summary")>
            {stats
                .into_iter()
                .map(|(key, value, tile)| view! { <Tile label=crate::i18n::t(lang, key).to_string() value id=tile /> })
                .collect_view()}
        </div>

        <section class="card report-section" id="funnel" aria-labelledby="funnel-title">
            <div class="section-head">
                <h2 id="funnel-title">{tr!(lang, "report-funnel")}</h2>
                <ExportLink href=csv("funnel") />
            </div>
            <div class="chart-with-table">
                <figure class="chart" inner_html=report.funnel_chart.clone()></figure>
                <table class="table compact">
                    <caption class="visually-hidden">{tr!(lang, "report-funnel")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr!(lang, "report-stage")}</th>
                            <th scope="col" class="num">{tr!(lang, "report-count")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {report
                            .funnel
                            .iter()
                            .map(|(stage, n)| view! {
                                <tr>
                                    <th scope="row">{stage.clone()}</th>
                                    <td class="num">{*n}</td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <dl class="beside">
                {beside
                    .into_iter()
                    .map(|(key, n)| view! {
                        <div>
                            <dt>{crate::i18n::t(lang, key).to_string()}</dt>
                            <dd>{n}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        </section>

        <section class="card report-section" id="goals" aria-labelledby="goals-title">
            <div class="section-head">
                <h2 id="goals-title">{tr!(lang, "report-goals")}</h2>
                <ExportLink href=csv("goals") />
            </div>
            {if report.goals.is_empty() {
                view! { <p class="muted">{tr!(lang, "report-no-goals")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table compact">
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(lang, "goals-metric")}</th>
                                    <th scope="col">{tr!(lang, "goals-team")}</th>
                                    <th scope="col" class="num">{tr!(lang, "goals-target")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-reached")}</th>
                                    <th scope="col">{tr!(lang, "report-attainment")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report
                                    .goals
                                    .iter()
                                    .map(|g| {
                                        let unit = if g.metric.is_percent() { " %" } else { "" };
                                        let number = |n: u64| crate::i18n::format_number(lang, n as i64);
                                        view! {
                                            <tr>
                                                <th scope="row">{crate::i18n::t(lang, g.metric.label_key()).to_string()}</th>
                                                <td>{team_name(lang, g.team)}</td>
                                                <td class="num">{format!("{}{unit}", number(g.target))}</td>
                                                <td class="num">{format!("{}{unit}", number(g.value))}</td>
                                                <td><Meter percent=g.percent /></td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>

        <section class="card report-section" id="per-rep" aria-labelledby="reps-title">
            <div class="section-head">
                <h2 id="reps-title">{tr!(lang, "report-per-rep")}</h2>
                <ExportLink href=csv("reps") />
            </div>
            {if report.reps.is_empty() {
                view! { <p class="muted">{tr!(lang, "report-no-nominations")}</p> }.into_any()
            } else {
                view! {
                    <figure class="chart" inner_html=report.reps_chart.clone()></figure>
                    <RepTable rows=report.reps.clone() with_open=false />
                }
                    .into_any()
            }}
        </section>

        <section class="card report-section" id="target-accounts" aria-labelledby="accounts-title">
            <div class="section-head">
                <h2 id="accounts-title">{tr!(lang, "report-target-accounts")}</h2>
                <ExportLink href=csv("accounts") />
            </div>
            {if report.target_accounts.is_empty() {
                view! { <p class="muted">{tr!(lang, "report-no-target-accounts")}</p> }.into_any()
            } else {
                view! {
                    <ul class="pill-list">
                        {report
                            .target_accounts
                            .iter()
                            .map(|a| view! { <li>{a.clone()}</li> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// A share reached, 0–100: a small bar and the number.
#[component]
pub fn Meter(percent: u8) -> impl IntoView {
    view! {
        <span class="meter" aria-hidden="true">
            <span style=format!("width:{percent}%")></span>
        </span>
        {format!(" {percent} %")}
    }
}

pub fn team_name(lang: Lang, team: crate::domain::Team) -> String {
    match team {
        crate::domain::Team::Marketing => tr!(lang, "role-marketing").to_string(),
        crate::domain::Team::Sales => tr!(lang, "role-sales").to_string(),
    }
}

/// The per-rep table of both reports; the manager report adds the open follow-ups.
#[component]
pub fn RepTable(rows: Vec<RepRowDto>, with_open: bool) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="table-wrap">
            <table class="table compact rep-table">
                <thead>
                    <tr>
                        <th scope="col">{tr!(lang, "report-rep")}</th>
                        <th scope="col" class="num">{tr!(lang, "funnel-nominated")}</th>
                        <th scope="col" class="num">{tr!(lang, "funnel-approved")}</th>
                        <th scope="col" class="num">{tr!(lang, "funnel-accepted")}</th>
                        <th scope="col" class="num">{tr!(lang, "funnel-attended")}</th>
                        <th scope="col" class="num">{tr!(lang, "report-show-rate")}</th>
                        <th scope="col" class="num">{tr!(lang, "report-meetings")}</th>
                        <th scope="col" class="num">{tr!(lang, "report-pipeline")}</th>
                        {with_open.then(|| view! {
                            <th scope="col" class="num">{tr!(lang, "report-open-follow-ups")}</th>
                        })}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| view! {
                            <tr data-rep=r.name.clone()>
                                <th scope="row" data-label=tr!(lang, "report-rep")>{r.name.clone()}</th>
                                <td class="num" data-label=tr!(lang, "funnel-nominated")>{r.nominated}</td>
                                <td class="num" data-label=tr!(lang, "funnel-approved")>{r.approved}</td>
                                <td class="num" data-label=tr!(lang, "funnel-accepted")>{r.accepted}</td>
                                <td class="num" data-label=tr!(lang, "funnel-attended")>{r.attended}</td>
                                <td class="num" data-label=tr!(lang, "report-show-rate")>{rate_text(r.show_rate)}</td>
                                <td class="num" data-label=tr!(lang, "report-meetings")>{r.meetings}</td>
                                <td class="num" data-label=tr!(lang, "report-pipeline")>{r.pipeline.clone()}</td>
                                {with_open.then(|| view! {
                                    <td class="num" data-label=tr!(lang, "report-open-follow-ups")>{r.open_follow_ups}</td>
                                })}
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
