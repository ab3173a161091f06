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
    /// the newest entries of the log
    pub activity: Vec<ActivityDto>,
    /// how many entries the log has in all
    pub activity_total: u64,
    /// What the signed-in user may do here; the server checks again on every change.
    pub can_edit: bool,
    pub next_states: Vec<EventStatus>,
}

/// An event as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventForm {
    pub id: i32,
    /// the version this form was loaded at; a save sends it back
    pub version: i32,
    pub status: EventStatus,
    pub input: EventInput,
}

// ---- guest list, goals, tasks ----

use crate::domain::{GoalMetric, NominationState, Priority, Team};

/// How many guest rows the event page shows at first, and adds with "show more".
pub const GUEST_PAGE: u32 = 100;

/// Which guests the event page's table shows: the filters (empty = any) and how many rows. The
/// server filters and cuts, so an event of 2,000 guests sends a page of rows, not 2,000.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestFilter {
    /// the nominating rep's user id
    #[serde(default)]
    pub rep: String,
    #[serde(default)]
    pub priority: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub account: String,
    /// rows to send; 0 means `GUEST_PAGE`
    #[serde(default)]
    pub limit: u32,
}

impl GuestFilter {
    /// The number of rows to send: `GUEST_PAGE` unless more were asked for, at most 10,000.
    pub fn rows(&self) -> usize {
        match self.limit {
            0 => GUEST_PAGE as usize,
            n => n.min(10_000) as usize,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestRow {
    pub id: i32,
    pub contact_id: i32,
    pub contact_name: String,
    pub contact_email: String,
    pub account_name: Option<String>,
    pub rep_id: i32,
    pub rep_name: String,
    pub priority: Priority,
    pub reason: String,
    pub state: NominationState,
    pub decision_reason: Option<String>,
    /// nominated by the signed-in rep
    pub mine: bool,
    pub invitation: crate::domain::InvitationState,
    pub answer: crate::domain::Answer,
    pub waitlist_position: Option<i32>,
    /// attended, or a no-show once attendance is settled (`domain::attendance`)
    pub attendance: Option<crate::domain::Attendance>,
    /// what the guest did and when, worded: "viewed 2 hours ago", "opened the video 1 hour ago"
    pub seen: Vec<String>,
    /// the rep's note and video for this guest (only on the rep's own rows)
    pub personal_note: String,
    pub video_url: String,
    /// the signed-in user may record an answer the guest gave by phone or in person
    pub can_record_answer: bool,
    /// when the contact unsubscribed, in the event's zone; they get no invitations, reminders or
    /// nudges
    pub unsubscribed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaRow {
    pub user_id: i32,
    pub rep_name: String,
    pub seats: u32,
    pub used: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactOption {
    pub id: i32,
    pub label: String,
    /// why this contact cannot be nominated (unsubscribed, on the list, another rep's), if so
    pub blocked: Option<crate::domain::NominationBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestListDto {
    pub event_id: i32,
    pub capacity: u32,
    pub approved: u32,
    /// the rows the filter matches, at most `GuestFilter::limit` of them
    pub rows: Vec<GuestRow>,
    /// all guests of the event, and those the filter matches
    pub total: u32,
    pub matching: u32,
    /// how many rows were asked for (`rows` holds fewer when fewer match)
    pub limit: u32,
    /// the filter's choices, from every guest: reps who nominated (id, name) and accounts
    pub rep_options: Vec<(i32, String)>,
    pub account_options: Vec<String>,
    pub quotas: Vec<QuotaRow>,
    /// the signed-in rep's own quota
    pub my_quota: Option<QuotaRow>,
    /// the signed-in rep's contacts to choose from
    pub my_contacts: Vec<ContactOption>,
    pub can_decide: bool,
    pub can_nominate: bool,
    /// why the signed-in rep cannot nominate now, if so
    pub nomination_blocked: Option<crate::domain::Msg>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalRow {
    pub id: i32,
    pub metric: GoalMetric,
    pub team: Team,
    pub note: String,
    pub proposed_by: String,
    pub value: u64,
    pub target: u64,
    pub percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRow {
    pub id: i32,
    pub event_id: i32,
    pub event_title: String,
    pub title: String,
    pub owner_id: i32,
    pub owner_name: String,
    pub team: Team,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub done: bool,
    pub can_toggle: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskListDto {
    pub tasks: Vec<TaskRow>,
    pub people: Vec<(i32, String)>,
    pub can_add: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRow {
    pub event_id: i32,
    pub event_title: String,
    pub contact_name: String,
    pub state: NominationState,
    pub reason: Option<String>,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeDto {
    pub decisions: Vec<DecisionRow>,
    pub tasks: Vec<TaskRow>,
    /// what the user's own guests did lately, newest first
    pub news: Vec<NewsRow>,
    /// the user is a sales rep (their news panel shows even while empty)
    pub is_rep: bool,
}

/// One line of a rep's news, worded: "Anna Schmidt opened the invitation to …".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsRow {
    pub event_id: i32,
    pub text: String,
    /// when, in the event's time zone
    pub when: String,
    /// the instant, RFC 3339, for `<time datetime>`
    pub at: String,
}

/// A choice in a select: an id and what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceDto {
    pub id: i32,
    pub name: String,
}

/// What the directory's filters and forms offer, and what the signed-in user may do there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryOptions {
    /// active team members who can own contacts and accounts
    pub owners: Vec<ChoiceDto>,
    pub accounts: Vec<ChoiceDto>,
    pub can_create: bool,
    pub can_assign_owner: bool,
    pub can_import: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub account_id: Option<i32>,
    pub account_name: Option<String>,
    pub language: String,
    pub owner_name: Option<String>,
    pub unsubscribed: bool,
    pub can_edit: bool,
}

/// One page of the contacts list: `total` matches, the first `rows.len()` of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactList {
    pub total: u64,
    pub rows: Vec<ContactRow>,
}

/// One event a contact was nominated to, as the contact page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactEventRow {
    pub event_id: i32,
    pub title: String,
    /// in the event's own zone
    pub when: String,
    pub state: crate::domain::NominationState,
    pub answer: crate::domain::Answer,
    pub checked_in: Option<String>,
    pub nominated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetail {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub account_id: Option<i32>,
    pub account_name: Option<String>,
    pub owner_name: Option<String>,
    /// when the contact unsubscribed (UTC), if they did
    pub unsubscribed_at: Option<String>,
    /// how: through the link in an email, or by an admin
    pub unsubscribe_source: Option<crate::domain::UnsubscribeSource>,
    /// the admin who unsubscribed the contact, and their reason
    pub unsubscribed_by: Option<String>,
    pub unsubscribe_note: Option<String>,
    /// admins may unsubscribe or resubscribe the contact, with a reason
    pub can_change_consent: bool,
    pub can_edit: bool,
    pub events: Vec<ContactEventRow>,
    /// the contact's activity log (consent changes), newest first
    pub activities: Vec<ContactActivityRow>,
}

/// One row of a contact's activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactActivityRow {
    /// when (UTC)
    pub when: String,
    pub action: crate::domain::ContactAction,
    /// the team member who acted; none when the contact acted themselves
    pub who: Option<String>,
    pub note: Option<String>,
}

/// A contact as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFormDto {
    pub id: i32,
    pub input: crate::domain::ContactInput,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i32,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub tier: Option<String>,
    pub target_account: bool,
    pub owner_name: Option<String>,
    pub contacts: u64,
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub total: u64,
    pub rows: Vec<AccountRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub id: i32,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub tier: Option<String>,
    pub target_account: bool,
    pub owner_name: Option<String>,
    pub can_edit: bool,
    pub contacts: Vec<ContactRow>,
}

/// An account as its edit form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFormDto {
    pub id: i32,
    pub input: crate::domain::AccountInput,
}

/// One problem in one row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    /// the line in the file, counting the header as line 1
    pub line: u64,
    /// the column as Tandem names it (`email`, `first_name`…)
    pub column: String,
    pub message: crate::domain::Msg,
}

/// What an import would do, worked out without writing anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub invalid: u64,
    pub new_accounts: u64,
    /// the first problems (at most `MAX_SHOWN_ERRORS`), in file order
    pub errors: Vec<ImportRowError>,
    /// header cells that were not recognised and are ignored
    pub ignored_columns: Vec<String>,
}

/// A running or finished import, as the import page polls it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJobStatus {
    pub job_id: u64,
    /// rows to write and rows written so far
    pub total: u64,
    pub done: u64,
    pub finished: bool,
    pub failed: bool,
    /// why it failed (`Internal` also when the import task panicked)
    pub error: Option<crate::error::AppError>,
    /// what was written, once finished
    pub result: Option<ImportPreview>,
}
