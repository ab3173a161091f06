//! Passwords (Argon2id), server-side sessions and "who is asking" for server functions.
use std::sync::OnceLock;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use chrono::{Duration, Utc};
use leptos::prelude::*;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use super::entities::{session, user};
use super::AppState;
use crate::domain::{Language, Role};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "tandem_session";
pub const LANG_COOKIE: &str = "tandem_lang";
pub const SESSION_DAYS: i64 = 14;
/// A session unused for this long ends, whatever its absolute expiry.
pub const SESSION_IDLE_HOURS: i64 = 8;
/// `last_seen_at` is written at most this often, so reading pages does not mean a write each time.
pub const SESSION_TOUCH_SECONDS: i64 = 60;

/// The signed-in user, as every service call that changes something receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn from_model(model: &user::Model) -> Option<CurrentUser> {
        Some(CurrentUser {
            id: model.id,
            name: model.name.clone(),
            email: model.email.clone(),
            role: Role::parse(&model.role)?,
        })
    }
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|err| {
        tracing::error!(error = %err, "password hashing failed");
        AppError::Internal
    })
}

/// Checks a password. Without a stored hash (unknown email) a dummy hash is checked instead, so
/// both failures take the same time and cannot be told apart.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = stored.unwrap_or_else(|| {
        DUMMY
            .get_or_init(|| {
                Argon2::default()
                    .hash_password(b"not-a-real-password", &SaltString::generate(&mut OsRng))
                    .expect("hashing a constant")
                    .to_string()
            })
            .clone()
    });
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session with a fresh random id (256 bits) and returns the cookie value.
pub async fn start_session(db: &DatabaseConnection, user_id: i32) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(hash_token(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        last_seen_at: Set(Some(now)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Whether a session has ended: past its absolute expiry, or idle for `SESSION_IDLE_HOURS`.
fn is_over(found: &session::Model, now: chrono::DateTime<Utc>) -> bool {
    let last_seen = found.last_seen_at.unwrap_or(found.created_at);
    found.expires_at < now || last_seen + Duration::hours(SESSION_IDLE_HOURS) < now
}

/// The active user a session cookie belongs to, if the session is live. Marks the session as
/// seen (at most once a minute).
pub async fn user_for_session(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<CurrentUser>, AppError> {
    // the session and its user in one query
    let Some((found, user)) = session::Entity::find_by_id(hash_token(token))
        .find_also_related(user::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = Utc::now();
    if is_over(&found, now) {
        session::Entity::delete_by_id(found.id_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    let last_seen = found.last_seen_at.unwrap_or(found.created_at);
    if now - last_seen >= Duration::seconds(SESSION_TOUCH_SECONDS) {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(Some(now)),
            )
            .filter(session::Column::IdHash.eq(found.id_hash.clone()))
            .exec(db)
            .await?;
    }
    Ok(user
        .filter(|u| u.active)
        .and_then(|u| CurrentUser::from_model(&u)))
}

/// Deletes every session past its absolute expiry or idle too long; returns how many.
pub async fn purge_expired_sessions(db: &DatabaseConnection) -> Result<u64, AppError> {
    use sea_orm::Condition;
    let now = Utc::now();
    let idle_since = now - Duration::hours(SESSION_IDLE_HOURS);
    let result = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lt(now))
                .add(session::Column::LastSeenAt.lt(idle_since))
                .add(
                    Condition::all()
                        .add(session::Column::LastSeenAt.is_null())
                        .add(session::Column::CreatedAt.lt(idle_since)),
                ),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Ends every session of `user_id` except the one whose cookie is `keep` (the one in use).
pub async fn end_other_sessions(
    db: &DatabaseConnection,
    user_id: i32,
    keep: Option<&str>,
) -> Result<(), AppError> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::IdHash.ne(hash_token(keep)));
    }
    delete.exec(db).await?;
    Ok(())
}

pub async fn end_session(db: &DatabaseConnection, token: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(hash_token(token))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn end_sessions_of(db: &DatabaseConnection, user_id: i32) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The value of cookie `name` in the current request.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// The client's address for this request, as the server resolved it (see `ClientAddr`); the
/// unspecified address when the request did not come through the server's middleware.
pub fn client_addr() -> std::net::IpAddr {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<super::throttle::ClientAddr>()
                .copied()
        })
        .map(|found| found.0)
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// The UI language chosen with the language switch (English unless German was picked).
pub fn request_language() -> Language {
    request_cookie(LANG_COOKIE)
        .and_then(|v| Language::parse(&v))
        .unwrap_or(Language::En)
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_DAYS * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

pub fn expired_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The session of one request, read once: a page's server functions all ask for the signed-in
/// user, and during server rendering they share the request's context (`provide_session_cache`).
#[derive(Clone, Default)]
pub struct SessionCache(std::sync::Arc<tokio::sync::OnceCell<(String, Option<CurrentUser>)>>);

/// Gives the current request its session cache; the server calls this wherever it provides the
/// request's context (pages and server functions).
pub fn provide_session_cache() {
    provide_context(SessionCache::default());
}

/// The signed-in user of the current request, if any. Read from the database once per request
/// (when the request has a `SessionCache`) and once per call otherwise.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = request_cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let db = state()?.db;
    let Some(cache) = use_context::<SessionCache>() else {
        return user_for_session(&db, &token).await;
    };
    let (cached_for, user) = cache
        .0
        .get_or_try_init(|| async {
            let user = user_for_session(&db, &token).await?;
            Ok::<_, AppError>((token.clone(), user))
        })
        .await?;
    if *cached_for == token {
        Ok(user.clone())
    } else {
        user_for_session(&db, &token).await
    }
}

/// The signed-in user, or 401.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}
