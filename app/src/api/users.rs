//! User administration (admins only; the services check the role).
use leptos::prelude::*;

use crate::api::dto::UserDto;
use crate::domain::NewUserInput;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserDto>, AppError> {
    use crate::ssr::{auth::*, services::UserService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            UserService::list(&state()?.db, &user).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "add_user")]
pub async fn add_user(input: NewUserInput) -> Result<UserDto, AppError> {
    use crate::domain::NewUser;
    use crate::ssr::{auth::*, services::UserService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            if !user.role.can_manage_users() {
                return Err(AppError::Forbidden);
            }
            let new = NewUser::parse(&input).map_err(AppError::Validation)?;
            UserService::add(&state()?.db, &user, new).await
        }
        .await
        // the password is never sent back, not even in the error
        .map_err(|e: AppError| e.keeping_except("input", &input, &["password"])),
    )
}

#[server(prefix = "/api", endpoint = "set_user_role")]
pub async fn set_user_role(user_id: i32, role: String) -> Result<UserDto, AppError> {
    use crate::domain::Role;
    use crate::ssr::{auth::*, services::UserService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let role = Role::parse(&role)
                .ok_or_else(|| AppError::field("role", msg!("role-unknown-choice")))?;
            UserService::set_role(&state()?.db, &user, user_id, role).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "set_user_active")]
pub async fn set_user_active(user_id: i32, active: bool) -> Result<UserDto, AppError> {
    use crate::ssr::{auth::*, services::UserService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            UserService::set_active(&state()?.db, &user, user_id, active).await
        }
        .await,
    )
}
