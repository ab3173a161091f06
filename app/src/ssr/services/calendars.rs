//! Calendar files people download: the team's copy of an event and a guest's own copy, both
//! `METHOD:PUBLISH` (a file to import, not an invitation: no attendees, RFC 5546 §3.2.1), with
//! the event's stable UID, its SEQUENCE, and DTSTAMP = when the event last changed, so the same
//! version always downloads byte for byte the same.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use sha2::{Digest, Sha256};

use crate::domain::{EventStatus, Language};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{event, guest, task, user};
use crate::ssr::mail::calendar::{self, CalendarEvent, CalendarMethod};
use crate::ssr::mail::compose::GuestMail;
use crate::ssr::mail::{links, MailSettings};
use crate::ssr::present::events::place;
use crate::ssr::services::{EventService, InvitationService};

pub struct CalendarService;

/// How far back a feed reaches; everything ahead is in it.
pub const FEED_PAST_DAYS: i64 = 90;

/// A user's feed as served: the calendar, a strong ETag of exactly these bytes, and when the
/// newest of its events last changed (for `Last-Modified`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub ics: String,
    pub etag: String,
    pub last_modified: DateTime<Utc>,
}

/// A calendar file: the name to save it under and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFile {
    pub file_name: String,
    pub ics: String,
}

/// Where a guest can put the event: the file and the two web calendars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarLinks {
    pub ics: String,
    pub google: String,
    pub outlook: String,
}

fn file_name(event: &event::Model) -> String {
    format!("tandem-event-{}.ics", event.id)
}

/// The event as the team's calendar shows it: the brief as description, a link to the event page.
pub fn team_calendar_event(settings: &MailSettings, event: &event::Model) -> CalendarEvent {
    let lang = Language::parse(&event.language).unwrap_or(Language::En);
    CalendarEvent {
        uid: settings.event_uid(event.id),
        sequence: event.sequence,
        dtstamp: event.updated_at,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        summary: event.title.clone(),
        location: Some(place(lang, event)),
        description: event.brief.clone(),
        url: Some(format!(
            "{}/events/{}",
            settings.public_url.trim_end_matches('/'),
            event.id
        )),
        organizer: settings.organizer.clone(),
        cancelled: event.status == EventStatus::Cancelled,
    }
}

impl CalendarService {
    /// Any signed-in user's download of an event (`/events/{id}/calendar.ics`).
    pub async fn event_file(
        db: &DatabaseConnection,
        settings: &MailSettings,
        _actor: &CurrentUser,
        event_id: i32,
    ) -> Result<CalendarFile, AppError> {
        let event = EventService::find(db, event_id).await?;
        Ok(CalendarFile {
            file_name: file_name(&event),
            ics: calendar::render(
                CalendarMethod::Publish,
                &team_calendar_event(settings, &event),
                None,
            ),
        })
    }

    /// The guest's own download (`/rsvp/{token}/calendar.ics`): as their invitation describes the
    /// event, with their RSVP link.
    pub async fn guest_file(
        db: &DatabaseConnection,
        settings: &MailSettings,
        token: &str,
    ) -> Result<CalendarFile, AppError> {
        let record = InvitationService::find_by_token(db, token).await?;
        let event = guest_calendar_event(settings, &record, token);
        Ok(CalendarFile {
            file_name: file_name(&record.event),
            ics: calendar::render(CalendarMethod::Publish, &event, None),
        })
    }

    /// The actor's feed secret, if they have created one.
    pub async fn feed_token(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<Option<String>, AppError> {
        Ok(user::Entity::find_by_id(actor.id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?
            .feed_token)
    }

    /// A new feed secret for the actor; the old address stops working at once.
    pub async fn regenerate_feed(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<String, AppError> {
        let token = crate::ssr::services::invitations::new_token();
        user::ActiveModel {
            id: Set(actor.id),
            feed_token: Set(Some(token.clone())),
            ..Default::default()
        }
        .update(db)
        .await?;
        tracing::info!(user_id = actor.id, "calendar feed address renewed");
        Ok(token)
    }

    /// The feed behind `/feeds/{token}.ics`: every event the user owns, nominated guests to, or
    /// has a task in, from `FEED_PAST_DAYS` ago on; cancelled ones marked cancelled. Unknown
    /// secrets and deactivated users are not found.
    pub async fn feed(
        db: &DatabaseConnection,
        settings: &MailSettings,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Feed, AppError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        let owner = user::Entity::find()
            .filter(user::Column::FeedToken.eq(token))
            .filter(user::Column::Active.eq(true))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let nominated: Vec<i32> = guest::Entity::find()
            .select_only()
            .column(guest::Column::EventId)
            .distinct()
            .filter(guest::Column::NominatedBy.eq(owner.id))
            .into_tuple()
            .all(db)
            .await?;
        let tasked: Vec<i32> = task::Entity::find()
            .select_only()
            .column(task::Column::EventId)
            .distinct()
            .filter(task::Column::OwnerId.eq(owner.id))
            .into_tuple()
            .all(db)
            .await?;
        let events = event::Entity::find()
            .filter(
                Condition::any()
                    .add(event::Column::OwnerId.eq(owner.id))
                    .add(event::Column::Id.is_in(nominated))
                    .add(event::Column::Id.is_in(tasked)),
            )
            .filter(event::Column::EndsAt.gte(now - Duration::days(FEED_PAST_DAYS)))
            .order_by_asc(event::Column::StartsAt)
            .order_by_asc(event::Column::Id)
            .all(db)
            .await?;
        let last_modified = events
            .iter()
            .map(|e| e.updated_at)
            .max()
            .unwrap_or(owner.created_at);
        let entries: Vec<CalendarEvent> = events
            .iter()
            .map(|e| team_calendar_event(settings, e))
            .collect();
        let ics = calendar::render_feed(&format!("Tandem · {}", owner.name), &entries);
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(ics.as_bytes()))[..32]);
        Ok(Feed {
            ics,
            etag,
            last_modified,
        })
    }

    /// The links a guest's page and confirmation offer.
    pub fn guest_links(
        settings: &MailSettings,
        record: &crate::ssr::services::invitations::RsvpRecord,
        token: &str,
    ) -> CalendarLinks {
        let event = guest_calendar_event(settings, record, token);
        CalendarLinks {
            ics: format!("{}/calendar.ics", settings.rsvp_url(token)),
            google: links::google(&event),
            outlook: links::outlook(&event),
        }
    }
}

fn guest_calendar_event(
    settings: &MailSettings,
    record: &crate::ssr::services::invitations::RsvpRecord,
    token: &str,
) -> CalendarEvent {
    GuestMail {
        settings,
        event: &record.event,
        guest: &record.guest,
        contact: &record.contact,
        host: &record.host,
        token,
        message_id: String::new(),
        now: record.event.updated_at,
    }
    .calendar_event()
}
