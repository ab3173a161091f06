//! The guest list: nomination states and decisions, priorities, quota arithmetic, and the rules
//! that decide whether a rep may nominate now.
use super::Msg;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::EventStatus;
use super::field::{FieldError, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Priority {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "A"))]
    A,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "B"))]
    B,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::A => "A",
            Priority::B => "B",
        }
    }

    pub fn parse(value: &str) -> Option<Priority> {
        match value.trim() {
            "A" | "a" => Some(Priority::A),
            "B" | "b" => Some(Priority::B),
            _ => None,
        }
    }
}

/// `nominated → approved | rejected | waitlisted`, or `withdrawn` by the rep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum NominationState {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "nominated"))]
    Nominated,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "approved"))]
    Approved,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "rejected"))]
    Rejected,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "waitlisted"))]
    Waitlisted,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "withdrawn"))]
    Withdrawn,
}

impl NominationState {
    /// The message id that names this state in words.
    pub fn label_id(self) -> &'static str {
        match self {
            NominationState::Nominated => k!("nomination-nominated"),
            NominationState::Approved => k!("nomination-approved"),
            NominationState::Rejected => k!("nomination-rejected"),
            NominationState::Waitlisted => k!("nomination-waitlisted"),
            NominationState::Withdrawn => k!("nomination-withdrawn"),
        }
    }

    pub const ALL: [NominationState; 5] = [
        NominationState::Nominated,
        NominationState::Approved,
        NominationState::Rejected,
        NominationState::Waitlisted,
        NominationState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NominationState::Nominated => "nominated",
            NominationState::Approved => "approved",
            NominationState::Rejected => "rejected",
            NominationState::Waitlisted => "waitlisted",
            NominationState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(value: &str) -> Option<NominationState> {
        NominationState::ALL
            .into_iter()
            .find(|s| s.as_str() == value.trim())
    }

    /// Whether this nomination holds one of the rep's seats.
    pub fn uses_seat(self) -> bool {
        matches!(
            self,
            NominationState::Nominated | NominationState::Approved | NominationState::Waitlisted
        )
    }

    /// The rep may change reason and priority only until marketing has decided.
    pub fn editable_by_rep(self) -> bool {
        self == NominationState::Nominated
    }

    /// The rep may take a nomination back while it still holds a seat.
    pub fn withdrawable(self) -> bool {
        self.uses_seat()
    }

    /// Marketing's decisions: any live state may become approved, rejected or waitlisted
    /// (marketing may reconsider); a withdrawn nomination stays withdrawn.
    pub fn can_be_decided_as(self, decision: Decision) -> bool {
        self != NominationState::Withdrawn && self != decision.state()
    }

    /// Whether deciding this nomination as `decision` takes one of the rep's seats again
    /// (a rejected nomination approved or waitlisted later must fit the rep's quota).
    pub fn retakes_seat(self, decision: Decision) -> bool {
        !self.uses_seat() && decision.state().uses_seat()
    }
}

/// Whether the guest's invitation went out and was looked at: `not sent → sent → viewed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum InvitationState {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "not_sent"))]
    NotSent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sent"))]
    Sent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "viewed"))]
    Viewed,
}

/// The guest's answer: `none → accepted | declined | waitlisted` (an accept when the event is full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Answer {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "none"))]
    None,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "accepted"))]
    Accepted,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "declined"))]
    Declined,
    /// accepted when the event was full: on the waitlist, promoted when a seat frees up
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "waitlisted"))]
    Waitlisted,
}

impl InvitationState {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationState::NotSent => "not_sent",
            InvitationState::Sent => "sent",
            InvitationState::Viewed => "viewed",
        }
    }
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::None => "none",
            Answer::Accepted => "accepted",
            Answer::Declined => "declined",
            Answer::Waitlisted => "waitlisted",
        }
    }
}

/// Whom a rep may nominate: their own contacts, and contacts nobody owns (which become theirs).
/// Another rep's contact is refused; the caller names the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nominee {
    Own,
    Unowned,
    OwnedByOther(i32),
}

impl Nominee {
    pub fn of(owner: Option<i32>, rep: i32) -> Nominee {
        match owner {
            None => Nominee::Unowned,
            Some(id) if id == rep => Nominee::Own,
            Some(id) => Nominee::OwnedByOther(id),
        }
    }
}

/// Why a rep cannot nominate a contact from the list; the page words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NominationBlock {
    Unsubscribed,
    OnTheList,
    /// another rep owns the contact (their name)
    OwnedBy(String),
}

/// What marketing decides about a nomination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Reject,
    Waitlist,
}

impl Decision {
    pub fn parse(value: &str) -> Option<Decision> {
        match value.trim() {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            "waitlist" => Some(Decision::Waitlist),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Waitlist => "waitlist",
        }
    }

    pub fn state(self) -> NominationState {
        match self {
            Decision::Approve => NominationState::Approved,
            Decision::Reject => NominationState::Rejected,
            Decision::Waitlist => NominationState::Waitlisted,
        }
    }
}

/// A decision with its reason; rejecting needs one, because the rep is shown it.
pub fn parse_decision(
    decision: &str,
    reason: &str,
) -> Result<(Decision, Option<String>), Vec<FieldError>> {
    let mut errors = FieldErrors::default();
    let parsed = Decision::parse(decision);
    if parsed.is_none() {
        errors.add("decision", msg!("decision-unknown"));
    }
    let reason = reason.trim();
    if parsed == Some(Decision::Reject) && reason.is_empty() {
        errors.add("reason", msg!("decision-reason-required"));
    }
    if reason.chars().count() > 500 {
        errors.add("reason", msg!("decision-reason-too-long"));
    }
    errors.into_result(|| {
        (
            parsed.unwrap(),
            (!reason.is_empty()).then(|| reason.to_string()),
        )
    })
}

/// What a rep types to nominate (or to change a nomination).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NominationInput {
    pub reason: String,
    pub priority: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nomination {
    pub reason: String,
    pub priority: Priority,
}

impl Nomination {
    pub fn parse(input: &NominationInput) -> Result<Nomination, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let reason = input.reason.trim();
        if reason.is_empty() {
            errors.add("reason", msg!("nomination-reason-required"));
        } else if reason.chars().count() > 1000 {
            errors.add("reason", msg!("nomination-reason-too-long"));
        }
        let priority = Priority::parse(&input.priority);
        if priority.is_none() {
            errors.add("priority", msg!("priority-unknown"));
        }
        errors.into_result(|| Nomination {
            reason: reason.to_string(),
            priority: priority.unwrap(),
        })
    }
}

/// Why a rep may not nominate right now, as the message the rep reads.
pub fn nomination_refusal(
    status: EventStatus,
    deadline: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    seats: u32,
    used: u32,
) -> Option<Msg> {
    if status == EventStatus::Closed {
        return Some(msg!("nominations-closed-closed"));
    }
    if status == EventStatus::Cancelled {
        return Some(msg!("nominations-closed-cancelled"));
    }
    if deadline.is_some_and(|d| now > d) {
        return Some(msg!("nomination-deadline-passed"));
    }
    if seats == 0 {
        return Some(msg!("quota-none"));
    }
    if used >= seats {
        return Some(msg!("quota-full", used = used, seats = seats));
    }
    None
}

/// A contact a rep adds while nominating: the few fields needed to invite them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InlineContactInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub language: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineContact {
    pub first_name: String,
    pub last_name: String,
    pub email: super::user::EmailAddress,
    pub language: super::event::Language,
}

impl InlineContact {
    pub fn parse(input: &InlineContactInput) -> Result<InlineContact, Vec<FieldError>> {
        use super::field::required_text;
        let mut errors = FieldErrors::default();
        let first_name = required_text(
            &mut errors,
            "first_name",
            k!("contacts-first-name"),
            &input.first_name,
            100,
        );
        let last_name = required_text(
            &mut errors,
            "last_name",
            k!("contacts-last-name"),
            &input.last_name,
            100,
        );
        let email = super::user::EmailAddress::parse(&input.email);
        if let Err(message) = &email {
            errors.add("email", message.clone());
        }
        let language = super::event::Language::parse(if input.language.trim().is_empty() {
            "en"
        } else {
            &input.language
        });
        if language.is_none() {
            errors.add("language", msg!("language-unknown"));
        }
        errors.into_result(|| InlineContact {
            first_name,
            last_name,
            email: email.unwrap(),
            language: language.unwrap(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_nomination_takes_a_seat_again_when_approved_or_waitlisted() {
        assert!(NominationState::Rejected.retakes_seat(Decision::Approve));
        assert!(NominationState::Rejected.retakes_seat(Decision::Waitlist));
        assert!(!NominationState::Nominated.retakes_seat(Decision::Approve));
        assert!(!NominationState::Waitlisted.retakes_seat(Decision::Approve));
        assert!(!NominationState::Approved.retakes_seat(Decision::Reject));
    }

    #[test]
    fn a_rep_may_nominate_own_and_unowned_contacts_but_not_another_reps() {
        assert_eq!(Nominee::of(Some(7), 7), Nominee::Own);
        assert_eq!(Nominee::of(None, 7), Nominee::Unowned);
        assert_eq!(Nominee::of(Some(8), 7), Nominee::OwnedByOther(8));
    }
    use chrono::Duration;

    #[test]
    fn an_inline_contact_needs_names_and_a_real_email() {
        let errors = InlineContact::parse(&InlineContactInput {
            email: "not-an-email".into(),
            ..Default::default()
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["first_name", "last_name", "email"]);
    }

    #[test]
    fn a_nomination_needs_a_reason_and_a_priority() {
        let errors = Nomination::parse(&NominationInput::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["reason", "priority"]);
        let ok = Nomination::parse(&NominationInput {
            reason: " Key account ".into(),
            priority: "a".into(),
        })
        .unwrap();
        assert_eq!(ok.priority, Priority::A);
        assert_eq!(ok.reason, "Key account");
    }

    #[test]
    fn rejecting_needs_a_reason_but_approving_does_not() {
        assert_eq!(
            parse_decision("reject", " ").unwrap_err()[0].field,
            "reason"
        );
        assert_eq!(
            parse_decision("approve", "").unwrap(),
            (Decision::Approve, None)
        );
        assert_eq!(
            parse_decision("reject", "No budget").unwrap(),
            (Decision::Reject, Some("No budget".into()))
        );
        assert_eq!(
            parse_decision("maybe", "").unwrap_err()[0].field,
            "decision"
        );
    }

    #[test]
    fn only_undecided_nominations_are_editable_by_the_rep() {
        assert!(NominationState::Nominated.editable_by_rep());
        for state in [
            NominationState::Approved,
            NominationState::Rejected,
            NominationState::Waitlisted,
            NominationState::Withdrawn,
        ] {
            assert!(!state.editable_by_rep(), "{state:?}");
        }
    }

    #[test]
    fn rejected_and_withdrawn_nominations_free_their_seat() {
        assert!(NominationState::Nominated.uses_seat());
        assert!(NominationState::Approved.uses_seat());
        assert!(NominationState::Waitlisted.uses_seat());
        assert!(!NominationState::Rejected.uses_seat());
        assert!(!NominationState::Withdrawn.uses_seat());
    }

    #[test]
    fn a_withdrawn_nomination_cannot_be_decided() {
        for decision in [Decision::Approve, Decision::Reject, Decision::Waitlist] {
            assert!(!NominationState::Withdrawn.can_be_decided_as(decision));
            assert!(NominationState::Nominated.can_be_decided_as(decision));
        }
        assert!(NominationState::Waitlisted.can_be_decided_as(Decision::Approve));
        assert!(!NominationState::Approved.can_be_decided_as(Decision::Approve));
    }

    #[test]
    fn the_quota_is_enforced_with_a_clear_message() {
        let now = Utc::now();
        assert_eq!(nomination_refusal(EventStatus::Open, None, now, 2, 1), None);
        assert_eq!(
            nomination_refusal(EventStatus::Open, None, now, 2, 2)
                .unwrap()
                .to_string(),
            "Your quota is full: you have used 2 of 2 seats."
        );
        assert!(nomination_refusal(EventStatus::Draft, None, now, 0, 0)
            .unwrap()
            .to_string()
            .contains("no seats"));
    }

    #[test]
    fn nominations_close_at_the_deadline_and_with_the_event() {
        let now = Utc::now();
        assert!(nomination_refusal(
            EventStatus::Open,
            Some(now - Duration::minutes(1)),
            now,
            5,
            0
        )
        .unwrap()
        .to_string()
        .contains("deadline"));
        assert_eq!(
            nomination_refusal(EventStatus::Draft, Some(now + Duration::days(1)), now, 5, 0),
            None
        );
        for status in [EventStatus::Closed, EventStatus::Cancelled] {
            assert!(nomination_refusal(status, None, now, 5, 0).is_some());
        }
    }
}
