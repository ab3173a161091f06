//! Follow-ups: what came of a guest after the event. The credited rep records one outcome per
//! guest (attendee or no-show): a meeting booked (with its date), an opportunity (an amount in a
//! currency) or no interest, each with a note. Outcomes feed the goals "meetings booked" and
//! "pipeline amount"; a follow-up still open a week after the event is shown to managers.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::field::{FieldError, FieldErrors};
use super::Role;

/// What a follow-up led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OutcomeKind {
    Meeting,
    Opportunity,
    NoInterest,
}

impl OutcomeKind {
    pub const ALL: [OutcomeKind; 3] = [
        OutcomeKind::Meeting,
        OutcomeKind::Opportunity,
        OutcomeKind::NoInterest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Meeting => "meeting",
            OutcomeKind::Opportunity => "opportunity",
            OutcomeKind::NoInterest => "no_interest",
        }
    }

    pub fn parse(value: &str) -> Option<OutcomeKind> {
        OutcomeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            OutcomeKind::Meeting => k!("outcome-meeting"),
            OutcomeKind::Opportunity => k!("outcome-opportunity"),
            OutcomeKind::NoInterest => k!("outcome-no-interest"),
        }
    }
}

/// A recorded outcome, as the reports read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// the meeting's date (meetings only)
    pub meeting_on: Option<NaiveDate>,
    /// the opportunity's amount in whole units of `currency` (opportunities only)
    pub amount: Option<i64>,
    pub currency: Option<String>,
}

/// What a rep types to record an outcome. Every field may be missing (a form sends no kind when
/// no choice was ticked): the parse names it then, rather than the request failing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutcomeInput {
    pub kind: String,
    pub meeting_on: String,
    pub amount: String,
    pub currency: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDraft {
    pub outcome: Outcome,
    pub note: String,
}

/// The largest amount an opportunity may have (a typo guard, and far inside `i64`).
pub const MAX_AMOUNT: i64 = 10_000_000_000;

/// The longest note an outcome may carry.
pub const MAX_OUTCOME_NOTE_CHARS: usize = 1000;

impl OutcomeDraft {
    /// Checks every field and names each one that is wrong. A meeting needs a date, an
    /// opportunity a positive whole amount and a three-letter currency; the fields the kind does
    /// not use are ignored.
    pub fn parse(input: &OutcomeInput) -> Result<OutcomeDraft, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let kind = OutcomeKind::parse(&input.kind);
        if kind.is_none() {
            errors.add("kind", msg!("outcome-kind-unknown"));
        }
        let meeting_on = match kind {
            Some(OutcomeKind::Meeting) => {
                match NaiveDate::parse_from_str(input.meeting_on.trim(), "%Y-%m-%d") {
                    Ok(date) => Some(date),
                    Err(_) => {
                        errors.add("meeting_on", msg!("outcome-meeting-date-missing"));
                        None
                    }
                }
            }
            _ => None,
        };
        let (amount, currency) = match kind {
            Some(OutcomeKind::Opportunity) => {
                let amount = match parse_amount(&input.amount) {
                    Ok(amount) => Some(amount),
                    Err(message) => {
                        errors.add("amount", message);
                        None
                    }
                };
                let currency = normalize_currency(&input.currency);
                if currency.is_none() {
                    errors.add("currency", msg!("outcome-currency-invalid"));
                }
                (amount, currency)
            }
            _ => (None, None),
        };
        let note = input.note.trim();
        if note.chars().count() > MAX_OUTCOME_NOTE_CHARS {
            errors.add(
                "note",
                msg!("outcome-note-too-long", max = MAX_OUTCOME_NOTE_CHARS),
            );
        }
        errors.into_result(|| OutcomeDraft {
            outcome: Outcome {
                kind: kind.unwrap(),
                meeting_on,
                amount,
                currency,
            },
            note: note.to_string(),
        })
    }
}

/// A whole amount as people type it: "25000", "25,000", "25.000", "25 000" or "25'000". A
/// decimal part ("250.50") is refused rather than guessed.
pub fn parse_amount(input: &str) -> Result<i64, super::Msg> {
    let text = input.trim();
    if text.is_empty() {
        return Err(msg!("outcome-amount-missing"));
    }
    let groups: Vec<&str> = text
        .split([',', '.', ' ', '\'', '\u{a0}', '\u{202f}'])
        .collect();
    let grouped = groups.len() > 1;
    let well_grouped = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && (!grouped || groups[1..].iter().all(|g| g.len() == 3) && groups[0].len() <= 3);
    if !well_grouped {
        return Err(msg!("outcome-amount-not-whole"));
    }
    match groups.concat().parse::<i64>() {
        Ok(0) => Err(msg!("outcome-amount-not-whole")),
        Ok(n) if n <= MAX_AMOUNT => Ok(n),
        _ => Err(msg!("outcome-amount-too-large")),
    }
}

/// An ISO 4217-shaped currency code: three letters, upper-cased.
pub fn normalize_currency(input: &str) -> Option<String> {
    let code = input.trim().to_ascii_uppercase();
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

/// How long after an event a follow-up may stay open before managers see it as overdue.
pub const FOLLOW_UP_DAYS: i64 = 7;

/// Whether a follow-up without an outcome is overdue: a week has passed since the event ended.
pub fn follow_up_overdue(ends_at: DateTime<Utc>, has_outcome: bool, now: DateTime<Utc>) -> bool {
    !has_outcome && now >= ends_at + Duration::days(FOLLOW_UP_DAYS)
}

/// Who records an outcome: the rep the guest is credited to, or an admin on their behalf.
pub fn can_record_outcome(role: Role, actor: i32, credited_rep: i32) -> bool {
    role == Role::Admin || (actor == credited_rep && matches!(role, Role::Sales | Role::Marketing))
}

/// Whose follow-ups a user may read: reps their own, managers, marketing and admins everyone's.
pub fn can_read_follow_ups_of(role: Role, actor: i32, rep: i32) -> bool {
    actor == rep || matches!(role, Role::Admin | Role::Manager | Role::Marketing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn input(kind: &str) -> OutcomeInput {
        OutcomeInput {
            kind: kind.into(),
            ..Default::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_meeting_needs_its_date() {
        let errors = OutcomeDraft::parse(&input("meeting")).unwrap_err();
        assert_eq!(fields(errors), ["meeting_on"]);
        let draft = OutcomeDraft::parse(&OutcomeInput {
            meeting_on: "2026-12-03".into(),
            note: "  demo with their CTO ".into(),
            ..input("meeting")
        })
        .unwrap();
        assert_eq!(
            draft.outcome.meeting_on,
            NaiveDate::from_ymd_opt(2026, 12, 3)
        );
        assert_eq!(draft.note, "demo with their CTO");
    }

    #[test]
    fn an_opportunity_needs_a_whole_amount_and_a_currency() {
        let errors = OutcomeDraft::parse(&input("opportunity")).unwrap_err();
        assert_eq!(fields(errors), ["amount", "currency"]);
        let draft = OutcomeDraft::parse(&OutcomeInput {
            amount: "25.000".into(),
            currency: "eur".into(),
            ..input("opportunity")
        })
        .unwrap();
        assert_eq!(draft.outcome.amount, Some(25_000));
        assert_eq!(draft.outcome.currency.as_deref(), Some("EUR"));
    }

    #[test]
    fn amounts_are_read_with_any_thousands_separator_and_never_guessed() {
        for typed in [
            "25000",
            "25,000",
            "25.000",
            "25 000",
            "25'000",
            "25\u{a0}000",
        ] {
            assert_eq!(parse_amount(typed), Ok(25_000), "{typed}");
        }
        assert_eq!(parse_amount("1,250,000"), Ok(1_250_000));
        for typed in ["250.50", "12,5", "-300", "abc", "0", "1,2345"] {
            assert!(parse_amount(typed).is_err(), "{typed}");
        }
        assert_eq!(
            parse_amount("99,000,000,000").unwrap_err().id,
            "outcome-amount-too-large"
        );
    }

    #[test]
    fn no_interest_needs_nothing_but_the_kind_and_ignores_other_fields() {
        let draft = OutcomeDraft::parse(&OutcomeInput {
            amount: "garbage".into(),
            meeting_on: "garbage".into(),
            ..input("no_interest")
        })
        .unwrap();
        assert_eq!(
            draft.outcome,
            Outcome {
                kind: OutcomeKind::NoInterest,
                meeting_on: None,
                amount: None,
                currency: None
            }
        );
    }

    #[test]
    fn an_unknown_kind_and_a_long_note_are_named() {
        let errors = OutcomeDraft::parse(&OutcomeInput {
            kind: "lunch".into(),
            note: "x".repeat(MAX_OUTCOME_NOTE_CHARS + 1),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(fields(errors), ["kind", "note"]);
    }

    #[test]
    fn a_follow_up_is_overdue_a_week_after_the_event_unless_it_has_an_outcome() {
        let ends = Utc.with_ymd_and_hms(2026, 11, 1, 22, 0, 0).unwrap();
        assert!(!follow_up_overdue(ends, false, ends + Duration::days(6)));
        assert!(follow_up_overdue(ends, false, ends + Duration::days(7)));
        assert!(!follow_up_overdue(ends, true, ends + Duration::days(30)));
    }

    #[test]
    fn the_credited_rep_or_an_admin_records_outcomes_and_managers_read_them() {
        assert!(can_record_outcome(Role::Sales, 7, 7));
        assert!(!can_record_outcome(Role::Sales, 8, 7));
        assert!(can_record_outcome(Role::Admin, 1, 7));
        assert!(!can_record_outcome(Role::Manager, 7, 7));
        assert!(can_read_follow_ups_of(Role::Manager, 3, 7));
        assert!(can_read_follow_ups_of(Role::Sales, 7, 7));
        assert!(!can_read_follow_ups_of(Role::Sales, 8, 7));
    }
}
