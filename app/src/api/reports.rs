//! The reports and the follow-ups: the event report, the manager report over a date range, each
//! rep's follow-up list and the outcome form. Figures come from `domain::report`; the charts are
//! SVG drawn on the server (`ssr::charts`), sent as text and shown beside a table of the same
//! numbers.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::dto::GoalRow;
use crate::domain::{Attendance, EventStatus, OutcomeInput, OutcomeKind};
use crate::error::AppError;

/// One rep's row of a report table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepRowDto {
    pub rep_id: i32,
    pub name: String,
    pub nominated: u64,
    pub approved: u64,
    pub accepted: u64,
    pub attended: u64,
    pub no_shows: u64,
    pub show_rate: Option<u8>,
    pub meetings: u64,
    /// the pipeline in words, e.g. "EUR 20,000 · USD 5,000"
    pub pipeline: String,
    pub open_follow_ups: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventReportDto {
    pub event_id: i32,
    pub title: String,
    pub status: EventStatus,
    pub when: String,
    /// attendance is settled: no-shows are final
    pub settled: bool,
    /// the funnel's stages, worded, in order
    pub funnel: Vec<(String, u64)>,
    pub declined: u64,
    pub waitlisted: u64,
    pub no_shows: u64,
    pub walk_ins: u64,
    pub checked_in: u64,
    pub show_rate: Option<u8>,
    pub meetings: u64,
    pub pipeline: String,
    pub reps: Vec<RepRowDto>,
    pub goals: Vec<GoalRow>,
    pub target_accounts: Vec<String>,
    pub funnel_chart: String,
    pub reps_chart: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendRowDto {
    pub month: String,
    pub events: u64,
    pub accepted: u64,
    pub attended: u64,
    pub no_shows: u64,
    pub show_rate: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLineDto {
    pub id: i32,
    pub title: String,
    pub when: String,
    pub accepted: u64,
    pub attended: u64,
    pub no_shows: u64,
    pub show_rate: Option<u8>,
    pub meetings: u64,
    pub pipeline: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRowDto {
    pub team: crate::domain::Team,
    pub goals: u64,
    pub met: u64,
    pub average_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagerReportDto {
    /// the range as `YYYY-MM-DD`, for the form and the CSV links
    pub from: String,
    pub to: String,
    pub events: Vec<EventLineDto>,
    pub leaderboard: Vec<RepRowDto>,
    pub trend: Vec<TrendRowDto>,
    pub teams: Vec<TeamRowDto>,
    /// accepted guests who came, over all events in the range
    pub show_rate: Option<u8>,
    pub trend_chart: String,
    pub leaderboard_chart: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeDto {
    pub kind: OutcomeKind,
    /// `YYYY-MM-DD` for the form; `meeting_words` for people
    pub meeting_on: Option<String>,
    pub meeting_words: Option<String>,
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// the outcome in words: "Meeting booked for 3 Dec 2026", "Opportunity: EUR 20,000"
    pub summary: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpRowDto {
    pub guest_id: i32,
    pub event_id: i32,
    pub event_title: String,
    pub event_when: String,
    pub name: String,
    pub company: Option<String>,
    pub rep_name: String,
    pub attendance: Attendance,
    pub overdue: bool,
    pub outcome: Option<OutcomeDto>,
    pub can_record: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpsDto {
    /// whose list this is; `None` for the managers' "open a week after the event" view
    pub rep: Option<i32>,
    /// the reps the reader may choose from (empty for a rep, who sees their own)
    pub reps: Vec<(i32, String)>,
    pub rows: Vec<FollowUpRowDto>,
    /// the currency the opportunity field offers first
    pub currency: String,
}

#[cfg(feature = "ssr")]
mod present {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::{Pipeline, RepFigures};
    use crate::i18n::{format_amount, t, Lang};
    use crate::ssr::entities::user;

    pub fn pipeline(lang: Lang, pipeline: &Pipeline) -> String {
        if pipeline.is_empty() {
            return "–".to_string();
        }
        pipeline
            .iter()
            .map(|(currency, amount)| format_amount(lang, *amount, currency))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    pub fn rep_row(lang: Lang, people: &HashMap<i32, user::Model>, r: &RepFigures) -> RepRowDto {
        RepRowDto {
            rep_id: r.rep,
            name: people
                .get(&r.rep)
                .map(|u| u.name.clone())
                .unwrap_or_else(|| t(lang, "report-former-user").to_string()),
            nominated: r.nominated,
            approved: r.approved,
            accepted: r.accepted,
            attended: r.attended,
            no_shows: r.no_shows,
            show_rate: r.show_rate(),
            meetings: r.meetings,
            pipeline: pipeline(lang, &r.pipeline),
            open_follow_ups: r.open_follow_ups,
        }
    }

    /// "12 nominated, 9 approved, …" — the text alternative of a bar chart.
    pub fn alt_text(title: &str, rows: &[(String, u64)]) -> String {
        let parts: Vec<String> = rows.iter().map(|(l, v)| format!("{l}: {v}")).collect();
        format!("{title}. {}.", parts.join(", "))
    }
}

#[server(prefix = "/api", endpoint = "event_report")]
pub async fn event_report(event_id: i32) -> Result<EventReportDto, AppError> {
    use crate::i18n::t;
    use crate::ssr::auth::*;
    use crate::ssr::charts;
    use crate::ssr::present::events::tz_of;
    use crate::ssr::services::ReportService;
    crate::api::finish(
        async {
            let user = require_user().await?;
            let lang = crate::current_language();
            let report =
                ReportService::event(&state()?.db, &user, event_id, chrono::Utc::now()).await?;
            let f = &report.figures;
            let funnel: Vec<(String, u64)> = f
                .funnel
                .stages()
                .iter()
                .map(|(key, n)| (t(lang, key).to_string(), *n))
                .collect();
            let reps: Vec<RepRowDto> = f
                .reps
                .iter()
                .map(|r| present::rep_row(lang, &report.people, r))
                .collect();
            let attended: Vec<(String, u64)> =
                reps.iter().map(|r| (r.name.clone(), r.attended)).collect();
            let funnel_title = t(lang, "report-funnel");
            let reps_title = t(lang, "report-attended-by-rep");
            Ok(EventReportDto {
                event_id,
                title: report.event.title.clone(),
                status: report.event.status,
                when: crate::i18n::format_local(
                    lang,
                    &report.event.starts_local,
                    tz_of(&report.event),
                ),
                settled: report.settled,
                funnel_chart: charts::bars(&funnel, &present::alt_text(funnel_title, &funnel)),
                reps_chart: charts::bars(&attended, &present::alt_text(reps_title, &attended)),
                funnel,
                declined: f.declined,
                waitlisted: f.waitlisted,
                no_shows: f.no_shows,
                walk_ins: f.walk_ins,
                checked_in: f.checked_in(),
                show_rate: f.show_rate(),
                meetings: f.meetings,
                pipeline: present::pipeline(lang, &f.pipeline),
                reps,
                goals: report
                    .goals
                    .iter()
                    .map(|(g, metric, team, p)| GoalRow {
                        id: g.id,
                        metric: *metric,
                        team: *team,
                        note: g.note.clone(),
                        proposed_by: String::new(),
                        value: p.value,
                        target: p.target,
                        percent: p.percent,
                    })
                    .collect(),
                target_accounts: report.target_accounts.clone(),
            })
        }
        .await,
    )
}

/// The manager report from `from` to `to` (`YYYY-MM-DD`, both included). Without them: the last
/// twelve months up to today.
#[server(prefix = "/api", endpoint = "manager_report")]
pub async fn manager_report(
    from: Option<String>,
    to: Option<String>,
) -> Result<ManagerReportDto, AppError> {
    use crate::i18n::{format_month, t};
    use crate::ssr::auth::*;
    use crate::ssr::charts;
    use crate::ssr::present::events::tz_of;
    use crate::ssr::services::ReportService;
    use chrono::NaiveDate;
    crate::api::finish(
        async {
            let user = require_user().await?;
            let lang = crate::current_language();
            let now = chrono::Utc::now();
            let today = now.date_naive();
            let parse = |field: &str, value: &Option<String>, default: NaiveDate| match value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                None => Ok(default),
                Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    AppError::Validation(vec![crate::domain::FieldError::new(
                        field,
                        msg!("report-date-invalid"),
                    )])
                }),
            };
            let (default_from, default_to) = crate::ssr::services::reports::default_range(today);
            let from = parse("from", &from, default_from)?;
            let to = parse("to", &to, default_to)?;
            let report = ReportService::manager(&state()?.db, &user, from, to, now).await?;
            let leaderboard: Vec<RepRowDto> = report
                .leaderboard
                .iter()
                .map(|r| present::rep_row(lang, &report.people, r))
                .collect();
            let trend: Vec<TrendRowDto> = report
                .trend
                .iter()
                .map(|p| TrendRowDto {
                    month: format_month(lang, &p.month),
                    events: p.events,
                    accepted: p.accepted,
                    attended: p.attended,
                    no_shows: p.no_shows,
                    show_rate: p.show_rate(),
                })
                .collect();
            let points: Vec<(String, u64, u64)> = trend
                .iter()
                .map(|p| (p.month.clone(), p.accepted, p.attended))
                .collect();
            let accepted = t(lang, "report-accepted");
            let attended = t(lang, "report-attended");
            let trend_alt = if trend.is_empty() {
                t(lang, "report-no-events").to_string()
            } else {
                let parts: Vec<String> = trend
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: {accepted} {}, {attended} {}",
                            p.month, p.accepted, p.attended
                        )
                    })
                    .collect();
                format!("{}. {}.", t(lang, "report-trend"), parts.join("; "))
            };
            let top: Vec<(String, u64)> = leaderboard
                .iter()
                .take(10)
                .map(|r| (r.name.clone(), r.attended))
                .collect();
            let board_title = t(lang, "report-attended-by-rep");
            Ok(ManagerReportDto {
                from: report.from.format("%Y-%m-%d").to_string(),
                to: report.to.format("%Y-%m-%d").to_string(),
                show_rate: crate::domain::percent(
                    report.trend.iter().map(|p| p.settled_attended).sum(),
                    report.trend.iter().map(|p| p.settled_accepted).sum(),
                ),
                trend_chart: charts::trend(&points, (accepted, attended), &trend_alt),
                leaderboard_chart: charts::bars(&top, &present::alt_text(board_title, &top)),
                events: report
                    .events
                    .iter()
                    .map(|(e, f)| EventLineDto {
                        id: e.id,
                        title: e.title.clone(),
                        when: crate::i18n::format_local(lang, &e.starts_local, tz_of(e)),
                        accepted: f.funnel.accepted,
                        attended: f.checked_in(),
                        no_shows: f.no_shows,
                        show_rate: f.show_rate(),
                        meetings: f.meetings,
                        pipeline: present::pipeline(lang, &f.pipeline),
                    })
                    .collect(),
                leaderboard,
                trend,
                teams: report
                    .teams
                    .iter()
                    .map(|t| TeamRowDto {
                        team: t.team,
                        goals: t.goals,
                        met: t.met,
                        average_percent: t.average_percent,
                    })
                    .collect(),
            })
        }
        .await,
    )
}

/// The follow-up list: `rep`'s attendees and no-shows; without `rep`, a rep's own list, and for
/// managers, marketing and admins every follow-up still open a week after its event.
#[server(prefix = "/api", endpoint = "follow_ups")]
pub async fn follow_ups(rep: Option<i32>) -> Result<FollowUpsDto, AppError> {
    use crate::domain::{can_read_follow_ups_of, can_record_outcome, OutcomeKind};
    use crate::i18n::{format_amount, format_day, t, t_args};
    use crate::ssr::auth::*;
    use crate::ssr::present::events::tz_of;
    use crate::ssr::services::follow_ups::{FollowUpScope, FollowUpService};
    use crate::ssr::services::reports::reporting_currency;
    use crate::ssr::services::UserService;
    crate::api::finish(
        async {
            let user = require_user().await?;
            let lang = crate::current_language();
            let db = &state()?.db;
            let manages = can_read_follow_ups_of(user.role, user.id, -1);
            let scope = match rep {
                Some(rep) => FollowUpScope::Rep(rep),
                None if manages => FollowUpScope::Overdue,
                None => FollowUpScope::Rep(user.id),
            };
            let rows = FollowUpService::list(db, &user, scope, chrono::Utc::now()).await?;
            let reps = if manages {
                FollowUpService::reps(db, &user)
                    .await?
                    .into_iter()
                    .map(|u| (u.id, u.name))
                    .collect()
            } else {
                Vec::new()
            };
            let people = UserService::names(db, rows.iter().map(|r| r.guest.nominated_by)).await?;
            Ok(FollowUpsDto {
                rep: match scope {
                    FollowUpScope::Rep(rep) => Some(rep),
                    FollowUpScope::Overdue => None,
                },
                reps,
                currency: reporting_currency().to_string(),
                rows: rows
                    .into_iter()
                    .map(|r| {
                        let outcome = r.outcome.as_ref().and_then(|o| {
                            let kind = OutcomeKind::parse(&o.kind)?;
                            let meeting_words = o.meeting_on.map(|d| format_day(lang, &d));
                            let summary = match kind {
                                OutcomeKind::Meeting => t_args(
                                    lang,
                                    "outcome-summary-meeting",
                                    &[("date", meeting_words.clone().unwrap_or_default().into())],
                                ),
                                OutcomeKind::Opportunity => t_args(
                                    lang,
                                    "outcome-summary-opportunity",
                                    &[(
                                        "amount",
                                        format_amount(
                                            lang,
                                            o.amount.unwrap_or(0),
                                            o.currency.as_deref().unwrap_or(""),
                                        )
                                        .into(),
                                    )],
                                ),
                                OutcomeKind::NoInterest => t(lang, kind.label_key()).to_string(),
                            };
                            Some(OutcomeDto {
                                kind,
                                meeting_on: o.meeting_on.map(|d| d.format("%Y-%m-%d").to_string()),
                                meeting_words,
                                amount: o.amount,
                                currency: o.currency.clone(),
                                summary,
                                note: o.note.clone(),
                            })
                        });
                        FollowUpRowDto {
                            guest_id: r.guest.id,
                            event_id: r.event.id,
                            event_title: r.event.title.clone(),
                            event_when: crate::i18n::format_local(
                                lang,
                                &r.event.starts_local,
                                tz_of(&r.event),
                            ),
                            name: r.contact.full_name(),
                            company: r.account.clone(),
                            rep_name: people
                                .get(&r.guest.nominated_by)
                                .map(|u| u.name.clone())
                                .unwrap_or_default(),
                            attendance: r.attendance,
                            overdue: r.overdue,
                            outcome,
                            can_record: can_record_outcome(
                                user.role,
                                user.id,
                                r.guest.nominated_by,
                            ),
                        }
                    })
                    .collect(),
            })
        }
        .await,
    )
}

/// Records what came of a guest; bad fields are named and change nothing.
#[server(prefix = "/api", endpoint = "record_outcome")]
pub async fn record_outcome(guest_id: i32, input: OutcomeInput) -> Result<(), AppError> {
    use crate::domain::OutcomeDraft;
    use crate::ssr::auth::*;
    use crate::ssr::services::FollowUpService;
    crate::api::finish(
        async {
            let user = require_user().await?;
            let draft = OutcomeDraft::parse(&input).map_err(AppError::Validation)?;
            FollowUpService::record(&state()?.db, &user, guest_id, &draft, chrono::Utc::now())
                .await?;
            Ok(())
        }
        .await,
    )
}
