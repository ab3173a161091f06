//! Consent belongs to the contact: who may unsubscribe or resubscribe a contact, and what is
//! recorded about it. The contact unsubscribes through the link in an email; an admin may change it
//! either way, always with a reason. Nobody else (reps, marketing, imports, the contact form) can.
use super::Msg;
use serde::{Deserialize, Serialize};

use super::{FieldError, FieldErrors, Role};

/// The longest reason an admin may give.
pub const MAX_CONSENT_REASON_CHARS: usize = 1000;
/// The messages of `ConsentDecision::parse`, so the page can word them in the user's language.
pub const CONSENT_REASON_REQUIRED: &str = k!("consent-reason-required");
pub const CONSENT_REASON_TOO_LONG: &str = k!("consent-reason-too-long");

/// Only admins change consent on a contact's behalf.
pub fn can_change_consent(role: Role) -> bool {
    role == Role::Admin
}

/// How a contact came to be unsubscribed, as stored in `contacts.unsubscribe_source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnsubscribeSource {
    /// the contact followed the unsubscribe link in an email
    Link,
    /// an admin unsubscribed the contact, with a reason
    Admin,
}

impl UnsubscribeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            UnsubscribeSource::Link => "link",
            UnsubscribeSource::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<UnsubscribeSource> {
        match value {
            "link" => Some(UnsubscribeSource::Link),
            "admin" => Some(UnsubscribeSource::Admin),
            _ => None,
        }
    }
}

/// What a row of a contact's activity log records, as stored in `contact_activities.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContactAction {
    UnsubscribedViaLink,
    UnsubscribedByAdmin,
    ResubscribedByAdmin,
    /// the contact undid their own unsubscribe on the same page
    ResubscribedViaLink,
}

impl ContactAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactAction::UnsubscribedViaLink => "unsubscribed_via_link",
            ContactAction::UnsubscribedByAdmin => "unsubscribed_by_admin",
            ContactAction::ResubscribedByAdmin => "resubscribed_by_admin",
            ContactAction::ResubscribedViaLink => "resubscribed_via_link",
        }
    }

    pub fn parse(value: &str) -> Option<ContactAction> {
        [
            ContactAction::UnsubscribedViaLink,
            ContactAction::UnsubscribedByAdmin,
            ContactAction::ResubscribedByAdmin,
            ContactAction::ResubscribedViaLink,
        ]
        .into_iter()
        .find(|a| a.as_str() == value)
    }
}

/// The admin's consent form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsentInput {
    /// `unsubscribe` or `resubscribe`
    pub change: String,
    pub reason: String,
}

/// Which way an admin changes a contact's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentChange {
    Unsubscribe,
    Resubscribe,
}

impl ConsentChange {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentChange::Unsubscribe => "unsubscribe",
            ConsentChange::Resubscribe => "resubscribe",
        }
    }
}

/// An admin's change of consent that satisfies every rule needing no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentDecision {
    pub change: ConsentChange,
    pub reason: String,
}

impl ConsentDecision {
    pub fn parse(input: &ConsentInput) -> Result<ConsentDecision, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let change = match input.change.trim() {
            "unsubscribe" => Some(ConsentChange::Unsubscribe),
            "resubscribe" => Some(ConsentChange::Resubscribe),
            _ => None,
        };
        if change.is_none() {
            errors.add("change", msg!("consent-change-unknown"));
        }
        let reason = input.reason.trim().to_string();
        if reason.is_empty() {
            errors.add("reason", Msg::new(CONSENT_REASON_REQUIRED));
        } else if reason.chars().count() > MAX_CONSENT_REASON_CHARS {
            errors.add("reason", Msg::new(CONSENT_REASON_TOO_LONG));
        }
        errors.into_result(|| ConsentDecision {
            change: change.expect("checked"),
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_change_consent() {
        assert!(can_change_consent(Role::Admin));
        for role in [Role::Sales, Role::Marketing, Role::Manager] {
            assert!(!can_change_consent(role), "{role:?}");
        }
    }

    #[test]
    fn a_change_needs_a_reason() {
        let errors = ConsentDecision::parse(&ConsentInput {
            change: "unsubscribe".into(),
            reason: "   ".into(),
        })
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "reason");
        assert!(errors[0].message.is(CONSENT_REASON_REQUIRED));
    }

    #[test]
    fn a_change_with_a_reason_is_parsed_trimmed() {
        let decision = ConsentDecision::parse(&ConsentInput {
            change: "resubscribe".into(),
            reason: " asked us by phone ".into(),
        })
        .unwrap();
        assert_eq!(decision.change, ConsentChange::Resubscribe);
        assert_eq!(decision.reason, "asked us by phone");
    }

    #[test]
    fn an_unknown_change_and_an_overlong_reason_are_named() {
        let errors = ConsentDecision::parse(&ConsentInput {
            change: "maybe".into(),
            reason: "x".repeat(MAX_CONSENT_REASON_CHARS + 1),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["change", "reason"]);
        assert!(errors[1].message.is(CONSENT_REASON_TOO_LONG));
        assert!(errors[1]
            .message
            .to_string()
            .contains(&MAX_CONSENT_REASON_CHARS.to_string()));
    }

    #[test]
    fn stored_names_read_back() {
        for action in [
            ContactAction::UnsubscribedViaLink,
            ContactAction::UnsubscribedByAdmin,
            ContactAction::ResubscribedByAdmin,
        ] {
            assert_eq!(ContactAction::parse(action.as_str()), Some(action));
        }
        for source in [UnsubscribeSource::Link, UnsubscribeSource::Admin] {
            assert_eq!(UnsubscribeSource::parse(source.as_str()), Some(source));
        }
    }
}
