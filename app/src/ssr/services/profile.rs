//! A user's own account: changing their password (which ends their other sessions), and the
//! administrator's `tandem user set-password`.
use crate::domain::Msg;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::domain::password::{check_new_password, CURRENT_WRONG};
use crate::domain::{EmailAddress, PasswordChange, PasswordChangeInput};
use crate::error::AppError;
use crate::ssr::auth::{self, CurrentUser};
use crate::ssr::entities::user;

pub struct ProfileService;

impl ProfileService {
    /// Checks the current password, stores the new one and ends every other session of the user;
    /// the session `keep_session` (the cookie of this request) stays signed in.
    pub async fn change_password(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        input: &PasswordChangeInput,
        keep_session: Option<&str>,
    ) -> Result<(), AppError> {
        let change = PasswordChange::parse(input).map_err(AppError::Validation)?;
        let model = user::Entity::find_by_id(actor.id)
            .one(db)
            .await?
            .filter(|u| u.active)
            .ok_or(AppError::Unauthorized)?;
        let ok = auth::verify_password(change.current, Some(model.password_hash.clone())).await;
        if !ok {
            return Err(AppError::field("current_password", Msg::new(CURRENT_WRONG)));
        }
        let mut active: user::ActiveModel = model.into();
        active.password_hash = Set(auth::hash_password(change.new).await?);
        active.update(db).await?;
        auth::end_other_sessions(db, actor.id, keep_session).await?;
        tracing::info!(user_id = actor.id, "password changed; other sessions ended");
        Ok(())
    }

    /// Sets a user's password from the command line (no current password) and ends all of their
    /// sessions. Returns the user's name.
    pub async fn set_password(
        db: &DatabaseConnection,
        email: &str,
        password: String,
    ) -> Result<String, AppError> {
        if let Err(code) = check_new_password(&password) {
            return Err(AppError::field("password", Msg::new(code)));
        }
        let email = EmailAddress::parse(email).map_err(|m| AppError::field("email", m))?;
        let model = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let (id, name) = (model.id, model.name.clone());
        let mut active: user::ActiveModel = model.into();
        active.password_hash = Set(auth::hash_password(password).await?);
        active.update(db).await?;
        auth::end_sessions_of(db, id).await?;
        Ok(name)
    }

    /// Whether the user gets an email when one of their guests is checked in at the door.
    pub async fn arrival_mail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<bool, AppError> {
        Ok(user::Entity::find_by_id(actor.id)
            .one(db)
            .await?
            .is_some_and(|u| u.arrival_mail))
    }

    /// Turns that email on or off for the user themselves.
    pub async fn set_arrival_mail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        on: bool,
    ) -> Result<(), AppError> {
        user::ActiveModel {
            id: Set(actor.id),
            arrival_mail: Set(on),
            ..Default::default()
        }
        .update(db)
        .await?;
        Ok(())
    }
}
