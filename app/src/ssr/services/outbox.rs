//! The outbox: every email is a row written in the transaction of the change that causes it; the
//! mail worker (server/src/mailer.rs) claims due rows, delivers them and records the outcome.
//!
//! Claiming is one conditional `UPDATE … SET lease_until = now + lease WHERE id = ? AND state =
//! 'queued' AND (lease_until IS NULL OR lease_until < now)`: on SQLite and PostgreSQL alike only
//! one instance's update matches, so several instances never send the same message at once. A
//! worker that dies mid-send leaves a lease that runs out, and the message is tried again with the
//! same stored bytes (and Message-ID), so a resend after a crash is recognisable.
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::{retry_delay, OutboxState, MAX_ATTEMPTS};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::outbox;
use crate::ssr::mail::{message, InlineImage, Outgoing};

pub struct OutboxService;

/// What kind of mail a row is, for the outbox page and reports.
pub mod kind {
    pub const INVITATION: &str = "invitation";
    pub const CONFIRMATION: &str = "confirmation";
    pub const CANCELLATION: &str = "cancellation";
    pub const UPDATE: &str = "update";
    pub const REMINDER: &str = "reminder";
    pub const NUDGE: &str = "nudge";
    pub const DIGEST: &str = "digest";
    pub const ARRIVAL: &str = "arrival";
}

/// How long a claimed message belongs to one worker before another may try it.
pub const LEASE: Duration = Duration::seconds(120);

fn can_see_outbox(actor: &CurrentUser) -> bool {
    actor.role.can_edit_events()
}

/// The outcome of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// worth trying again later (connection refused, 4xx)
    Transient(String),
    /// will never work (5xx): failed at once
    Permanent(String),
}

impl OutboxService {
    /// Writes one message to the outbox, inside the caller's transaction.
    pub async fn queue<C: ConnectionTrait>(
        db: &C,
        kind: &str,
        event_id: Option<i32>,
        guest_id: Option<i32>,
        outgoing: &Outgoing,
        now: DateTime<Utc>,
    ) -> Result<outbox::Model, AppError> {
        Ok(Self::row(kind, event_id, guest_id, outgoing, now)?
            .insert(db)
            .await?)
    }

    /// The insert of a row made by `row`, to be sent with other writes (`db::run_together`).
    pub fn queue_statement(
        backend: sea_orm::DbBackend,
        row: outbox::ActiveModel,
    ) -> sea_orm::Statement {
        use sea_orm::QueryTrait;
        outbox::Entity::insert(row).build(backend)
    }

    /// The outbox row of a message: the whole message as sent, and what the outbox page shows.
    /// Turning the message into its bytes is most of the work (quoted-printable, base64 of the
    /// images, the calendar part), so a guest's answer makes the row before the write lock.
    pub fn row(
        kind: &str,
        event_id: Option<i32>,
        guest_id: Option<i32>,
        outgoing: &Outgoing,
        now: DateTime<Utc>,
    ) -> Result<outbox::ActiveModel, AppError> {
        let raw = message::to_bytes(outgoing).map_err(|err| {
            tracing::error!(error = %err, "an email could not be built");
            AppError::Internal
        })?;
        Ok(outbox::ActiveModel {
            message_id: Set(outgoing.message_id.clone()),
            kind: Set(kind.to_string()),
            event_id: Set(event_id),
            guest_id: Set(guest_id),
            recipient: Set(outgoing.to.email.clone()),
            subject: Set(outgoing.subject.clone()),
            text_body: Set(outgoing.text.clone()),
            html_body: Set(InlineImage::preview(
                &outgoing.inline_images,
                &outgoing.html,
            )),
            raw: Set(String::from_utf8_lossy(&raw).into_owned()),
            state: Set(OutboxState::Queued),
            attempts: Set(0),
            last_error: Set(None),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            sent_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
    }

    /// Claims up to `limit` due messages for this worker (see the module comment).
    pub async fn claim_due(
        db: &DatabaseConnection,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<outbox::Model>, AppError> {
        let free = Condition::any()
            .add(outbox::Column::LeaseUntil.is_null())
            .add(outbox::Column::LeaseUntil.lt(now));
        let candidates = outbox::Entity::find()
            .filter(outbox::Column::State.eq(OutboxState::Queued))
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .filter(free.clone())
            .order_by_asc(outbox::Column::NextAttemptAt)
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let mut claimed = Vec::with_capacity(candidates.len());
        for candidate in candidates {
            let result = outbox::Entity::update_many()
                .col_expr(outbox::Column::LeaseUntil, Expr::value(now + LEASE))
                .filter(outbox::Column::Id.eq(candidate.id))
                .filter(outbox::Column::State.eq(OutboxState::Queued))
                .filter(free.clone())
                .exec(db)
                .await?;
            if result.rows_affected == 1 {
                claimed.push(candidate);
            }
        }
        Ok(claimed)
    }

    /// Records the outcome of an attempt: sent; or tried again later with exponential back-off;
    /// or failed with its last error (a permanent rejection, or `MAX_ATTEMPTS` reached).
    pub async fn record(
        db: &DatabaseConnection,
        claimed: &outbox::Model,
        delivery: Delivery,
        now: DateTime<Utc>,
    ) -> Result<OutboxState, AppError> {
        let attempts = claimed.attempts + 1;
        let mut active = outbox::ActiveModel {
            id: Set(claimed.id),
            attempts: Set(attempts),
            lease_until: Set(None),
            ..Default::default()
        };
        let state = match delivery {
            Delivery::Sent => {
                active.sent_at = Set(Some(now));
                active.last_error = Set(None);
                OutboxState::Sent
            }
            Delivery::Permanent(error) => {
                active.last_error = Set(Some(error));
                OutboxState::Failed
            }
            Delivery::Transient(error) => {
                active.last_error = Set(Some(error));
                if attempts >= MAX_ATTEMPTS {
                    OutboxState::Failed
                } else {
                    active.next_attempt_at = Set(now + retry_delay(attempts));
                    OutboxState::Queued
                }
            }
        };
        active.state = Set(state);
        active.update(db).await?;
        Ok(state)
    }

    /// The outbox page's list: newest first, optionally one event's mail only.
    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: Option<i32>,
        limit: u64,
    ) -> Result<Vec<outbox::Model>, AppError> {
        if !can_see_outbox(actor) {
            return Err(AppError::Forbidden);
        }
        let mut query = outbox::Entity::find()
            .order_by_desc(outbox::Column::CreatedAt)
            .order_by_desc(outbox::Column::Id)
            .limit(limit);
        if let Some(event_id) = event_id {
            query = query.filter(outbox::Column::EventId.eq(event_id));
        }
        Ok(query.all(db).await?)
    }

    /// How many messages are in each state (for the outbox page and an event's sending progress).
    pub async fn counts(
        db: &DatabaseConnection,
        event_id: Option<i32>,
    ) -> Result<Vec<(OutboxState, i64)>, AppError> {
        let mut query = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::State)
            .column_as(outbox::Column::Id.count(), "n")
            .group_by(outbox::Column::State);
        if let Some(event_id) = event_id {
            query = query.filter(outbox::Column::EventId.eq(event_id));
        }
        Ok(query.into_tuple::<(OutboxState, i64)>().all(db).await?)
    }

    /// How the mail of one kind for one event is doing: (queued, sent, failed or cancelled).
    pub async fn progress(
        db: &DatabaseConnection,
        event_id: i32,
        kind: &str,
    ) -> Result<(i64, i64, i64), AppError> {
        let rows = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::State)
            .column_as(outbox::Column::Id.count(), "n")
            .filter(outbox::Column::EventId.eq(event_id))
            .filter(outbox::Column::Kind.eq(kind))
            .group_by(outbox::Column::State)
            .into_tuple::<(OutboxState, i64)>()
            .all(db)
            .await?;
        let count = |wanted: &[OutboxState]| {
            rows.iter()
                .filter(|(state, _)| wanted.contains(state))
                .map(|(_, n)| n)
                .sum::<i64>()
        };
        Ok((
            count(&[OutboxState::Queued]),
            count(&[OutboxState::Sent]),
            count(&[OutboxState::Failed, OutboxState::Cancelled]),
        ))
    }

    pub async fn find(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<outbox::Model, AppError> {
        if !can_see_outbox(actor) {
            return Err(AppError::Forbidden);
        }
        outbox::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Queues a failed or cancelled message again, to be tried at once.
    pub async fn retry(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<(), AppError> {
        let found = Self::find(db, actor, id).await?;
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::State, Expr::value(OutboxState::Queued))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(Utc::now()))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .col_expr(
                outbox::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(outbox::Column::Id.eq(found.id))
            .filter(outbox::Column::State.is_in([OutboxState::Failed, OutboxState::Cancelled]))
            .exec(db)
            .await?;
        if result.rows_affected != 1 {
            return Err(AppError::Conflict(msg!("outbox-not-retryable")));
        }
        tracing::info!(outbox_id = id, user_id = actor.id, "message queued again");
        Ok(())
    }

    /// Cancels a queued message that no worker holds right now.
    pub async fn cancel(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<(), AppError> {
        let found = Self::find(db, actor, id).await?;
        let now = Utc::now();
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::State, Expr::value(OutboxState::Cancelled))
            .filter(outbox::Column::Id.eq(found.id))
            .filter(outbox::Column::State.eq(OutboxState::Queued))
            .filter(
                Condition::any()
                    .add(outbox::Column::LeaseUntil.is_null())
                    .add(outbox::Column::LeaseUntil.lt(now)),
            )
            .exec(db)
            .await?;
        if result.rows_affected != 1 {
            let now_state = outbox::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|m| m.state)
                .unwrap_or(found.state);
            return Err(AppError::Conflict(
                msg!("outbox-not-cancellable").label("state", now_state.label_id()),
            ));
        }
        Ok(())
    }
}
