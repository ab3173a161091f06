//! Reminders to accepted guests, nudges to invited guests who have not answered, and the host
//! rep's digest of those guests. The scheduler (`send_due`, run every few seconds by the server)
//! keeps no state of its own: a mail goes out only together with a row in `scheduled_sends`,
//! unique per (event, kind, recipient) and written in the same transaction, so each goes out once
//! — across restarts, and with several instances (the second insert finds the first and does
//! nothing). Unsubscribed contacts get neither reminders nor nudges.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::{
    due_reminder, nudge_due, nudge_time, parse_reminder_days, reminder_time, Answer, EventStatus,
    InvitationState, Language, NominationState,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::begin_write;
use crate::ssr::entities::{event, guest, scheduled_send};
use crate::ssr::mail::compose::{new_message_id, rep_digest, GuestMail};
use crate::ssr::mail::MailSettings;
use crate::ssr::services::invitations::{mint_token, people_of, rsvp_deadline};
use crate::ssr::services::outbox::{kind, OutboxService};
use crate::ssr::services::EventService;

pub struct ReminderService;

/// What one run sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScheduledSent {
    pub reminders: u32,
    pub nudges: u32,
    pub digests: u32,
}

/// What an event has scheduled and what went out, for its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleOverview {
    pub reminder_days: String,
    pub nudge_days: Option<i32>,
    /// (days before, when due, how many sent)
    pub reminders: Vec<(u32, DateTime<Utc>, u64)>,
    /// (when due, nudges sent, digests sent); none without an RSVP deadline or nudge days
    pub nudge: Option<(DateTime<Utc>, u64, u64)>,
}

/// Records that `kind` went to `recipient` for the event; false when it already had.
async fn claim<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    kind: &str,
    recipient: String,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let inserted = scheduled_send::Entity::insert(scheduled_send::ActiveModel {
        event_id: Set(event_id),
        kind: Set(kind.to_string()),
        recipient: Set(recipient),
        sent_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            scheduled_send::Column::EventId,
            scheduled_send::Column::Kind,
            scheduled_send::Column::Recipient,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// The recipient that marks a round as done for the whole event.
const EVENT: &str = "event";

async fn round_done(db: &DatabaseConnection, event_id: i32, kind: &str) -> Result<bool, AppError> {
    Ok(scheduled_send::Entity::find()
        .filter(scheduled_send::Column::EventId.eq(event_id))
        .filter(scheduled_send::Column::Kind.eq(kind))
        .filter(scheduled_send::Column::Recipient.eq(EVENT))
        .count(db)
        .await?
        > 0)
}

impl ReminderService {
    /// Sends every reminder, nudge and digest that is due at `now` and has not gone out.
    pub async fn send_due(
        db: &DatabaseConnection,
        settings: &MailSettings,
        now: DateTime<Utc>,
    ) -> Result<ScheduledSent, AppError> {
        let events = event::Entity::find()
            .filter(event::Column::Status.eq(EventStatus::Open))
            .filter(event::Column::StartsAt.gt(now))
            .all(db)
            .await?;
        let mut sent = ScheduledSent::default();
        for found in events {
            let days = parse_reminder_days(&found.reminder_days).unwrap_or_default();
            let deadline = rsvp_deadline(&found);
            // a round that went out for the whole event is marked (recipient `event`), so later
            // runs skip it without touching every guest again
            let mut reminder = due_reminder(found.starts_at, &days, now);
            if let Some(d) = reminder {
                if round_done(db, found.id, &format!("reminder-{d}")).await? {
                    reminder = None;
                }
            }
            let nudge = nudge_due(deadline, found.nudge_days, now)
                && !round_done(db, found.id, "nudge").await?;
            if reminder.is_none() && !nudge {
                continue;
            }
            let txn = begin_write(db).await?;
            let guests = guest::Entity::find()
                .filter(guest::Column::EventId.eq(found.id))
                .filter(guest::Column::State.eq(NominationState::Approved))
                .filter(guest::Column::Invitation.ne(InvitationState::NotSent))
                .order_by_asc(guest::Column::Id)
                .all(&txn)
                .await?;
            let (contacts, hosts) = people_of(&txn, &guests).await?;
            let mut unanswered: BTreeMap<i32, Vec<String>> = BTreeMap::new();
            for g in &guests {
                let (Some(person), Some(host)) =
                    (contacts.get(&g.contact_id), hosts.get(&g.nominated_by))
                else {
                    continue;
                };
                if person.unsubscribed_at.is_some() {
                    continue;
                }
                if let Some(days) = reminder {
                    let due_at = reminder_time(found.starts_at, days);
                    // who accepted after the reminder's time has their confirmation
                    let fresh = g.answered_at.is_some_and(|a| a > due_at);
                    if g.answer == Answer::Accepted
                        && !fresh
                        && claim(
                            &txn,
                            found.id,
                            &format!("reminder-{days}"),
                            format!("guest:{}", g.id),
                            now,
                        )
                        .await?
                    {
                        let token = mint_token(&txn, g.id, now).await?;
                        let mail = GuestMail {
                            settings,
                            event: &found,
                            guest: g,
                            contact: person,
                            host,
                            token: &token,
                            message_id: new_message_id(settings, kind::REMINDER),
                            now,
                        };
                        OutboxService::queue(
                            &txn,
                            kind::REMINDER,
                            Some(found.id),
                            Some(g.id),
                            &mail.reminder(),
                            now,
                        )
                        .await?;
                        sent.reminders += 1;
                    }
                }
                if nudge && g.answer == Answer::None {
                    unanswered
                        .entry(host.id)
                        .or_default()
                        .push(person.full_name());
                    if claim(&txn, found.id, "nudge", format!("guest:{}", g.id), now).await? {
                        let lang = Language::parse(&person.language).unwrap_or(Language::En);
                        let deadline_text = found
                            .rsvp_deadline_local
                            .map(|l| {
                                crate::i18n::format_local(
                                    lang,
                                    &l,
                                    crate::ssr::present::events::tz_of(&found),
                                )
                            })
                            .unwrap_or_default();
                        let token = mint_token(&txn, g.id, now).await?;
                        let mail = GuestMail {
                            settings,
                            event: &found,
                            guest: g,
                            contact: person,
                            host,
                            token: &token,
                            message_id: new_message_id(settings, kind::NUDGE),
                            now,
                        };
                        OutboxService::queue(
                            &txn,
                            kind::NUDGE,
                            Some(found.id),
                            Some(g.id),
                            &mail.nudge(&deadline_text),
                            now,
                        )
                        .await?;
                        sent.nudges += 1;
                    }
                }
            }
            for (rep_id, names) in unanswered {
                let Some(rep) = hosts.get(&rep_id) else {
                    continue;
                };
                if claim(&txn, found.id, "digest", format!("user:{rep_id}"), now).await? {
                    let mail = rep_digest(
                        settings,
                        &found,
                        rep,
                        &names,
                        new_message_id(settings, kind::DIGEST),
                    );
                    OutboxService::queue(&txn, kind::DIGEST, Some(found.id), None, &mail, now)
                        .await?;
                    sent.digests += 1;
                }
            }
            if let Some(d) = reminder {
                claim(&txn, found.id, &format!("reminder-{d}"), EVENT.into(), now).await?;
            }
            if nudge {
                claim(&txn, found.id, "nudge", EVENT.into(), now).await?;
            }
            txn.commit().await?;
        }
        if sent != ScheduledSent::default() {
            tracing::info!(
                reminders = sent.reminders,
                nudges = sent.nudges,
                digests = sent.digests,
                "reminders queued"
            );
        }
        Ok(sent)
    }

    /// What the event has scheduled and what went out.
    pub async fn overview(
        db: &DatabaseConnection,
        event_id: i32,
    ) -> Result<ScheduleOverview, AppError> {
        let found = EventService::find(db, event_id).await?;
        let count = |kind: String| {
            scheduled_send::Entity::find()
                .filter(scheduled_send::Column::EventId.eq(event_id))
                .filter(scheduled_send::Column::Kind.eq(kind))
                .filter(scheduled_send::Column::Recipient.ne(EVENT))
                .count(db)
        };
        let mut reminders = Vec::new();
        for days in parse_reminder_days(&found.reminder_days).unwrap_or_default() {
            let sent = count(format!("reminder-{days}")).await?;
            reminders.push((days, reminder_time(found.starts_at, days), sent));
        }
        let nudge = match (rsvp_deadline(&found), found.nudge_days) {
            (Some(deadline), Some(days)) if days > 0 => Some((
                nudge_time(deadline, days),
                count("nudge".into()).await?,
                count("digest".into()).await?,
            )),
            _ => None,
        };
        Ok(ScheduleOverview {
            reminder_days: found.reminder_days,
            nudge_days: found.nudge_days,
            reminders,
            nudge,
        })
    }

    /// Marketing sets when reminders and the nudge go out.
    pub async fn configure(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        reminder_days: &str,
        nudge_days: &str,
    ) -> Result<(), AppError> {
        if !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        let mut errors = crate::domain::FieldErrors::default();
        let days = match parse_reminder_days(reminder_days) {
            Ok(days) => days,
            Err(message) => {
                errors.add("reminder_days", message);
                Vec::new()
            }
        };
        let nudge = match nudge_days.trim() {
            "" => None,
            text => match text.parse::<i32>() {
                Ok(n) if (0..=60).contains(&n) => Some(n),
                _ => {
                    errors.add("nudge_days", msg!("nudge-days-invalid"));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors.0));
        }
        let found = EventService::find(db, event_id).await?;
        let mut active: event::ActiveModel = found.into();
        active.reminder_days = Set(days
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","));
        active.nudge_days = Set(nudge);
        active.update(db).await?;
        Ok(())
    }
}
