//! What an event brought, and what a run of events brought: every figure of the event report, the
//! manager report and the goals, computed here from plain inputs (one `ReportGuest` per guest) so
//! the pages, the CSV files and the goals can never disagree.
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{
    attendance, Answer, Attendance, GoalFacts, GoalProgress, NominationState, Outcome, OutcomeKind,
    Team,
};

/// One guest of one event, as the reports see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGuest {
    /// the rep the guest is credited to (who nominated them, or the walk-in's rep)
    pub rep: i32,
    pub state: NominationState,
    /// the invitation went out
    pub invited: bool,
    /// the guest opened their invitation page
    pub viewed: bool,
    pub answer: Answer,
    pub checked_in: bool,
    pub walk_in: bool,
    /// the guest's account, when it is a target account
    pub target_account: Option<i32>,
    /// the guest had never been checked in at an earlier event
    pub first_attendance: bool,
    pub outcome: Option<Outcome>,
}

/// The funnel from nomination to the door. Walk-ins are not in it (they were never nominated);
/// they are counted beside it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// every nomination the rep did not withdraw
    pub nominated: u64,
    pub approved: u64,
    pub invited: u64,
    pub viewed: u64,
    pub accepted: u64,
    /// invited guests checked in at the door
    pub attended: u64,
}

impl Funnel {
    /// The stages in order, with the i18n key of their names.
    pub fn stages(&self) -> [(&'static str, u64); 6] {
        [
            (k!("funnel-nominated"), self.nominated),
            (k!("funnel-approved"), self.approved),
            (k!("funnel-invited"), self.invited),
            (k!("funnel-viewed"), self.viewed),
            (k!("funnel-accepted"), self.accepted),
            (k!("funnel-attended"), self.attended),
        ]
    }
}

/// Amounts by currency, in whole units (opportunities are never converted: Tandem has no
/// exchange rates).
pub type Pipeline = BTreeMap<String, i64>;

/// One rep's part of an event (or, summed, of many events).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepFigures {
    pub rep: i32,
    pub nominated: u64,
    pub approved: u64,
    pub accepted: u64,
    /// the rep's guests checked in, walk-ins credited to the rep included
    pub attended: u64,
    /// accepted guests who were checked in (live, also while the event is under way)
    pub accepted_attended: u64,
    /// accepted guests of events whose attendance is settled, and how many of them came: the
    /// show rate's parts (an event under way would pull it down)
    pub settled_accepted: u64,
    pub settled_attended: u64,
    pub no_shows: u64,
    pub meetings: u64,
    pub pipeline: Pipeline,
    /// attendees and no-shows without an outcome yet
    pub open_follow_ups: u64,
}

impl RepFigures {
    /// Accepted guests who came, in percent of those who accepted, over settled events; `None`
    /// before there is any.
    pub fn show_rate(&self) -> Option<u8> {
        percent(self.settled_attended, self.settled_accepted)
    }

    fn add(&mut self, other: &RepFigures) {
        self.nominated += other.nominated;
        self.approved += other.approved;
        self.accepted += other.accepted;
        self.attended += other.attended;
        self.accepted_attended += other.accepted_attended;
        self.settled_accepted += other.settled_accepted;
        self.settled_attended += other.settled_attended;
        self.no_shows += other.no_shows;
        self.meetings += other.meetings;
        self.open_follow_ups += other.open_follow_ups;
        add_pipeline(&mut self.pipeline, &other.pipeline);
    }
}

/// Everything the event report shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFigures {
    pub funnel: Funnel,
    pub declined: u64,
    /// on the waitlist now (a waitlisted guest let in at the door counts as attended)
    pub waitlisted: u64,
    /// accepted and not checked in once attendance is settled
    pub no_shows: u64,
    /// checked in without an invitation
    pub walk_ins: u64,
    /// accepted guests who were checked in
    pub accepted_attended: u64,
    /// whether attendance is settled (`attendance_settled`): only then is there a show rate
    pub settled: bool,
    pub meetings: u64,
    pub pipeline: Pipeline,
    /// target accounts with at least one person checked in
    pub target_accounts: Vec<i32>,
    /// people checked in for the first time at any event
    pub first_time_attendees: u64,
    /// per rep, by rep id
    pub reps: Vec<RepFigures>,
}

impl EventFigures {
    /// Accepted guests who came, in percent of those who accepted; `None` while attendance is
    /// not settled (the goal "show rate" follows the live figure instead).
    pub fn show_rate(&self) -> Option<u8> {
        if self.settled {
            percent(self.accepted_attended, self.funnel.accepted)
        } else {
            None
        }
    }

    /// Everyone checked in: invited guests and walk-ins.
    pub fn checked_in(&self) -> u64 {
        self.funnel.attended + self.walk_ins
    }

    /// The numbers the event's goals are measured against; the pipeline goal counts
    /// opportunities in `currency`, the organisation's reporting currency.
    pub fn goal_facts(&self, currency: &str) -> GoalFacts {
        GoalFacts {
            accepted: self.funnel.accepted,
            attendees: self.checked_in(),
            accepted_attended: self.accepted_attended,
            target_accounts_attending: self.target_accounts.len() as u64,
            new_contacts_attending: self.first_time_attendees,
            meetings_booked: self.meetings,
            pipeline_amount: self.pipeline.get(currency).copied().unwrap_or(0).max(0) as u64,
        }
    }
}

/// `part` in percent of `whole`, rounded half up; `None` when `whole` is zero.
pub fn percent(part: u64, whole: u64) -> Option<u8> {
    (whole > 0).then(|| ((part.min(whole) * 200 + whole) / (whole * 2)) as u8)
}

fn add_pipeline(into: &mut Pipeline, from: &Pipeline) {
    for (currency, amount) in from {
        *into.entry(currency.clone()).or_default() += amount;
    }
}

/// The figures of one event. `settled` says whether attendance is settled
/// (`attendance_settled`): only then are accepted guests without a check-in no-shows.
pub fn event_figures(guests: &[ReportGuest], settled: bool) -> EventFigures {
    let mut figures = EventFigures {
        settled,
        ..Default::default()
    };
    let mut reps: HashMap<i32, RepFigures> = HashMap::new();
    let mut accounts: HashSet<i32> = HashSet::new();
    for g in guests {
        let rep = reps.entry(g.rep).or_insert_with(|| RepFigures {
            rep: g.rep,
            ..Default::default()
        });
        let attended = attendance(g.answer, g.checked_in, settled);
        if g.walk_in {
            if g.checked_in {
                figures.walk_ins += 1;
                rep.attended += 1;
            }
        } else if g.state != NominationState::Withdrawn {
            figures.funnel.nominated += 1;
            rep.nominated += 1;
            if g.state == NominationState::Approved {
                figures.funnel.approved += 1;
                rep.approved += 1;
                figures.funnel.invited += u64::from(g.invited);
                figures.funnel.viewed += u64::from(g.viewed);
                match g.answer {
                    Answer::Accepted => {
                        figures.funnel.accepted += 1;
                        rep.accepted += 1;
                        rep.settled_accepted += u64::from(settled);
                    }
                    Answer::Declined => figures.declined += 1,
                    Answer::Waitlisted if !g.checked_in => figures.waitlisted += 1,
                    _ => {}
                }
                if g.checked_in {
                    figures.funnel.attended += 1;
                    rep.attended += 1;
                    if g.answer == Answer::Accepted {
                        figures.accepted_attended += 1;
                        rep.accepted_attended += 1;
                        rep.settled_attended += u64::from(settled);
                    }
                }
                if attended == Some(Attendance::NoShow) {
                    figures.no_shows += 1;
                    rep.no_shows += 1;
                }
            }
        }
        if g.checked_in {
            if let Some(account) = g.target_account {
                accounts.insert(account);
            }
            figures.first_time_attendees += u64::from(g.first_attendance);
        }
        // outcomes count for the people the door saw (attendees and no-shows)
        if attended.is_some() {
            match &g.outcome {
                None => rep.open_follow_ups += 1,
                Some(outcome) => record_outcome(rep, outcome),
            }
        }
    }
    let mut reps: Vec<RepFigures> = reps
        .into_values()
        .filter(|r| r.nominated > 0 || r.attended > 0)
        .collect();
    reps.sort_by_key(|r| r.rep);
    for rep in &reps {
        figures.meetings += rep.meetings;
        add_pipeline(&mut figures.pipeline, &rep.pipeline);
    }
    figures.reps = reps;
    figures.target_accounts = accounts.into_iter().collect();
    figures.target_accounts.sort_unstable();
    figures
}

fn record_outcome(rep: &mut RepFigures, outcome: &Outcome) {
    match outcome.kind {
        OutcomeKind::Meeting => rep.meetings += 1,
        OutcomeKind::Opportunity => {
            if let (Some(amount), Some(currency)) = (outcome.amount, &outcome.currency) {
                *rep.pipeline.entry(currency.clone()).or_default() += amount;
            }
        }
        OutcomeKind::NoInterest => {}
    }
}

/// The manager report's leaderboard: every rep's figures summed over the events, best first
/// (most attendees, then most meetings, then most accepted; ties by rep id).
pub fn leaderboard<'a>(events: impl IntoIterator<Item = &'a EventFigures>) -> Vec<RepFigures> {
    let mut reps: HashMap<i32, RepFigures> = HashMap::new();
    for event in events {
        for row in &event.reps {
            reps.entry(row.rep)
                .or_insert_with(|| RepFigures {
                    rep: row.rep,
                    ..Default::default()
                })
                .add(row);
        }
    }
    let mut board: Vec<RepFigures> = reps.into_values().collect();
    board.sort_by(|a, b| {
        (b.attended, b.meetings, b.accepted, a.rep)
            .cmp(&(a.attended, a.meetings, a.accepted, b.rep))
    });
    board
}

/// One month of the attendance trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// the first day of the month
    pub month: NaiveDate,
    pub events: u64,
    pub accepted: u64,
    pub attended: u64,
    /// accepted guests of settled events, and how many of them came
    pub settled_accepted: u64,
    pub settled_attended: u64,
    pub no_shows: u64,
}

impl TrendPoint {
    pub fn show_rate(&self) -> Option<u8> {
        percent(self.settled_attended, self.settled_accepted)
    }
}

/// Attendance and show rate per month (by the day each event starts, in its own time zone),
/// oldest first; months without events are left out.
pub fn monthly_trend<'a>(
    events: impl IntoIterator<Item = (NaiveDate, &'a EventFigures)>,
) -> Vec<TrendPoint> {
    let mut months: BTreeMap<NaiveDate, TrendPoint> = BTreeMap::new();
    for (day, figures) in events {
        let month = day.with_day(1).unwrap_or(day);
        let point = months.entry(month).or_insert_with(|| TrendPoint {
            month,
            events: 0,
            accepted: 0,
            attended: 0,
            settled_accepted: 0,
            settled_attended: 0,
            no_shows: 0,
        });
        point.events += 1;
        point.accepted += figures.funnel.accepted;
        point.attended += figures.checked_in();
        if figures.settled {
            point.settled_accepted += figures.funnel.accepted;
            point.settled_attended += figures.accepted_attended;
        }
        point.no_shows += figures.no_shows;
    }
    months.into_values().collect()
}

/// How one team did on the goals it owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamAttainment {
    pub team: Team,
    pub goals: u64,
    /// goals whose target was reached
    pub met: u64,
    /// the mean share of target reached, 0–100 (each goal capped at 100)
    pub average_percent: u8,
}

/// Goal attainment by team, marketing first; a team without goals is left out.
pub fn attainment_by_team(
    goals: impl IntoIterator<Item = (Team, GoalProgress)>,
) -> Vec<TeamAttainment> {
    let mut sums: BTreeMap<&'static str, (Team, u64, u64, u64)> = BTreeMap::new();
    for (team, progress) in goals {
        let entry = sums.entry(team.as_str()).or_insert((team, 0, 0, 0));
        entry.1 += 1;
        entry.2 += u64::from(progress.percent >= 100);
        entry.3 += u64::from(progress.percent);
    }
    sums.into_values()
        .map(|(team, goals, met, total)| TeamAttainment {
            team,
            goals,
            met,
            average_percent: ((total * 2 + goals) / (goals * 2)) as u8,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::goal_progress;
    use crate::domain::GoalMetric;

    /// An approved, invited guest of rep `rep` with the given answer.
    fn guest(rep: i32, answer: Answer) -> ReportGuest {
        ReportGuest {
            rep,
            state: NominationState::Approved,
            invited: true,
            viewed: answer != Answer::None,
            answer,
            checked_in: false,
            walk_in: false,
            target_account: None,
            first_attendance: false,
            outcome: None,
        }
    }

    fn checked_in(mut g: ReportGuest) -> ReportGuest {
        g.checked_in = true;
        g
    }

    fn with(mut g: ReportGuest, outcome: Outcome) -> ReportGuest {
        g.outcome = Some(outcome);
        g
    }

    fn meeting() -> Outcome {
        Outcome {
            kind: OutcomeKind::Meeting,
            meeting_on: NaiveDate::from_ymd_opt(2026, 12, 2),
            amount: None,
            currency: None,
        }
    }

    fn opportunity(amount: i64, currency: &str) -> Outcome {
        Outcome {
            kind: OutcomeKind::Opportunity,
            meeting_on: None,
            amount: Some(amount),
            currency: Some(currency.into()),
        }
    }

    /// Rep 1: five nominated (one rejected, one still waiting), three accepted, two came; rep 2:
    /// two accepted, one came, one declined; and one walk-in credited to rep 2.
    fn dinner() -> Vec<ReportGuest> {
        let mut rejected = guest(1, Answer::None);
        rejected.state = NominationState::Rejected;
        rejected.invited = false;
        let mut waiting = guest(1, Answer::None);
        waiting.state = NominationState::Nominated;
        waiting.invited = false;
        let mut withdrawn = guest(1, Answer::None);
        withdrawn.state = NominationState::Withdrawn;
        let mut walk_in = checked_in(guest(2, Answer::None));
        walk_in.walk_in = true;
        walk_in.invited = false;
        walk_in.viewed = false;
        walk_in.state = NominationState::Approved;
        walk_in.first_attendance = true;
        // the team recorded this answer by phone: the invitation page was never opened
        let mut answered_by_phone = guest(1, Answer::Accepted);
        answered_by_phone.viewed = false;
        let mut target = checked_in(guest(1, Answer::Accepted));
        target.target_account = Some(40);
        target.first_attendance = true;
        vec![
            rejected,
            waiting,
            withdrawn,
            with(target, meeting()),
            with(
                checked_in(guest(1, Answer::Accepted)),
                opportunity(20_000, "EUR"),
            ),
            answered_by_phone,
            with(
                checked_in(guest(2, Answer::Accepted)),
                opportunity(5_000, "USD"),
            ),
            guest(2, Answer::Accepted),
            guest(2, Answer::Declined),
            guest(2, Answer::Waitlisted),
            walk_in,
        ]
    }

    #[test]
    fn the_funnel_counts_each_stage_and_leaves_withdrawn_nominations_and_walk_ins_out() {
        let figures = event_figures(&dinner(), false);
        assert_eq!(
            figures.funnel,
            Funnel {
                nominated: 9,
                approved: 7,
                invited: 7,
                viewed: 6,
                accepted: 5,
                attended: 3,
            }
        );
        assert_eq!(
            (figures.declined, figures.waitlisted, figures.walk_ins),
            (1, 1, 1)
        );
        assert_eq!(figures.checked_in(), 4);
    }

    #[test]
    fn no_shows_appear_only_once_attendance_is_settled() {
        assert_eq!(event_figures(&dinner(), false).no_shows, 0);
        let settled = event_figures(&dinner(), true);
        assert_eq!(settled.no_shows, 2);
        assert_eq!(settled.reps[0].no_shows, 1);
    }

    #[test]
    fn the_show_rate_is_accepted_guests_who_came_in_percent_rounded() {
        let figures = event_figures(&dinner(), true);
        assert_eq!(figures.show_rate(), Some(60));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(0, 0), None);
        assert_eq!(EventFigures::default().show_rate(), None);
        // while the event is under way there is no show rate yet (it would only count who came
        // so far)
        assert_eq!(event_figures(&dinner(), false).show_rate(), None);
        assert_eq!(event_figures(&dinner(), false).reps[0].show_rate(), None);
    }

    #[test]
    fn each_rep_gets_their_row_with_walk_ins_credited_as_attendees() {
        let figures = event_figures(&dinner(), true);
        let [one, two] = &figures.reps[..] else {
            panic!("two reps expected: {:?}", figures.reps)
        };
        assert_eq!(
            (
                one.rep,
                one.nominated,
                one.approved,
                one.accepted,
                one.attended
            ),
            (1, 5, 3, 3, 2)
        );
        assert_eq!(one.show_rate(), Some(67));
        assert_eq!((one.meetings, one.pipeline.get("EUR")), (1, Some(&20_000)));
        assert_eq!(
            (two.rep, two.nominated, two.accepted, two.attended),
            (2, 4, 2, 2)
        );
        assert_eq!(two.show_rate(), Some(50));
    }

    #[test]
    fn outcomes_sum_to_meetings_and_a_pipeline_per_currency_never_converted() {
        let figures = event_figures(&dinner(), true);
        assert_eq!(figures.meetings, 1);
        assert_eq!(
            figures.pipeline,
            Pipeline::from([("EUR".into(), 20_000), ("USD".into(), 5_000)])
        );
        let facts = figures.goal_facts("EUR");
        assert_eq!((facts.meetings_booked, facts.pipeline_amount), (1, 20_000));
    }

    #[test]
    fn follow_ups_are_open_for_attendees_and_no_shows_without_an_outcome() {
        let figures = event_figures(&dinner(), true);
        // rep 1: one no-show; rep 2: one no-show and the walk-in
        assert_eq!(figures.reps[0].open_follow_ups, 1);
        assert_eq!(figures.reps[1].open_follow_ups, 2);
        // before attendance is settled, only attendees are open
        assert_eq!(event_figures(&dinner(), false).reps[1].open_follow_ups, 1);
    }

    #[test]
    fn target_accounts_count_accounts_with_someone_at_the_door() {
        let mut guests = dinner();
        let mut colleague = checked_in(guest(2, Answer::Accepted));
        colleague.target_account = Some(40);
        guests.push(colleague);
        let figures = event_figures(&guests, true);
        assert_eq!(figures.target_accounts, [40]);
        assert_eq!(figures.first_time_attendees, 2);
    }

    #[test]
    fn goals_read_the_same_figures_as_the_report() {
        let facts = event_figures(&dinner(), true).goal_facts("EUR");
        assert_eq!(goal_progress(GoalMetric::Attendees, 4, &facts).percent, 100);
        assert_eq!(facts.value(GoalMetric::ShowRate), 60);
        assert_eq!(facts.value(GoalMetric::TargetAccountsAttending), 1);
        assert_eq!(facts.value(GoalMetric::NewContactsAttending), 2);
    }

    #[test]
    fn the_leaderboard_sums_reps_over_events_best_first() {
        let first = event_figures(&dinner(), true);
        let second = event_figures(
            &[
                checked_in(guest(2, Answer::Accepted)),
                checked_in(guest(2, Answer::Accepted)),
                guest(3, Answer::Declined),
            ],
            true,
        );
        let board = leaderboard([&first, &second]);
        let order: Vec<(i32, u64)> = board.iter().map(|r| (r.rep, r.attended)).collect();
        assert_eq!(order, [(2, 4), (1, 2), (3, 0)]);
        assert_eq!(board[0].show_rate(), Some(75));
        assert_eq!(board[0].pipeline.get("USD"), Some(&5_000));
    }

    #[test]
    fn the_trend_groups_events_by_month_oldest_first() {
        let dinner = event_figures(&dinner(), true);
        let empty = EventFigures::default();
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let trend = monthly_trend([
            (day(11, 20), &dinner),
            (day(9, 3), &empty),
            (day(11, 2), &dinner),
        ]);
        assert_eq!(
            trend
                .iter()
                .map(|p| (p.month, p.events, p.attended))
                .collect::<Vec<_>>(),
            [(day(9, 1), 1, 0), (day(11, 1), 2, 8)]
        );
        assert_eq!(trend[1].show_rate(), Some(60));
        assert_eq!(trend[0].show_rate(), None);
    }

    #[test]
    fn attainment_by_team_counts_met_goals_and_the_mean_share_reached() {
        let progress = |percent| GoalProgress {
            value: 0,
            target: 1,
            percent,
        };
        let teams = attainment_by_team([
            (Team::Sales, progress(100)),
            (Team::Sales, progress(50)),
            (Team::Marketing, progress(80)),
        ]);
        assert_eq!(
            teams,
            [
                TeamAttainment {
                    team: Team::Marketing,
                    goals: 1,
                    met: 0,
                    average_percent: 80
                },
                TeamAttainment {
                    team: Team::Sales,
                    goals: 2,
                    met: 1,
                    average_percent: 75
                },
            ]
        );
    }
}
