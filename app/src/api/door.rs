//! The door page's server functions. The page's browser program talks JSON to `/events/{id}/door/*`
//! (server crate, `door`); these serve the page itself and its plain form posts, so the door works
//! without JavaScript too.
// the plain form's fields are the server function's arguments (the macro copies them to the client)
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The door page: the event, the counters, the guests matching the search (at most
/// `DOOR_PAGE_ROWS`), and the reps a walk-in can be credited to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorPageDto {
    pub event_id: i32,
    pub title: String,
    pub open: bool,
    /// why the door is closed, worded, when it is
    pub closed_reason: Option<String>,
    pub counters: door::protocol::Counters,
    pub guests: Vec<door::protocol::DoorGuest>,
    /// how many guests match the search in all
    pub matching: usize,
    pub cursor: i64,
    pub reps: Vec<(i32, String)>,
}

#[server(prefix = "/api", endpoint = "door_page")]
pub async fn door_page(event_id: i32, query: String) -> Result<DoorPageDto, AppError> {
    use crate::ssr::auth::*;
    use crate::ssr::services::door::{DoorService, DOOR_PAGE_ROWS};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let lang = crate::current_language();
            let page = DoorService::page(&state()?.db, &user, event_id, &query).await?;
            let matching = page.update.guests.len();
            let open = page.status == crate::domain::EventStatus::Open && !page.settled;
            Ok(DoorPageDto {
                event_id: page.event_id,
                title: page.title,
                open,
                closed_reason: match (open, page.settled) {
                    (true, _) => None,
                    (false, true) => Some(tr!(lang, "door-attendance-settled").to_string()),
                    (false, false) => Some(tr!(
                        lang,
                        "door-event-not-open",
                        status = crate::i18n::t(lang, page.status.label_id())
                    )),
                },
                counters: page.update.counters,
                guests: page
                    .update
                    .guests
                    .into_iter()
                    .take(DOOR_PAGE_ROWS)
                    .collect(),
                matching,
                cursor: page.update.cursor,
                reps: page.reps,
            })
        }
        .await,
    )
}

/// One thing done at the door from a plain form: `kind` is `check_in` or `undo` (with `guest`),
/// `code` (with `code`) or `walk_in` (with the walk-in fields). A refusal (already checked in,
/// wrong code, bad walk-in field) comes back as the form's error and changes nothing.
#[server(prefix = "/api", endpoint = "door_form")]
pub async fn door_form(
    event_id: i32,
    kind: String,
    guest: Option<i32>,
    code: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    company: Option<String>,
    rep: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::FieldError;
    use crate::ssr::auth::*;
    use crate::ssr::services::DoorService;
    use door::protocol::{Action, Operation, Outcome, WalkIn};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let lang = crate::current_language();
            let typed = [
                ("first_name", &first_name),
                ("last_name", &last_name),
                ("email", &email),
                ("company", &company),
                ("rep", &rep),
                ("code", &code),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
            .collect::<Vec<_>>();
            let action = match kind.as_str() {
                "check_in" => Action::CheckIn {
                    guest: guest.ok_or_else(|| AppError::BadRequest("guest missing".into()))?,
                },
                "undo" => Action::Undo {
                    guest: guest.ok_or_else(|| AppError::BadRequest("guest missing".into()))?,
                },
                "code" => Action::Code {
                    code: code.clone().unwrap_or_default(),
                },
                "walk_in" => Action::WalkIn(WalkIn {
                    first_name: first_name.clone().unwrap_or_default(),
                    last_name: last_name.clone().unwrap_or_default(),
                    email: email.clone().unwrap_or_default(),
                    company: company.clone().unwrap_or_default(),
                    rep: rep
                        .as_deref()
                        .and_then(|r| r.trim().parse().ok())
                        .unwrap_or(0),
                }),
                _ => return Err(AppError::BadRequest("unknown kind".into())),
            };
            let operation = Operation {
                op: crate::ssr::services::door::new_op_id(),
                action,
                at_ms: None,
            };
            let state = state()?;
            let applied = DoorService::run(
                &state.db,
                &state.mail,
                &user,
                event_id,
                operation,
                lang,
                chrono::Utc::now(),
            )
            .await?;
            match (applied.outcome, applied.field) {
                (Outcome::Done, _) => Ok(()),
                (_, Some(field)) => Err(AppError::Retype {
                    errors: vec![FieldError::new(field, applied.message)],
                    typed,
                }),
                (_, None) => Err(AppError::Conflict(applied.message)),
            }
        }
        .await,
    )
}
