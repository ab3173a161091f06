//! Invitations (marketing sends, reps add their personal touch), the guest's RSVP page and
//! answer, and the outbox page. The guest's functions live under `/api/guest/`, a guest path:
//! rate-limited per address, no session needed.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::{Answer, Msg, OutboxState};
use crate::error::AppError;

/// What the guest's RSVP page shows, worded in the guest's language on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RsvpView {
    pub language: String,
    pub title: String,
    pub when: String,
    pub place: String,
    pub join_url: Option<String>,
    pub host: String,
    pub note: String,
    pub has_video: bool,
    pub answer: Answer,
    pub waitlist_position: Option<i32>,
    /// why answers are not taken (cancelled, closed, past the deadline)
    pub closed: Option<Msg>,
    pub rsvp_deadline: Option<String>,
    /// the door code of an accepted guest, with its QR image
    pub door: Option<DoorCode>,
    /// where an accepted guest can put the event: .ics file, Google Calendar, Outlook.com
    pub calendar: Option<CalendarLinksDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarLinksDto {
    pub ics: String,
    pub google: String,
    pub outlook: String,
}

/// A guest's door code as shown (`ABCD-EFGH`) and its QR image as an inline SVG element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoorCode {
    pub code: String,
    pub qr_svg: String,
}

#[cfg(feature = "ssr")]
/// What the guest's page shows. `draw_code`: whether to draw the door code's QR image (an
/// answer's reply leaves it empty: the page reloads the view after an answer, and a plain form
/// post is redirected, so the image would be drawn for nobody).
fn rsvp_view(
    record: &crate::ssr::services::invitations::RsvpRecord,
    settings: &crate::ssr::mail::MailSettings,
    token: &str,
    draw_code: bool,
) -> RsvpView {
    use crate::domain::{answer_refusal, Language};
    use crate::i18n::{format_local, format_span};
    use crate::ssr::present::events::{place, tz_of};
    let lang = Language::parse(&record.contact.language).unwrap_or(Language::En);
    let tz = tz_of(&record.event);
    let event = &record.event;
    RsvpView {
        language: lang.as_str().to_string(),
        title: event.title.clone(),
        when: format_span(lang, &event.starts_local, &event.ends_local, tz),
        place: place(lang, event),
        join_url: event.join_url.clone().filter(|u| !u.is_empty()),
        host: record.host.name.clone(),
        note: record.guest.personal_note.clone(),
        has_video: record.guest.video_url.is_some(),
        answer: record.guest.answer,
        waitlist_position: record.guest.waitlist_position,
        closed: answer_refusal(
            event.status,
            crate::ssr::services::invitations::rsvp_deadline(event),
            chrono::Utc::now(),
        ),
        rsvp_deadline: event
            .rsvp_deadline_local
            .map(|local| format_local(lang, &local, tz)),
        door: match (record.guest.answer, &record.guest.checkin_code) {
            (Answer::Accepted, Some(code)) => {
                let code = crate::domain::format_checkin_code(code);
                Some(DoorCode {
                    qr_svg: if draw_code {
                        crate::ssr::mail::qr::svg(&code, 200)
                    } else {
                        String::new()
                    },
                    code,
                })
            }
            _ => None,
        },
        calendar: (record.guest.answer == Answer::Accepted
            && event.status != crate::domain::EventStatus::Cancelled)
            .then(|| {
                let links =
                    crate::ssr::services::CalendarService::guest_links(settings, record, token);
                CalendarLinksDto {
                    ics: links.ics,
                    google: links.google,
                    outlook: links.outlook,
                }
            }),
    }
}

/// The guest opens their personal link (the first time marks them `viewed`).
#[server(prefix = "/api/guest", endpoint = "rsvp")]
pub async fn get_rsvp(token: String) -> Result<RsvpView, AppError> {
    use crate::ssr::{auth::state, services::InvitationService};
    crate::api::finish(
        async {
            let state = state()?;
            let record = InvitationService::open(&state.db, &token).await?;
            Ok(rsvp_view(&record, &state.mail, &token, true))
        }
        .await,
    )
}

/// The guest accepts (`answer` = "accept") or declines ("decline").
#[server(prefix = "/api/guest", endpoint = "answer")]
pub async fn answer_rsvp(token: String, answer: String) -> Result<RsvpView, AppError> {
    use crate::ssr::{auth::state, services::InvitationService};
    crate::api::finish(
        async {
            let accept = match answer.as_str() {
                "accept" => true,
                "decline" => false,
                _ => return Err(AppError::field("answer", msg!("rsvp-answer-unknown"))),
            };
            let state = state()?;
            let record = InvitationService::answer(&state.db, &state.mail, &token, accept).await?;
            Ok(rsvp_view(&record, &state.mail, &token, false))
        }
        .await,
    )
}

/// How many invitations one send queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentDto {
    pub queued: u32,
    pub unsubscribed: u32,
}

/// Marketing sends the invitations of an open event: to every approved guest not yet invited, or
/// only to `guest_ids` when given (those not approved or already invited are skipped).
#[server(prefix = "/api", endpoint = "send_invitations")]
pub async fn send_invitations(
    event_id: i32,
    guest_ids: Option<Vec<i32>>,
) -> Result<SentDto, AppError> {
    use crate::ssr::{auth::*, services::InvitationService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let state = state()?;
            let sent =
                InvitationService::send(&state.db, &state.mail, &user, event_id, guest_ids).await?;
            Ok(SentDto {
                queued: sent.queued,
                unsubscribed: sent.unsubscribed,
            })
        }
        .await,
    )
}

/// How the invitations of an event are being delivered, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDelivery {
    pub queued: i64,
    pub sent: i64,
    /// failed or cancelled
    pub failed: i64,
    /// false when no mail server is configured: mail then waits in the outbox
    pub delivers: bool,
}

impl InvitationDelivery {
    pub fn total(&self) -> i64 {
        self.queued + self.sent + self.failed
    }
}

#[server(prefix = "/api", endpoint = "invitation_progress")]
pub async fn invitation_progress(event_id: i32) -> Result<InvitationDelivery, AppError> {
    use crate::ssr::services::outbox::{kind, OutboxService};
    use crate::ssr::{auth::*, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            if !user.role.can_edit_events() {
                return Err(AppError::Forbidden);
            }
            let state = state()?;
            EventService::find(&state.db, event_id).await?;
            let (queued, sent, failed) =
                OutboxService::progress(&state.db, event_id, kind::INVITATION).await?;
            Ok(InvitationDelivery {
                queued,
                sent,
                failed,
                delivers: state.mail.delivers,
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "set_personal_touch")]
pub async fn set_personal_touch(
    guest_id: i32,
    personal_note: String,
    video_url: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::InvitationService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            InvitationService::set_personal_touch(
                &state()?.db,
                &user,
                guest_id,
                &personal_note,
                &video_url,
            )
            .await
            .map(|_| ())
        }
        .await,
    )
}

/// One row of the outbox page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i32,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub state: OutboxState,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt: Option<String>,
    pub sent: Option<String>,
}

/// A rep (for their own guest) or marketing records an answer the guest gave by phone or in
/// person (`answer` = "accept" or "decline"); the same capacity and waitlist rules apply.
#[server(prefix = "/api", endpoint = "record_answer")]
pub async fn record_answer(guest_id: i32, answer: String) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::InvitationService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let accept = match answer.as_str() {
                "accept" => true,
                "decline" => false,
                _ => return Err(AppError::field("answer", msg!("rsvp-answer-unknown"))),
            };
            let state = state()?;
            InvitationService::record_answer(&state.db, &state.mail, &user, guest_id, accept)
                .await
                .map(|_| ())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_outbox")]
pub async fn get_outbox() -> Result<Vec<OutboxRow>, AppError> {
    use crate::ssr::{auth::*, services::OutboxService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let lang = crate::current_language();
            let rows = OutboxService::list(&state()?.db, &user, None, 500).await?;
            let now = chrono::Utc::now();
            Ok(rows
                .into_iter()
                .map(|m| OutboxRow {
                    id: m.id,
                    kind: m.kind,
                    recipient: m.recipient,
                    subject: m.subject,
                    state: m.state,
                    attempts: m.attempts,
                    last_error: m.last_error,
                    next_attempt: (m.state == OutboxState::Queued)
                        .then(|| crate::i18n::relative(lang, now, m.next_attempt_at)),
                    sent: m.sent_at.map(|t| crate::i18n::relative(lang, now, t)),
                })
                .collect())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "retry_mail")]
pub async fn retry_mail(id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::OutboxService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            OutboxService::retry(&state()?.db, &user, id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "cancel_mail")]
pub async fn cancel_mail(id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::OutboxService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            OutboxService::cancel(&state()?.db, &user, id).await
        }
        .await,
    )
}

/// What the unsubscribe page shows: whose address, and whether it is unsubscribed now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeView {
    pub language: String,
    pub email: String,
    pub unsubscribed: bool,
    /// only the contact's own unsubscribe can be undone here
    pub can_undo: bool,
}

#[cfg(feature = "ssr")]
fn unsubscribe_view(person: &crate::ssr::entities::contact::Model) -> UnsubscribeView {
    UnsubscribeView {
        language: person.language.clone(),
        email: person.email.clone(),
        unsubscribed: person.unsubscribed_at.is_some(),
        can_undo: person.unsubscribe_source.as_deref()
            == Some(crate::domain::UnsubscribeSource::Link.as_str()),
    }
}

/// The unsubscribe page: shows, never changes (mail scanners open every link).
#[server(prefix = "/api/guest", endpoint = "unsubscribe_status")]
pub async fn get_unsubscribe(token: String) -> Result<UnsubscribeView, AppError> {
    use crate::ssr::{auth::state, services::InvitationService};
    crate::api::finish(
        async {
            let person = InvitationService::contact_of(&state()?.db, &token).await?;
            Ok(unsubscribe_view(&person))
        }
        .await,
    )
}

/// The unsubscribe page's buttons: `change` = "unsubscribe" or "undo".
#[server(prefix = "/api/guest", endpoint = "unsubscribe")]
pub async fn change_subscription(
    token: String,
    change: String,
) -> Result<UnsubscribeView, AppError> {
    use crate::ssr::{auth::state, services::InvitationService};
    crate::api::finish(
        async {
            let db = &state()?.db;
            let person = match change.as_str() {
                "unsubscribe" => InvitationService::unsubscribe(db, &token).await?,
                "undo" => InvitationService::resubscribe(db, &token).await?,
                _ => return Err(AppError::field("change", msg!("consent-change-unknown"))),
            };
            Ok(unsubscribe_view(&person))
        }
        .await,
    )
}

/// An event's reminders and nudge: what is set, when each is due and how many went out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemindersDto {
    pub event_id: i32,
    pub reminder_days: String,
    pub nudge_days: String,
    pub can_edit: bool,
    /// (what, when due, how many sent), worded
    pub lines: Vec<(String, String, u64)>,
    pub no_deadline: bool,
}

#[server(prefix = "/api", endpoint = "get_reminders")]
pub async fn get_reminders(event_id: i32) -> Result<RemindersDto, AppError> {
    use crate::i18n::format_instant;
    use crate::ssr::{auth::*, services::ReminderService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let state = state()?;
            let lang = request_language();
            let event = crate::ssr::services::EventService::find(&state.db, event_id).await?;
            let tz = crate::ssr::present::events::tz_of(&event);
            let overview = ReminderService::overview(&state.db, event_id).await?;
            let mut lines: Vec<(String, String, u64)> = overview
                .reminders
                .iter()
                .map(|(days, due, sent)| {
                    (
                        tr!(lang, "reminders-reminder", days = *days),
                        format_instant(lang, due, tz),
                        *sent,
                    )
                })
                .collect();
            if let Some((due, nudges, digests)) = overview.nudge {
                let when = format_instant(lang, &due, tz);
                lines.push((
                    tr!(lang, "reminders-nudge").to_string(),
                    when.clone(),
                    nudges,
                ));
                lines.push((tr!(lang, "reminders-digest").to_string(), when, digests));
            }
            Ok(RemindersDto {
                event_id,
                reminder_days: overview.reminder_days,
                nudge_days: overview
                    .nudge_days
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                can_edit: user.role.can_edit_events(),
                lines,
                no_deadline: event.rsvp_deadline_local.is_none(),
            })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "set_reminders")]
pub async fn set_reminders(
    event_id: i32,
    reminder_days: String,
    nudge_days: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::ReminderService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            ReminderService::configure(&state()?.db, &user, event_id, &reminder_days, &nudge_days)
                .await
                .map_err(|e| {
                    e.keeping_value("reminder_days", &reminder_days)
                        .keeping_value("nudge_days", &nudge_days)
                })
        }
        .await,
    )
}
