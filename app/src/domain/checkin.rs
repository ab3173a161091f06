//! The door code of an accepted guest: eight characters from an alphabet without look-alikes
//! (no 0/O, 1/I/L, no U), shown as `ABCD-EFGH` under the QR image and read back however the door
//! types it (any case, with or without the dash or spaces). And the door's rules: who may be
//! checked in, what the counters say, and which time a check-in that waited offline gets.
use chrono::{DateTime, Duration, Utc};

use super::{Answer, EventStatus, Msg, NominationState, Role};

/// The characters a door code is made of: Crockford's base-32 letters and digits without the
/// ones people confuse (0, 1, O, I, L, U).
pub const CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many characters a door code has (30⁸ ≈ 6.6 · 10¹¹ codes).
pub const CODE_LEN: usize = 8;

/// A door code from random bytes (one byte per character; the small modulo bias does not matter
/// for a code that is only ever looked up by signed-in door staff).
pub fn checkin_code_from(random: [u8; CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect()
}

/// The code as people read it: `ABCD-EFGH`.
pub fn format_checkin_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// What the door typed or scanned, as a stored code: upper case, without dashes and spaces.
/// `None` when it cannot be a code (wrong length, or a character outside the alphabet).
pub fn normalize_checkin_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// Who works the door: marketing, sales and admins (managers read the reports).
pub fn can_work_door(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Marketing | Role::Sales)
}

/// Why a guest cannot be checked in, or `None` when they can: accepted and waitlisted guests (the
/// door decides whether there is room) and walk-ins. The message names what the door sees.
pub fn checkin_refusal(state: NominationState, answer: Answer, walk_in: bool) -> Option<Msg> {
    if walk_in {
        return None;
    }
    match (state, answer) {
        (NominationState::Withdrawn | NominationState::Rejected, _) => {
            Some(msg!("door-refused-cancelled"))
        }
        (_, Answer::Accepted | Answer::Waitlisted) => None,
        (_, Answer::Declined) => Some(msg!("door-refused-declined")),
        (_, Answer::None) => Some(msg!("door-refused-not-accepted")),
    }
}

/// What one guest adds to the door's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoorTally {
    pub answer: Answer,
    pub walk_in: bool,
    pub checked_in: bool,
}

/// The door's counters: everyone checked in (walk-ins too), the guests who accepted their
/// invitation (walk-ins not), and the capacity.
pub fn door_counters(
    guests: impl IntoIterator<Item = DoorTally>,
    capacity: i32,
) -> door::protocol::Counters {
    let mut counters = door::protocol::Counters {
        capacity: capacity.max(0) as u32,
        ..Default::default()
    };
    for g in guests {
        if g.checked_in {
            counters.checked_in += 1;
        }
        if g.answer == Answer::Accepted && !g.walk_in {
            counters.accepted += 1;
        }
    }
    counters
}

/// Whether attendance is settled: marketing closed the event, or a day has passed since it ended.
/// From then on an accepted guest who was not checked in is a no-show, and the door is closed.
pub fn attendance_settled(status: EventStatus, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status == EventStatus::Closed || now >= ends_at + Duration::days(1)
}

/// What the door made of a guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Attendance {
    /// checked in at the door
    Attended,
    /// accepted, and attendance is settled without a check-in
    NoShow,
}

impl Attendance {
    pub fn label_id(self) -> &'static str {
        match self {
            Attendance::Attended => k!("attendance-attended"),
            Attendance::NoShow => k!("attendance-no-show"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::NoShow => "no-show",
        }
    }
}

/// A guest's attendance: attended when checked in; a no-show when they accepted and attendance is
/// settled (`attendance_settled`) without a check-in; nothing yet otherwise (and never for guests
/// who declined, were waitlisted or never answered).
pub fn attendance(answer: Answer, checked_in: bool, settled: bool) -> Option<Attendance> {
    if checked_in {
        Some(Attendance::Attended)
    } else if answer == Answer::Accepted && settled {
        Some(Attendance::NoShow)
    } else {
        None
    }
}

/// How long a check-in may wait on a device and still keep the time it was made.
pub const OFFLINE_GRACE_HOURS: i64 = 12;

/// The time a check-in is recorded with: when the device made it, if it waited offline and that
/// time is plausible (not in the future, not older than `OFFLINE_GRACE_HOURS`); else now.
pub fn checkin_time(device_at_ms: Option<i64>, now: DateTime<Utc>) -> DateTime<Utc> {
    device_at_ms
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .filter(|at| *at <= now && now - *at <= Duration::hours(OFFLINE_GRACE_HOURS))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_waitlisted_guests_and_walk_ins_may_be_checked_in() {
        use NominationState::*;
        assert_eq!(checkin_refusal(Approved, Answer::Accepted, false), None);
        assert_eq!(checkin_refusal(Approved, Answer::Waitlisted, false), None);
        assert_eq!(checkin_refusal(Approved, Answer::None, true), None);
    }

    #[test]
    fn declined_cancelled_and_unanswered_guests_are_refused_with_the_reason() {
        use NominationState::*;
        let id = |m: Option<Msg>| m.map(|m| m.id.into_owned());
        assert_eq!(
            id(checkin_refusal(Approved, Answer::Declined, false)).as_deref(),
            Some("door-refused-declined")
        );
        assert_eq!(
            id(checkin_refusal(Withdrawn, Answer::Accepted, false)).as_deref(),
            Some("door-refused-cancelled")
        );
        assert_eq!(
            id(checkin_refusal(Rejected, Answer::None, false)).as_deref(),
            Some("door-refused-cancelled")
        );
        assert_eq!(
            id(checkin_refusal(Approved, Answer::None, false)).as_deref(),
            Some("door-refused-not-accepted")
        );
    }

    #[test]
    fn attendance_is_settled_when_marketing_closes_the_event_or_a_day_after_it_ends() {
        use chrono::TimeZone;
        let ends = Utc.with_ymd_and_hms(2026, 11, 28, 22, 0, 0).unwrap();
        let during = ends - Duration::hours(2);
        assert!(!attendance_settled(EventStatus::Open, ends, during));
        assert!(attendance_settled(EventStatus::Closed, ends, during));
        assert!(!attendance_settled(
            EventStatus::Open,
            ends,
            ends + Duration::hours(23)
        ));
        assert!(attendance_settled(
            EventStatus::Open,
            ends,
            ends + Duration::days(1)
        ));
    }

    #[test]
    fn accepted_guests_not_checked_in_become_no_shows_once_attendance_is_settled() {
        assert_eq!(attendance(Answer::Accepted, false, false), None);
        assert_eq!(
            attendance(Answer::Accepted, false, true),
            Some(Attendance::NoShow)
        );
        assert_eq!(
            attendance(Answer::Accepted, true, true),
            Some(Attendance::Attended)
        );
        assert_eq!(
            attendance(Answer::Waitlisted, true, false),
            Some(Attendance::Attended),
            "a waitlisted guest let in attended"
        );
        assert_eq!(attendance(Answer::Declined, false, true), None);
        assert_eq!(attendance(Answer::Waitlisted, false, true), None);
        assert_eq!(attendance(Answer::None, false, true), None);
    }

    #[test]
    fn the_door_is_worked_by_marketing_sales_and_admins() {
        assert!(can_work_door(Role::Admin));
        assert!(can_work_door(Role::Marketing));
        assert!(can_work_door(Role::Sales));
        assert!(!can_work_door(Role::Manager));
    }

    #[test]
    fn counters_count_walk_ins_as_arrivals_but_not_as_acceptances() {
        let t = |answer, walk_in, checked_in| DoorTally {
            answer,
            walk_in,
            checked_in,
        };
        let counters = door_counters(
            [
                t(Answer::Accepted, false, true),
                t(Answer::Accepted, false, false),
                t(Answer::Waitlisted, false, true),
                t(Answer::Accepted, true, true),
                t(Answer::Declined, false, false),
            ],
            40,
        );
        assert_eq!(counters.checked_in, 3);
        assert_eq!(counters.accepted, 2);
        assert_eq!(counters.capacity, 40);
    }

    #[test]
    fn a_check_in_that_waited_offline_keeps_its_time_when_plausible() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 18, 30, 0).unwrap();
        let made = Utc.with_ymd_and_hms(2026, 11, 28, 18, 4, 0).unwrap();
        assert_eq!(checkin_time(Some(made.timestamp_millis()), now), made);
        assert_eq!(checkin_time(None, now), now);
        let future = now + Duration::minutes(5);
        assert_eq!(checkin_time(Some(future.timestamp_millis()), now), now);
        let stale = now - Duration::hours(OFFLINE_GRACE_HOURS + 1);
        assert_eq!(checkin_time(Some(stale.timestamp_millis()), now), now);
    }

    #[test]
    fn a_code_has_eight_characters_from_the_alphabet() {
        let code = checkin_code_from([0, 1, 29, 30, 255, 128, 7, 64]);
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(&code[..4], "23Z2");
    }

    #[test]
    fn the_alphabet_has_no_look_alikes() {
        for c in b"01OILU" {
            assert!(!CODE_ALPHABET.contains(c), "{}", *c as char);
        }
    }

    #[test]
    fn a_code_is_shown_in_two_groups_of_four() {
        assert_eq!(format_checkin_code("ABCDEFGH"), "ABCD-EFGH");
    }

    #[test]
    fn typed_codes_are_read_in_any_case_with_or_without_the_dash() {
        assert_eq!(
            normalize_checkin_code("abcd-efgh").as_deref(),
            Some("ABCDEFGH")
        );
        assert_eq!(
            normalize_checkin_code(" ABCD EFGH ").as_deref(),
            Some("ABCDEFGH")
        );
        assert_eq!(
            normalize_checkin_code("ABCDEFGH").as_deref(),
            Some("ABCDEFGH")
        );
    }

    #[test]
    fn what_cannot_be_a_code_is_refused() {
        assert_eq!(normalize_checkin_code(""), None);
        assert_eq!(normalize_checkin_code("ABCD-EFG"), None);
        assert_eq!(normalize_checkin_code("ABCD-EFGHJ"), None);
        assert_eq!(
            normalize_checkin_code("ABCD-EFG0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalize_checkin_code("ÄBCD-EFGH"), None);
    }
}
