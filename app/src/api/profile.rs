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

/// The address of the signed-in user's calendar feed, if they created one.
#[server(prefix = "/api", endpoint = "get_feed")]
pub async fn get_feed() -> Result<Option<String>, AppError> {
    use crate::ssr::{auth::*, services::CalendarService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let state = state()?;
            Ok(CalendarService::feed_token(&state.db, &user)
                .await?
                .map(|token| feed_url(&state.mail.public_url, &token)))
        }
        .await,
    )
}

/// A new feed address for the signed-in user; the old one stops working.
#[server(prefix = "/api", endpoint = "renew_feed")]
pub async fn renew_feed() -> Result<String, AppError> {
    use crate::ssr::{auth::*, services::CalendarService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let state = state()?;
            let token = CalendarService::regenerate_feed(&state.db, &user).await?;
            Ok(feed_url(&state.mail.public_url, &token))
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn feed_url(public_url: &str, token: &str) -> String {
    format!("{}/feeds/{token}.ics", public_url.trim_end_matches('/'))
}

/// Whether the signed-in user gets an email when one of their guests is checked in.
#[server(prefix = "/api", endpoint = "get_arrival_mail")]
pub async fn get_arrival_mail() -> Result<bool, AppError> {
    use crate::ssr::{auth::*, services::ProfileService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            ProfileService::arrival_mail(&state()?.db, &user).await
        }
        .await,
    )
}

/// Turns the arrival email on (`on` present, as a ticked checkbox sends it) or off.
#[server(prefix = "/api", endpoint = "set_arrival_mail")]
pub async fn set_arrival_mail(on: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::ProfileService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            ProfileService::set_arrival_mail(&state()?.db, &user, on.is_some()).await
        }
        .await,
    )
}
