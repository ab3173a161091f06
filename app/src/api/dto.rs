//! What the server sends to the browser. Entities never cross the network; these do.
use serde::{Deserialize, Serialize};

use crate::domain::{EventInput, EventKind, EventStatus, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDto {
    pub id: i32,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSummary {
    pub id: i32,
    pub title: String,
    pub kind: EventKind,
    pub status: EventStatus,
    /// "Wed 10 Mar 2027, 18:00 CET" — in the event's own zone.
    pub when: String,
    pub starts_in: String,
    pub place: String,
    pub capacity: i32,
    pub owner_name: String,
    pub mine: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaLine {
    pub time: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// i18n key of what happens: `timeline.nominations`, `timeline.rsvp`, `timeline.start`, `timeline.end`.
    pub label_key: String,
    pub when: String,
    pub relative: String,
    pub past: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentDto {
    pub id: i32,
    pub author_name: String,
    pub author_role: Role,
    pub body: String,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDto {
    pub user_name: String,
    /// `created`, `updated`, `status`
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetail {
    pub id: i32,
    pub title: String,
    pub kind: EventKind,
    pub status: EventStatus,
    /// Sanitised HTML rendered from the Markdown brief on the server.
    pub brief_html: String,
    pub agenda: Vec<AgendaLine>,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub join_url: Option<String>,
    pub when: String,
    pub until: String,
    pub time_zone: String,
    pub capacity: i32,
    pub language: String,
    pub owner_name: String,
    pub timeline: Vec<TimelineEntry>,
    pub comments: Vec<CommentDto>,
    pub activity: Vec<ActivityDto>,
    /// What the signed-in user may do here; the server checks again on every change.
    pub can_edit: bool,
    pub next_states: Vec<EventStatus>,
}

/// An event as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventForm {
    pub id: i32,
    pub status: EventStatus,
    pub input: EventInput,
}
