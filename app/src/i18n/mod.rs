//! English and German text, dates and relative times.
//!
//! The text lives in Fluent files, `app/locales/en.ftl` and `app/locales/de.ftl`, read by the
//! `fluent-bundle` crate (CLDR plural rules, variables). `app/build.rs` checks at build time that
//! both files parse and hold the same messages with the same variables, and lists the ids; the
//! `tr!`, `k!` and `msg!` macros refuse an id that is not there, at compile time.
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
#[cfg(not(feature = "hydrate"))]
use chrono::{NaiveDateTime, TimeZone as _};
#[cfg(not(feature = "hydrate"))]
use chrono_tz::Tz;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub use crate::domain::Language as Lang;
pub use crate::domain::{Arg, Msg};

include!(concat!(env!("OUT_DIR"), "/i18n_ids.rs"));

const SOURCES: [(Lang, &str, &str); 2] = [
    (Lang::En, "en", include_str!("../../locales/en.ftl")),
    (Lang::De, "de", include_str!("../../locales/de.ftl")),
];

struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Every message without variables, worded once, so `t` can hand out `&'static str`.
    plain: HashMap<&'static str, String>,
}

static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    SOURCES
        .iter()
        .map(|(_, tag, source)| {
            // build.rs has parsed the files already; a failure here cannot happen in a built binary
            let resource = FluentResource::try_new(source.to_string())
                .unwrap_or_else(|(_, errors)| panic!("{tag}.ftl: {errors:?}"));
            let language = tag.parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![language]);
            // no Unicode isolation marks around variables: the UI is left-to-right only
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .unwrap_or_else(|errors| panic!("{tag}.ftl: {errors:?}"));
            let mut plain = HashMap::new();
            for id in IDS {
                let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                    continue;
                };
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, None, &mut errors);
                if errors.is_empty() {
                    plain.insert(*id, text.into_owned());
                }
            }
            Catalogue { bundle, plain }
        })
        .collect()
});

fn catalogue(lang: Lang) -> &'static Catalogue {
    let index = SOURCES.iter().position(|(l, _, _)| *l == lang).unwrap_or(0);
    &CATALOGUES[index]
}

/// Whether `id` is a message in the locale files; `const`, so the macros check ids at compile time.
pub const fn has_id(id: &str) -> bool {
    let (mut low, mut high) = (0, IDS.len());
    while low < high {
        let middle = (low + high) / 2;
        match compare(IDS[middle].as_bytes(), id.as_bytes()) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

const fn compare(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] < b[i] {
            return std::cmp::Ordering::Less;
        }
        if a[i] > b[i] {
            return std::cmp::Ordering::Greater;
        }
        i += 1;
    }
    if a.len() < b.len() {
        std::cmp::Ordering::Less
    } else if a.len() > b.len() {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

/// The text of a message without variables. Prefer `tr!(lang, "id")`, which checks the id at
/// compile time; this function is for ids chosen at run time (an unknown id comes back as is).
pub fn t(lang: Lang, id: &str) -> &str {
    match catalogue(lang).plain.get(id) {
        Some(text) => text.as_str(),
        None => id,
    }
}

/// The text of a message with variables. Prefer `tr!(lang, "id", name = value, …)`.
pub fn t_args(lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
    let catalogue = catalogue(lang);
    let Some(pattern) = catalogue.bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(text.clone()),
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Id(id) => FluentValue::from(t(lang, id).to_string()),
        };
        fluent_args.set(name.to_string(), value);
    }
    let mut errors = vec![];
    catalogue
        .bundle
        .format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// A domain message (a code with its arguments) in words.
pub fn word(lang: Lang, message: &Msg) -> String {
    if message.args.is_empty() {
        return t(lang, &message.id).to_string();
    }
    let args: Vec<(&str, Arg)> = message
        .args
        .iter()
        .map(|(name, value)| (name.as_ref(), value.clone()))
        .collect();
    t_args(lang, &message.id, &args)
}

/// Text in the user's language: `tr!(lang, "nav-events")`, `tr!(lang, "place-hybrid", venue = v)`.
/// An id missing from `app/locales/en.ftl` is a compile error.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal) => {{
        const _: () = assert!($crate::i18n::has_id($id), concat!("no message `", $id, "` in app/locales/*.ftl"));
        $crate::i18n::t($lang, $id)
    }};
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        const _: () = assert!($crate::i18n::has_id($id), concat!("no message `", $id, "` in app/locales/*.ftl"));
        $crate::i18n::t_args($lang, $id, &[$((stringify!($name), $crate::domain::Arg::from($value))),+])
    }};
}

/// A message id checked at compile time, for code that picks the id and words it later.
#[macro_export]
macro_rules! k {
    ($id:literal) => {{
        const _: () = assert!(
            $crate::i18n::has_id($id),
            concat!("no message `", $id, "` in app/locales/*.ftl")
        );
        $id
    }};
}

/// A domain message: a checked id and its arguments, worded later in the reader's language.
#[macro_export]
macro_rules! msg {
    ($id:literal) => {
        $crate::domain::Msg::new($crate::k!($id))
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::domain::Msg::new($crate::k!($id))$(.with(stringify!($name), $value))+
    };
}

#[cfg(not(feature = "hydrate"))]
const WEEKDAYS_DE: [&str; 7] = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"];
const MONTHS_DE: [&str; 12] = [
    "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez.",
];

/// A wall-clock time in `tz`, named with the zone's abbreviation: "Wed 10 Mar 2027, 18:00 CET".
// server only: the browser build has no time-zone database (`domain::zone`)
#[cfg(not(feature = "hydrate"))]
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

/// A month: "Nov 2026", "Nov. 2026".
pub fn format_month(lang: Lang, day: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match lang {
        Lang::En => day.format("%b %Y").to_string(),
        Lang::De => format!("{} {}", MONTHS_DE[day.month0() as usize], day.year()),
    }
}

/// A day: "3 Dec 2026", "3. Dez. 2026".
pub fn format_day(lang: Lang, day: &chrono::NaiveDate) -> String {
    use chrono::Datelike;
    match lang {
        Lang::En => day.format("%-d %b %Y").to_string(),
        Lang::De => format!(
            "{}. {} {}",
            day.day(),
            MONTHS_DE[day.month0() as usize],
            day.year()
        ),
    }
}

/// A whole number with the language's thousands separator: "25,000", "25.000".
pub fn format_number(lang: Lang, value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let separator = match lang {
        Lang::En => ',',
        Lang::De => '.',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    if value < 0 {
        out.insert(0, '-');
    }
    out
}

/// An amount of money: "EUR 25,000", "25.000 EUR".
pub fn format_amount(lang: Lang, amount: i64, currency: &str) -> String {
    match lang {
        Lang::En => format!("{currency} {}", format_number(lang, amount)),
        Lang::De => format!("{} {currency}", format_number(lang, amount)),
    }
}

/// From start to end in `tz`: the end names only its time when the event ends the same day
/// ("Wed 10 Mar 2027, 18:00 CET – 22:00 CET").
// server only: the browser build has no time-zone database (`domain::zone`)
#[cfg(not(feature = "hydrate"))]
pub fn format_span(lang: Lang, start: &NaiveDateTime, end: &NaiveDateTime, tz: Tz) -> String {
    if start.date() == end.date() {
        let zoned = tz.from_local_datetime(end).earliest();
        let abbreviation = zoned
            .map(|z| z.format("%Z").to_string())
            .unwrap_or_else(|| tz.name().to_string());
        format!(
            "{} – {} {abbreviation}",
            format_local(lang, start, tz),
            end.format("%H:%M")
        )
    } else {
        format!(
            "{} – {}",
            format_local(lang, start, tz),
            format_local(lang, end, tz)
        )
    }
}

/// An instant shown in `tz` ("Wed 10 Mar 2027, 18:00 CET").
// server only: the browser build has no time-zone database (`domain::zone`)
#[cfg(not(feature = "hydrate"))]
pub fn format_instant(lang: Lang, instant: &DateTime<Utc>, tz: Tz) -> String {
    format_local(lang, &instant.with_timezone(&tz).naive_local(), tz)
}

/// "in 3 days", "2 hours ago", "just now" — for deadlines and comments.
pub fn relative(lang: Lang, now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let seconds = (then - now).num_seconds();
    let abs = seconds.abs();
    if abs < 60 {
        return tr!(lang, "time-just-now").to_string();
    }
    match (seconds > 0, abs) {
        (true, s) if s < 3600 => tr!(lang, "time-in-minutes", count = s / 60),
        (true, s) if s < 86_400 => tr!(lang, "time-in-hours", count = s / 3600),
        (true, s) => tr!(lang, "time-in-days", count = s / 86_400),
        (false, s) if s < 3600 => tr!(lang, "time-minutes-ago", count = s / 60),
        (false, s) if s < 86_400 => tr!(lang, "time-hours-ago", count = s / 3600),
        (false, s) => tr!(lang, "time-days-ago", count = s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn amounts_and_months_are_written_as_each_language_writes_them() {
        assert_eq!(format_amount(Lang::En, 1_250_000, "EUR"), "EUR 1,250,000");
        assert_eq!(format_amount(Lang::De, 25_000, "EUR"), "25.000 EUR");
        assert_eq!(format_number(Lang::En, 999), "999");
        assert_eq!(format_number(Lang::En, -1000), "-1,000");
        let day = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        assert_eq!(format_month(Lang::En, &day), "Mar 2026");
        assert_eq!(format_month(Lang::De, &day), "März 2026");
        assert_eq!(format_day(Lang::De, &day), "3. März 2026");
    }

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
    fn an_evening_names_its_date_once() {
        let day = NaiveDate::from_ymd_opt(2027, 3, 10).unwrap();
        let (start, end) = (
            day.and_hms_opt(18, 0, 0).unwrap(),
            day.and_hms_opt(22, 0, 0).unwrap(),
        );
        assert_eq!(
            format_span(Lang::En, &start, &end, chrono_tz::Europe::Berlin),
            "Wed 10 Mar 2027, 18:00 CET – 22:00 CET"
        );
        let next = day.succ_opt().unwrap().and_hms_opt(1, 0, 0).unwrap();
        assert!(
            format_span(Lang::En, &start, &next, chrono_tz::Europe::Berlin)
                .ends_with("Thu 11 Mar 2027, 01:00 CET")
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
    fn plural_forms_follow_the_language() {
        let now = Utc::now();
        assert_eq!(
            relative(Lang::En, now, now + chrono::Duration::minutes(1)),
            "in 1 minute"
        );
        assert_eq!(
            relative(Lang::De, now, now - chrono::Duration::days(3)),
            "vor 3 Tagen"
        );
        assert_eq!(
            relative(Lang::De, now, now - chrono::Duration::hours(1)),
            "vor 1 Stunde"
        );
    }

    #[test]
    fn every_message_has_words_in_both_languages() {
        for id in IDS {
            for lang in [Lang::En, Lang::De] {
                let bundle = &catalogue(lang).bundle;
                assert!(
                    bundle.get_message(id).and_then(|m| m.value()).is_some(),
                    "{id} has no text"
                );
            }
        }
    }

    #[test]
    fn the_id_check_knows_every_id_and_nothing_else() {
        assert!(IDS.iter().all(|id| has_id(id)));
        assert!(
            IDS.windows(2).all(|w| w[0] < w[1]),
            "ids are sorted for the binary search"
        );
        assert!(!has_id("nav-nothing-like-this"));
        assert!(!has_id(""));
    }

    #[test]
    fn a_domain_message_is_worded_with_its_arguments() {
        let message = Msg::new("place-hybrid").with("venue", "Hall 3");
        assert_eq!(word(Lang::De, &message), "Hall 3 + online");
        assert_eq!(t(Lang::En, "no-such-id"), "no-such-id");
    }
}
