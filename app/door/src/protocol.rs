//! What a door device and the server say to each other, as JSON. The server (`app::ssr::services::door`)
//! and the browser program (`client`) share these types, so the two cannot drift apart.
use serde::{Deserialize, Serialize};

/// A guest as the door sees them: who they are, who invited them, and whether they are in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorGuest {
    pub id: i32,
    pub name: String,
    pub company: String,
    pub email: String,
    /// the host rep (who nominated the guest, or whom a walk-in is credited to)
    pub rep: String,
    /// "A" or "B"
    pub priority: String,
    /// on the waitlist rather than accepted
    pub waitlisted: bool,
    /// registered at the door without an invitation
    pub walk_in: bool,
    /// when the guest was checked in, as the event's local time ("18:04")
    pub checked_in_at: Option<String>,
    /// who checked them in
    pub checked_in_by: Option<String>,
}

impl DoorGuest {
    pub fn is_in(&self) -> bool {
        self.checked_in_at.is_some()
    }
}

/// The live counters at the top of every door device.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// guests checked in, walk-ins included
    pub checked_in: u32,
    /// guests who accepted the invitation (walk-ins not counted)
    pub accepted: u32,
    /// the event's capacity
    pub capacity: u32,
}

/// The door list, or what changed since `cursor` (then `guests` holds only the changed guests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorUpdate {
    pub counters: Counters,
    pub guests: Vec<DoorGuest>,
    /// the newest door log entry included; ask for changes after it next time
    pub cursor: i64,
}

/// A walk-in: someone who came without an invitation, found by email or created, credited to a rep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkIn {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub company: String,
    /// the user id of the rep who gets the credit
    pub rep: i32,
}

/// What a door device asks the server to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// check in a guest from the list
    CheckIn { guest: i32 },
    /// check in whoever the code from the confirmation email belongs to (typed or scanned)
    Code { code: String },
    /// take a check-in back
    Undo { guest: i32 },
    /// register and check in a walk-in
    WalkIn(WalkIn),
}

/// One action with the id the device gave it. A device that did not hear the answer sends the
/// same operation again; the server records it once and answers the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// 8 to 64 characters of `[A-Za-z0-9_-]`, unique per device and action
    pub op: String,
    pub action: Action,
    /// when the action was done on the device (milliseconds since 1970), if it waited offline
    #[serde(default)]
    pub at_ms: Option<i64>,
}

/// How the server took an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// done (or done before, when the operation was sent again)
    Done,
    /// someone else checked this guest in first: nothing changed
    AlreadyIn,
    /// not possible (wrong or foreign code, cancelled guest, bad walk-in form): nothing changed
    Refused,
}

/// The server's answer to an operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub outcome: Outcome,
    /// what to tell the person at the door, in their language
    pub message: String,
    /// the guest as they are now, when the operation concerned one
    pub guest: Option<DoorGuest>,
    pub counters: Counters,
    /// for a refused walk-in: the form field at fault
    #[serde(default)]
    pub field: Option<String>,
}

/// Whether an operation id is acceptable: 8 to 64 characters of `[A-Za-z0-9_-]`.
pub fn valid_op(op: &str) -> bool {
    (8..=64).contains(&op.len())
        && op
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Text folded for searching: lower case, common accents and umlauts reduced to their base letter
/// (so "muller" finds "Müller" and "Mueller" finds nothing unexpected).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' => out.push('a'),
            'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' => out.push('o'),
            'ü' | 'ù' | 'ú' | 'û' => out.push('u'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'í' | 'ì' | 'î' | 'ï' => out.push('i'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            _ => out.push(c),
        }
    }
    out
}

/// Whether a guest matches what the door typed: every word of the query appears in the name, the
/// company or the email (in any case, with or without accents). An empty query matches everyone.
pub fn matches(guest: &DoorGuest, query: &str) -> bool {
    let haystack = fold(&format!("{} {} {}", guest.name, guest.company, guest.email));
    fold(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// The order of the door list: not yet checked in first, then by name.
pub fn door_order(a: &DoorGuest, b: &DoorGuest) -> std::cmp::Ordering {
    a.is_in()
        .cmp(&b.is_in())
        .then_with(|| fold(&a.name).cmp(&fold(&b.name)))
        .then(a.id.cmp(&b.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guest(name: &str, company: &str, email: &str) -> DoorGuest {
        DoorGuest {
            id: 1,
            name: name.into(),
            company: company.into(),
            email: email.into(),
            rep: "Sam Sales".into(),
            priority: "A".into(),
            waitlisted: false,
            walk_in: false,
            checked_in_at: None,
            checked_in_by: None,
        }
    }

    #[test]
    fn a_guest_is_found_by_any_part_of_name_company_or_email() {
        let g = guest("Jana Müller", "Nordfracht GmbH", "jana@nordfracht.example");
        assert!(matches(&g, "jana"));
        assert!(matches(&g, "NORDFR"));
        assert!(matches(&g, "nordfracht.example"));
        assert!(matches(&g, ""));
        assert!(!matches(&g, "anna"));
    }

    #[test]
    fn every_word_of_the_query_must_match_somewhere() {
        let g = guest("Jana Müller", "Nordfracht GmbH", "jana@nordfracht.example");
        assert!(matches(&g, "jana nordfracht"));
        assert!(!matches(&g, "jana hamburg"));
    }

    #[test]
    fn umlauts_and_accents_need_not_be_typed() {
        let g = guest("Jana Müller", "Café Straße", "j@x.example");
        assert!(matches(&g, "muller"));
        assert!(matches(&g, "müller"));
        assert!(matches(&g, "cafe strasse"));
    }

    #[test]
    fn guests_not_yet_in_come_first_then_by_name() {
        let mut anna = guest("anna", "", "");
        anna.checked_in_at = Some("18:04".into());
        let mut ben = guest("Ben", "", "");
        ben.id = 2;
        let mut carl = guest("Carl", "", "");
        carl.id = 3;
        let mut list = [anna.clone(), carl.clone(), ben.clone()];
        list.sort_by(door_order);
        assert_eq!(
            list.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            ["Ben", "Carl", "anna"]
        );
    }

    #[test]
    fn operation_ids_are_short_and_plain() {
        assert!(valid_op("a1B2-c3_d4"));
        assert!(!valid_op("short"));
        assert!(!valid_op(&"x".repeat(65)));
        assert!(!valid_op("has space in it"));
        assert!(!valid_op("<script>alert</script>"));
    }

    #[test]
    fn an_operation_reads_the_way_the_browser_writes_it() {
        let json = r#"{"op":"dev1-000001","action":{"kind":"check_in","guest":7}}"#;
        let op: Operation = serde_json::from_str(json).unwrap();
        assert_eq!(op.action, Action::CheckIn { guest: 7 });
        assert_eq!(op.at_ms, None);
        let walk_in = r#"{"op":"dev1-000002","action":{"kind":"walk_in","first_name":"A","last_name":"B","email":"a@b.example","company":"","rep":3},"at_ms":5}"#;
        let op: Operation = serde_json::from_str(walk_in).unwrap();
        assert!(matches!(op.action, Action::WalkIn(WalkIn { rep: 3, .. })));
    }
}
