//! Consent: the only ways a contact's unsubscribed state changes. The contact unsubscribes through
//! the link in an email (`unsubscribe_by_contact`); an admin unsubscribes or resubscribes with a
//! reason (`change_by_admin`). Each change writes a row to the contact's activity log in the same
//! transaction. Contact forms and imports never touch consent.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::{
    can_change_consent, ConsentChange, ConsentDecision, ConsentInput, ContactAction,
    UnsubscribeSource,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{contact, contact_activity};

pub struct ConsentService;

/// The contact, read inside `txn`; on PostgreSQL its row is locked until the transaction ends, so
/// two changes at once are decided one after the other (SQLite's write lock does that already).
async fn locked_contact(
    txn: &impl ConnectionTrait,
    contact_id: i32,
) -> Result<contact::Model, AppError> {
    let mut query = contact::Entity::find_by_id(contact_id);
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(txn).await?.ok_or(AppError::NotFound)
}

async fn log(
    txn: &impl ConnectionTrait,
    contact_id: i32,
    user_id: Option<i32>,
    action: ContactAction,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    contact_activity::ActiveModel {
        contact_id: Set(contact_id),
        user_id: Set(user_id),
        action: Set(action.as_str().to_string()),
        note: Set(note),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

impl ConsentService {
    /// The contact unsubscribes themselves (the unsubscribe link in an email; the route that calls
    /// this proves who they are). Idempotent: a contact already unsubscribed stays as they are,
    /// with their first time and how, and no second log row is written.
    pub async fn unsubscribe_by_contact(
        db: &DatabaseConnection,
        contact_id: i32,
        now: DateTime<Utc>,
    ) -> Result<contact::Model, AppError> {
        let txn = crate::ssr::db::begin_write(db).await?;
        let existing = locked_contact(&txn, contact_id).await?;
        if existing.unsubscribed_at.is_some() {
            return Ok(existing);
        }
        let mut active = existing.into_active_model();
        active.unsubscribed_at = Set(Some(now));
        active.unsubscribe_source = Set(Some(UnsubscribeSource::Link.as_str().to_string()));
        active.unsubscribe_note = Set(None);
        active.unsubscribed_by = Set(None);
        let model = active.update(&txn).await?;
        log(
            &txn,
            contact_id,
            None,
            ContactAction::UnsubscribedViaLink,
            None,
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(contact_id, "contact unsubscribed via link");
        Ok(model)
    }

    /// The contact undoes their own unsubscribe on the unsubscribe page. An unsubscribe an admin
    /// recorded stays: only the contact's own one can be undone this way.
    pub async fn resubscribe_by_contact(
        db: &DatabaseConnection,
        contact_id: i32,
        now: DateTime<Utc>,
    ) -> Result<contact::Model, AppError> {
        let txn = crate::ssr::db::begin_write(db).await?;
        let existing = locked_contact(&txn, contact_id).await?;
        let by_link =
            existing.unsubscribe_source.as_deref() == Some(UnsubscribeSource::Link.as_str());
        if existing.unsubscribed_at.is_none() || !by_link {
            return Ok(existing);
        }
        let mut active = existing.into_active_model();
        active.unsubscribed_at = Set(None);
        active.unsubscribe_source = Set(None);
        active.unsubscribe_note = Set(None);
        active.unsubscribed_by = Set(None);
        let model = active.update(&txn).await?;
        log(
            &txn,
            contact_id,
            None,
            ContactAction::ResubscribedViaLink,
            None,
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(contact_id, "contact undid their unsubscribe via link");
        Ok(model)
    }

    /// An admin unsubscribes or resubscribes a contact; the reason is required and logged.
    /// Everyone else is refused, whatever the contact.
    pub async fn change_by_admin(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        contact_id: i32,
        input: &ConsentInput,
        now: DateTime<Utc>,
    ) -> Result<contact::Model, AppError> {
        if !can_change_consent(actor.role) {
            return Err(AppError::Forbidden);
        }
        let decision = ConsentDecision::parse(input).map_err(AppError::Validation)?;
        let txn = crate::ssr::db::begin_write(db).await?;
        let existing = locked_contact(&txn, contact_id).await?;
        let unsubscribed = existing.unsubscribed_at.is_some();
        let mut active = existing.into_active_model();
        let action = match decision.change {
            ConsentChange::Unsubscribe if unsubscribed => {
                return Err(AppError::Conflict(msg!("consent-already-unsubscribed")))
            }
            ConsentChange::Resubscribe if !unsubscribed => {
                return Err(AppError::Conflict(msg!("consent-already-subscribed")))
            }
            ConsentChange::Unsubscribe => {
                active.unsubscribed_at = Set(Some(now));
                active.unsubscribe_source =
                    Set(Some(UnsubscribeSource::Admin.as_str().to_string()));
                active.unsubscribe_note = Set(Some(decision.reason.clone()));
                active.unsubscribed_by = Set(Some(actor.id));
                ContactAction::UnsubscribedByAdmin
            }
            ConsentChange::Resubscribe => {
                active.unsubscribed_at = Set(None);
                active.unsubscribe_source = Set(None);
                active.unsubscribe_note = Set(None);
                active.unsubscribed_by = Set(None);
                ContactAction::ResubscribedByAdmin
            }
        };
        let model = active.update(&txn).await?;
        log(
            &txn,
            contact_id,
            Some(actor.id),
            action,
            Some(decision.reason),
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(
            contact_id,
            user_id = actor.id,
            change = decision.change.as_str(),
            "consent changed by admin"
        );
        Ok(model)
    }

    /// The contact's activity log, newest first.
    pub async fn activities(
        db: &DatabaseConnection,
        contact_id: i32,
    ) -> Result<Vec<contact_activity::Model>, AppError> {
        Ok(contact_activity::Entity::find()
            .filter(contact_activity::Column::ContactId.eq(contact_id))
            .order_by_desc(contact_activity::Column::CreatedAt)
            .order_by_desc(contact_activity::Column::Id)
            .all(db)
            .await?)
    }
}
