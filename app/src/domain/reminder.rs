//! When reminders and nudges are due, as plain functions of times and settings.
use chrono::{DateTime, Duration, Utc};

use super::Msg;

/// At most this many reminders per event, each at most this many days before the start.
pub const MAX_REMINDERS: usize = 4;
pub const MAX_REMINDER_DAYS: u32 = 60;

/// `"7, 1"` → `[7, 1]`: whole days before the start, largest first, each once. Empty means no
/// reminders.
pub fn parse_reminder_days(text: &str) -> Result<Vec<u32>, Msg> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<u32>() {
            Ok(d) if (1..=MAX_REMINDER_DAYS).contains(&d) => days.push(d),
            _ => {
                return Err(msg!(
                    "reminder-days-invalid",
                    max = MAX_REMINDER_DAYS as i64
                ))
            }
        }
    }
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    if days.len() > MAX_REMINDERS {
        return Err(msg!("reminder-days-too-many", max = MAX_REMINDERS as i64));
    }
    Ok(days)
}

/// The reminder due now: of those whose time (`days` before the start) has come while the event
/// is still ahead, the one closest to the start — an event planned late skips to its nearest
/// reminder instead of sending every earlier one at once.
pub fn due_reminder(starts_at: DateTime<Utc>, days: &[u32], now: DateTime<Utc>) -> Option<u32> {
    if now >= starts_at {
        return None;
    }
    days.iter()
        .copied()
        .filter(|d| starts_at - Duration::days(i64::from(*d)) <= now)
        .min()
}

/// When reminder `days` is due.
pub fn reminder_time(starts_at: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    starts_at - Duration::days(i64::from(days))
}

/// When the nudge is due: `days` before the RSVP deadline.
pub fn nudge_time(deadline: DateTime<Utc>, days: i32) -> DateTime<Utc> {
    deadline - Duration::days(i64::from(days.max(0)))
}

/// Whether invited guests who have not answered are nudged now: from the nudge time until the
/// deadline.
pub fn nudge_due(deadline: Option<DateTime<Utc>>, days: Option<i32>, now: DateTime<Utc>) -> bool {
    match (deadline, days) {
        (Some(deadline), Some(days)) if days > 0 => {
            nudge_time(deadline, days) <= now && now < deadline
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2030, 3, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn reminder_days_are_read_largest_first_once_each() {
        assert_eq!(parse_reminder_days("1, 7,7 ").unwrap(), vec![7, 1]);
        assert_eq!(parse_reminder_days("").unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn reminder_days_that_make_no_sense_are_refused() {
        assert!(parse_reminder_days("0").is_err());
        assert!(parse_reminder_days("61").is_err());
        assert!(parse_reminder_days("seven").is_err());
        assert!(parse_reminder_days("1,2,3,4,5").is_err());
    }

    #[test]
    fn the_reminder_closest_to_the_start_whose_time_has_come_is_due() {
        let start = at(20, 18);
        assert_eq!(
            due_reminder(start, &[7, 1], at(12, 18)),
            None,
            "8 days before"
        );
        assert_eq!(due_reminder(start, &[7, 1], at(13, 18)), Some(7));
        assert_eq!(due_reminder(start, &[7, 1], at(19, 18)), Some(1));
        assert_eq!(
            due_reminder(start, &[7, 1], at(20, 18)),
            None,
            "it has begun"
        );
        assert_eq!(due_reminder(start, &[], at(19, 18)), None);
    }

    #[test]
    fn the_nudge_runs_from_its_time_until_the_deadline() {
        let deadline = Some(at(10, 12));
        assert!(!nudge_due(deadline, Some(3), at(7, 11)));
        assert!(nudge_due(deadline, Some(3), at(7, 12)));
        assert!(!nudge_due(deadline, Some(3), at(10, 12)));
        assert!(!nudge_due(None, Some(3), at(9, 12)));
        assert!(!nudge_due(deadline, None, at(9, 12)));
        assert!(!nudge_due(deadline, Some(0), at(9, 12)));
    }
}
