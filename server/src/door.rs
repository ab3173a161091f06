//! The door's JSON interface for the door page's browser program (`door::client`):
//!
//! - `GET  /events/{id}/door/list` — everyone the door expects, the counters and a cursor;
//! - `GET  /events/{id}/door/live` — server-sent events: what changed after the cursor (the
//!   `Last-Event-ID` a reconnecting `EventSource` sends, or `?cursor=`), at once and then whenever
//!   something changes, polled from the database every `POLL` so every instance and every device
//!   sees every other's check-ins;
//! - `POST /events/{id}/door/ops` — one operation (check in, code, undo, walk-in) as JSON.
//!
//! Each answers 401 without a session and 403 for roles that do not work doors.
use std::sync::OnceLock;
use std::time::Duration;

use app::domain::Language;
use app::error::AppError;
use app::ssr::auth::{user_for_session, CurrentUser, LANG_COOKIE, SESSION_COOKIE};
use app::ssr::services::DoorService;
use app::ssr::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use door::protocol::{Counters, Operation};
use tokio::sync::watch;

/// How often a live stream looks for changes.
pub const POLL: Duration = Duration::from_millis(1500);

/// Ends every live stream when the server stops (a stream never ends on its own, and a graceful
/// shutdown waits for open responses).
fn stopping() -> &'static watch::Sender<bool> {
    static STOPPING: OnceLock<watch::Sender<bool>> = OnceLock::new();
    STOPPING.get_or_init(|| watch::channel(false).0)
}

/// Called on shutdown: live streams end, door devices reconnect to another instance or later.
pub fn stop_live_streams() {
    let _ = stopping().send(true);
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<CurrentUser, Response> {
    let token = cookie(headers, SESSION_COOKIE).ok_or_else(unauthorized)?;
    match user_for_session(&state.db, &token).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(unauthorized()),
        Err(err) => Err(failure(err)),
    }
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, "please sign in").into_response()
}

fn failure(err: AppError) -> Response {
    let status = err.status();
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        err.to_string(),
    )
        .into_response()
}

fn language(headers: &HeaderMap) -> Language {
    cookie(headers, LANG_COOKIE)
        .and_then(|v| Language::parse(&v))
        .unwrap_or(Language::En)
}

fn no_store<T: serde::Serialize>(body: T) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// `GET /events/{id}/door/list`
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i32>,
) -> Response {
    let user = match signed_in(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match DoorService::list(&state.db, &user, id).await {
        Ok(update) => no_store(update),
        Err(err) => failure(err),
    }
}

/// `POST /events/{id}/door/ops`
pub async fn operate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Json(operation): Json<Operation>,
) -> Response {
    let user = match signed_in(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let lang = language(&headers);
    match DoorService::apply(
        &state.db,
        &state.mail,
        &user,
        id,
        operation,
        lang,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(reply) => no_store(reply),
        Err(err) => failure(err),
    }
}

#[derive(serde::Deserialize)]
pub struct LiveQuery {
    cursor: Option<i64>,
}

/// `GET /events/{id}/door/live`
pub async fn live(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<i32>,
    Query(query): Query<LiveQuery>,
) -> Response {
    let user = match signed_in(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let token = cookie(&headers, SESSION_COOKIE).unwrap_or_default();
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let cursor = resume.or(query.cursor).unwrap_or(0);
    // the first look answers 403/404 as a plain response, before the stream starts
    let first = match DoorService::changes(&state.db, &user, id, cursor).await {
        Ok(update) => update,
        Err(err) => return failure(err),
    };
    let stream = futures_util::stream::unfold(
        Live {
            state,
            token,
            event: id,
            cursor,
            counters: None,
            first: Some(first),
            stopping: stopping().subscribe(),
        },
        |mut live| async move {
            let event = live.next().await?;
            Some((Ok::<_, std::convert::Infallible>(event), live))
        },
    );
    (
        [(header::CACHE_CONTROL, "no-store")],
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))),
    )
        .into_response()
}

struct Live {
    state: AppState,
    token: String,
    event: i32,
    cursor: i64,
    counters: Option<Counters>,
    first: Option<door::protocol::DoorUpdate>,
    stopping: watch::Receiver<bool>,
}

impl Live {
    /// The next thing to tell the device; `None` ends the stream (server stopping, session over,
    /// event gone).
    async fn next(&mut self) -> Option<Event> {
        loop {
            let update = match self.first.take() {
                Some(update) => update,
                None => {
                    if *self.stopping.borrow() {
                        return None;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(POLL) => {}
                        _ = self.stopping.changed() => return None,
                    }
                    // the session is checked on every look: signing out or deactivation ends it
                    let user = user_for_session(&self.state.db, &self.token)
                        .await
                        .ok()
                        .flatten()?;
                    DoorService::changes(&self.state.db, &user, self.event, self.cursor)
                        .await
                        .ok()?
                }
            };
            let news = !update.guests.is_empty() || self.counters != Some(update.counters);
            self.cursor = update.cursor;
            self.counters = Some(update.counters);
            if news {
                return Event::default()
                    .event("door")
                    .id(update.cursor.to_string())
                    .json_data(&update)
                    .ok();
            }
        }
    }
}
