//! The signed-in user's own profile: changing their password.
use leptos::prelude::*;

use crate::domain::PasswordChangeInput;
use crate::error::AppError;

/// Changes the signed-in user's password and ends their other sessions (this one stays).
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(input: PasswordChangeInput) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::ProfileService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let token = request_cookie(SESSION_COOKIE);
            ProfileService::change_password(&state()?.db, &user, &input, token.as_deref()).await
        }
        .await,
    )
}
