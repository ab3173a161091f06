//! Guest list: quotas, nominations and decisions.
use leptos::prelude::*;

use crate::api::dto::{GuestFilter, GuestListDto, QuotaRow};
use crate::domain::{InlineContactInput, NominationInput};
use crate::error::AppError;

/// The event's guest list; `filter` (optional) picks and cuts the rows (see `GuestFilter`).
#[server(prefix = "/api", endpoint = "get_guest_list")]
pub async fn get_guest_list(
    event_id: i32,
    #[server(default)] filter: GuestFilter,
) -> Result<GuestListDto, AppError> {
    use crate::ssr::{auth::*, present, services::GuestListService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let record = GuestListService::record(&state()?.db, &user, event_id, &filter).await?;
            Ok(present::guest_list(
                crate::current_language(),
                &record,
                &user,
                chrono::Utc::now(),
                &filter,
            ))
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "set_quota")]
pub async fn set_quota(event_id: i32, user_id: i32, seats: String) -> Result<QuotaRow, AppError> {
    use crate::ssr::{auth::*, services::GuestListService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let keep = |e: AppError| {
                e.keeping_value("user_id", user_id)
                    .keeping_value("seats", &seats)
            };
            let parsed = seats
                .trim()
                .parse::<i64>()
                .map_err(|_| keep(AppError::field("seats", msg!("seats-not-a-number"))))?;
            GuestListService::set_quota(&state()?.db, &user, event_id, user_id, parsed)
                .await
                .map_err(keep)
        }
        .await,
    )
}

/// Nominates a contact from the rep's list (`contact_id`), or a new one (`contact_id` = "new").
#[server(prefix = "/api", endpoint = "nominate")]
pub async fn nominate(
    event_id: i32,
    contact_id: String,
    #[server(default)] contact: InlineContactInput,
    input: NominationInput,
) -> Result<(), AppError> {
    use crate::domain::{FieldError, FieldErrors};
    use crate::domain::{InlineContact, Nomination};
    use crate::ssr::{auth::*, services::GuestListService};
    let kept = |e: AppError| {
        e.keeping_value("contact_id", &contact_id)
            .keeping("contact", &contact)
            .keeping("input", &input)
    };
    crate::api::finish(
        async {
            let user = require_user().await?;
            let db = state()?.db;
            let now = chrono::Utc::now();
            if contact_id == "new" {
                let mut errors: Vec<FieldError> = Vec::new();
                let new_contact = InlineContact::parse(&contact)
                    .map_err(|e| errors.extend(e))
                    .ok();
                let nomination = Nomination::parse(&input).map_err(|e| errors.extend(e)).ok();
                match (new_contact, nomination) {
                    (Some(c), Some(n)) => {
                        GuestListService::nominate_new_contact(&db, &user, event_id, &c, &n, now)
                            .await?;
                    }
                    _ => return Err(AppError::Validation(errors)),
                }
            } else {
                let mut errors = FieldErrors::default();
                let id = contact_id.trim().parse::<i32>().ok();
                if id.is_none() {
                    errors.add("contact_id", msg!("nominate-choose-or-add"));
                }
                let nomination = Nomination::parse(&input)
                    .map_err(|e| e.into_iter().for_each(|e| errors.add(&e.field, e.message)))
                    .ok();
                match (id, nomination) {
                    (Some(id), Some(n)) if errors.is_empty() => {
                        GuestListService::nominate(&db, &user, event_id, id, &n, now).await?;
                    }
                    _ => return Err(AppError::Validation(errors.0)),
                }
            }
            Ok(())
        }
        .await
        .map_err(kept),
    )
}

#[server(prefix = "/api", endpoint = "update_nomination")]
pub async fn update_nomination(guest_id: i32, input: NominationInput) -> Result<(), AppError> {
    use crate::domain::Nomination;
    use crate::ssr::{auth::*, services::GuestListService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            let nomination = Nomination::parse(&input).map_err(AppError::Validation)?;
            GuestListService::update_nomination(&state()?.db, &user, guest_id, &nomination).await?;
            Ok(())
        }
        .await
        .map_err(|e: AppError| {
            e.keeping_value("guest_id", guest_id)
                .keeping("input", &input)
        }),
    )
}

#[server(prefix = "/api", endpoint = "withdraw_nomination")]
pub async fn withdraw_nomination(guest_id: i32) -> Result<(), AppError> {
    use crate::ssr::{auth::*, services::GuestListService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            GuestListService::withdraw(&state()?.db, &user, guest_id).await?;
            Ok(())
        }
        .await,
    )
}

/// Approve, reject (with a reason) or waitlist one or many nominations.
#[server(prefix = "/api", endpoint = "decide_nominations")]
pub async fn decide_nominations(
    event_id: i32,
    guest_ids: Vec<i32>,
    decision: String,
    reason: String,
) -> Result<usize, AppError> {
    use crate::domain::parse_decision;
    use crate::ssr::{auth::*, services::GuestListService};
    crate::api::finish(
        async {
            let user = require_user().await?;
            if !user.role.can_edit_events() {
                return Err(AppError::Forbidden);
            }
            let (decision, reason) = parse_decision(&decision, &reason).map_err(|e| {
                let ids: Vec<String> = guest_ids.iter().map(i32::to_string).collect();
                AppError::Validation(e)
                    .keeping_value("guest_ids", ids.join(","))
                    .keeping_value("reason", &reason)
            })?;
            GuestListService::decide(&state()?.db, &user, event_id, &guest_ids, decision, reason)
                .await
        }
        .await,
    )
}
