//! The guest list: quotas per rep, nominations (with inline new contacts), marketing's decisions.
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::api::dto::{GuestFilter, QuotaRow};
use crate::domain::{
    local_to_utc, nomination_refusal, Answer, Decision, InlineContact, InvitationState, Nomination,
    NominationState, Nominee, Priority, Role,
};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::is_unique_violation;
use crate::ssr::entities::{account, activity, contact, event, guest, quota, user};
use crate::ssr::services::page_reads::{self, EventGuest};
use crate::ssr::services::EventService;

pub struct GuestListService;

/// The nomination states that hold one of the rep's seats.
fn seat_states() -> Vec<NominationState> {
    NominationState::ALL
        .into_iter()
        .filter(|s| s.uses_seat())
        .collect()
}

/// The nomination deadline of an event as an instant, if it has one.
fn nomination_deadline(e: &event::Model) -> Option<DateTime<Utc>> {
    let tz = e.time_zone.parse().unwrap_or(chrono_tz::UTC);
    e.nomination_deadline_local
        .and_then(|local| local_to_utc(&local, tz))
}

/// The rep's seats on the event. Inside a write transaction the quota row is locked on
/// PostgreSQL (`FOR UPDATE`), so two requests that count the rep's used seats and then take one
/// run one after the other; SQLite's `BEGIN IMMEDIATE` already serialises writers.
async fn locked_seats_of<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    user_id: i32,
) -> Result<u32, AppError> {
    Ok(quota::Entity::find()
        .filter(quota::Column::EventId.eq(event_id))
        .filter(quota::Column::UserId.eq(user_id))
        .lock_exclusive()
        .one(db)
        .await?
        .map(|q| q.seats.max(0) as u32)
        .unwrap_or(0))
}

async fn used_by<C: ConnectionTrait>(db: &C, event_id: i32, user_id: i32) -> Result<u32, AppError> {
    Ok(guest::Entity::find()
        .filter(guest::Column::EventId.eq(event_id))
        .filter(guest::Column::NominatedBy.eq(user_id))
        .filter(guest::Column::State.is_in(seat_states()))
        .count(db)
        .await? as u32)
}

fn require_rep(actor: &CurrentUser) -> Result<(), AppError> {
    if actor.role == Role::Sales {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// One line of the event's activity log about the guest list.
async fn log<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    actor: &CurrentUser,
    action: &str,
    subject: String,
    old_value: Option<String>,
    new_value: Option<String>,
) -> Result<(), AppError> {
    activity::ActiveModel {
        event_id: Set(event_id),
        user_id: Set(actor.id),
        action: Set(action.to_string()),
        field: Set(Some(subject)),
        old_value: Set(old_value),
        new_value: Set(new_value),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn name_of_contact<C: ConnectionTrait>(db: &C, contact_id: i32) -> Result<String, AppError> {
    Ok(contact::Entity::find_by_id(contact_id)
        .one(db)
        .await?
        .map(|c| c.full_name())
        .unwrap_or_default())
}

fn nomination_summary(priority: Priority, reason: &str) -> String {
    if reason.trim().is_empty() {
        priority.as_str().to_string()
    } else {
        format!("{}: {}", priority.as_str(), reason.trim())
    }
}

/// Why a nomination's state moved under someone's feet (a conditional write touched no row), as
/// the person who lost the race reads it.
async fn changed_meanwhile<C: ConnectionTrait>(
    db: &C,
    guest_id: i32,
) -> Result<AppError, AppError> {
    let now_state = guest::Entity::find_by_id(guest_id)
        .one(db)
        .await?
        .map(|g| g.state)
        .unwrap_or(NominationState::Withdrawn);
    Ok(AppError::Conflict(match now_state {
        NominationState::Withdrawn => msg!("nomination-withdrawn-meanwhile"),
        other => msg!("nomination-decided-meanwhile").label("state", other.label_id()),
    }))
}

impl GuestListService {
    /// Marketing gives a sales rep seats on an event; 0 takes them away.
    pub async fn set_quota(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        rep_id: i32,
        seats: i64,
    ) -> Result<QuotaRow, AppError> {
        if !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        let event = EventService::find(db, event_id).await?;
        let rep = user::Entity::find_by_id(rep_id)
            .one(db)
            .await?
            .filter(|u| u.role == Role::Sales.as_str())
            .ok_or_else(|| AppError::field("user_id", msg!("quota-sales-only")))?;
        if seats < 0 || seats > event.capacity as i64 * 10 {
            return Err(AppError::field("seats", msg!("quota-seats-range")));
        }
        let seats = seats as u32;
        let txn = crate::ssr::db::begin_write(db).await?;
        let existing = quota::Entity::find()
            .filter(quota::Column::EventId.eq(event_id))
            .filter(quota::Column::UserId.eq(rep_id))
            .lock_exclusive()
            .one(&txn)
            .await?;
        let used = used_by(&txn, event_id, rep_id).await?;
        if seats < used {
            return Err(AppError::field(
                "seats",
                msg!("quota-below-used", rep = &rep.name, used = used),
            ));
        }
        let before = existing
            .as_ref()
            .map(|q| q.seats.max(0) as u32)
            .unwrap_or(0);
        match existing {
            Some(found) => {
                let mut active = found.into_active_model();
                active.seats = Set(seats as i32);
                active.updated_at = Set(Utc::now());
                active.update(&txn).await?;
            }
            None => {
                quota::ActiveModel {
                    event_id: Set(event_id),
                    user_id: Set(rep_id),
                    seats: Set(seats as i32),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        AppError::Conflict(msg!("quota-set-meanwhile"))
                    } else {
                        e.into()
                    }
                })?;
            }
        }
        if before != seats {
            log(
                &txn,
                event_id,
                actor,
                "quota",
                rep.name.clone(),
                Some(before.to_string()),
                Some(seats.to_string()),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(QuotaRow {
            user_id: rep_id,
            rep_name: rep.name,
            seats,
            used,
        })
    }

    /// A sales rep nominates one of the directory's contacts: one they own, or one nobody owns
    /// (which then becomes theirs).
    pub async fn nominate(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        contact_id: i32,
        nomination: &Nomination,
        now: DateTime<Utc>,
    ) -> Result<guest::Model, AppError> {
        require_rep(actor)?;
        // an early return drops the transaction, which rolls it back
        let txn = crate::ssr::db::begin_write(db).await?;
        let created = Self::nominate_in(&txn, actor, event_id, contact_id, nomination, now).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// A sales rep adds a new contact (owned by them) and nominates it, all or nothing.
    pub async fn nominate_new_contact(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        new_contact: &InlineContact,
        nomination: &Nomination,
        now: DateTime<Utc>,
    ) -> Result<guest::Model, AppError> {
        require_rep(actor)?;
        let taken = contact::Entity::find()
            .filter(contact::Column::Email.eq(new_contact.email.as_str()))
            .one(db)
            .await?;
        if let Some(existing) = taken {
            return Err(AppError::field(
                "email",
                msg!(
                    "contact-in-directory",
                    email = &existing.email,
                    name = existing.full_name()
                ),
            ));
        }
        let txn = crate::ssr::db::begin_write(db).await?;
        let created = contact::ActiveModel {
            first_name: Set(new_contact.first_name.clone()),
            last_name: Set(new_contact.last_name.clone()),
            email: Set(new_contact.email.as_str().to_string()),
            language: Set(new_contact.language.as_str().to_string()),
            owner_id: Set(Some(actor.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                AppError::field("email", msg!("contact-email-taken"))
            } else {
                e.into()
            }
        })?;
        let nominated =
            Self::nominate_in(&txn, actor, event_id, created.id, nomination, now).await?;
        txn.commit().await?;
        Ok(nominated)
    }

    async fn nominate_in<C: ConnectionTrait>(
        db: &C,
        actor: &CurrentUser,
        event_id: i32,
        contact_id: i32,
        nomination: &Nomination,
        now: DateTime<Utc>,
    ) -> Result<guest::Model, AppError> {
        let event = event::Entity::find_by_id(event_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        let person = contact::Entity::find_by_id(contact_id)
            .lock_exclusive()
            .one(db)
            .await?
            .ok_or_else(|| AppError::field("contact_id", msg!("contact-choose")))?;
        if person.unsubscribed_at.is_some() {
            return Err(AppError::field(
                "contact_id",
                msg!("nominee-unsubscribed", name = person.full_name()),
            ));
        }
        match Nominee::of(person.owner_id, actor.id) {
            Nominee::Own => {}
            Nominee::OwnedByOther(owner) => {
                let owner_name = super::UserService::names(db, [owner])
                    .await?
                    .remove(&owner)
                    .map(|u| u.name)
                    .unwrap_or_default();
                return Err(AppError::field(
                    "contact_id",
                    msg!(
                        "nominee-owned-by",
                        name = person.full_name(),
                        owner = &owner_name
                    ),
                ));
            }
            Nominee::Unowned => {
                // claim the contact only if still nobody's: a rep who got there first wins
                let claimed = contact::Entity::update_many()
                    .col_expr(contact::Column::OwnerId, Expr::value(actor.id))
                    .filter(contact::Column::Id.eq(contact_id))
                    .filter(contact::Column::OwnerId.is_null())
                    .exec(db)
                    .await?;
                if claimed.rows_affected != 1 {
                    return Err(AppError::Conflict(msg!(
                        "nominee-claimed-meanwhile",
                        name = person.full_name()
                    )));
                }
            }
        }
        let already = guest::Entity::find()
            .filter(guest::Column::EventId.eq(event_id))
            .filter(guest::Column::ContactId.eq(contact_id))
            .one(db)
            .await?;
        if already.is_some() {
            return Err(AppError::field(
                "contact_id",
                msg!("nominee-on-list", name = person.full_name()),
            ));
        }
        let seats = locked_seats_of(db, event_id, actor.id).await?;
        let used = used_by(db, event_id, actor.id).await?;
        if let Some(message) =
            nomination_refusal(event.status, nomination_deadline(&event), now, seats, used)
        {
            return Err(AppError::Conflict(message));
        }
        let created = guest::ActiveModel {
            event_id: Set(event_id),
            contact_id: Set(contact_id),
            nominated_by: Set(actor.id),
            reason: Set(nomination.reason.clone()),
            priority: Set(nomination.priority),
            personal_note: Set(String::new()),
            state: Set(NominationState::Nominated),
            invitation: Set(InvitationState::NotSent),
            answer: Set(Answer::None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                AppError::field("contact_id", msg!("contact-on-list"))
            } else {
                e.into()
            }
        })?;
        log(
            db,
            event_id,
            actor,
            "nominated",
            person.full_name(),
            None,
            Some(nomination_summary(nomination.priority, &nomination.reason)),
        )
        .await?;
        Ok(created)
    }

    /// The rep's own nomination, read inside the transaction (locked on PostgreSQL).
    async fn own_nomination<C: ConnectionTrait>(
        db: &C,
        actor: &CurrentUser,
        guest_id: i32,
    ) -> Result<guest::Model, AppError> {
        let found = guest::Entity::find_by_id(guest_id)
            .lock_exclusive()
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        if found.nominated_by != actor.id {
            return Err(AppError::Forbidden);
        }
        Ok(found)
    }

    /// The rep changes reason and priority of their own nomination until it is decided.
    pub async fn update_nomination(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        guest_id: i32,
        nomination: &Nomination,
    ) -> Result<guest::Model, AppError> {
        let txn = crate::ssr::db::begin_write(db).await?;
        let found = Self::own_nomination(&txn, actor, guest_id).await?;
        if !found.state.editable_by_rep() {
            return Err(AppError::Conflict(msg!("nomination-decided-locked")));
        }
        // written only while still undecided: a decision that slipped in makes this a no-op
        let result = guest::Entity::update_many()
            .col_expr(
                guest::Column::Reason,
                Expr::value(nomination.reason.clone()),
            )
            .col_expr(
                guest::Column::Priority,
                Expr::value(nomination.priority.as_str()),
            )
            .col_expr(guest::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(guest::Column::Id.eq(guest_id))
            .filter(guest::Column::State.eq(found.state))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            return Err(changed_meanwhile(&txn, guest_id).await?);
        }
        let before = nomination_summary(found.priority, &found.reason);
        let after = nomination_summary(nomination.priority, &nomination.reason);
        if before != after {
            log(
                &txn,
                found.event_id,
                actor,
                "nomination_edited",
                name_of_contact(&txn, found.contact_id).await?,
                Some(before),
                Some(after),
            )
            .await?;
        }
        let updated = guest::Entity::find_by_id(guest_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        txn.commit().await?;
        Ok(updated)
    }

    /// The rep takes back their own nomination, freeing the seat.
    pub async fn withdraw(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        guest_id: i32,
    ) -> Result<guest::Model, AppError> {
        let txn = crate::ssr::db::begin_write(db).await?;
        let found = Self::own_nomination(&txn, actor, guest_id).await?;
        if !found.state.withdrawable() {
            return Err(AppError::Conflict(
                msg!("nomination-not-withdrawable").label("state", found.state.label_id()),
            ));
        }
        let result = guest::Entity::update_many()
            .col_expr(
                guest::Column::State,
                Expr::value(NominationState::Withdrawn.as_str()),
            )
            .col_expr(guest::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(guest::Column::Id.eq(guest_id))
            .filter(guest::Column::State.eq(found.state))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            return Err(changed_meanwhile(&txn, guest_id).await?);
        }
        log(
            &txn,
            found.event_id,
            actor,
            "withdrawn",
            name_of_contact(&txn, found.contact_id).await?,
            Some(found.state.as_str().to_string()),
            Some(NominationState::Withdrawn.as_str().to_string()),
        )
        .await?;
        let updated = guest::Entity::find_by_id(guest_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        txn.commit().await?;
        Ok(updated)
    }

    /// Marketing decides on one or many nominations of one event; all or nothing. A rejected
    /// nomination approved or waitlisted again must fit its rep's seats.
    pub async fn decide(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        guest_ids: &[i32],
        decision: Decision,
        reason: Option<String>,
    ) -> Result<usize, AppError> {
        if !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        if guest_ids.is_empty() {
            return Err(AppError::field("guest_ids", msg!("decision-select-one")));
        }
        EventService::find(db, event_id).await?;
        let txn = crate::ssr::db::begin_write(db).await?;
        let guests = guest::Entity::find()
            .filter(guest::Column::Id.is_in(guest_ids.to_vec()))
            .filter(guest::Column::EventId.eq(event_id))
            .order_by_asc(guest::Column::Id)
            .lock_exclusive()
            .all(&txn)
            .await?;
        if guests.len() != guest_ids.len() {
            return Err(AppError::NotFound);
        }
        let contacts: HashMap<i32, contact::Model> = contact::Entity::find()
            .filter(
                contact::Column::Id.is_in(guests.iter().map(|g| g.contact_id).collect::<Vec<_>>()),
            )
            .all(&txn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let name = |g: &guest::Model| {
            contacts
                .get(&g.contact_id)
                .map(contact::Model::full_name)
                .unwrap_or_default()
        };
        if let Some(stuck) = guests.iter().find(|g| !g.state.can_be_decided_as(decision)) {
            return Err(AppError::Conflict(
                msg!("decision-not-allowed", name = name(stuck))
                    .label("state", stuck.state.label_id())
                    .label("to", decision.state().label_id()),
            ));
        }
        let now = Utc::now();
        for found in &guests {
            if found.state.retakes_seat(decision) {
                let seats = locked_seats_of(&txn, event_id, found.nominated_by).await?;
                let used = used_by(&txn, event_id, found.nominated_by).await?;
                if used >= seats {
                    let rep = super::UserService::names(&txn, [found.nominated_by])
                        .await?
                        .remove(&found.nominated_by)
                        .map(|u| u.name)
                        .unwrap_or_default();
                    return Err(AppError::Conflict(msg!(
                        "decision-over-quota",
                        name = name(found),
                        rep = rep,
                        used = used,
                        seats = seats
                    )));
                }
            }
            // only from the state read above: a withdrawal that slipped in wins, and we say so
            let result = guest::Entity::update_many()
                .col_expr(guest::Column::State, Expr::value(decision.state().as_str()))
                .col_expr(guest::Column::DecisionReason, Expr::value(reason.clone()))
                .col_expr(guest::Column::DecidedBy, Expr::value(actor.id))
                .col_expr(guest::Column::DecidedAt, Expr::value(now))
                .col_expr(guest::Column::UpdatedAt, Expr::value(now))
                .filter(guest::Column::Id.eq(found.id))
                .filter(guest::Column::State.eq(found.state))
                .exec(&txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(AppError::Conflict(msg!(
                    "decision-changed-meanwhile",
                    name = name(found)
                )));
            }
            log(
                &txn,
                event_id,
                actor,
                "decided",
                name(found),
                Some(found.state.as_str().to_string()),
                Some(decision.state().as_str().to_string()),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(guest_ids.len())
    }

    /// Every guest of the event as the list counts and filters it, one slim row each.
    async fn listed(db: &DatabaseConnection, event_id: i32) -> Result<Vec<ListedGuest>, AppError> {
        Ok(
            page_reads::in_list_order(page_reads::guests_with_account(), event_id)
                .columns([
                    guest::Column::Id,
                    guest::Column::ContactId,
                    guest::Column::NominatedBy,
                    guest::Column::Priority,
                    guest::Column::State,
                ])
                .into_model::<ListedGuest>()
                .all(db)
                .await?,
        )
    }

    /// The guest list of an event with everything its table names: contacts, accounts, reps,
    /// quotas, and for a rep the directory's contacts to choose from (with their owners).
    ///
    /// Every guest is read as a `ListedGuest` (the few columns the counts, the filter and its
    /// choices need); only the rows `filter` shows are read whole, with their contacts. On an
    /// event with 2,000 guests, copying every guest and contact row whole was two thirds of the
    /// event page's time.
    pub async fn record(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        filter: &GuestFilter,
    ) -> Result<GuestListRecord, AppError> {
        let event = EventService::find(db, event_id).await?;
        let listed: Vec<ListedGuest> = match page_reads::event_guests(db, event_id).await {
            // a page render: the goals' figures share this read
            Some(rows) => rows?.iter().map(ListedGuest::from).collect(),
            None => Self::listed(db, event_id).await?,
        };
        let account_ids: BTreeSet<i32> = listed.iter().filter_map(|g| g.account_id).collect();
        let accounts: HashMap<i32, String> = if account_ids.is_empty() {
            HashMap::new()
        } else {
            account::Entity::find()
                .select_only()
                .columns([account::Column::Id, account::Column::Name])
                .filter(account::Column::Id.is_in(account_ids))
                .into_tuple::<(i32, String)>()
                .all(db)
                .await?
                .into_iter()
                .collect()
        };
        // one pass: how many the filter matches, and the first `rows` of them to show
        let (mut matched, mut shown_ids) = (0, Vec::with_capacity(filter.rows()));
        for g in matching(&listed, &accounts, filter) {
            if shown_ids.len() < filter.rows() {
                shown_ids.push(g.id);
            }
            matched += 1;
        }
        let mut shown = if shown_ids.is_empty() {
            Vec::new()
        } else {
            guest::Entity::find()
                .filter(guest::Column::Id.is_in(shown_ids.clone()))
                .all(db)
                .await?
        };
        let place: HashMap<i32, usize> = shown_ids
            .iter()
            .enumerate()
            .map(|(at, id)| (*id, at))
            .collect();
        shown.sort_by_key(|g| place.get(&g.id).copied().unwrap_or(usize::MAX));
        let contacts: HashMap<i32, contact::Model> = if shown.is_empty() {
            HashMap::new()
        } else {
            contact::Entity::find()
                .filter(
                    contact::Column::Id
                        .is_in(shown.iter().map(|g| g.contact_id).collect::<Vec<_>>()),
                )
                .all(db)
                .await?
                .into_iter()
                .map(|c| (c.id, c))
                .collect()
        };
        let reps: Vec<user::Model> = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Sales.as_str()))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?;
        let quotas: HashMap<i32, u32> = quota::Entity::find()
            .filter(quota::Column::EventId.eq(event_id))
            .all(db)
            .await?
            .into_iter()
            .map(|q| (q.user_id, q.seats.max(0) as u32))
            .collect();
        let candidates = if actor.role == Role::Sales {
            contact::Entity::find()
                .select_only()
                .columns([
                    contact::Column::Id,
                    contact::Column::FirstName,
                    contact::Column::LastName,
                    contact::Column::Email,
                    contact::Column::OwnerId,
                    contact::Column::UnsubscribedAt,
                ])
                .order_by_asc(contact::Column::LastName)
                .order_by_asc(contact::Column::FirstName)
                .limit(3000)
                .into_model::<Candidate>()
                .all(db)
                .await?
        } else {
            Vec::new()
        };
        let nominators: BTreeSet<i32> = listed.iter().map(|g| g.nominated_by).collect();
        let people = super::UserService::names(
            db,
            nominators
                .into_iter()
                .chain(candidates.iter().filter_map(|c| c.owner_id)),
        )
        .await?;
        Ok(GuestListRecord {
            event,
            listed,
            matched,
            shown,
            contacts,
            accounts,
            reps,
            quotas,
            candidates,
            people,
        })
    }

    /// A rep's nominations that marketing has decided on, newest first (for the home page), with
    /// their events and contacts.
    pub async fn my_decisions(
        db: &DatabaseConnection,
        actor: &CurrentUser,
    ) -> Result<DecisionsRecord, AppError> {
        let decided = guest::Entity::find()
            .filter(guest::Column::NominatedBy.eq(actor.id))
            .filter(guest::Column::DecidedAt.is_not_null())
            .filter(guest::Column::State.ne(NominationState::Withdrawn))
            .order_by_desc(guest::Column::DecidedAt)
            .limit(20)
            .all(db)
            .await?;
        let events: HashMap<i32, event::Model> = event::Entity::find()
            .filter(event::Column::Id.is_in(decided.iter().map(|g| g.event_id).collect::<Vec<_>>()))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let contacts: HashMap<i32, contact::Model> = contact::Entity::find()
            .filter(
                contact::Column::Id.is_in(decided.iter().map(|g| g.contact_id).collect::<Vec<_>>()),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(DecisionsRecord {
            decided,
            events,
            contacts,
        })
    }
}

/// An event's guest list and everything it names; `present::guest_list` words it.
pub struct GuestListRecord {
    pub event: event::Model,
    /// every guest of the event, in list order, as the counts and the filter need them
    pub listed: Vec<ListedGuest>,
    /// how many of them the filter matches
    pub matched: usize,
    /// the guests the filter shows (at most `GuestFilter::rows`), whole, in list order
    pub shown: Vec<guest::Model>,
    /// the contacts of the `shown` guests
    pub contacts: HashMap<i32, contact::Model>,
    /// names of the listed guests' accounts, by id
    pub accounts: HashMap<i32, String>,
    /// active sales reps, by name
    pub reps: Vec<user::Model>,
    /// seats by rep
    pub quotas: HashMap<i32, u32>,
    /// for a rep: the directory's contacts to choose from, by name
    pub candidates: Vec<Candidate>,
    /// nominators and contact owners
    pub people: HashMap<i32, user::Model>,
}

/// One guest as the list counts and filters it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct ListedGuest {
    pub id: i32,
    pub contact_id: i32,
    pub nominated_by: i32,
    pub priority: Priority,
    pub state: NominationState,
    /// the contact's account
    pub account_id: Option<i32>,
}

impl From<&EventGuest> for ListedGuest {
    fn from(g: &EventGuest) -> Self {
        ListedGuest {
            id: g.id,
            contact_id: g.contact_id,
            nominated_by: g.nominated_by,
            priority: g.priority,
            state: g.state,
            account_id: g.account_id,
        }
    }
}

/// A directory contact a rep may nominate, as the choice shows it.
#[derive(Clone, Debug, PartialEq, Eq, FromQueryResult)]
pub struct Candidate {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub owner_id: Option<i32>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

impl Candidate {
    /// "first last", as the choice shows it.
    pub fn full_name(&self) -> String {
        crate::domain::person_name(&self.first_name, &self.last_name)
    }
}

/// The listed guests `filter` picks, in list order (`accounts` names their accounts).
fn matching<'a>(
    listed: &'a [ListedGuest],
    accounts: &'a HashMap<i32, String>,
    filter: &'a GuestFilter,
) -> impl Iterator<Item = &'a ListedGuest> + 'a {
    listed.iter().filter(move |g| {
        (filter.rep.is_empty() || g.nominated_by.to_string() == filter.rep)
            && (filter.priority.is_empty() || g.priority.as_str() == filter.priority)
            && (filter.state.is_empty() || g.state.as_str() == filter.state)
            && (filter.account.is_empty()
                || g.account_id
                    .and_then(|id| accounts.get(&id))
                    .map_or("", String::as_str)
                    == filter.account)
    })
}

impl GuestListRecord {
    /// The nomination deadline as an instant, if the event has one.
    pub fn nomination_deadline(&self) -> Option<DateTime<Utc>> {
        nomination_deadline(&self.event)
    }
}

/// A rep's decided nominations with their events and contacts.
pub struct DecisionsRecord {
    pub decided: Vec<guest::Model>,
    pub events: HashMap<i32, event::Model>,
    pub contacts: HashMap<i32, contact::Model>,
}
