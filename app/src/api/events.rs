//! Events: list, page, create, edit, status and comments.
use leptos::prelude::*;

use crate::api::dto::{EventDetail, EventForm, EventSummary};
use crate::domain::EventInput;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "list_events")]
pub async fn list_events(filter: String) -> Result<Vec<EventSummary>, AppError> {
    use crate::ssr::{auth::*, present, services::events::EventFilter, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let now = chrono::Utc::now();
            let listing =
                EventService::list(&state()?.db, &user, EventFilter::parse(&filter), now).await?;
            Ok(present::event_summaries(
                &listing,
                &user,
                request_language(),
                now,
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_event")]
pub async fn get_event(id: i32) -> Result<EventDetail, AppError> {
    use crate::ssr::{auth::*, present, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let record = EventService::record(&state()?.db, id).await?;
            Ok(present::event_detail(
                &record,
                &user,
                request_language(),
                chrono::Utc::now(),
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_event_form")]
pub async fn get_event_form(id: i32) -> Result<EventForm, AppError> {
    use crate::ssr::{auth::*, present, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let model = EventService::for_editing(&state()?.db, &user, id).await?;
            Ok(present::event_form(&model))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_event")]
pub async fn create_event(input: EventInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let event = EventService::create(&state()?.db, &user, &input)
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/events/{}", event.id));
            Ok(event.id)
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "update_event")]
pub async fn update_event(id: i32, version: i32, input: EventInput) -> Result<i32, AppError> {
    use crate::ssr::{auth::*, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            EventService::update(&state()?.db, &user, id, version, &input)
                .await
                .map_err(|e| e.keeping("input", &input))?;
            leptos_axum::redirect(&format!("/events/{id}"));
            Ok(id)
        }
        .await,
    )
}

/// Moves an event along `draft → open → closed`, or cancels it: a cancellation tells every invited
/// guest, with marketing's `note`, and removes the event from their calendars.
#[server(prefix = "/api", endpoint = "change_event_status")]
pub async fn change_event_status(
    id: i32,
    status: String,
    note: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::EventStatus;
    use crate::ssr::{auth::*, services::EventService, services::InvitationService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let next = EventStatus::parse(&status)
                .ok_or_else(|| AppError::field("status", msg!("status-unknown")))?;
            let state = state()?;
            if next == EventStatus::Cancelled {
                let note = note.unwrap_or_default();
                InvitationService::cancel_event(&state.db, &state.mail, &user, id, &note)
                    .await
                    .map_err(|e| e.keeping_value("note", &note))?;
            } else {
                EventService::change_status(&state.db, &user, id, next).await?;
            }
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "add_comment")]
pub async fn add_comment(event_id: i32, body: String) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::EventService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            EventService::add_comment(&state()?.db, &user, event_id, &body)
                .await
                .map_err(|e| e.keeping_value("body", &body))?;
            Ok(())
        }
        .await,
    )
}
