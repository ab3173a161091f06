//! Events: kinds, the status life cycle, and the rules a plan must satisfy before it is stored.
#[cfg(not(feature = "hydrate"))]
use chrono::{DateTime, TimeZone as _, Utc};
use chrono::{NaiveDateTime, NaiveTime};
#[cfg(not(feature = "hydrate"))]
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::field::{optional_text, required_text, FieldError, FieldErrors};
use super::zone::{local_exists, parse_time_zone, TimeZone};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum EventKind {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "on_site"))]
    OnSite,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "online"))]
    Online,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "hybrid"))]
    Hybrid,
}

impl EventKind {
    pub const ALL: [EventKind; 3] = [EventKind::OnSite, EventKind::Online, EventKind::Hybrid];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::OnSite => "on_site",
            EventKind::Online => "online",
            EventKind::Hybrid => "hybrid",
        }
    }

    pub fn parse(value: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn needs_venue(self) -> bool {
        matches!(self, EventKind::OnSite | EventKind::Hybrid)
    }

    pub fn needs_join_link(self) -> bool {
        matches!(self, EventKind::Online | EventKind::Hybrid)
    }
}

/// `draft → open → closed`, or `cancelled` from any state that is not already final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum EventStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "draft"))]
    Draft,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "open"))]
    Open,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "closed"))]
    Closed,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
}

impl EventStatus {
    /// The message id that names this status in words.
    pub fn label_id(self) -> &'static str {
        match self {
            EventStatus::Draft => k!("status-draft"),
            EventStatus::Open => k!("status-open"),
            EventStatus::Closed => k!("status-closed"),
            EventStatus::Cancelled => k!("status-cancelled"),
        }
    }

    pub const ALL: [EventStatus; 4] = [
        EventStatus::Draft,
        EventStatus::Open,
        EventStatus::Closed,
        EventStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "draft",
            EventStatus::Open => "open",
            EventStatus::Closed => "closed",
            EventStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(value: &str) -> Option<EventStatus> {
        EventStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn can_become(self, next: EventStatus) -> bool {
        use EventStatus::*;
        matches!(
            (self, next),
            (Draft, Open) | (Open, Closed) | (Draft | Open | Closed, Cancelled)
        )
    }

    /// The states this one may move to, in the order the UI offers them.
    pub fn next_states(self) -> Vec<EventStatus> {
        EventStatus::ALL
            .into_iter()
            .filter(|next| self.can_become(*next))
            .collect()
    }

    /// Whether the plan (title, times, venue…) may still be edited.
    pub fn is_editable(self) -> bool {
        !matches!(self, EventStatus::Cancelled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Language {
    En,
    De,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
        }
    }

    pub fn parse(value: &str) -> Option<Language> {
        match value.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "de" => Some(Language::De),
            _ => None,
        }
    }
}

/// One line of the agenda: a local time in the event's zone and what happens then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub time: NaiveTime,
    pub title: String,
}

impl AgendaItem {
    /// Renders the agenda as the form's text area shows it: one `HH:MM Title` per line.
    pub fn to_lines(items: &[AgendaItem]) -> String {
        items
            .iter()
            .map(|i| format!("{} {}", i.time.format("%H:%M"), i.title))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An event form as the user typed it: every field is text, nothing is trusted yet.
/// `datetime-local` inputs send `YYYY-MM-DDTHH:MM`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventInput {
    pub title: String,
    pub kind: String,
    pub brief: String,
    pub agenda: String,
    pub venue_name: String,
    pub venue_address: String,
    pub join_url: String,
    pub starts_at: String,
    pub ends_at: String,
    pub time_zone: String,
    pub capacity: String,
    pub nomination_deadline: String,
    pub rsvp_deadline: String,
    pub language: String,
}

/// An event plan that satisfies every rule: the only thing services store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventPlan {
    pub title: String,
    pub kind: EventKind,
    pub brief: String,
    pub agenda: Vec<AgendaItem>,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub join_url: Option<String>,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub time_zone: TimeZone,
    pub capacity: u32,
    pub nomination_deadline: Option<NaiveDateTime>,
    pub rsvp_deadline: Option<NaiveDateTime>,
    pub language: Language,
}

pub const MAX_CAPACITY: u32 = 100_000;
pub const MAX_BRIEF_CHARS: usize = 20_000;

/// Parses `YYYY-MM-DDTHH:MM` (what `datetime-local` sends), also accepting seconds or a space.
pub fn parse_local_datetime(value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(value, fmt).ok())
}

/// The value a `datetime-local` input expects.
pub fn format_local_datetime(value: &NaiveDateTime) -> String {
    value.format("%Y-%m-%dT%H:%M").to_string()
}

/// The instant a wall-clock time in `tz` denotes. `None` when the time does not exist there (the
/// hour skipped when clocks go forward); in the repeated hour the earlier instant is taken.
#[cfg(not(feature = "hydrate"))]
pub fn local_to_utc(local: &NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn local_field(
    errors: &mut FieldErrors,
    field: &str,
    label: &'static str,
    value: &str,
    required: bool,
    tz: Option<&TimeZone>,
) -> Option<NaiveDateTime> {
    if value.trim().is_empty() {
        if required {
            errors.add(field, msg!("field-required").label("field", label));
        }
        return None;
    }
    let Some(parsed) = parse_local_datetime(value) else {
        errors.add(field, msg!("field-not-a-datetime").label("field", label));
        return None;
    };
    if let Some(tz) = tz {
        if !local_exists(&parsed, tz) {
            errors.add(
                field,
                msg!("field-skipped-hour", zone = tz.name()).label("field", label),
            );
            return None;
        }
    }
    Some(parsed)
}

fn parse_agenda(errors: &mut FieldErrors, value: &str) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for (index, line) in value.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (time, title) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let title = title.trim();
        match NaiveTime::parse_from_str(time, "%H:%M") {
            Ok(time) if !title.is_empty() && title.chars().count() <= 200 => {
                items.push(AgendaItem {
                    time,
                    title: title.to_string(),
                })
            }
            _ => {
                errors.add("agenda", msg!("event-agenda-line", line = index + 1));
                break;
            }
        }
    }
    if items.len() > 50 {
        errors.add("agenda", msg!("event-agenda-too-long"));
    }
    items
}

fn parse_url(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let url = optional_text(errors, field, k!("form-join-url"), value, 500)?;
    let lower = url.to_ascii_lowercase();
    let has_host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if !has_host || url.chars().any(char::is_whitespace) {
        errors.add(field, msg!("event-join-url-https"));
    }
    Some(url)
}

impl EventPlan {
    /// Applies every rule of an event plan and reports all broken ones, each on its field.
    pub fn parse(input: &EventInput) -> Result<EventPlan, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let title = required_text(&mut errors, "title", k!("form-title"), &input.title, 200);
        let kind = EventKind::parse(input.kind.trim());
        if kind.is_none() {
            errors.add("kind", msg!("event-kind-unknown"));
        }
        let brief = input.brief.trim().to_string();
        if brief.chars().count() > MAX_BRIEF_CHARS {
            errors.add("brief", msg!("event-brief-too-long", max = MAX_BRIEF_CHARS));
        }
        let agenda = parse_agenda(&mut errors, &input.agenda);
        let venue_name = optional_text(
            &mut errors,
            "venue_name",
            k!("form-venue-name"),
            &input.venue_name,
            200,
        );
        let venue_address = optional_text(
            &mut errors,
            "venue_address",
            k!("form-venue-address"),
            &input.venue_address,
            500,
        );
        let join_url = parse_url(&mut errors, "join_url", &input.join_url);
        if let Some(kind) = kind {
            if kind.needs_venue() && venue_name.is_none() {
                errors.add("venue_name", msg!("event-venue-required"));
            }
            if kind.needs_join_link() && join_url.is_none() {
                errors.add("join_url", msg!("event-join-required"));
            }
        }

        let time_zone = parse_time_zone(&input.time_zone);
        if time_zone.is_none() {
            errors.add("time_zone", msg!("event-zone-unknown"));
        }
        let starts = local_field(
            &mut errors,
            "starts_at",
            "Start",
            &input.starts_at,
            true,
            time_zone.as_ref(),
        );
        let ends = local_field(
            &mut errors,
            "ends_at",
            "End",
            &input.ends_at,
            true,
            time_zone.as_ref(),
        );
        if let (Some(starts), Some(ends)) = (starts, ends) {
            if ends <= starts {
                errors.add("ends_at", msg!("event-end-before-start"));
            }
        }
        let nomination_deadline = local_field(
            &mut errors,
            "nomination_deadline",
            "Nomination deadline",
            &input.nomination_deadline,
            false,
            time_zone.as_ref(),
        );
        let rsvp_deadline = local_field(
            &mut errors,
            "rsvp_deadline",
            "RSVP deadline",
            &input.rsvp_deadline,
            false,
            time_zone.as_ref(),
        );
        if let Some(starts) = starts {
            if nomination_deadline.is_some_and(|d| d >= starts) {
                errors.add(
                    "nomination_deadline",
                    msg!("event-nomination-deadline-after-start"),
                );
            }
            if rsvp_deadline.is_some_and(|d| d >= starts) {
                errors.add("rsvp_deadline", msg!("event-rsvp-deadline-after-start"));
            }
        }
        if let (Some(nominations), Some(rsvp)) = (nomination_deadline, rsvp_deadline) {
            if nominations > rsvp {
                errors.add("nomination_deadline", msg!("event-deadlines-order"));
            }
        }

        let capacity = match input.capacity.trim().parse::<i64>() {
            Ok(n) if (1..=MAX_CAPACITY as i64).contains(&n) => Some(n as u32),
            Ok(n) if n < 1 => {
                errors.add("capacity", msg!("event-capacity-too-small"));
                None
            }
            Ok(_) => {
                errors.add(
                    "capacity",
                    msg!("event-capacity-too-large", max = MAX_CAPACITY),
                );
                None
            }
            Err(_) => {
                errors.add("capacity", msg!("event-capacity-not-a-number"));
                None
            }
        };
        let language = Language::parse(&input.language);
        if language.is_none() {
            errors.add("language", msg!("language-unknown"));
        }

        errors.into_result(|| EventPlan {
            title,
            kind: kind.unwrap(),
            brief,
            agenda,
            venue_name,
            venue_address,
            join_url,
            starts_local: starts.unwrap(),
            ends_local: ends.unwrap(),
            time_zone: time_zone.unwrap(),
            capacity: capacity.unwrap(),
            nomination_deadline,
            rsvp_deadline,
            language: language.unwrap(),
        })
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn starts_utc(&self) -> DateTime<Utc> {
        local_to_utc(&self.starts_local, self.time_zone).expect("checked by parse")
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn ends_utc(&self) -> DateTime<Utc> {
        local_to_utc(&self.ends_local, self.time_zone).expect("checked by parse")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_input() -> EventInput {
        EventInput {
            title: "Customer evening".into(),
            kind: "on_site".into(),
            brief: "**Bring** customers".into(),
            agenda: "18:00 Welcome\n18:30 Keynote".into(),
            venue_name: "Alte Halle".into(),
            venue_address: "Hauptstr. 1, Berlin".into(),
            join_url: "".into(),
            starts_at: "2027-03-10T18:00".into(),
            ends_at: "2027-03-10T22:00".into(),
            time_zone: "Europe/Berlin".into(),
            capacity: "40".into(),
            nomination_deadline: "2027-02-20T12:00".into(),
            rsvp_deadline: "2027-03-01T12:00".into(),
            language: "de".into(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_plan_parses() {
        let plan = EventPlan::parse(&valid_input()).unwrap();
        assert_eq!(plan.capacity, 40);
        assert_eq!(plan.agenda.len(), 2);
        assert_eq!(plan.time_zone, chrono_tz::Europe::Berlin);
        // 18:00 in Berlin in March (CET, UTC+1) is 17:00 UTC
        assert_eq!(plan.starts_utc().to_rfc3339(), "2027-03-10T17:00:00+00:00");
    }

    #[test]
    fn an_end_before_the_start_is_refused_on_the_end_field() {
        let mut input = valid_input();
        input.ends_at = "2027-03-10T17:00".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["ends_at"]);
        assert_eq!(errors[0].message, msg!("event-end-before-start"));
    }

    #[test]
    fn deadlines_must_come_before_the_start() {
        let mut input = valid_input();
        input.nomination_deadline = "2027-03-11T12:00".into();
        input.rsvp_deadline = "2027-03-10T18:00".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert!(fields(&errors).contains(&"nomination_deadline"));
        assert!(fields(&errors).contains(&"rsvp_deadline"));
    }

    #[test]
    fn nominations_cannot_close_after_the_rsvp_deadline() {
        let mut input = valid_input();
        input.nomination_deadline = "2027-03-05T12:00".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["nomination_deadline"]);
    }

    #[test]
    fn deadlines_are_optional() {
        let mut input = valid_input();
        input.nomination_deadline.clear();
        input.rsvp_deadline.clear();
        assert!(EventPlan::parse(&input).is_ok());
    }

    #[test]
    fn capacity_must_be_a_positive_whole_number() {
        for bad in ["0", "-3", "ten", "2.5", "", "100001"] {
            let mut input = valid_input();
            input.capacity = bad.into();
            let errors = EventPlan::parse(&input).unwrap_err();
            assert_eq!(fields(&errors), ["capacity"], "capacity {bad:?}");
        }
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let mut input = valid_input();
        input.time_zone = "Mars/Olympus".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors)[0], "time_zone");
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_refused() {
        let mut input = valid_input();
        // Berlin jumps from 02:00 to 03:00 on 28 March 2027
        input.starts_at = "2027-03-28T02:30".into();
        input.ends_at = "2027-03-28T05:00".into();
        input.nomination_deadline.clear();
        input.rsvp_deadline.clear();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["starts_at"]);
    }

    #[test]
    fn online_events_need_a_join_link() {
        let mut input = valid_input();
        input.kind = "online".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["join_url"]);
        input.join_url = "https://meet.example.com/abc".into();
        assert!(EventPlan::parse(&input).is_ok());
    }

    #[test]
    fn a_join_link_must_be_a_web_address() {
        let mut input = valid_input();
        input.kind = "hybrid".into();
        input.join_url = "javascript:alert(1)".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["join_url"]);
    }

    #[test]
    fn on_site_events_need_a_venue() {
        let mut input = valid_input();
        input.venue_name = "  ".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["venue_name"]);
    }

    #[test]
    fn a_bad_agenda_line_names_its_number() {
        let mut input = valid_input();
        input.agenda = "18:00 Welcome\nlater: dinner".into();
        let errors = EventPlan::parse(&input).unwrap_err();
        assert_eq!(fields(&errors), ["agenda"]);
        assert!(errors[0].message.to_string().contains("line 2"));
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let errors = EventPlan::parse(&EventInput::default()).unwrap_err();
        let fields = fields(&errors);
        for field in [
            "title",
            "kind",
            "time_zone",
            "starts_at",
            "ends_at",
            "capacity",
            "language",
        ] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn agenda_lines_round_trip() {
        let plan = EventPlan::parse(&valid_input()).unwrap();
        assert_eq!(
            AgendaItem::to_lines(&plan.agenda),
            "18:00 Welcome\n18:30 Keynote"
        );
    }

    #[test]
    fn draft_opens_open_closes_and_anything_live_can_be_cancelled() {
        use EventStatus::*;
        assert!(Draft.can_become(Open));
        assert!(Open.can_become(Closed));
        for from in [Draft, Open, Closed] {
            assert!(from.can_become(Cancelled), "{from:?} → cancelled");
        }
    }

    #[test]
    fn status_never_goes_backwards_or_out_of_cancelled() {
        use EventStatus::*;
        for (from, to) in [
            (Open, Draft),
            (Closed, Open),
            (Closed, Draft),
            (Draft, Closed),
            (Cancelled, Draft),
            (Cancelled, Open),
            (Cancelled, Closed),
            (Draft, Draft),
        ] {
            assert!(!from.can_become(to), "{from:?} → {to:?} must be refused");
        }
        assert!(Cancelled.next_states().is_empty());
    }
}
