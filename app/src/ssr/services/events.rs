//! Events: the shared plan, its status, comments and the activity log.
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::api::dto::{
    ActivityDto, AgendaLine, CommentDto, EventDetail, EventForm, EventSummary, TimelineEntry,
};
use crate::domain::{
    format_local_datetime, local_to_utc, AgendaItem, EventInput, EventKind, EventPlan, EventStatus,
    Role,
};
use crate::error::AppError;
use crate::i18n::{format_instant, format_local, relative, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{activity, comment, event};
use crate::ssr::markdown::to_safe_html;
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

fn tz_of(model: &event::Model) -> Tz {
    model.time_zone.parse().unwrap_or(chrono_tz::UTC)
}

fn agenda_of(model: &event::Model) -> Vec<AgendaItem> {
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

fn place_of(model: &event::Model) -> String {
    match (model.kind, &model.venue_name) {
        (EventKind::Online, _) | (_, None) => "Online".to_string(),
        (EventKind::Hybrid, Some(venue)) => format!("{venue} + online"),
        (EventKind::OnSite, Some(venue)) => venue.clone(),
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
            return Err(AppError::Conflict(
                "A cancelled event cannot be edited.".into(),
            ));
        }
        if existing.version != version {
            let who = match existing.updated_by {
                Some(user_id) => UserService::names(&txn, [user_id])
                    .await?
                    .remove(&user_id)
                    .map(|u| u.name),
                None => None,
            };
            return Err(AppError::Conflict(format!(
                "{} saved this event after you opened the form. Reload the page to see their \
                 changes, then make yours again.",
                who.unwrap_or_else(|| "Someone else".into())
            )));
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
            return Err(AppError::Conflict(format!(
                "An event that is {} cannot become {}.",
                current.as_str(),
                next.as_str()
            )));
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
            return Err(AppError::Conflict(
                "Someone else changed this event's status just now. Please reload.".into(),
            ));
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
            return Err(AppError::field("body", "Comment is required."));
        }
        if body.chars().count() > MAX_COMMENT_CHARS {
            return Err(AppError::field(
                "body",
                format!("Comment must be at most {MAX_COMMENT_CHARS} characters."),
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

    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        filter: EventFilter,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<Vec<EventSummary>, AppError> {
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
        let owners = UserService::names(db, events.iter().map(|e| e.owner_id)).await?;
        Ok(events
            .iter()
            .map(|e| {
                let tz = tz_of(e);
                EventSummary {
                    id: e.id,
                    title: e.title.clone(),
                    kind: e.kind,
                    status: e.status,
                    when: format_local(lang, &e.starts_local, tz),
                    starts_in: relative(lang, now, e.starts_at),
                    place: place_of(e),
                    capacity: e.capacity,
                    owner_name: owners
                        .get(&e.owner_id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                    mine: e.owner_id == actor.id,
                }
            })
            .collect())
    }

    /// Everything the event page shows, in the event's time zone.
    pub async fn detail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<EventDetail, AppError> {
        let model = Self::find(db, id).await?;
        let tz = tz_of(&model);
        let comments = comment::Entity::find()
            .filter(comment::Column::EventId.eq(id))
            .order_by_asc(comment::Column::CreatedAt)
            .order_by_asc(comment::Column::Id)
            .all(db)
            .await?;
        let activities = activity::Entity::find()
            .filter(activity::Column::EventId.eq(id))
            .order_by_desc(activity::Column::CreatedAt)
            .order_by_desc(activity::Column::Id)
            .all(db)
            .await?;
        let people = UserService::names(
            db,
            comments
                .iter()
                .map(|c| c.author_id)
                .chain(activities.iter().map(|a| a.user_id))
                .chain([model.owner_id]),
        )
        .await?;
        let name_of = |user_id: i32| {
            people
                .get(&user_id)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        };

        let mut timeline = Vec::new();
        let mut point = |key: &str, local: chrono::NaiveDateTime| {
            if let Some(instant) = local_to_utc(&local, tz) {
                timeline.push((
                    instant,
                    TimelineEntry {
                        label_key: key.to_string(),
                        when: format_local(lang, &local, tz),
                        relative: relative(lang, now, instant),
                        past: instant < now,
                    },
                ));
            }
        };
        if let Some(d) = model.nomination_deadline_local {
            point("timeline.nominations", d);
        }
        if let Some(d) = model.rsvp_deadline_local {
            point("timeline.rsvp", d);
        }
        point("timeline.start", model.starts_local);
        point("timeline.end", model.ends_local);
        timeline.sort_by_key(|(instant, _)| *instant);

        let status = model.status;
        let can_edit = actor.role.can_edit_events();
        Ok(EventDetail {
            id: model.id,
            title: model.title.clone(),
            kind: model.kind,
            status,
            brief_html: to_safe_html(&model.brief),
            agenda: agenda_of(&model)
                .into_iter()
                .map(|item| AgendaLine {
                    time: item.time.format("%H:%M").to_string(),
                    title: item.title,
                })
                .collect(),
            venue_name: model.venue_name.clone(),
            venue_address: model.venue_address.clone(),
            join_url: model.join_url.clone(),
            when: format_local(lang, &model.starts_local, tz),
            until: format_local(lang, &model.ends_local, tz),
            time_zone: model.time_zone.clone(),
            capacity: model.capacity,
            language: model.language.clone(),
            owner_name: name_of(model.owner_id),
            timeline: timeline.into_iter().map(|(_, entry)| entry).collect(),
            comments: comments
                .iter()
                .map(|c| CommentDto {
                    id: c.id,
                    author_name: name_of(c.author_id),
                    author_role: people
                        .get(&c.author_id)
                        .and_then(|u| Role::parse(&u.role))
                        .unwrap_or(Role::Sales),
                    body: c.body.clone(),
                    when: format_instant(lang, &c.created_at, tz),
                })
                .collect(),
            activity: activities
                .iter()
                .map(|a| ActivityDto {
                    user_name: name_of(a.user_id),
                    action: a.action.clone(),
                    field: a.field.clone(),
                    old_value: a.old_value.clone(),
                    new_value: a.new_value.clone(),
                    when: format_instant(lang, &a.created_at, tz),
                })
                .collect(),
            can_edit: can_edit && status.is_editable(),
            next_states: if can_edit {
                status.next_states()
            } else {
                Vec::new()
            },
        })
    }

    /// The event as its edit form shows it; only for those who may edit.
    pub async fn form(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<EventForm, AppError> {
        require_editor(actor)?;
        let model = Self::find(db, id).await?;
        let opt_time = |v: &Option<chrono::NaiveDateTime>| {
            v.map(|d| format_local_datetime(&d)).unwrap_or_default()
        };
        Ok(EventForm {
            id: model.id,
            version: model.version,
            status: model.status,
            input: EventInput {
                title: model.title.clone(),
                kind: model.kind.as_str().to_string(),
                brief: model.brief.clone(),
                agenda: AgendaItem::to_lines(&agenda_of(&model)),
                venue_name: model.venue_name.clone().unwrap_or_default(),
                venue_address: model.venue_address.clone().unwrap_or_default(),
                join_url: model.join_url.clone().unwrap_or_default(),
                starts_at: format_local_datetime(&model.starts_local),
                ends_at: format_local_datetime(&model.ends_local),
                time_zone: model.time_zone.clone(),
                capacity: model.capacity.to_string(),
                nomination_deadline: opt_time(&model.nomination_deadline_local),
                rsvp_deadline: opt_time(&model.rsvp_deadline_local),
                language: model.language.clone(),
            },
        })
    }
}
