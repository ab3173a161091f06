//! Follow-ups: each rep's attendees and no-shows across events, with the outcome the rep recorded
//! (`domain::follow_up`), and for managers the follow-ups still open a week after their event.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::{
    attendance, attendance_settled, can_read_follow_ups_of, can_record_outcome, follow_up_overdue,
    Answer, Attendance, EventStatus, OutcomeDraft, Role, FOLLOW_UP_DAYS,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{contact, event, guest, outcome, user};
use crate::ssr::services::directory::{account_names, CHUNK};
use crate::ssr::services::UserService;

pub struct FollowUpService;

/// One attendee or no-show of one rep at one event.
pub struct FollowUp {
    pub guest: guest::Model,
    pub contact: contact::Model,
    pub account: Option<String>,
    pub event: event::Model,
    pub attendance: Attendance,
    pub outcome: Option<outcome::Model>,
    /// no outcome a week after the event
    pub overdue: bool,
}

/// Whose follow-ups to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpScope {
    /// one rep's attendees and no-shows
    Rep(i32),
    /// every rep's follow-ups still open a week after their event (managers)
    Overdue,
}

impl FollowUpService {
    /// The follow-ups in `scope`, newest event first, then by guest name. Reps read their own;
    /// managers, marketing and admins everyone's.
    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        scope: FollowUpScope,
        now: DateTime<Utc>,
    ) -> Result<Vec<FollowUp>, AppError> {
        let mut query = guest::Entity::find().filter(
            Condition::any()
                .add(guest::Column::CheckedInAt.is_not_null())
                .add(guest::Column::Answer.eq(Answer::Accepted)),
        );
        let mut events = event::Entity::find()
            .filter(event::Column::Status.is_in([EventStatus::Open, EventStatus::Closed]));
        match scope {
            FollowUpScope::Rep(rep) => {
                if !can_read_follow_ups_of(actor.role, actor.id, rep) {
                    return Err(AppError::Forbidden);
                }
                query = query.filter(guest::Column::NominatedBy.eq(rep));
            }
            FollowUpScope::Overdue => {
                if !can_read_follow_ups_of(actor.role, actor.id, -1) {
                    return Err(AppError::Forbidden);
                }
                events =
                    events.filter(event::Column::EndsAt.lte(now - Duration::days(FOLLOW_UP_DAYS)));
            }
        }
        let events: HashMap<i32, event::Model> = events
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let guests = query
            .filter(guest::Column::EventId.is_in(events.keys().copied().collect::<Vec<_>>()))
            .all(db)
            .await?;
        // by event and in chunks: the managers' view spans every follow-up, more than one
        // `IN (…)` list of guest ids may hold on SQLite
        let event_ids: Vec<i32> = events.keys().copied().collect();
        let outcomes: HashMap<i32, outcome::Model> = outcome::Entity::find()
            .filter(outcome::Column::EventId.is_in(event_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.guest_id, o))
            .collect();
        let contact_ids: Vec<i32> = guests
            .iter()
            .map(|g| g.contact_id)
            .collect::<HashSet<i32>>()
            .into_iter()
            .collect();
        let mut contacts: HashMap<i32, contact::Model> = HashMap::new();
        for chunk in contact_ids.chunks(CHUNK) {
            for c in contact::Entity::find()
                .filter(contact::Column::Id.is_in(chunk.to_vec()))
                .all(db)
                .await?
            {
                contacts.insert(c.id, c);
            }
        }
        let accounts = account_names(db, contacts.values().filter_map(|c| c.account_id)).await?;
        let mut rows = Vec::new();
        for g in guests {
            let Some(event) = events.get(&g.event_id) else {
                continue;
            };
            let settled = attendance_settled(event.status, event.ends_at, now);
            let Some(attended) = attendance(g.answer, g.checked_in_at.is_some(), settled) else {
                continue;
            };
            let outcome = outcomes.get(&g.id).cloned();
            let overdue = follow_up_overdue(event.ends_at, outcome.is_some(), now);
            if scope == FollowUpScope::Overdue && !overdue {
                continue;
            }
            let Some(contact) = contacts.get(&g.contact_id).cloned() else {
                continue;
            };
            let account = contact
                .account_id
                .and_then(|id| accounts.get(&id).map(|a| a.name.clone()));
            rows.push(FollowUp {
                guest: g,
                contact,
                account,
                event: event.clone(),
                attendance: attended,
                outcome,
                overdue,
            });
        }
        rows.sort_by(|a, b| {
            b.event
                .starts_at
                .cmp(&a.event.starts_at)
                .then_with(|| {
                    a.contact
                        .last_name
                        .to_lowercase()
                        .cmp(&b.contact.last_name.to_lowercase())
                })
                .then_with(|| {
                    a.contact
                        .first_name
                        .to_lowercase()
                        .cmp(&b.contact.first_name.to_lowercase())
                })
        });
        Ok(rows)
    }

    /// The reps whose follow-ups `actor` may choose from: everyone with the sales or marketing
    /// role for managers, marketing and admins; only themselves for a rep.
    pub async fn reps(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<Vec<user::Model>, AppError> {
        if !can_read_follow_ups_of(actor.role, actor.id, -1) {
            return Ok(UserService::names(db, [actor.id])
                .await?
                .into_values()
                .collect());
        }
        Ok(user::Entity::find()
            .filter(user::Column::Role.is_in([Role::Sales.as_str(), Role::Marketing.as_str()]))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?)
    }

    /// Records what came of a guest (replacing an earlier outcome). Only the credited rep (or an
    /// admin) may, and only for an attendee or a no-show.
    pub async fn record(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        guest_id: i32,
        draft: &OutcomeDraft,
        now: DateTime<Utc>,
    ) -> Result<outcome::Model, AppError> {
        let guest = guest::Entity::find_by_id(guest_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        if !can_record_outcome(actor.role, actor.id, guest.nominated_by) {
            return Err(AppError::Forbidden);
        }
        let event = event::Entity::find_by_id(guest.event_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let settled = attendance_settled(event.status, event.ends_at, now);
        if matches!(event.status, EventStatus::Draft | EventStatus::Cancelled)
            || attendance(guest.answer, guest.checked_in_at.is_some(), settled).is_none()
        {
            return Err(AppError::Conflict(msg!("outcome-not-yet")));
        }
        let o = &draft.outcome;
        let row = outcome::ActiveModel {
            guest_id: Set(guest.id),
            event_id: Set(guest.event_id),
            kind: Set(o.kind.as_str().to_string()),
            meeting_on: Set(o.meeting_on),
            amount: Set(o.amount),
            currency: Set(o.currency.clone()),
            note: Set(draft.note.clone()),
            recorded_by: Set(actor.id),
            recorded_at: Set(now),
            ..Default::default()
        };
        // one outcome per guest: a second save (or two at once) replaces the first
        outcome::Entity::insert(row)
            .on_conflict(
                OnConflict::column(outcome::Column::GuestId)
                    .update_columns([
                        outcome::Column::Kind,
                        outcome::Column::MeetingOn,
                        outcome::Column::Amount,
                        outcome::Column::Currency,
                        outcome::Column::Note,
                        outcome::Column::RecordedBy,
                        outcome::Column::RecordedAt,
                    ])
                    .to_owned(),
            )
            .exec(db)
            .await?;
        outcome::Entity::find()
            .filter(outcome::Column::GuestId.eq(guest.id))
            .one(db)
            .await?
            .ok_or(AppError::Internal)
    }
}
