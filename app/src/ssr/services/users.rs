//! Team members: sign-in, adding users, roles and deactivation.
use crate::domain::Msg;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use crate::api::dto::UserDto;
use crate::domain::{EmailAddress, NewUser, Role};
use crate::error::AppError;
use crate::ssr::auth::{self, CurrentUser};
use crate::ssr::entities::user;

pub struct UserService;

pub const BAD_LOGIN: &str = k!("login-bad");

fn to_dto(model: &user::Model) -> UserDto {
    UserDto {
        id: model.id,
        email: model.email.clone(),
        name: model.name.clone(),
        role: Role::parse(&model.role).unwrap_or(Role::Sales),
        active: model.active,
    }
}

impl UserService {
    /// Adds a user without checking who asks: for the CLI and demo data. The app uses `add`.
    pub async fn create(db: &DatabaseConnection, new: NewUser) -> Result<UserDto, AppError> {
        let exists = user::Entity::find()
            .filter(user::Column::Email.eq(new.email.as_str()))
            .one(db)
            .await?
            .is_some();
        if exists {
            return Err(AppError::field("email", msg!("user-email-taken")));
        }
        let model = user::ActiveModel {
            email: Set(new.email.as_str().to_string()),
            name: Set(new.name),
            role: Set(new.role.as_str().to_string()),
            password_hash: Set(auth::hash_password(new.password).await?),
            active: Set(true),
            language: Set("en".into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        Ok(to_dto(&model))
    }

    pub async fn add(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        new: NewUser,
    ) -> Result<UserDto, AppError> {
        if !actor.role.can_manage_users() {
            return Err(AppError::Forbidden);
        }
        Self::create(db, new).await
    }

    /// Checks email and password; unknown email and wrong password give the same answer.
    pub async fn authenticate(
        db: &DatabaseConnection,
        email: &str,
        password: &str,
    ) -> Result<CurrentUser, AppError> {
        let found = match EmailAddress::parse(email) {
            Ok(email) => {
                user::Entity::find()
                    .filter(user::Column::Email.eq(email.as_str()))
                    .one(db)
                    .await?
            }
            Err(_) => None,
        };
        let ok = auth::verify_password(
            password.to_string(),
            found.as_ref().map(|u| u.password_hash.clone()),
        )
        .await;
        match found {
            Some(model) if ok && model.active => {
                CurrentUser::from_model(&model).ok_or(AppError::Internal)
            }
            _ => Err(AppError::field("password", Msg::new(BAD_LOGIN))),
        }
    }

    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<Vec<UserDto>, AppError> {
        if !actor.role.can_manage_users() {
            return Err(AppError::Forbidden);
        }
        let users = user::Entity::find()
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?;
        Ok(users.iter().map(to_dto).collect())
    }

    async fn find_other(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        user_id: i32,
    ) -> Result<user::Model, AppError> {
        if !actor.role.can_manage_users() {
            return Err(AppError::Forbidden);
        }
        if actor.id == user_id {
            // an admin who demotes or locks out themselves may leave nobody to undo it
            return Err(AppError::Conflict(msg!("user-not-yourself")));
        }
        user::Entity::find_by_id(user_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn set_role(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        user_id: i32,
        role: Role,
    ) -> Result<UserDto, AppError> {
        let model = Self::find_other(db, actor, user_id).await?;
        let mut active = model.into_active_model();
        active.role = Set(role.as_str().to_string());
        Ok(to_dto(&active.update(db).await?))
    }

    /// Deactivating ends every session of that user at once.
    pub async fn set_active(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        user_id: i32,
        active_flag: bool,
    ) -> Result<UserDto, AppError> {
        let model = Self::find_other(db, actor, user_id).await?;
        let mut active = model.into_active_model();
        active.active = Set(active_flag);
        let updated = active.update(db).await?;
        if !active_flag {
            auth::end_sessions_of(db, user_id).await?;
        }
        Ok(to_dto(&updated))
    }

    pub async fn count(db: &DatabaseConnection) -> Result<u64, AppError> {
        use sea_orm::PaginatorTrait;
        Ok(user::Entity::find().count(db).await?)
    }

    pub async fn names<C: sea_orm::ConnectionTrait>(
        db: &C,
        ids: impl IntoIterator<Item = i32>,
    ) -> Result<std::collections::HashMap<i32, user::Model>, AppError> {
        let ids: Vec<i32> = ids.into_iter().collect();
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .all(db)
            .await?;
        Ok(users.into_iter().map(|u| (u.id, u)).collect())
    }
}
