//! Events: the shared plan, its status, comments and the activity log.
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use std::collections::HashMap;

use crate::domain::{format_local_datetime, AgendaItem, EventInput, EventPlan, EventStatus};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{activity, comment, event, user};
use crate::ssr::services::UserService;

pub struct EventService;

/// Which events a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFilter {
    Upcoming,
    Past,
    Mine,
    All,
}

impl EventFilter {
    pub fn parse(value: &str) -> EventFilter {
        match value {
            "past" => EventFilter::Past,
            "mine" => EventFilter::Mine,
            "all" => EventFilter::All,
            _ => EventFilter::Upcoming,
        }
    }
}

pub const MAX_COMMENT_CHARS: usize = 5_000;

/// The stored agenda (JSON) as domain items.
pub fn agenda_of(model: &event::Model) -> Vec<AgendaItem> {
    serde_json::from_str(&model.agenda).unwrap_or_default()
}

/// The plan's fields as the activity log names and shows them.
fn loggable_fields(model: &event::Model) -> Vec<(&'static str, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let opt_time = |v: &Option<chrono::NaiveDateTime>| {
        v.map(|d| format_local_datetime(&d)).unwrap_or_default()
    };
    vec![
        ("title", model.title.clone()),
        ("kind", model.kind.as_str().to_string()),
        ("brief", model.brief.clone()),
        ("agenda", AgendaItem::to_lines(&agenda_of(model))),
        ("venue_name", opt(&model.venue_name)),
        ("venue_address", opt(&model.venue_address)),
        ("join_url", opt(&model.join_url)),
        ("starts_at", format_local_datetime(&model.starts_local)),
        ("ends_at", format_local_datetime(&model.ends_local)),
        ("time_zone", model.time_zone.clone()),
        ("capacity", model.capacity.to_string()),
        (
            "nomination_deadline",
            opt_time(&model.nomination_deadline_local),
        ),
        ("rsvp_deadline", opt_time(&model.rsvp_deadline_local)),
        ("language", model.language.clone()),
    ]
}

fn apply_plan(active: &mut event::ActiveModel, plan: &EventPlan) {
    active.title = Set(plan.title.clone());
    active.kind = Set(plan.kind);
    active.brief = Set(plan.brief.clone());
    active.agenda = Set(serde_json::to_string(&plan.agenda).expect("agenda serialises"));
    active.venue_name = Set(plan.venue_name.clone());
    active.venue_address = Set(plan.venue_address.clone());
    active.join_url = Set(plan.join_url.clone());
    active.starts_local = Set(plan.starts_local);
    active.ends_local = Set(plan.ends_local);
    active.time_zone = Set(plan.time_zone.name().to_string());
    active.starts_at = Set(plan.starts_utc());
    active.ends_at = Set(plan.ends_utc());
    active.capacity = Set(plan.capacity as i32);
    active.nomination_deadline_local = Set(plan.nomination_deadline);
    active.rsvp_deadline_local = Set(plan.rsvp_deadline);
    active.language = Set(plan.language.as_str().to_string());
    active.updated_at = Set(Utc::now());
}

fn clip(value: String) -> String {
    const MAX: usize = 500;
    if value.chars().count() > MAX {
        value.chars().take(MAX).collect::<String>() + "…"
    } else {
        value
    }
}

fn require_editor(actor: &CurrentUser) -> Result<(), AppError> {
    if actor.role.can_edit_events() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl EventService {
    pub async fn find(db: &DatabaseConnection, id: i32) -> Result<event::Model, AppError> {
        event::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Marketing and admins draft an event; it starts as `draft` and is visible to everyone.
    pub async fn create(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        input: &EventInput,
    ) -> Result<event::Model, AppError> {
        require_editor(actor)?;
        let plan = EventPlan::parse(input).map_err(AppError::Validation)?;
        let now = Utc::now();
        let mut active = event::ActiveModel {
            status: Set(EventStatus::Draft),
            owner_id: Set(actor.id),
            sequence: Set(0),
            version: Set(1),
            updated_by: Set(Some(actor.id)),
            created_at: Set(now),
            ..Default::default()
        };
        apply_plan(&mut active, &plan);
        let txn = crate::ssr::db::begin_write(db).await?;
        let model = active.insert(&txn).await?;
        activity::ActiveModel {
            event_id: Set(model.id),
            user_id: Set(actor.id),
            action: Set("created".into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        tracing::info!(event_id = model.id, user_id = actor.id, "event created");
        Ok(model)
    }

    /// Changes the plan and logs each changed field. `version` is the version the form was
    /// loaded at: when someone saved in between, the save is refused (never a silent overwrite).
    /// A new time or place raises the sequence, so calendar updates supersede earlier invitations.
    pub async fn update(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        version: i32,
        input: &EventInput,
    ) -> Result<event::Model, AppError> {
        require_editor(actor)?;
        let plan = EventPlan::parse(input).map_err(AppError::Validation)?;
        // the read that decides the write happens inside the write transaction, locked
        let txn = crate::ssr::db::begin_write(db).await?;
        let existing = event::Entity::find_by_id(id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if !existing.status.is_editable() {
            return Err(AppError::Conflict(msg!("event-cancelled-read-only")));
        }
        if existing.version != version {
            let who = match existing.updated_by {
                Some(user_id) => UserService::names(&txn, [user_id])
                    .await?
                    .remove(&user_id)
                    .map(|u| u.name),
                None => None,
            };
            return Err(AppError::Conflict(match who {
                Some(who) => msg!("event-saved-meanwhile", who = who),
                None => msg!("event-saved-meanwhile-someone"),
            }));
        }
        let before = loggable_fields(&existing);
        let mut active = existing.clone().into_active_model();
        apply_plan(&mut active, &plan);
        active.version = Set(existing.version + 1);
        active.updated_by = Set(Some(actor.id));
        let mut updated = active.update(&txn).await?;
        let after = loggable_fields(&updated);
        let now = Utc::now();
        let mut moved = false;
        for ((field, old), (_, new)) in before.into_iter().zip(after) {
            if old == new {
                continue;
            }
            moved |= matches!(
                field,
                "starts_at" | "ends_at" | "time_zone" | "venue_name" | "venue_address" | "join_url"
            );
            activity::ActiveModel {
                event_id: Set(id),
                user_id: Set(actor.id),
                action: Set("updated".into()),
                field: Set(Some(field.to_string())),
                old_value: Set(Some(clip(old))),
                new_value: Set(Some(clip(new))),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        if moved {
            let mut bump = updated.clone().into_active_model();
            bump.sequence = Set(updated.sequence + 1);
            // guests who were invited hear of it once the edits settle (`UpdateService`): the
            // first change since they were last told starts the window and keeps what they knew
            let invited_may_exist =
                matches!(existing.status, EventStatus::Open | EventStatus::Closed);
            if invited_may_exist && existing.calendar_changed_at.is_none() {
                bump.calendar_changed_at = Set(Some(now));
                bump.calendar_changed_from = Set(Some(
                    crate::ssr::services::updates::Schedule::of(&existing).to_json(),
                ));
            }
            updated = bump.update(&txn).await?;
        }
        txn.commit().await?;
        Ok(updated)
    }

    pub async fn change_status(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        next: EventStatus,
    ) -> Result<event::Model, AppError> {
        require_editor(actor)?;
        let existing = Self::find(db, id).await?;
        let current = existing.status;
        if !current.can_become(next) {
            return Err(AppError::Conflict(
                msg!("event-transition-refused")
                    .label("from", current.label_id())
                    .label("to", next.label_id()),
            ));
        }
        let txn = crate::ssr::db::begin_write(db).await?;
        // only move from the state we read: a concurrent change makes this a no-op, not a lost update
        let result = event::Entity::update_many()
            .col_expr(
                event::Column::Status,
                sea_orm::sea_query::Expr::value(next.as_str()),
            )
            .col_expr(
                event::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .filter(event::Column::Id.eq(id))
            .filter(event::Column::Status.eq(current))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            return Err(AppError::Conflict(msg!("event-status-changed-meanwhile")));
        }
        activity::ActiveModel {
            event_id: Set(id),
            user_id: Set(actor.id),
            action: Set("status".into()),
            field: Set(Some("status".into())),
            old_value: Set(Some(current.as_str().into())),
            new_value: Set(Some(next.as_str().into())),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Self::find(db, id).await
    }

    /// Any signed-in role may comment on any event, from its first draft on.
    pub async fn add_comment(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        body: &str,
    ) -> Result<comment::Model, AppError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(AppError::field("body", msg!("comment-required")));
        }
        if body.chars().count() > MAX_COMMENT_CHARS {
            return Err(AppError::field(
                "body",
                msg!("comment-too-long", max = MAX_COMMENT_CHARS),
            ));
        }
        Self::find(db, event_id).await?;
        Ok(comment::ActiveModel {
            event_id: Set(event_id),
            author_id: Set(actor.id),
            body: Set(body.to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    /// The events a list shows, with the people it names (owners).
    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        filter: EventFilter,
        now: DateTime<Utc>,
    ) -> Result<EventListing, AppError> {
        let mut query = event::Entity::find();
        query = match filter {
            EventFilter::Upcoming => query
                .filter(event::Column::EndsAt.gte(now))
                .order_by_asc(event::Column::StartsAt),
            EventFilter::Past => query
                .filter(event::Column::EndsAt.lt(now))
                .order_by_desc(event::Column::StartsAt),
            EventFilter::Mine => query
                .filter(event::Column::OwnerId.eq(actor.id))
                .order_by_asc(event::Column::StartsAt),
            EventFilter::All => query.order_by_asc(event::Column::StartsAt),
        };
        let events = query.all(db).await?;
        let people = UserService::names(db, events.iter().map(|e| e.owner_id)).await?;
        Ok(EventListing { events, people })
    }

    /// One event with its comments, activity (newest first) and the people they name.
    pub async fn record(db: &DatabaseConnection, id: i32) -> Result<EventRecord, AppError> {
        let event = Self::find(db, id).await?;
        let comments = comment::Entity::find()
            .filter(comment::Column::EventId.eq(id))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(db)
            .await?;
        // the newest entries: an event with thousands of guests has thousands of answers logged
        let activities = activity::Entity::find()
            .filter(activity::Column::EventId.eq(id))
            .order_by_desc(activity::Column::CreatedAt)
            .order_by_desc(activity::Column::Id)
            .limit(ACTIVITY_SHOWN)
            .all(db)
            .await?;
        let activity_total = if (activities.len() as u64) < ACTIVITY_SHOWN {
            activities.len() as u64
        } else {
            activity::Entity::find()
                .filter(activity::Column::EventId.eq(id))
                .count(db)
                .await?
        };
        let people = UserService::names(
            db,
            comments
                .iter()
                .map(|c| c.author_id)
                .chain(activities.iter().map(|a| a.user_id))
                .chain([event.owner_id]),
        )
        .await?;
        Ok(EventRecord {
            event,
            comments,
            activities,
            activity_total,
            people,
        })
    }

    /// The event to edit; only for those who may edit.
    pub async fn for_editing(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<event::Model, AppError> {
        require_editor(actor)?;
        Self::find(db, id).await
    }
}

/// Events for a list, and the users they name.
pub struct EventListing {
    pub events: Vec<event::Model>,
    pub people: HashMap<i32, user::Model>,
}

/// One event with everything its page shows.
pub struct EventRecord {
    pub event: event::Model,
    pub comments: Vec<comment::Model>,
    /// the newest `ACTIVITY_SHOWN` entries of the log
    pub activities: Vec<activity::Model>,
    /// how many entries the log has in all
    pub activity_total: u64,
    pub people: HashMap<i32, user::Model>,
}

/// How many entries of an event's activity log its page shows (the newest).
pub const ACTIVITY_SHOWN: u64 = 50;
