//! The manager report, `/reports?from=&to=`: every open or closed event in a date range, the
//! per-rep leaderboard, attendance and show rate by month, and goal attainment by team. The range
//! is a plain GET form; each table has its CSV file for the same range.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::reports::{manager_report, ManagerReportDto};
use crate::components::{general_error, use_lang};
use crate::pages::report::{rate_text, team_name, Meter, RepTable, SectionHead, Tile};

#[component]
pub fn ManagerReportPage() -> impl IntoView {
    let query = use_query_map();
    let range = move || {
        let q = query.read();
        (q.get("from"), q.get("to"))
    };
    let data = Resource::new(range, |(from, to)| manager_report(from, to));
    let lang = use_lang();
    view! {
        <Title text=tr!(lang, "reports-title") />
        <div class="page-head">
            <h1>{tr!(lang, "reports-title")}</h1>
        </div>
        <Suspense fallback=move || view! { <p class="muted">{tr!(lang, "common-loading")}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(report) => view! { <ManagerReportView report /> }.into_any(),
                    Err(err) => view! {
                        <RangeForm from=range().0.unwrap_or_default() to=range().1.unwrap_or_default() />
                        <p class="notice" role="alert">
                            {match &err {
                                crate::error::AppError::Validation(errors) => errors
                                    .iter()
                                    .map(|e| crate::i18n::word(lang, &e.message))
                                    .collect::<Vec<_>>()
                                    .join(" "),
                                other => general_error(lang, other).unwrap_or_default(),
                            }}
                        </p>
                    }
                        .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RangeForm(from: String, to: String) -> impl IntoView {
    let lang = use_lang();
    view! {
        <form class="card filters" method="get" action="/reports" id="range">
            <div class="field">
                <label for="range-from">{tr!(lang, "reports-from")}</label>
                <input id="range-from" type="date" name="from" value=from />
            </div>
            <div class="field">
                <label for="range-to">{tr!(lang, "reports-to")}</label>
                <input id="range-to" type="date" name="to" value=to />
            </div>
            <div class="filter-actions">
                <button type="submit" class="button button-primary">{tr!(lang, "reports-show")}</button>
            </div>
        </form>
    }
}

#[component]
fn ManagerReportView(report: ManagerReportDto) -> impl IntoView {
    let lang = use_lang();
    let range = format!("from={}&to={}", report.from, report.to);
    let csv = move |table: &str| format!("/reports/{table}.csv?{range}");
    let accepted: u64 = report.events.iter().map(|e| e.accepted).sum();
    let attended: u64 = report.events.iter().map(|e| e.attended).sum();
    let no_shows: u64 = report.events.iter().map(|e| e.no_shows).sum();
    let meetings: u64 = report.events.iter().map(|e| e.meetings).sum();
    view! {
        <RangeForm from=report.from.clone() to=report.to.clone() />
        <div class="tiles" aria-label=tr!(lang, "report-summary")>
            <Tile label=tr!(lang, "reports-events").to_string() value=report.events.len().to_string() id="stat-events" />
            <Tile label=tr!(lang, "report-accepted").to_string() value=accepted.to_string() id="stat-accepted" />
            <Tile label=tr!(lang, "report-checked-in").to_string() value=attended.to_string() id="stat-checked-in" />
            <Tile label=tr!(lang, "report-show-rate").to_string() value=rate_text(report.show_rate) id="stat-show-rate" />
            <Tile label=tr!(lang, "report-no-shows").to_string() value=no_shows.to_string() id="stat-no-shows" />
            <Tile label=tr!(lang, "report-meetings").to_string() value=meetings.to_string() id="stat-meetings" />
        </div>
        {if report.events.is_empty() {
            view! {
                <div class="empty-state card">
                    <p>{tr!(lang, "report-no-events")}</p>
                </div>
            }
                .into_any()
        } else {
            view! {
                <section class="card report-section" id="leaderboard" aria-labelledby="leaderboard-title">
                    <div class="section-head">
                        <h2 id="leaderboard-title">{tr!(lang, "reports-leaderboard")}</h2>
                        <crate::components::ExportLink href=csv("leaderboard") />
                    </div>
                    <figure class="chart" inner_html=report.leaderboard_chart.clone()></figure>
                    <RepTable rows=report.leaderboard.clone() with_open=true />
                </section>

                <section class="card report-section" id="trend" aria-labelledby="trend-title">
                    <div class="section-head">
                        <h2 id="trend-title">{tr!(lang, "report-trend")}</h2>
                        <crate::components::ExportLink href=csv("trend") />
                    </div>
                    <figure class="chart" inner_html=report.trend_chart.clone()></figure>
                    <div class="table-wrap">
                        <table class="table compact">
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(lang, "reports-month")}</th>
                                    <th scope="col" class="num">{tr!(lang, "reports-events")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-accepted")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-attended")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-no-shows")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-show-rate")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report
                                    .trend
                                    .iter()
                                    .map(|p| view! {
                                        <tr>
                                            <th scope="row">{p.month.clone()}</th>
                                            <td class="num">{p.events}</td>
                                            <td class="num">{p.accepted}</td>
                                            <td class="num">{p.attended}</td>
                                            <td class="num">{p.no_shows}</td>
                                            <td class="num">{rate_text(p.show_rate)}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>

                <section class="card report-section" id="teams" aria-labelledby="teams-title">
                    <div class="section-head">
                        <h2 id="teams-title">{tr!(lang, "reports-goals-by-team")}</h2>
                        <crate::components::ExportLink href=csv("teams") />
                    </div>
                    {if report.teams.is_empty() {
                        view! { <p class="muted">{tr!(lang, "report-no-goals")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="table-wrap">
                                <table class="table compact">
                                    <thead>
                                        <tr>
                                            <th scope="col">{tr!(lang, "goals-team")}</th>
                                            <th scope="col" class="num">{tr!(lang, "reports-goals")}</th>
                                            <th scope="col" class="num">{tr!(lang, "reports-goals-met")}</th>
                                            <th scope="col">{tr!(lang, "reports-average-attainment")}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {report
                                            .teams
                                            .iter()
                                            .map(|t| view! {
                                                <tr>
                                                    <th scope="row">{team_name(lang, t.team)}</th>
                                                    <td class="num">{t.goals}</td>
                                                    <td class="num">{t.met}</td>
                                                    <td><Meter percent=t.average_percent /></td>
                                                </tr>
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }}
                </section>

                <section class="card report-section" id="events" aria-labelledby="events-title">
                    <SectionHead title=tr!(lang, "reports-events").to_string() csv=csv("events") />
                    <div class="table-wrap">
                        <table class="table compact">
                            <thead>
                                <tr>
                                    <th scope="col">{tr!(lang, "col-title")}</th>
                                    <th scope="col">{tr!(lang, "col-when")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-accepted")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-attended")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-show-rate")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-meetings")}</th>
                                    <th scope="col" class="num">{tr!(lang, "report-pipeline")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {report
                                    .events
                                    .iter()
                                    .map(|e| view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/events/{}/report", e.id)>{e.title.clone()}</a>
                                            </th>
                                            <td>{e.when.clone()}</td>
                                            <td class="num">{e.accepted}</td>
                                            <td class="num">{e.attended}</td>
                                            <td class="num">{rate_text(e.show_rate)}</td>
                                            <td class="num">{e.meetings}</td>
                                            <td class="num">{e.pipeline.clone()}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            }
                .into_any()
        }}
    }
}
