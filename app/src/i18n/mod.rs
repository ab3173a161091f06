//! English and German UI text, dates and relative times. Each language's strings live in one file.
use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use chrono_tz::Tz;

pub use crate::domain::Language as Lang;

mod de;
mod en;

/// The UI text for `key`; English when a German string is missing, the key itself when both are.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    let found = match lang {
        Lang::En => en::get(key),
        Lang::De => de::get(key).or_else(|| en::get(key)),
    };
    found.unwrap_or(key)
}

const WEEKDAYS_DE: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];
const MONTHS_DE: [&str; 12] = [
    "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.",
];

/// A wall-clock time in `tz`, named with the zone's abbreviation: "Wed 10 Mar 2027, 18:00 CET".
pub fn format_local(lang: Lang, local: &NaiveDateTime, tz: Tz) -> String {
    let zoned = tz.from_local_datetime(local).earliest();
    let abbreviation = zoned
        .map(|z| z.format("%Z").to_string())
        .unwrap_or_else(|| tz.name().to_string());
    match lang {
        Lang::En => format!("{} {}", local.format("%a %-d %b %Y, %H:%M"), abbreviation),
        Lang::De => {
            use chrono::Datelike;
            format!(
                "{}, {}. {} {}, {} {}",
                WEEKDAYS_DE[local.weekday().num_days_from_monday() as usize],
                local.day(),
                MONTHS_DE[local.month0() as usize],
                local.year(),
                local.format("%H:%M"),
                abbreviation
            )
        }
    }
}

/// An instant shown in `tz` ("Wed 10 Mar 2027, 18:00 CET").
pub fn format_instant(lang: Lang, instant: &DateTime<Utc>, tz: Tz) -> String {
    format_local(lang, &instant.with_timezone(&tz).naive_local(), tz)
}

fn unit(lang: Lang, n: i64, unit: &str) -> String {
    let (one, many) = match (lang, unit) {
        (Lang::En, "minute") => ("minute", "minutes"),
        (Lang::En, "hour") => ("hour", "hours"),
        (Lang::En, _) => ("day", "days"),
        (Lang::De, "minute") => ("Minute", "Minuten"),
        (Lang::De, "hour") => ("Stunde", "Stunden"),
        (Lang::De, _) => ("Tag", "Tagen"),
    };
    // German dative plural after "in"/"vor": "in 3 Tagen", "vor 1 Tag"
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "in 3 days", "2 hours ago", "just now" — for deadlines and comments.
pub fn relative(lang: Lang, now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let seconds = (then - now).num_seconds();
    let future = seconds > 0;
    let abs = seconds.abs();
    if abs < 60 {
        return t(lang, "time.just_now").to_string();
    }
    let amount = if abs < 3600 {
        unit(lang, abs / 60, "minute")
    } else if abs < 86_400 {
        unit(lang, abs / 3600, "hour")
    } else {
        unit(lang, abs / 86_400, "day")
    };
    match (lang, future) {
        (Lang::En, true) => format!("in {amount}"),
        (Lang::En, false) => format!("{amount} ago"),
        (Lang::De, true) => format!("in {amount}"),
        (Lang::De, false) => format!("vor {amount}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn times_are_shown_with_the_zone_named() {
        let local = NaiveDate::from_ymd_opt(2027, 3, 10)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap();
        assert_eq!(
            format_local(Lang::En, &local, chrono_tz::Europe::Berlin),
            "Wed 10 Mar 2027, 18:00 CET"
        );
        assert_eq!(
            format_local(Lang::De, &local, chrono_tz::Europe::Berlin),
            "Mi, 10. März 2027, 18:00 CET"
        );
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = Utc::now();
        assert_eq!(
            relative(Lang::En, now, now + chrono::Duration::days(3)),
            "in 3 days"
        );
        assert_eq!(
            relative(Lang::En, now, now - chrono::Duration::hours(2)),
            "2 hours ago"
        );
        assert_eq!(
            relative(Lang::De, now, now + chrono::Duration::days(1)),
            "in 1 Tag"
        );
    }

    #[test]
    fn every_english_key_has_a_german_translation() {
        for key in en::KEYS {
            assert!(de::get(key).is_some(), "German text missing for {key}");
        }
    }
}
