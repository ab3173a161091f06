//! Goals, tasks and the home page's "what needs me" lists.
use leptos::prelude::*;

use crate::api::dto::{GoalRow, HomeDto, TaskListDto};
use crate::domain::{GoalInput, TaskInput};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "get_goals")]
pub async fn get_goals(event_id: i32) -> Result<Vec<GoalRow>, AppError> {
    use crate::ssr::{auth::*, services::PlanService};
    crate::api::finish(
        async {
            require_user().await?;
            PlanService::goals(&state()?.db, event_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "propose_goal")]
pub async fn propose_goal(event_id: i32, input: GoalInput) -> Result<(), AppError> {
    use crate::domain::GoalDraft;
    use crate::ssr::{auth::*, services::PlanService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let draft = GoalDraft::parse(&input).map_err(AppError::Validation)?;
            PlanService::propose_goal(&state()?.db, &user, event_id, &draft).await?;
            Ok(())
        }
        .await
        .map_err(|e: AppError| e.keeping("input", &input)),
    )
}

#[server(prefix = "/api", endpoint = "get_tasks")]
pub async fn get_tasks(event_id: i32) -> Result<TaskListDto, AppError> {
    use crate::ssr::{auth::*, services::PlanService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            PlanService::tasks(&state()?.db, &user, event_id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "add_task")]
pub async fn add_task(event_id: i32, input: TaskInput) -> Result<(), AppError> {
    use crate::domain::TaskDraft;
    use crate::ssr::{auth::*, services::PlanService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let draft = TaskDraft::parse(&input).map_err(AppError::Validation)?;
            PlanService::add_task(&state()?.db, &user, event_id, &draft).await?;
            Ok(())
        }
        .await
        .map_err(|e: AppError| e.keeping("input", &input)),
    )
}

#[server(prefix = "/api", endpoint = "set_task_done")]
pub async fn set_task_done(task_id: i32, done: bool) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::PlanService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            PlanService::set_task_done(&state()?.db, &user, task_id, done).await?;
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_home")]
pub async fn get_home() -> Result<HomeDto, AppError> {
    use crate::ssr::{auth::*, present, services::GuestListService, services::PlanService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let db = state()?.db;
            Ok(HomeDto {
                decisions: present::my_decisions(
                    &GuestListService::my_decisions(&db, &user).await?,
                    request_language(),
                ),
                tasks: PlanService::my_open_tasks(&db, &user).await?,
                news: present::my_news(
                    &crate::ssr::services::InvitationService::my_news(&db, &user, 12).await?,
                    request_language(),
                ),
                is_rep: user.role == crate::domain::Role::Sales,
            })
        }
        .await,
    )
}
