//! The reports: what an event brought (funnel, show rate, goals, per rep, target accounts) and
//! what a run of events brought (leaderboard, monthly trend, goal attainment by team). The
//! figures are `domain::report`'s; this reads the rows it needs in a fixed number of queries,
//! however many guests there are, and writes the CSV files.
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::{
    attainment_by_team, attendance_settled, event_figures, goal_progress, leaderboard,
    monthly_trend, normalize_currency, EventFigures, EventStatus, GoalMetric, GoalProgress,
    RepFigures, ReportGuest, Team, TeamAttainment, TrendPoint,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{account, contact, event, goal, guest, outcome, user};
use crate::ssr::services::directory::write_csv;
use crate::ssr::services::page_reads::{self, EventGuest};
use crate::ssr::services::{EventService, UserService};

pub struct ReportService;

/// What the reports read of a guest row.
#[derive(Debug, sea_orm::FromQueryResult)]
struct GuestFacts {
    id: i32,
    event_id: i32,
    contact_id: i32,
    nominated_by: i32,
    state: crate::domain::NominationState,
    answer: crate::domain::Answer,
    checked_in_at: Option<DateTime<Utc>>,
    walk_in: bool,
    invited: bool,
    viewed: bool,
}

impl From<&EventGuest> for GuestFacts {
    fn from(g: &EventGuest) -> Self {
        GuestFacts {
            id: g.id,
            event_id: g.event_id,
            contact_id: g.contact_id,
            nominated_by: g.nominated_by,
            state: g.state,
            answer: g.answer,
            checked_in_at: g.checked_in_at,
            walk_in: g.walk_in,
            invited: g.invited,
            viewed: g.viewed,
        }
    }
}

/// The organisation's reporting currency (`TANDEM_CURRENCY`, default EUR): the pipeline goal
/// counts opportunities in it, and the outcome form offers it first. Other currencies are shown
/// beside it, never converted.
pub fn reporting_currency() -> &'static str {
    static CURRENCY: OnceLock<String> = OnceLock::new();
    CURRENCY.get_or_init(|| {
        std::env::var("TANDEM_CURRENCY")
            .ok()
            .and_then(|c| normalize_currency(&c))
            .unwrap_or_else(|| "EUR".to_string())
    })
}

/// The manager report's range when none is given: this month and the eleven before it.
pub fn default_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::{Datelike, Months};
    let from = (today - Months::new(11)).with_day(1).unwrap_or(today);
    (from, today)
}

/// One event's report.
pub struct EventReport {
    pub event: event::Model,
    pub settled: bool,
    pub figures: EventFigures,
    /// each goal with its team and progress
    pub goals: Vec<(goal::Model, GoalMetric, Team, GoalProgress)>,
    /// the reps of the per-rep table
    pub people: HashMap<i32, user::Model>,
    /// the target accounts with someone checked in, by name
    pub target_accounts: Vec<String>,
}

/// The manager report over a date range.
pub struct ManagerReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// the events in the range, oldest first, with their figures
    pub events: Vec<(event::Model, EventFigures)>,
    pub leaderboard: Vec<RepFigures>,
    pub trend: Vec<TrendPoint>,
    pub teams: Vec<TeamAttainment>,
    pub people: HashMap<i32, user::Model>,
}

/// Every team role reads the reports: both teams share one set of numbers.
fn can_read_reports(_actor: &CurrentUser) -> bool {
    true
}

impl ReportService {
    /// The guests of `events` as the reports see them, by event id: five queries whatever the
    /// number of guests (guests, outcomes, target accounts, their contacts, first check-ins).
    pub async fn guests_of(
        db: &DatabaseConnection,
        event_ids: &[i32],
    ) -> Result<HashMap<i32, Vec<ReportGuest>>, AppError> {
        let mut by_event: HashMap<i32, Vec<ReportGuest>> = HashMap::new();
        if event_ids.is_empty() {
            return Ok(by_event);
        }
        let guests: Vec<GuestFacts> = match event_ids {
            // the event page: its guest list shares this read (in the list's order; here by id)
            [event_id] => match page_reads::event_guests(db, *event_id).await {
                Some(rows) => {
                    let mut facts: Vec<GuestFacts> = rows?.iter().map(GuestFacts::from).collect();
                    facts.sort_by_key(|g| g.id);
                    facts
                }
                None => Self::guest_facts(db, event_ids).await?,
            },
            _ => Self::guest_facts(db, event_ids).await?,
        };
        let outcomes: HashMap<i32, crate::domain::Outcome> = outcome::Entity::find()
            .filter(outcome::Column::EventId.is_in(event_ids.to_vec()))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|o| Some((o.guest_id, o.outcome()?)))
            .collect();
        let target_accounts: Vec<i32> = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .filter(account::Column::TargetAccount.eq(true))
            .into_tuple::<i32>()
            .all(db)
            .await?;
        let target_contacts: HashMap<i32, i32> = if target_accounts.is_empty() {
            HashMap::new()
        } else {
            contact::Entity::find()
                .select_only()
                .column(contact::Column::Id)
                .column(contact::Column::AccountId)
                .filter(contact::Column::AccountId.is_in(target_accounts))
                .into_tuple::<(i32, Option<i32>)>()
                .all(db)
                .await?
                .into_iter()
                .filter_map(|(contact, account)| Some((contact, account?)))
                .collect()
        };
        let first_check_in = Self::first_check_ins(db, event_ids, &guests).await?;
        for g in guests {
            let first_attendance = g
                .checked_in_at
                .is_some_and(|at| first_check_in.get(&g.contact_id) == Some(&(at, g.id)));
            by_event.entry(g.event_id).or_default().push(ReportGuest {
                rep: g.nominated_by,
                state: g.state,
                invited: g.invited,
                viewed: g.viewed,
                answer: g.answer,
                checked_in: g.checked_in_at.is_some(),
                walk_in: g.walk_in,
                target_account: target_contacts.get(&g.contact_id).copied(),
                first_attendance,
                outcome: outcomes.get(&g.id).cloned(),
            });
        }
        Ok(by_event)
    }

    /// What the figures read of every guest of `event_ids`, by id.
    async fn guest_facts(
        db: &DatabaseConnection,
        event_ids: &[i32],
    ) -> Result<Vec<GuestFacts>, AppError> {
        // only the columns the figures need (decoding 50,000 whole rows costs more than the query)
        Ok(
            page_reads::with_fact_columns(guest::Entity::find().select_only())
                .filter(guest::Column::EventId.is_in(event_ids.to_vec()))
                .order_by_asc(guest::Column::Id)
                .into_model::<GuestFacts>()
                .all(db)
                .await?,
        )
    }

    /// For every contact checked in among `guests`: their first check-in at any event (time and
    /// guest id, so two check-ins at the same instant still have one first). The check-ins at
    /// `event_ids` are at hand; only those at other events are read.
    async fn first_check_ins(
        db: &DatabaseConnection,
        event_ids: &[i32],
        guests: &[GuestFacts],
    ) -> Result<HashMap<i32, (DateTime<Utc>, i32)>, AppError> {
        let mut first: HashMap<i32, (DateTime<Utc>, i32)> = HashMap::new();
        let mut keep = |contact: i32, at: DateTime<Utc>, id: i32| {
            let entry = first.entry(contact).or_insert((at, id));
            if (at, id) < *entry {
                *entry = (at, id);
            }
        };
        for g in guests {
            if let Some(at) = g.checked_in_at {
                keep(g.contact_id, at, g.id);
            }
        }
        let contacts: Vec<i32> = guests
            .iter()
            .filter(|g| g.checked_in_at.is_some())
            .map(|g| g.contact_id)
            .collect::<HashSet<i32>>()
            .into_iter()
            .collect();
        // in chunks that stay inside SQLite's parameter limit
        for chunk in contacts.chunks(10_000) {
            let rows = guest::Entity::find()
                .select_only()
                .column(guest::Column::ContactId)
                .column(guest::Column::CheckedInAt)
                .column(guest::Column::Id)
                .filter(guest::Column::CheckedInAt.is_not_null())
                .filter(guest::Column::EventId.is_not_in(event_ids.to_vec()))
                .filter(guest::Column::ContactId.is_in(chunk.to_vec()))
                .into_tuple::<(i32, Option<DateTime<Utc>>, i32)>()
                .all(db)
                .await?;
            for (contact, at, id) in rows {
                if let Some(at) = at {
                    keep(contact, at, id);
                }
            }
        }
        Ok(first)
    }

    /// The figures of one event as of `now`.
    pub async fn figures(
        db: &DatabaseConnection,
        event: &event::Model,
        now: DateTime<Utc>,
    ) -> Result<EventFigures, AppError> {
        let guests = Self::guests_of(db, &[event.id]).await?;
        Ok(event_figures(
            guests.get(&event.id).map(Vec::as_slice).unwrap_or_default(),
            attendance_settled(event.status, event.ends_at, now),
        ))
    }

    /// The goals of the events, each with its progress against its event's figures.
    fn goals_with_progress(
        goals: Vec<goal::Model>,
        figures: &HashMap<i32, &EventFigures>,
    ) -> Vec<(goal::Model, GoalMetric, Team, GoalProgress)> {
        let currency = reporting_currency();
        goals
            .into_iter()
            .filter_map(|g| {
                let metric = GoalMetric::parse(&g.metric)?;
                let team = Team::parse(&g.team)?;
                let facts = figures.get(&g.event_id)?.goal_facts(currency);
                let progress = goal_progress(metric, g.target.max(0) as u64, &facts);
                Some((g, metric, team, progress))
            })
            .collect()
    }

    pub async fn event(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        now: DateTime<Utc>,
    ) -> Result<EventReport, AppError> {
        if !can_read_reports(actor) {
            return Err(AppError::Forbidden);
        }
        let event = EventService::find(db, event_id).await?;
        let settled = attendance_settled(event.status, event.ends_at, now);
        let figures = Self::figures(db, &event, now).await?;
        let goals = goal::Entity::find()
            .filter(goal::Column::EventId.eq(event_id))
            .order_by_asc(goal::Column::Id)
            .all(db)
            .await?;
        let goals = Self::goals_with_progress(goals, &HashMap::from([(event_id, &figures)]));
        let people = UserService::names(db, figures.reps.iter().map(|r| r.rep)).await?;
        let mut target_accounts: Vec<String> = account::Entity::find()
            .filter(account::Column::Id.is_in(figures.target_accounts.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.name)
            .collect();
        target_accounts.sort_by_key(|name| name.to_lowercase());
        Ok(EventReport {
            event,
            settled,
            figures,
            goals,
            people,
            target_accounts,
        })
    }

    /// Every open or closed event starting (in its own time zone) from `from` to `to`, both
    /// included; drafts and cancelled events are left out.
    pub async fn manager(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ManagerReport, AppError> {
        if !can_read_reports(actor) {
            return Err(AppError::Forbidden);
        }
        let (from, to) = if from <= to { (from, to) } else { (to, from) };
        let events: Vec<event::Model> = event::Entity::find()
            .filter(event::Column::Status.is_in([EventStatus::Open, EventStatus::Closed]))
            .filter(event::Column::StartsLocal.gte(from.and_time(NaiveTime::MIN)))
            .filter(
                event::Column::StartsLocal.lt(to.succ_opt().unwrap_or(to).and_time(NaiveTime::MIN)),
            )
            .order_by_asc(event::Column::StartsAt)
            .all(db)
            .await?;
        let ids: Vec<i32> = events.iter().map(|e| e.id).collect();
        let mut guests = Self::guests_of(db, &ids).await?;
        let events: Vec<(event::Model, EventFigures)> = events
            .into_iter()
            .map(|e| {
                let settled = attendance_settled(e.status, e.ends_at, now);
                let figures = event_figures(&guests.remove(&e.id).unwrap_or_default(), settled);
                (e, figures)
            })
            .collect();
        let board = leaderboard(events.iter().map(|(_, f)| f));
        let trend = monthly_trend(events.iter().map(|(e, f)| (e.starts_local.date(), f)));
        let goals = if ids.is_empty() {
            Vec::new()
        } else {
            goal::Entity::find()
                .filter(goal::Column::EventId.is_in(ids))
                .all(db)
                .await?
        };
        let by_id: HashMap<i32, &EventFigures> = events.iter().map(|(e, f)| (e.id, f)).collect();
        let teams = attainment_by_team(
            Self::goals_with_progress(goals, &by_id)
                .into_iter()
                .map(|(_, _, team, progress)| (team, progress)),
        );
        let people = UserService::names(db, board.iter().map(|r| r.rep)).await?;
        Ok(ManagerReport {
            from,
            to,
            events,
            leaderboard: board,
            trend,
            teams,
            people,
        })
    }
}

/// A pipeline as one cell: `EUR 20000; USD 5000` (CSV) — amounts never converted.
pub fn pipeline_cell(pipeline: &crate::domain::Pipeline) -> String {
    pipeline
        .iter()
        .map(|(currency, amount)| format!("{currency} {amount}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn rate_cell(rate: Option<u8>) -> String {
    rate.map(|r| r.to_string()).unwrap_or_default()
}

fn name_of(people: &HashMap<i32, user::Model>, id: i32) -> (String, String) {
    people
        .get(&id)
        .map(|u| (u.name.clone(), u.email.clone()))
        .unwrap_or_default()
}

/// The tables of the event report as CSV: `funnel`, `reps`, `goals` or `accounts`.
pub fn event_csv(report: &EventReport, table: &str) -> Result<String, AppError> {
    let f = &report.figures;
    match table {
        "funnel" => {
            let mut rows: Vec<Vec<String>> = f
                .funnel
                .stages()
                .iter()
                .map(|(key, n)| vec![key.trim_start_matches("funnel-").to_string(), n.to_string()])
                .collect();
            for (name, n) in [
                ("declined", f.declined),
                ("waitlisted", f.waitlisted),
                ("no_shows", f.no_shows),
                ("walk_ins", f.walk_ins),
            ] {
                rows.push(vec![name.to_string(), n.to_string()]);
            }
            rows.push(vec!["show_rate_percent".into(), rate_cell(f.show_rate())]);
            write_csv(&["stage", "count"], rows.into_iter())
        }
        "reps" => write_csv(
            &REP_COLUMNS,
            f.reps.iter().map(|r| rep_cells(&report.people, r)),
        ),
        "goals" => write_csv(
            &["metric", "team", "target", "value", "percent", "note"],
            report.goals.iter().map(|(g, metric, team, p)| {
                vec![
                    metric.as_str().to_string(),
                    team.as_str().to_string(),
                    p.target.to_string(),
                    p.value.to_string(),
                    p.percent.to_string(),
                    g.note.clone(),
                ]
            }),
        ),
        "accounts" => write_csv(
            &["target_account"],
            report.target_accounts.iter().map(|a| vec![a.clone()]),
        ),
        _ => Err(AppError::NotFound),
    }
}

/// The columns of a rep's row (`rep_cells`), in the event report and the leaderboard alike.
const REP_COLUMNS: [&str; 10] = [
    "rep",
    "email",
    "nominated",
    "approved",
    "accepted",
    "attended",
    "no_shows",
    "show_rate_percent",
    "meetings",
    "pipeline",
];

fn rep_cells(people: &HashMap<i32, user::Model>, r: &RepFigures) -> Vec<String> {
    let (name, email) = name_of(people, r.rep);
    vec![
        name,
        email,
        r.nominated.to_string(),
        r.approved.to_string(),
        r.accepted.to_string(),
        r.attended.to_string(),
        r.no_shows.to_string(),
        rate_cell(r.show_rate()),
        r.meetings.to_string(),
        pipeline_cell(&r.pipeline),
    ]
}

/// The tables of the manager report as CSV: `leaderboard`, `trend`, `events` or `teams`.
pub fn manager_csv(report: &ManagerReport, table: &str) -> Result<String, AppError> {
    match table {
        "leaderboard" => write_csv(
            &[&REP_COLUMNS[..], &["open_follow_ups"]].concat(),
            report.leaderboard.iter().map(|r| {
                let mut cells = rep_cells(&report.people, r);
                cells.push(r.open_follow_ups.to_string());
                cells
            }),
        ),
        "trend" => write_csv(
            &[
                "month",
                "events",
                "accepted",
                "attended",
                "no_shows",
                "show_rate_percent",
            ],
            report.trend.iter().map(|p| {
                vec![
                    p.month.format("%Y-%m").to_string(),
                    p.events.to_string(),
                    p.accepted.to_string(),
                    p.attended.to_string(),
                    p.no_shows.to_string(),
                    rate_cell(p.show_rate()),
                ]
            }),
        ),
        "events" => write_csv(
            &[
                "event",
                "starts",
                "time_zone",
                "status",
                "nominated",
                "accepted",
                "attended",
                "no_shows",
                "show_rate_percent",
                "meetings",
                "pipeline",
            ],
            report.events.iter().map(|(e, f)| {
                vec![
                    e.title.clone(),
                    e.starts_local.format("%Y-%m-%d %H:%M").to_string(),
                    e.time_zone.clone(),
                    e.status.as_str().to_string(),
                    f.funnel.nominated.to_string(),
                    f.funnel.accepted.to_string(),
                    f.checked_in().to_string(),
                    f.no_shows.to_string(),
                    rate_cell(f.show_rate()),
                    f.meetings.to_string(),
                    pipeline_cell(&f.pipeline),
                ]
            }),
        ),
        "teams" => write_csv(
            &["team", "goals", "met", "average_percent"],
            report.teams.iter().map(|t| {
                vec![
                    t.team.as_str().to_string(),
                    t.goals.to_string(),
                    t.met.to_string(),
                    t.average_percent.to_string(),
                ]
            }),
        ),
        _ => Err(AppError::NotFound),
    }
}
