//! What the server functions of one page render share. The event page's guest list and its
//! goals' progress both need a row per guest; on a 2,000-guest event each read cost about a
//! third of the page. During a page render they share one read of the guests, with the columns
//! both need (`EventGuest`).
//!
//! Only page renders have the cache (`provide_page_reads`, called where the server gives a page
//! its context): a page GET changes nothing it reads. A server function called on its own (from
//! the browser, after an action) gets no cache and reads afresh, so nothing a request writes is
//! read stale from here.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use leptos::prelude::{provide_context, use_context};
use sea_orm::sea_query::{Expr, JoinType};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use tokio::sync::OnceCell;

use crate::domain::{Answer, NominationState, Priority};
use crate::error::AppError;
use crate::ssr::entities::{contact, guest};

/// One guest of an event, as the guest list (counts, filter, choices) and the goals' figures
/// read it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct EventGuest {
    pub id: i32,
    pub event_id: i32,
    pub contact_id: i32,
    pub nominated_by: i32,
    pub priority: Priority,
    pub state: NominationState,
    pub answer: Answer,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub walk_in: bool,
    pub invited: bool,
    pub viewed: bool,
    /// the contact's account
    pub account_id: Option<i32>,
}

type Shared = Arc<OnceCell<Arc<Vec<EventGuest>>>>;

/// The reads of one page render, by event.
#[derive(Clone, Default)]
pub struct PageReads(Arc<Mutex<HashMap<i32, Shared>>>);

/// Gives the current page render its shared reads.
pub fn provide_page_reads() {
    provide_context(PageReads::default());
}

/// The guests of `event_id` in the order the guest list shows them (added first, first), read
/// once per page render. `None` outside a page render: the caller reads what it needs itself.
pub async fn event_guests(
    db: &DatabaseConnection,
    event_id: i32,
) -> Option<Result<Arc<Vec<EventGuest>>, AppError>> {
    let reads = use_context::<PageReads>()?;
    let cell = reads
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(event_id)
        .or_default()
        .clone();
    Some(
        cell.get_or_try_init(|| async { read_event_guests(db, event_id).await.map(Arc::new) })
            .await
            .cloned(),
    )
}

/// Every guest of the event, one slim row each, in one query.
pub async fn read_event_guests(
    db: &DatabaseConnection,
    event_id: i32,
) -> Result<Vec<EventGuest>, AppError> {
    Ok(
        in_list_order(with_fact_columns(guests_with_account()), event_id)
            .column(guest::Column::Priority)
            .into_model::<EventGuest>()
            .all(db)
            .await?,
    )
}

/// A slim read of guests with their contact's account as `account_id` and no other column yet
/// (a guest's contact is never missing: the foreign key cascades, so the inner join lists every
/// guest).
pub fn guests_with_account() -> Select<guest::Entity> {
    guest::Entity::find()
        .select_only()
        .column_as(
            Expr::col((contact::Entity, contact::Column::AccountId)),
            "account_id",
        )
        .join(
            JoinType::InnerJoin,
            guest::Entity::belongs_to(contact::Entity)
                .from(guest::Column::ContactId)
                .to(contact::Column::Id)
                .into(),
        )
}

/// Adds the columns a guest's figures are counted from (the reports' and the goals'): who,
/// whose, where they stand, and whether they were invited and opened their link.
pub fn with_fact_columns(select: Select<guest::Entity>) -> Select<guest::Entity> {
    select
        .columns([
            guest::Column::Id,
            guest::Column::EventId,
            guest::Column::ContactId,
            guest::Column::NominatedBy,
            guest::Column::State,
            guest::Column::Answer,
            guest::Column::CheckedInAt,
            guest::Column::WalkIn,
        ])
        .column_as(guest::Column::InvitedAt.is_not_null(), "invited")
        .column_as(guest::Column::ViewedAt.is_not_null(), "viewed")
}

/// The guests of `event_id` in the order the guest list shows them: added first, first.
pub fn in_list_order(select: Select<guest::Entity>, event_id: i32) -> Select<guest::Entity> {
    select
        .filter(guest::Column::EventId.eq(event_id))
        .order_by_asc(guest::Column::CreatedAt)
        .order_by_asc(guest::Column::Id)
}
