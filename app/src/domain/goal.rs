//! Shared goals: what each metric counts and how far an event has come. Progress is always
//! computed from the data, never typed in.
use serde::{Deserialize, Serialize};

use super::field::{FieldError, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GoalMetric {
    AcceptedGuests,
    Attendees,
    TargetAccountsAttending,
    NewContactsAttending,
    MeetingsBooked,
    PipelineAmount,
    ShowRate,
}

impl GoalMetric {
    pub const ALL: [GoalMetric; 7] = [
        GoalMetric::AcceptedGuests,
        GoalMetric::Attendees,
        GoalMetric::TargetAccountsAttending,
        GoalMetric::NewContactsAttending,
        GoalMetric::MeetingsBooked,
        GoalMetric::PipelineAmount,
        GoalMetric::ShowRate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GoalMetric::AcceptedGuests => "accepted_guests",
            GoalMetric::Attendees => "attendees",
            GoalMetric::TargetAccountsAttending => "target_accounts_attending",
            GoalMetric::NewContactsAttending => "new_contacts_attending",
            GoalMetric::MeetingsBooked => "meetings_booked",
            GoalMetric::PipelineAmount => "pipeline_amount",
            GoalMetric::ShowRate => "show_rate",
        }
    }

    pub fn parse(value: &str) -> Option<GoalMetric> {
        GoalMetric::ALL
            .into_iter()
            .find(|m| m.as_str() == value.trim())
    }

    /// The i18n key of the metric's name.
    pub fn label_key(self) -> &'static str {
        match self {
            GoalMetric::AcceptedGuests => k!("metric-accepted-guests"),
            GoalMetric::Attendees => k!("metric-attendees"),
            GoalMetric::TargetAccountsAttending => k!("metric-target-accounts-attending"),
            GoalMetric::NewContactsAttending => k!("metric-new-contacts-attending"),
            GoalMetric::MeetingsBooked => k!("metric-meetings-booked"),
            GoalMetric::PipelineAmount => k!("metric-pipeline-amount"),
            GoalMetric::ShowRate => k!("metric-show-rate"),
        }
    }

    pub fn is_percent(self) -> bool {
        self == GoalMetric::ShowRate
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Team {
    Marketing,
    Sales,
}

impl Team {
    pub fn as_str(self) -> &'static str {
        match self {
            Team::Marketing => "marketing",
            Team::Sales => "sales",
        }
    }

    pub fn parse(value: &str) -> Option<Team> {
        match value.trim() {
            "marketing" => Some(Team::Marketing),
            "sales" => Some(Team::Sales),
            _ => None,
        }
    }
}

/// The event's numbers that goals are measured against (see `report::EventFigures::goal_facts`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalFacts {
    pub accepted: u64,
    /// everyone checked in, walk-ins included
    pub attendees: u64,
    /// accepted guests who were checked in (the show rate's numerator)
    pub accepted_attended: u64,
    pub target_accounts_attending: u64,
    pub new_contacts_attending: u64,
    pub meetings_booked: u64,
    pub pipeline_amount: u64,
}

impl GoalFacts {
    /// The current value of `metric`. Show rate is attendees per accepted guest, in percent.
    pub fn value(&self, metric: GoalMetric) -> u64 {
        match metric {
            GoalMetric::AcceptedGuests => self.accepted,
            GoalMetric::Attendees => self.attendees,
            GoalMetric::TargetAccountsAttending => self.target_accounts_attending,
            GoalMetric::NewContactsAttending => self.new_contacts_attending,
            GoalMetric::MeetingsBooked => self.meetings_booked,
            GoalMetric::PipelineAmount => self.pipeline_amount,
            GoalMetric::ShowRate => {
                u64::from(super::percent(self.accepted_attended, self.accepted).unwrap_or(0))
            }
        }
    }
}

/// How far a goal has come: the value, the target and the share reached (0–100, capped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub value: u64,
    pub target: u64,
    pub percent: u8,
}

pub fn goal_progress(metric: GoalMetric, target: u64, facts: &GoalFacts) -> GoalProgress {
    let value = facts.value(metric);
    let percent = (value.min(target) * 100).checked_div(target).unwrap_or(100) as u8;
    GoalProgress {
        value,
        target,
        percent,
    }
}

/// What someone types to propose a goal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalInput {
    pub metric: String,
    pub target: String,
    pub team: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalDraft {
    pub metric: GoalMetric,
    pub target: u64,
    pub team: Team,
    pub note: String,
}

impl GoalDraft {
    pub fn parse(input: &GoalInput) -> Result<GoalDraft, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let metric = GoalMetric::parse(&input.metric);
        if metric.is_none() {
            errors.add("metric", msg!("goal-metric-unknown"));
        }
        let target = match input.target.trim().parse::<u64>() {
            Ok(0) | Err(_) => {
                errors.add("target", msg!("goal-target-not-a-number"));
                None
            }
            Ok(n) if metric == Some(GoalMetric::ShowRate) && n > 100 => {
                errors.add("target", msg!("goal-show-rate-too-high"));
                None
            }
            Ok(n) if n > 1_000_000_000_000 => {
                errors.add("target", msg!("goal-target-too-large"));
                None
            }
            Ok(n) => Some(n),
        };
        let team = Team::parse(&input.team);
        if team.is_none() {
            errors.add("team", msg!("team-unknown"));
        }
        let note = input.note.trim();
        if note.chars().count() > 500 {
            errors.add("note", msg!("goal-note-too-long"));
        }
        errors.into_result(|| GoalDraft {
            metric: metric.unwrap(),
            target: target.unwrap(),
            team: team.unwrap(),
            note: note.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> GoalFacts {
        GoalFacts {
            accepted: 40,
            attendees: 30,
            accepted_attended: 30,
            target_accounts_attending: 6,
            new_contacts_attending: 4,
            meetings_booked: 9,
            pipeline_amount: 250_000,
        }
    }

    #[test]
    fn accepted_guests_counts_accepted_answers() {
        assert_eq!(
            goal_progress(GoalMetric::AcceptedGuests, 50, &facts()).percent,
            80
        );
    }

    #[test]
    fn attendees_counts_check_ins() {
        assert_eq!(
            goal_progress(GoalMetric::Attendees, 30, &facts()).percent,
            100
        );
    }

    #[test]
    fn target_accounts_attending_counts_accounts_not_people() {
        let p = goal_progress(GoalMetric::TargetAccountsAttending, 12, &facts());
        assert_eq!((p.value, p.percent), (6, 50));
    }

    #[test]
    fn new_contacts_attending_counts_first_timers() {
        assert_eq!(
            goal_progress(GoalMetric::NewContactsAttending, 8, &facts()).percent,
            50
        );
    }

    #[test]
    fn meetings_booked_counts_follow_up_meetings() {
        assert_eq!(
            goal_progress(GoalMetric::MeetingsBooked, 10, &facts()).value,
            9
        );
    }

    #[test]
    fn pipeline_amount_sums_opportunities() {
        let p = goal_progress(GoalMetric::PipelineAmount, 1_000_000, &facts());
        assert_eq!((p.value, p.percent), (250_000, 25));
    }

    #[test]
    fn show_rate_is_attendees_per_accepted_guest_in_percent() {
        let p = goal_progress(GoalMetric::ShowRate, 80, &facts());
        assert_eq!((p.value, p.percent), (75, 93));
        assert_eq!(GoalFacts::default().value(GoalMetric::ShowRate), 0);
    }

    #[test]
    fn metrics_without_data_yet_show_zero_of_target() {
        let p = goal_progress(GoalMetric::Attendees, 25, &GoalFacts::default());
        assert_eq!((p.value, p.target, p.percent), (0, 25, 0));
    }

    #[test]
    fn progress_beyond_the_target_is_capped_at_100_percent() {
        assert_eq!(
            goal_progress(GoalMetric::AcceptedGuests, 10, &facts()).percent,
            100
        );
    }

    #[test]
    fn a_goal_needs_a_listed_metric_a_positive_target_and_a_team() {
        let errors = GoalDraft::parse(&GoalInput::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["metric", "target", "team"]);
        let too_high = GoalDraft::parse(&GoalInput {
            metric: "show_rate".into(),
            target: "120".into(),
            team: "sales".into(),
            note: String::new(),
        })
        .unwrap_err();
        assert_eq!(too_high[0].field, "target");
    }
}
