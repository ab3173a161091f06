//! Shared goals (progress computed live from the guest list) and the event's task checklist.
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use crate::api::dto::{GoalRow, TaskListDto, TaskRow};
use crate::domain::{
    goal_progress, is_overdue, GoalDraft, GoalFacts, GoalMetric, Role, TaskDraft, Team,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::entities::{event, goal, task, user};
use crate::ssr::services::reports::reporting_currency;
use crate::ssr::services::{EventService, ReportService, UserService};

pub struct PlanService;

fn can_plan(actor: &CurrentUser) -> bool {
    matches!(actor.role, Role::Admin | Role::Marketing | Role::Sales)
}

impl PlanService {
    /// The numbers goals are measured against, counted from the guest list and the follow-up
    /// outcomes right now (the same figures as the event report).
    pub async fn facts(db: &DatabaseConnection, event_id: i32) -> Result<GoalFacts, AppError> {
        let event = EventService::find(db, event_id).await?;
        Self::facts_of(db, &event).await
    }

    async fn facts_of(
        db: &DatabaseConnection,
        event: &event::Model,
    ) -> Result<GoalFacts, AppError> {
        Ok(ReportService::figures(db, event, Utc::now())
            .await?
            .goal_facts(reporting_currency()))
    }

    /// The event's goals with their progress. The progress needs the figures of every guest;
    /// an event without goals does not read them.
    pub async fn goals(db: &DatabaseConnection, event_id: i32) -> Result<Vec<GoalRow>, AppError> {
        let event = EventService::find(db, event_id).await?;
        let goals = goal::Entity::find()
            .filter(goal::Column::EventId.eq(event_id))
            .order_by_asc(goal::Column::Id)
            .all(db)
            .await?;
        if goals.is_empty() {
            return Ok(Vec::new());
        }
        let facts = Self::facts_of(db, &event).await?;
        let people = UserService::names(db, goals.iter().map(|g| g.created_by)).await?;
        Ok(goals
            .iter()
            .filter_map(|g| {
                let metric = GoalMetric::parse(&g.metric)?;
                let progress = goal_progress(metric, g.target.max(0) as u64, &facts);
                Some(GoalRow {
                    id: g.id,
                    metric,
                    team: Team::parse(&g.team).unwrap_or(Team::Marketing),
                    note: g.note.clone(),
                    proposed_by: people
                        .get(&g.created_by)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                    value: progress.value,
                    target: progress.target,
                    percent: progress.percent,
                })
            })
            .collect())
    }

    /// Either team proposes a goal; managers review, they do not propose.
    pub async fn propose_goal(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        draft: &GoalDraft,
    ) -> Result<goal::Model, AppError> {
        if !can_plan(actor) {
            return Err(AppError::Forbidden);
        }
        EventService::find(db, event_id).await?;
        Ok(goal::ActiveModel {
            event_id: Set(event_id),
            metric: Set(draft.metric.as_str().to_string()),
            target: Set(draft.target as i64),
            team: Set(draft.team.as_str().to_string()),
            note: Set(draft.note.clone()),
            created_by: Set(actor.id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    fn task_row(
        t: &task::Model,
        events: &HashMap<i32, event::Model>,
        people: &HashMap<i32, user::Model>,
        actor: &CurrentUser,
        today: NaiveDate,
    ) -> TaskRow {
        TaskRow {
            id: t.id,
            event_id: t.event_id,
            event_title: events
                .get(&t.event_id)
                .map(|e| e.title.clone())
                .unwrap_or_default(),
            title: t.title.clone(),
            owner_id: t.owner_id,
            owner_name: people
                .get(&t.owner_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            team: Team::parse(&t.team).unwrap_or(Team::Marketing),
            due_on: t.due_on.map(|d| d.format("%Y-%m-%d").to_string()),
            overdue: is_overdue(t.due_on, t.done, today),
            done: t.done,
            can_toggle: t.owner_id == actor.id || actor.role.can_edit_events(),
        }
    }

    pub async fn tasks(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
    ) -> Result<TaskListDto, AppError> {
        let event = EventService::find(db, event_id).await?;
        let tasks = task::Entity::find()
            .filter(task::Column::EventId.eq(event_id))
            .order_by_asc(task::Column::Done)
            .order_by_asc(task::Column::DueOn)
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let everyone = user::Entity::find()
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?;
        let people: HashMap<i32, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(tasks.iter().map(|t| t.owner_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let events = HashMap::from([(event.id, event)]);
        let today = Utc::now().date_naive();
        Ok(TaskListDto {
            tasks: tasks
                .iter()
                .map(|t| Self::task_row(t, &events, &people, actor, today))
                .collect(),
            people: everyone
                .into_iter()
                .filter(|u| u.role != Role::Manager.as_str())
                .map(|u| (u.id, u.name))
                .collect(),
            can_add: can_plan(actor),
        })
    }

    pub async fn add_task(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        draft: &TaskDraft,
    ) -> Result<task::Model, AppError> {
        if !can_plan(actor) {
            return Err(AppError::Forbidden);
        }
        EventService::find(db, event_id).await?;
        let owner = user::Entity::find_by_id(draft.owner_id)
            .one(db)
            .await?
            .filter(|u| u.active);
        if owner.is_none() {
            return Err(AppError::field("owner_id", msg!("owner-inactive")));
        }
        Ok(task::ActiveModel {
            event_id: Set(event_id),
            title: Set(draft.title.clone()),
            owner_id: Set(draft.owner_id),
            team: Set(draft.team.as_str().to_string()),
            due_on: Set(draft.due_on),
            done: Set(false),
            created_by: Set(actor.id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?)
    }

    /// The task's owner ticks it off; marketing and admins may too.
    pub async fn set_task_done(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        task_id: i32,
        done: bool,
    ) -> Result<task::Model, AppError> {
        let found = task::Entity::find_by_id(task_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        if found.owner_id != actor.id && !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        let mut active = found.into_active_model();
        active.done = Set(done);
        Ok(active.update(db).await?)
    }

    /// The signed-in user's open tasks across events, soonest first.
    pub async fn my_open_tasks(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<Vec<TaskRow>, AppError> {
        let tasks = task::Entity::find()
            .filter(task::Column::OwnerId.eq(actor.id))
            .filter(task::Column::Done.eq(false))
            .order_by_asc(task::Column::DueOn)
            .order_by_asc(task::Column::Id)
            .all(db)
            .await?;
        let events: HashMap<i32, event::Model> = event::Entity::find()
            .filter(event::Column::Id.is_in(tasks.iter().map(|t| t.event_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let people = UserService::names(db, [actor.id]).await?;
        let today = Utc::now().date_naive();
        let mut rows: Vec<TaskRow> = tasks
            .iter()
            .map(|t| Self::task_row(t, &events, &people, actor, today))
            .collect();
        // tasks without a date after those with one
        rows.sort_by_key(|r| (r.due_on.is_none(), r.due_on.clone()));
        Ok(rows)
    }
}
