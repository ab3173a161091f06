//! Calendar updates: when an invited event's time, time zone or place changes, every invited guest
//! who has not declined gets one update email (same UID, the raised SEQUENCE, `METHOD:REQUEST`)
//! saying what changed, old and new. Edits within `delay` of the first one go out together: the
//! first change stores what guests knew (`events.calendar_changed_from`) and when
//! (`calendar_changed_at`); `send_due` sends once that moment is `delay` old. The state is in the
//! database, so a restart loses nothing and sends nothing twice; with several instances one
//! conditional UPDATE decides which instance sends.
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

use crate::domain::{Answer, EventKind, InvitationState};
use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::entities::{event, guest};
use crate::ssr::mail::compose::{new_message_id, GuestMail};
use crate::ssr::mail::MailSettings;
use crate::ssr::services::invitations::people_of;
use crate::ssr::services::outbox::{kind, OutboxService};

/// The part of an event a calendar entry shows: when and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub kind: EventKind,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub join_url: Option<String>,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub time_zone: String,
}

impl Schedule {
    pub fn of(e: &event::Model) -> Schedule {
        Schedule {
            kind: e.kind,
            venue_name: e.venue_name.clone(),
            venue_address: e.venue_address.clone(),
            join_url: e.join_url.clone(),
            starts_local: e.starts_local,
            ends_local: e.ends_local,
            time_zone: e.time_zone.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a schedule serialises")
    }

    /// `e` as it was with this schedule (for wording the old time and place).
    pub fn applied_to(&self, e: &event::Model) -> event::Model {
        event::Model {
            kind: self.kind,
            venue_name: self.venue_name.clone(),
            venue_address: self.venue_address.clone(),
            join_url: self.join_url.clone(),
            starts_local: self.starts_local,
            ends_local: self.ends_local,
            time_zone: self.time_zone.clone(),
            ..e.clone()
        }
    }

    /// Whether guests see a different time (zone included).
    pub fn time_differs(&self, other: &Schedule) -> bool {
        (self.starts_local, self.ends_local, &self.time_zone)
            != (other.starts_local, other.ends_local, &other.time_zone)
    }

    /// Whether guests see a different place or join link.
    pub fn place_differs(&self, other: &Schedule) -> bool {
        (
            self.kind,
            &self.venue_name,
            &self.venue_address,
            &self.join_url,
        ) != (
            other.kind,
            &other.venue_name,
            &other.venue_address,
            &other.join_url,
        )
    }
}

pub struct UpdateService;

/// What one run of the scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdatesSent {
    pub events: u32,
    pub mails: u32,
}

impl UpdateService {
    /// Sends the updates whose first change is at least `delay` old.
    pub async fn send_due(
        db: &DatabaseConnection,
        settings: &MailSettings,
        now: DateTime<Utc>,
        delay: Duration,
    ) -> Result<UpdatesSent, AppError> {
        let due = event::Entity::find()
            .filter(event::Column::CalendarChangedAt.lte(now - delay))
            .order_by_asc(event::Column::CalendarChangedAt)
            .all(db)
            .await?;
        let mut sent = UpdatesSent::default();
        for pending in due {
            let txn = begin_write(db).await?;
            // one instance takes it: the one whose update still finds the moment it read
            let claimed = event::Entity::update_many()
                .col_expr(
                    event::Column::CalendarChangedAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    event::Column::CalendarChangedFrom,
                    Expr::value(Option::<String>::None),
                )
                .filter(event::Column::Id.eq(pending.id))
                .filter(event::Column::CalendarChangedAt.eq(pending.calendar_changed_at))
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                continue;
            }
            let current = event::Entity::find_by_id(pending.id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            let before = pending
                .calendar_changed_from
                .as_deref()
                .and_then(|json| serde_json::from_str::<Schedule>(json).ok());
            let Some(before) = before else {
                txn.commit().await?;
                continue;
            };
            let after = Schedule::of(&current);
            let (time, place) = (before.time_differs(&after), before.place_differs(&after));
            if !(time || place) || current.status == crate::domain::EventStatus::Cancelled {
                // moved back to where it was, or cancelled meanwhile (the cancellation told them)
                txn.commit().await?;
                continue;
            }
            let old = before.applied_to(&current);
            let guests = guest::Entity::find()
                .filter(guest::Column::EventId.eq(current.id))
                .filter(guest::Column::Invitation.ne(InvitationState::NotSent))
                .filter(guest::Column::Answer.ne(Answer::Declined))
                .order_by_asc(guest::Column::Id)
                .all(&txn)
                .await?;
            let (contacts, hosts) = people_of(&txn, &guests).await?;
            for invited in &guests {
                let (Some(person), Some(host)) = (
                    contacts.get(&invited.contact_id),
                    hosts.get(&invited.nominated_by),
                ) else {
                    continue;
                };
                let mail = GuestMail {
                    settings,
                    event: &current,
                    guest: invited,
                    contact: person,
                    host,
                    token: "",
                    message_id: new_message_id(settings, kind::UPDATE),
                    now,
                };
                OutboxService::queue(
                    &txn,
                    kind::UPDATE,
                    Some(current.id),
                    Some(invited.id),
                    &mail.update(&old, time, place),
                    now,
                )
                .await?;
                sent.mails += 1;
            }
            txn.commit().await?;
            sent.events += 1;
            tracing::info!(
                event_id = current.id,
                mails = guests.len(),
                "calendar update queued"
            );
        }
        Ok(sent)
    }
}
