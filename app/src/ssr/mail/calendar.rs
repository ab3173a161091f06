//! iCalendar (RFC 5545) for invitations, updates, cancellations (iMIP, RFC 5546 / 6047) and a
//! published feed, written from already-worded text.
//!
//! **Own writer, not the `icalendar` crate.** That crate silently invents a random UID and the
//! current DTSTAMP when one is missing, does not escape a bare CR, writes `"` inside `CN=` unquoted
//! and cannot write VTIMEZONE. Each gap would need a workaround plus a test that the workaround
//! holds across its upgrades; what we need is one VCALENDAR with fixed properties, which is about
//! a hundred lines where every rule below is ours and tested: times in UTC, TEXT escaped, parameter
//! values quoted and cleaned, lines folded at 75 octets on character boundaries, CRLF everywhere.
//!
//! What clients need (shared/MAIL.md): the MIME method equals `METHOD`; a REQUEST carries an
//! ORGANIZER that receives replies and exactly one ATTENDEE, the recipient, with `RSVP=TRUE`; an
//! update keeps the UID and raises SEQUENCE with a new DTSTAMP (the caller's numbers); a
//! cancellation is `METHOD:CANCEL` with `STATUS:CANCELLED`; a published file names no attendees.
use chrono::{DateTime, Utc};

use super::Mailbox;

/// Names this product in every calendar (`PRODID`).
const PRODID: &str = "-//Tandem//Tandem Events//EN";

/// RFC 5545 §3.1: content lines should not be longer than 75 octets, excluding the line break.
pub const MAX_LINE_OCTETS: usize = 75;

/// The iTIP method of a calendar, written as `METHOD:` and repeated in the MIME content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarMethod {
    /// An invitation or an update of one: the recipient is asked to answer.
    Request,
    /// The event is off (or the recipient is no longer invited).
    Cancel,
    /// A file to add to a calendar, no answer expected (download, feed).
    Publish,
}

impl CalendarMethod {
    /// The method as iCalendar and MIME write it: `REQUEST`, `CANCEL`, `PUBLISH`.
    pub fn as_str(self) -> &'static str {
        match self {
            CalendarMethod::Request => "REQUEST",
            CalendarMethod::Cancel => "CANCEL",
            CalendarMethod::Publish => "PUBLISH",
        }
    }
}

/// One event as the calendar shows it. Text is already worded in the reader's language.
#[derive(Debug, Clone)]
pub struct CalendarEvent {
    /// Stays the same for the life of the event, across updates and the cancellation.
    pub uid: String,
    /// Raised by the caller on every change that guests should see (negative is written as 0).
    pub sequence: i32,
    /// When this version of the event was written: new on every update.
    pub dtstamp: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    /// Left out when it is not after `starts_at` (RFC 5545 requires DTEND to be later).
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    pub location: Option<String>,
    /// Left out when empty.
    pub description: String,
    pub url: Option<String>,
    /// Must be a mailbox that receives replies: clients send their answers there.
    pub organizer: Mailbox,
    /// Written as `STATUS:CANCELLED` (always so with [`CalendarMethod::Cancel`]); otherwise
    /// `STATUS:CONFIRMED`. Send a cancellation to guests with `Cancel`, not with this flag.
    pub cancelled: bool,
}

/// The one recipient named in an invitation or cancellation.
#[derive(Debug, Clone)]
pub struct Attendee {
    pub name: String,
    pub email: String,
    /// the guest has accepted (a confirmation): `PARTSTAT=ACCEPTED` instead of asking to answer
    pub accepted: bool,
}

/// One VCALENDAR with one VEVENT.
///
/// `Request` and `Cancel` name `attendee` (when given) as the only ATTENDEE; a request asks them
/// to answer (`PARTSTAT=NEEDS-ACTION;RSVP=TRUE`), a cancellation does not. `Publish` never names
/// an attendee, even when one is given.
pub fn render(
    method: CalendarMethod,
    event: &CalendarEvent,
    attendee: Option<&Attendee>,
) -> String {
    let mut cal = Writer::default();
    cal.begin_calendar(method);
    let attendee = match method {
        CalendarMethod::Publish => None,
        CalendarMethod::Request | CalendarMethod::Cancel => attendee,
    };
    cal.event(method, event, attendee);
    cal.line("END:VCALENDAR");
    cal.out
}

/// A published calendar (`METHOD:PUBLISH`) named `name`, with one VEVENT per event and no
/// attendees; cancelled events stay in it with `STATUS:CANCELLED`, so subscribed calendars remove
/// them. Each VEVENT names its own event's organizer.
///
/// RFC 5545 wants at least one component: with no events the calendar is empty, which the usual
/// clients accept for a feed.
pub fn render_feed(name: &str, events: &[CalendarEvent]) -> String {
    let mut cal = Writer::default();
    cal.begin_calendar(CalendarMethod::Publish);
    let name = escape_text(name);
    cal.line(&format!("NAME:{name}"));
    cal.line(&format!("X-WR-CALNAME:{name}"));
    for event in events {
        cal.event(CalendarMethod::Publish, event, None);
    }
    cal.line("END:VCALENDAR");
    cal.out
}

/// Collects folded content lines, each ending in CRLF.
#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn begin_calendar(&mut self, method: CalendarMethod) {
        self.line("BEGIN:VCALENDAR");
        self.line(&format!("PRODID:{PRODID}"));
        self.line("VERSION:2.0");
        self.line("CALSCALE:GREGORIAN");
        self.line(&format!("METHOD:{}", method.as_str()));
    }

    fn event(
        &mut self,
        method: CalendarMethod,
        event: &CalendarEvent,
        attendee: Option<&Attendee>,
    ) {
        self.line("BEGIN:VEVENT");
        self.line(&format!("UID:{}", escape_text(&event.uid)));
        self.line(&format!("SEQUENCE:{}", event.sequence.max(0)));
        self.line(&format!("DTSTAMP:{}", utc(event.dtstamp)));
        self.line(&format!("DTSTART:{}", utc(event.starts_at)));
        if event.ends_at > event.starts_at {
            self.line(&format!("DTEND:{}", utc(event.ends_at)));
        }
        self.line(&format!("SUMMARY:{}", escape_text(&event.summary)));
        if let Some(location) = &event.location {
            self.line(&format!("LOCATION:{}", escape_text(location)));
        }
        if !event.description.is_empty() {
            self.line(&format!("DESCRIPTION:{}", escape_text(&event.description)));
        }
        if let Some(url) = &event.url {
            self.line(&format!("URL:{}", uri(url)));
        }
        self.line(&format!(
            "ORGANIZER{}:{}",
            cn(&event.organizer.name),
            mailto(&event.organizer.email)
        ));
        if let Some(attendee) = attendee {
            let answer = match method {
                CalendarMethod::Request if attendee.accepted => ";PARTSTAT=ACCEPTED",
                CalendarMethod::Request => ";PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
                CalendarMethod::Cancel | CalendarMethod::Publish => "",
            };
            self.line(&format!(
                "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT{answer}{}:{}",
                cn(&attendee.name),
                mailto(&attendee.email)
            ));
        }
        let status = if method == CalendarMethod::Cancel || event.cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        self.line(&format!("STATUS:{status}"));
        self.line("END:VEVENT");
    }

    /// Appends one content line folded at 75 octets: a continuation starts with one space, which
    /// counts, and a UTF-8 character is never split. The line itself never holds CR or LF: every
    /// value went through one of the cleaning functions below.
    fn line(&mut self, content: &str) {
        debug_assert!(!content.contains(['\r', '\n']), "unescaped line break");
        let mut used = 0;
        for ch in content.chars() {
            let len = ch.len_utf8();
            if used + len > MAX_LINE_OCTETS {
                self.out.push_str("\r\n ");
                used = 1;
            }
            self.out.push(ch);
            used += len;
        }
        self.out.push_str("\r\n");
    }
}

/// A DATE-TIME in UTC: `YYYYMMDDTHHMMSSZ`.
fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): `\` `;` `,` escaped, a line break (LF or CRLF) becomes `\n`,
/// a tab a space; CR and every other control character are dropped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `;CN="…"` for a display name, or nothing when the name is empty. A parameter value cannot hold
/// `"` or control characters even when quoted: `"` becomes `'`, line breaks and tabs become a
/// space, other controls are dropped, runs of spaces shrink to one. Quoting keeps `;` `:` `,`.
fn cn(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter_map(|c| match c {
            '"' => Some('\''),
            '\r' | '\n' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        String::new()
    } else {
        format!(";CN=\"{cleaned}\"")
    }
}

/// A URI value: whitespace and control characters removed (they cannot be part of a URI).
fn uri(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// A CAL-ADDRESS for a mail address.
fn mailto(email: &str) -> String {
    format!("mailto:{}", uri(email))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::ssr::mail::python_check;

    fn event() -> CalendarEvent {
        CalendarEvent {
            uid: "event-7@tandem.example".into(),
            sequence: 2,
            dtstamp: Utc.with_ymd_and_hms(2026, 11, 27, 9, 30, 0).unwrap(),
            starts_at: Utc.with_ymd_and_hms(2027, 3, 4, 17, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2027, 3, 4, 21, 30, 5).unwrap(),
            summary: "Spring customer evening".into(),
            location: Some("Halle 3, Messeplatz 1; Köln".into()),
            description: "Drinks, talks and a tour.\nBring your badge.".into(),
            url: Some("https://tandem.example/e/7".into()),
            organizer: Mailbox::new("Tandem Events", "events@tandem.example"),
            cancelled: false,
        }
    }

    fn guest() -> Attendee {
        Attendee {
            name: "Jürgen Müller".into(),
            email: "juergen@customer.example".into(),
            accepted: false,
        }
    }

    /// The physical lines, without their CRLF (the text must end in one).
    fn physical_lines(ics: &str) -> Vec<&str> {
        let body = ics.strip_suffix("\r\n").expect("ends with CRLF");
        body.split("\r\n").collect()
    }

    /// The logical content lines after unfolding.
    fn unfolded(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "")
            .strip_suffix("\r\n")
            .expect("ends with CRLF")
            .split("\r\n")
            .map(str::to_owned)
            .collect()
    }

    fn property<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
        lines
            .iter()
            .filter(|l| {
                l.strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(':') || rest.starts_with(';'))
            })
            .map(String::as_str)
            .collect()
    }

    /// Every line ends in CRLF (the last one too), holds no stray CR or LF and is at most 75 octets.
    fn assert_well_formed(ics: &str) {
        assert!(ics.ends_with("\r\n"), "last line without CRLF");
        for line in physical_lines(ics) {
            assert!(!line.contains(['\r', '\n']), "stray line break in {line:?}");
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
        }
    }

    #[test]
    fn every_method_writes_product_version_method_and_the_event_header() {
        for method in [
            CalendarMethod::Request,
            CalendarMethod::Cancel,
            CalendarMethod::Publish,
        ] {
            let ics = render(method, &event(), Some(&guest()));
            assert_well_formed(&ics);
            let lines = unfolded(&ics);
            assert_eq!(lines[0], "BEGIN:VCALENDAR");
            assert_eq!(property(&lines, "PRODID"), [format!("PRODID:{PRODID}")]);
            assert_eq!(property(&lines, "VERSION"), ["VERSION:2.0"]);
            assert_eq!(
                property(&lines, "METHOD"),
                [format!("METHOD:{}", method.as_str())]
            );
            assert_eq!(property(&lines, "UID"), ["UID:event-7@tandem.example"]);
            assert_eq!(property(&lines, "SEQUENCE"), ["SEQUENCE:2"]);
            assert_eq!(property(&lines, "DTSTAMP"), ["DTSTAMP:20261127T093000Z"]);
            assert_eq!(property(&lines, "DTSTART"), ["DTSTART:20270304T170000Z"]);
            assert_eq!(property(&lines, "DTEND"), ["DTEND:20270304T213005Z"]);
            assert_eq!(
                property(&lines, "SUMMARY"),
                ["SUMMARY:Spring customer evening"]
            );
            assert_eq!(
                property(&lines, "LOCATION"),
                ["LOCATION:Halle 3\\, Messeplatz 1\\; Köln"]
            );
            assert_eq!(
                property(&lines, "DESCRIPTION"),
                ["DESCRIPTION:Drinks\\, talks and a tour.\\nBring your badge."]
            );
            assert_eq!(property(&lines, "URL"), ["URL:https://tandem.example/e/7"]);
            assert_eq!(
                property(&lines, "ORGANIZER"),
                ["ORGANIZER;CN=\"Tandem Events\":mailto:events@tandem.example"]
            );
            assert_eq!(lines.last().unwrap(), "END:VCALENDAR");
        }
    }

    #[test]
    fn a_request_names_exactly_one_attendee_who_is_asked_to_answer() {
        let lines = unfolded(&render(CalendarMethod::Request, &event(), Some(&guest())));
        assert_eq!(
            property(&lines, "ATTENDEE"),
            ["ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Jürgen Müller\":mailto:juergen@customer.example"]
        );
        assert_eq!(property(&lines, "STATUS"), ["STATUS:CONFIRMED"]);
    }

    #[test]
    fn a_cancellation_names_the_attendee_and_is_marked_cancelled() {
        let lines = unfolded(&render(CalendarMethod::Cancel, &event(), Some(&guest())));
        assert_eq!(
            property(&lines, "ATTENDEE"),
            ["ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;CN=\"Jürgen Müller\":mailto:juergen@customer.example"]
        );
        assert_eq!(property(&lines, "STATUS"), ["STATUS:CANCELLED"]);
        assert_eq!(property(&lines, "UID"), ["UID:event-7@tandem.example"]);
    }

    #[test]
    fn a_published_event_names_no_attendee_even_when_one_is_given() {
        let lines = unfolded(&render(CalendarMethod::Publish, &event(), Some(&guest())));
        assert!(property(&lines, "ATTENDEE").is_empty(), "{lines:?}");
        assert_eq!(property(&lines, "STATUS"), ["STATUS:CONFIRMED"]);
        assert_eq!(property(&lines, "ORGANIZER").len(), 1);
    }

    #[test]
    fn absent_location_url_and_description_are_left_out_and_a_non_positive_duration_has_no_end() {
        let mut e = event();
        e.location = None;
        e.url = None;
        e.description = String::new();
        e.ends_at = e.starts_at;
        e.sequence = -1;
        let lines = unfolded(&render(CalendarMethod::Publish, &e, None));
        for name in ["LOCATION", "URL", "DESCRIPTION", "DTEND"] {
            assert!(property(&lines, name).is_empty(), "{name} in {lines:?}");
        }
        assert_eq!(property(&lines, "SEQUENCE"), ["SEQUENCE:0"]);
    }

    #[test]
    fn text_is_escaped_per_rfc_5545() {
        assert_eq!(
            escape_text("a;b,c\\d\ne\r\nf\rg\u{7}h\u{1b}i\tj\u{85}k"),
            "a\\;b\\,c\\\\d\\ne\\nfghi jk"
        );
        let mut e = event();
        e.summary = "Q&A; wine, cheese \\ more\r\nsecond line\u{0}".into();
        let lines = unfolded(&render(CalendarMethod::Publish, &e, None));
        assert_eq!(
            property(&lines, "SUMMARY"),
            ["SUMMARY:Q&A\\; wine\\, cheese \\\\ more\\nsecond line"]
        );
    }

    #[test]
    fn a_name_with_quotes_and_a_line_break_stays_one_quoted_parameter() {
        let mut e = event();
        e.organizer.name = "The \"Best\" Team;\r\nATTENDEE:mailto:evil@x, Inc:".into();
        let attendee = Attendee {
            name: "Ann \"Nan\"\r\n Smith\u{7}".into(),
            email: "ann@x.example\r\n".into(),
            accepted: false,
        };
        let ics = render(CalendarMethod::Request, &e, Some(&attendee));
        assert_well_formed(&ics);
        let lines = unfolded(&ics);
        assert_eq!(
            property(&lines, "ORGANIZER"),
            ["ORGANIZER;CN=\"The 'Best' Team; ATTENDEE:mailto:evil@x, Inc:\":mailto:events@tandem.example"]
        );
        assert_eq!(
            property(&lines, "ATTENDEE"),
            ["ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Ann 'Nan' Smith\":mailto:ann@x.example"]
        );
    }

    #[test]
    fn an_empty_name_writes_no_cn() {
        let mut e = event();
        e.organizer.name = " \r\n".into();
        let lines = unfolded(&render(CalendarMethod::Publish, &e, None));
        assert_eq!(
            property(&lines, "ORGANIZER"),
            ["ORGANIZER:mailto:events@tandem.example"]
        );
    }

    #[test]
    fn a_long_description_is_folded_at_75_octets() {
        let mut e = event();
        e.description = "0123456789".repeat(30);
        let ics = render(CalendarMethod::Request, &e, Some(&guest()));
        assert_well_formed(&ics);
        let physical = physical_lines(&ics);
        let start = physical
            .iter()
            .position(|l| l.starts_with("DESCRIPTION:"))
            .unwrap();
        // 12 octets of name, 300 of text: 75, then 74 per continuation after its space.
        assert_eq!(physical[start].len(), 75);
        assert_eq!(physical[start + 1].len(), 75);
        assert!(physical[start + 1].starts_with(' '));
        assert_eq!(physical[start + 4].len(), 1 + (312 - 75 - 3 * 74));
        assert!(!physical[start + 5].starts_with(' '));
        let lines = unfolded(&ics);
        assert_eq!(
            property(&lines, "DESCRIPTION"),
            [format!("DESCRIPTION:{}", e.description)]
        );
    }

    #[test]
    fn umlauts_and_emoji_near_the_fold_are_never_split() {
        for pad in 0..8 {
            for tail in ["🎉🎉🎉", "ü", "äöüß", "e\u{301}", "日本語のイベント"] {
                let mut e = event();
                e.summary = format!("{}{}{}", "x".repeat(60 + pad), tail.repeat(6), "end");
                let ics = render(CalendarMethod::Publish, &e, None);
                assert_well_formed(&ics);
                let lines = unfolded(&ics);
                assert_eq!(
                    property(&lines, "SUMMARY"),
                    [format!("SUMMARY:{}", e.summary)]
                );
                // A fold happens as late as the 75 octets allow: the next character did not fit.
                let physical = physical_lines(&ics);
                let start = physical
                    .iter()
                    .position(|l| l.starts_with("SUMMARY:"))
                    .unwrap();
                let next = physical[start + 1].chars().nth(1).unwrap();
                assert!(physical[start].len() + next.len_utf8() > MAX_LINE_OCTETS);
            }
        }
    }

    #[test]
    fn a_feed_lists_every_event_and_marks_cancelled_ones() {
        let mut second = event();
        second.uid = "event-8@tandem.example".into();
        second.cancelled = true;
        let ics = render_feed("Tandem, team events", &[event(), second]);
        assert_well_formed(&ics);
        let lines = unfolded(&ics);
        assert_eq!(property(&lines, "METHOD"), ["METHOD:PUBLISH"]);
        assert_eq!(
            property(&lines, "X-WR-CALNAME"),
            ["X-WR-CALNAME:Tandem\\, team events"]
        );
        assert_eq!(
            property(&lines, "UID"),
            ["UID:event-7@tandem.example", "UID:event-8@tandem.example"]
        );
        assert_eq!(
            property(&lines, "STATUS"),
            ["STATUS:CONFIRMED", "STATUS:CANCELLED"]
        );
        assert!(property(&lines, "ATTENDEE").is_empty());
        assert_eq!(property(&lines, "ORGANIZER").len(), 2);
    }

    /// Parses with vobject (strict, `validate=True`) and Python icalendar (no `.errors` on any
    /// component), checks both read the same values, and prints them as JSON for the Rust side.
    const PARSERS: &str = r#"
import json, sys
try:
    import vobject, icalendar
except ImportError as e:
    print(f"vobject or icalendar not importable ({e}); pip install vobject icalendar")
    sys.exit(77)
raw = open(sys.argv[1], "rb").read()
strict = vobject.readOne(raw.decode("utf-8"), validate=True)
lenient = icalendar.Calendar.from_ical(raw)
errors = [(c.name, c.errors) for c in lenient.walk() if getattr(c, "errors", None)]
assert not errors, errors
def cn(prop):
    return None if prop is None else prop.params.get("CN")
out = {"method": str(lenient["METHOD"]), "events": []}
strict_events = list(getattr(strict, "vevent_list", []))
lenient_events = lenient.walk("VEVENT")
assert len(strict_events) == len(lenient_events)
for s, l in zip(strict_events, lenient_events):
    row = {
        "uid": str(l["UID"]),
        "sequence": int(l["SEQUENCE"]),
        "summary": str(l["SUMMARY"]),
        "description": str(l.get("DESCRIPTION", "")),
        "location": None if l.get("LOCATION") is None else str(l["LOCATION"]),
        "status": str(l["STATUS"]),
        "start": l.decoded("DTSTART").strftime("%Y%m%dT%H%M%SZ"),
        "organizer_cn": cn(l.get("ORGANIZER")),
        "attendee_cns": [cn(a) for a in (l.get("ATTENDEE") if isinstance(l.get("ATTENDEE"), list) else ([l["ATTENDEE"]] if l.get("ATTENDEE") is not None else []))],
    }
    assert s.uid.value == row["uid"], (s.uid.value, row["uid"])
    assert s.summary.value == row["summary"], (s.summary.value, row["summary"])
    if row["description"]:
        assert s.description.value == row["description"], (s.description.value, row["description"])
    assert s.organizer.params.get("CN", [None])[0] == row["organizer_cn"]
    row["attendee_count_vobject"] = len(getattr(s, "attendee_list", []))
    out["events"].append(row)
print(json.dumps(out))
"#;

    /// libical's iTIP rules per METHOD (`icalrestriction_check`: REQUEST needs an ATTENDEE,
    /// CANCEL a SEQUENCE and an ORGANIZER, …), called through ctypes on Debian's `libical3`.
    const LIBICAL: &str = r#"
import ctypes, sys
try:
    lib = ctypes.CDLL("libical.so.3")
except OSError as e:
    print(f"libical.so.3 not loadable ({e}); apt-get install libical3")
    sys.exit(77)
lib.icalparser_parse_string.restype = ctypes.c_void_p
lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
lib.icalcomponent_count_errors.argtypes = [ctypes.c_void_p]
lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
comp = lib.icalparser_parse_string(open(sys.argv[1], "rb").read())
assert comp, "libical could not parse it"
passed = lib.icalrestriction_check(comp)
errors = lib.icalcomponent_count_errors(comp)
assert passed == 1 and errors == 0, lib.icalcomponent_as_ical_string(comp).decode()
print("libical: restrictions hold")
"#;

    fn check_with_python(what: &str, ics: &str) -> Option<serde_json::Value> {
        python_check::run(&format!("libical, {what}"), LIBICAL, ics.as_bytes());
        python_check::run(what, PARSERS, ics.as_bytes())
            .map(|stdout| serde_json::from_str(stdout.trim()).expect("checker prints JSON"))
    }

    #[test]
    fn vobject_python_icalendar_and_libical_accept_every_method_and_read_it_back_unchanged() {
        let mut e = event();
        e.summary = "Frühlingsabend 🎉; Wein, Käse \\ mehr — ".repeat(4);
        e.description = format!("{}\r\nZweite Zeile\r", "Ein langer Text, äöü. ".repeat(15));
        let attendee = Attendee {
            name: "Ann \"Nan\" Smith\r\nBcc: x".into(),
            email: "ann@x.example".into(),
            accepted: false,
        };
        for method in [
            CalendarMethod::Request,
            CalendarMethod::Cancel,
            CalendarMethod::Publish,
        ] {
            let ics = render(method, &e, Some(&attendee));
            assert_well_formed(&ics);
            let Some(parsed) = check_with_python(&format!("calendar {method:?}"), &ics) else {
                return;
            };
            assert_eq!(parsed["method"], method.as_str());
            let row = &parsed["events"][0];
            assert_eq!(row["uid"], e.uid);
            assert_eq!(row["sequence"], 2);
            assert_eq!(row["summary"], e.summary);
            assert_eq!(row["description"], e.description.replace('\r', ""));
            assert_eq!(row["location"], "Halle 3, Messeplatz 1; Köln");
            assert_eq!(row["start"], "20270304T170000Z");
            assert_eq!(row["organizer_cn"], "Tandem Events");
            let (cns, status) = match method {
                CalendarMethod::Request => (vec!["Ann 'Nan' Smith Bcc: x"], "CONFIRMED"),
                CalendarMethod::Cancel => (vec!["Ann 'Nan' Smith Bcc: x"], "CANCELLED"),
                CalendarMethod::Publish => (vec![], "CONFIRMED"),
            };
            assert_eq!(row["attendee_cns"], serde_json::json!(cns));
            assert_eq!(row["attendee_count_vobject"], cns.len());
            assert_eq!(row["status"], status);
        }
    }

    #[test]
    fn vobject_python_icalendar_and_libical_accept_a_feed_with_a_cancelled_event() {
        let mut second = event();
        second.uid = "event-8@tandem.example".into();
        second.cancelled = true;
        second.location = None;
        let ics = render_feed("Tandem; all events", &[event(), second]);
        let Some(parsed) = check_with_python("calendar feed", &ics) else {
            return;
        };
        assert_eq!(parsed["method"], "PUBLISH");
        let events = parsed["events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1]["uid"], "event-8@tandem.example");
        assert_eq!(events[1]["status"], "CANCELLED");
        assert_eq!(events[1]["location"], serde_json::Value::Null);
        assert_eq!(events[0]["status"], "CONFIRMED");
    }

    #[test]
    fn the_independent_checkers_reject_what_clients_would_reject() {
        let request = render(CalendarMethod::Request, &event(), Some(&guest()));
        let without_attendee: String = request
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with("ATTENDEE"))
            .collect();
        python_check::assert_rejects(
            "libical, a request without attendee",
            LIBICAL,
            without_attendee.as_bytes(),
        );
        let raw_quote = request.replace("CN=\"Tandem Events\"", "CN=\"Tandem \"Events\"\"");
        python_check::assert_rejects("vobject, a bare quote in CN", PARSERS, raw_quote.as_bytes());
        let without_dtstamp: String = request
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with("DTSTAMP"))
            .collect();
        python_check::assert_rejects(
            "vobject, an event without DTSTAMP",
            PARSERS,
            without_dtstamp.as_bytes(),
        );
    }
}
