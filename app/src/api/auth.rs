//! Sign-in, sign-out, "who am I" and the language switch.
use leptos::prelude::*;

use crate::api::dto::UserDto;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use crate::ssr::auth::*;
    use crate::ssr::services::UserService;
    crate::api::finish(
        async {
            let state = state()?;
            let addr = client_addr();
            if let Some(wait) = state.throttle.locked_for(addr, &email) {
                if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                    response.insert_header(
                        http::header::RETRY_AFTER,
                        http::HeaderValue::from(wait.as_secs().max(1)),
                    );
                }
                return Err(AppError::TooManyRequests(msg!(
                    "login-throttled",
                    minutes = wait.as_secs() / 60 + 1
                )));
            }
            let user = match UserService::authenticate(&state.db, &email, &password).await {
                Ok(user) => user,
                Err(err) => {
                    state.throttle.record_failure(addr, &email);
                    tracing::info!("failed sign-in");
                    return Err(err);
                }
            };
            state.throttle.record_success(addr, &email);
            // a fresh session id at every sign-in: an id planted before sign-in is worthless
            if let Some(old) = request_cookie(SESSION_COOKIE) {
                end_session(&state.db, &old).await?;
            }
            let token = start_session(&state.db, user.id).await?;
            let response = expect_context::<leptos_axum::ResponseOptions>();
            response.insert_header(
                http::header::SET_COOKIE,
                http::HeaderValue::from_str(&session_cookie(&token, state.secure_cookies))
                    .map_err(|_| AppError::Internal)?,
            );
            tracing::info!(user_id = user.id, "signed in");
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::auth::*;
    let state = state()?;
    if let Some(token) = request_cookie(SESSION_COOKIE) {
        end_session(&state.db, &token).await?;
    }
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.insert_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&expired_session_cookie(state.secure_cookies))
            .map_err(|_| AppError::Internal)?,
    );
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<Option<UserDto>, AppError> {
    let user = crate::ssr::auth::current_user().await?;
    Ok(user.map(|u| UserDto {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role,
        active: true,
    }))
}

/// Remembers the UI language in a cookie (a preference, not account data).
#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::domain::Language;
    let lang = Language::parse(&lang)
        .ok_or_else(|| AppError::field("lang", msg!("language-unknown-choice")))?;
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.insert_header(
        http::header::SET_COOKIE,
        http::HeaderValue::from_str(&format!(
            "{}={}; Path=/; SameSite=Lax; Max-Age=31536000",
            crate::ssr::auth::LANG_COOKIE,
            lang.as_str()
        ))
        .map_err(|_| AppError::Internal)?,
    );
    Ok(())
}
