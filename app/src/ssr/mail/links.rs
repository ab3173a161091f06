//! "Add to calendar" links for the web calendars that take an event in their URL: Google
//! Calendar's template link and Outlook.com's compose deep link. Times go in UTC; the query is
//! form-encoded, so no title, place or text can break out of its parameter.
use chrono::{DateTime, Utc};

use super::calendar::CalendarEvent;

fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        if !value.is_empty() {
            out.append_pair(name, value);
        }
    }
    out.finish()
}

fn compact(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `https://calendar.google.com/calendar/render?action=TEMPLATE&…`
pub fn google(event: &CalendarEvent) -> String {
    let dates = format!("{}/{}", compact(event.starts_at), compact(event.ends_at));
    let details = details(event);
    format!(
        "https://calendar.google.com/calendar/render?{}",
        query(&[
            ("action", "TEMPLATE"),
            ("text", &event.summary),
            ("dates", &dates),
            ("details", &details),
            ("location", event.location.as_deref().unwrap_or("")),
        ])
    )
}

/// `https://outlook.live.com/calendar/0/deeplink/compose?…`
pub fn outlook(event: &CalendarEvent) -> String {
    let details = details(event);
    format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?{}",
        query(&[
            ("path", "/calendar/action/compose"),
            ("rru", "addevent"),
            ("subject", &event.summary),
            ("startdt", &iso(event.starts_at)),
            ("enddt", &iso(event.ends_at)),
            ("body", &details),
            ("location", event.location.as_deref().unwrap_or("")),
        ])
    )
}

fn details(event: &CalendarEvent) -> String {
    match &event.url {
        Some(url) if !event.description.contains(url.as_str()) => {
            format!("{}\n{url}", event.description).trim().to_string()
        }
        _ => event.description.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::mail::Mailbox;
    use chrono::TimeZone;

    fn event() -> CalendarEvent {
        CalendarEvent {
            uid: "event-1@tandem.example".into(),
            sequence: 0,
            dtstamp: Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap(),
            starts_at: Utc.with_ymd_and_hms(2027, 3, 4, 17, 0, 0).unwrap(),
            ends_at: Utc.with_ymd_and_hms(2027, 3, 4, 21, 0, 0).unwrap(),
            summary: "Dinner & \"Talk\"; #1 🎉".into(),
            location: Some("Alte Münze, Berlin".into()),
            description: "Your host: Sam".into(),
            url: Some("https://tandem.example/rsvp/abc".into()),
            organizer: Mailbox::new("Tandem", "events@tandem.example"),
            cancelled: false,
        }
    }

    fn params(url: &str) -> Vec<(String, String)> {
        let (_, q) = url.split_once('?').unwrap();
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    #[test]
    fn the_google_link_carries_the_event_in_utc_and_survives_any_title() {
        let url = google(&event());
        assert!(url.starts_with("https://calendar.google.com/calendar/render?"));
        assert!(!url.contains(' ') && !url.contains('"') && !url.contains('#'));
        let p = params(&url);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("action"), Some("TEMPLATE"));
        assert_eq!(get("text"), Some("Dinner & \"Talk\"; #1 🎉"));
        assert_eq!(get("dates"), Some("20270304T170000Z/20270304T210000Z"));
        assert_eq!(get("location"), Some("Alte Münze, Berlin"));
        assert_eq!(
            get("details"),
            Some("Your host: Sam\nhttps://tandem.example/rsvp/abc")
        );
    }

    #[test]
    fn the_outlook_link_carries_the_event_in_utc() {
        let p = params(&outlook(&event()));
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("rru"), Some("addevent"));
        assert_eq!(get("subject"), Some("Dinner & \"Talk\"; #1 🎉"));
        assert_eq!(get("startdt"), Some("2027-03-04T17:00:00Z"));
        assert_eq!(get("enddt"), Some("2027-03-04T21:00:00Z"));
    }
}
