//! The door: the list of who is expected, check-in by list or code, undo, walk-ins, and what changed
//! since a device last looked. Two devices checking in the same guest at once record one check-in;
//! a device that sends an operation again (it did not hear the answer) gets the first answer.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use door::protocol::{Action, Counters, DoorGuest, DoorUpdate, Operation, Outcome, Reply, WalkIn};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::domain::{
    attendance_settled, can_work_door, checkin_refusal, checkin_time, door_counters,
    normalize_checkin_code, Answer, ContactDraft, ContactInput, DoorTally, EventStatus,
    InvitationState, Msg, NominationState, Priority, Role,
};
use crate::error::AppError;
use crate::i18n::{word, Lang};
use crate::ssr::auth::CurrentUser;
use crate::ssr::db::{begin_write, is_unique_violation};
use crate::ssr::entities::{account, contact, door_log, event, guest, user};
use crate::ssr::mail::compose::{arrival_notice, new_message_id};
use crate::ssr::mail::MailSettings;
use crate::ssr::services::outbox::{kind, OutboxService};

pub struct DoorService;

/// How many guests the door page shows without JavaScript (the browser program shows all matches
/// as you type, from the list it loaded once).
pub const DOOR_PAGE_ROWS: usize = 50;

/// An operation id for a check-in made through a plain form (the browser program makes its own).
pub fn new_op_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("form-{}", hex::encode(bytes))
}

/// The door page of an event as the server renders it.
#[derive(Debug, Clone)]
pub struct DoorPage {
    pub event_id: i32,
    pub title: String,
    pub status: EventStatus,
    /// attendance is settled (`domain::attendance_settled`): the door is closed
    pub settled: bool,
    pub update: DoorUpdate,
    /// the reps a walk-in may be credited to: (user id, name)
    pub reps: Vec<(i32, String)>,
}

fn expected_guests() -> Condition {
    Condition::any()
        .add(guest::Column::Answer.is_in([Answer::Accepted, Answer::Waitlisted]))
        .add(guest::Column::WalkIn.eq(true))
        .add(guest::Column::CheckedInAt.is_not_null())
}

impl DoorService {
    /// The event, if `actor` works doors.
    async fn door_event<C: ConnectionTrait>(
        db: &C,
        actor: &CurrentUser,
        event_id: i32,
    ) -> Result<event::Model, AppError> {
        if !can_work_door(actor.role) {
            return Err(AppError::Forbidden);
        }
        event::Entity::find_by_id(event_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Everyone the door expects (accepted and waitlisted guests, walk-ins, anyone checked in),
    /// with the counters and the cursor for live updates.
    pub async fn list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
    ) -> Result<DoorUpdate, AppError> {
        let event = Self::door_event(db, actor, event_id).await?;
        expected_list(db, &event).await
    }

    /// The door page: the list (matching `query`, at most `DOOR_PAGE_ROWS`) and the reps.
    pub async fn page(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        query: &str,
    ) -> Result<DoorPage, AppError> {
        let event = Self::door_event(db, actor, event_id).await?;
        let mut update = expected_list(db, &event).await?;
        update.guests.retain(|g| door::protocol::matches(g, query));
        let reps = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Sales.as_str()))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect();
        Ok(DoorPage {
            event_id: event.id,
            settled: attendance_settled(event.status, event.ends_at, Utc::now()),
            title: event.title,
            status: event.status,
            update,
            reps,
        })
    }

    /// What changed after `cursor`: the guests checked in, taken back or registered since, and the
    /// counters now. Cheap when nothing changed (one indexed read and the counters).
    pub async fn changes(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        cursor: i64,
    ) -> Result<DoorUpdate, AppError> {
        let event = Self::door_event(db, actor, event_id).await?;
        let entries = door_log::Entity::find()
            .filter(door_log::Column::EventId.eq(event.id))
            .filter(door_log::Column::Id.gt(cursor))
            .order_by_asc(door_log::Column::Id)
            .all(db)
            .await?;
        let next = entries.last().map(|e| e.id as i64).unwrap_or(cursor);
        let changed: Vec<i32> = entries.iter().map(|e| e.guest_id).collect();
        let guests = if changed.is_empty() {
            Vec::new()
        } else {
            let rows = guest::Entity::find()
                .filter(guest::Column::Id.is_in(changed))
                .all(db)
                .await?;
            present(db, &event, rows).await?
        };
        Ok(DoorUpdate {
            counters: Self::counters(db, &event).await?,
            guests,
            cursor: next,
        })
    }

    async fn counters<C: ConnectionTrait>(
        db: &C,
        event: &event::Model,
    ) -> Result<Counters, AppError> {
        let rows: Vec<(Answer, bool, Option<DateTime<Utc>>)> = guest::Entity::find()
            .select_only()
            .column(guest::Column::Answer)
            .column(guest::Column::WalkIn)
            .column(guest::Column::CheckedInAt)
            .filter(guest::Column::EventId.eq(event.id))
            .filter(expected_guests())
            .into_tuple()
            .all(db)
            .await?;
        Ok(door_counters(
            rows.into_iter().map(|(answer, walk_in, at)| DoorTally {
                answer,
                walk_in,
                checked_in: at.is_some(),
            }),
            event.capacity,
        ))
    }

    /// Does what a door device asks, once per operation id, and says how it went in `lang`.
    pub async fn apply(
        db: &DatabaseConnection,
        settings: &MailSettings,
        actor: &CurrentUser,
        event_id: i32,
        operation: Operation,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<Reply, AppError> {
        let applied = Self::run(db, settings, actor, event_id, operation, lang, now).await?;
        Ok(Reply {
            outcome: applied.outcome,
            message: word(lang, &applied.message),
            guest: applied.guest,
            counters: applied.counters,
            field: applied.field.map(str::to_string),
        })
    }

    /// `apply`, with the message still unworded (the plain form posts of the page turn a refusal
    /// into an error of the form).
    pub async fn run(
        db: &DatabaseConnection,
        settings: &MailSettings,
        actor: &CurrentUser,
        event_id: i32,
        operation: Operation,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<Applied, AppError> {
        if !door::protocol::valid_op(&operation.op) {
            return Err(AppError::BadRequest("invalid operation id".into()));
        }
        let event = Self::door_event(db, actor, event_id).await?;
        let at = checkin_time(operation.at_ms, now);
        let done = if attendance_settled(event.status, event.ends_at, now) {
            Err(Refusal::new(msg!("door-attendance-settled")))
        } else if event.status != EventStatus::Open {
            Err(Refusal::new(msg!(
                "door-event-not-open",
                status = crate::i18n::t(lang, event.status.label_id()).to_string()
            )))
        } else {
            match &operation.action {
                Action::CheckIn { guest } => {
                    check_in(db, settings, actor, &event, *guest, &operation.op, at, now).await?
                }
                Action::Code { code } => match normalize_checkin_code(code) {
                    None => Err(Refusal::new(msg!("door-code-invalid")).field("code")),
                    Some(code) => match guest_with_code(db, &event, &code).await? {
                        Ok(id) => {
                            check_in(db, settings, actor, &event, id, &operation.op, at, now)
                                .await?
                        }
                        Err(refusal) => Err(refusal),
                    },
                },
                Action::Undo { guest } => {
                    undo(db, actor, &event, *guest, &operation.op, now).await?
                }
                Action::WalkIn(walk_in) => {
                    walk_in_check_in(db, settings, actor, &event, walk_in, &operation.op, at, now)
                        .await?
                }
            }
        };
        let counters = Self::counters(db, &event).await?;
        let (outcome, message, guest_id, field) = match done {
            Ok(Done { message, guest, .. }) => (Outcome::Done, message, Some(guest), None),
            Err(Refusal {
                message,
                already_in,
                guest,
                field,
            }) => (
                if already_in {
                    Outcome::AlreadyIn
                } else {
                    Outcome::Refused
                },
                message,
                guest,
                field,
            ),
        };
        let guest = match guest_id {
            Some(id) => match guest::Entity::find_by_id(id).one(db).await? {
                Some(row) => present(db, &event, vec![row]).await?.pop(),
                None => None,
            },
            None => None,
        };
        Ok(Applied {
            outcome,
            message,
            guest,
            counters,
            field,
        })
    }
}

/// How an operation went, before it is worded.
#[derive(Debug, Clone)]
pub struct Applied {
    pub outcome: Outcome,
    pub message: Msg,
    pub guest: Option<DoorGuest>,
    pub counters: Counters,
    /// the walk-in or code form's field at fault
    pub field: Option<&'static str>,
}

/// An operation that changed something (or had changed it before).
struct Done {
    message: Msg,
    guest: i32,
}

/// An operation that changed nothing, and why.
struct Refusal {
    message: Msg,
    already_in: bool,
    guest: Option<i32>,
    field: Option<&'static str>,
}

impl Refusal {
    fn new(message: Msg) -> Refusal {
        Refusal {
            message,
            already_in: false,
            guest: None,
            field: None,
        }
    }

    fn field(mut self, field: &'static str) -> Refusal {
        self.field = Some(field);
        self
    }

    fn guest(mut self, guest: i32) -> Refusal {
        self.guest = Some(guest);
        self
    }
}

type Step = Result<Done, Refusal>;

/// Everyone the door expects at `event`, sorted for the door, with counters and cursor.
async fn expected_list(
    db: &DatabaseConnection,
    event: &event::Model,
) -> Result<DoorUpdate, AppError> {
    let cursor = last_log_id(db, event.id).await?;
    let rows = guest::Entity::find()
        .filter(guest::Column::EventId.eq(event.id))
        .filter(expected_guests())
        .all(db)
        .await?;
    let counters = counters_of(&rows, event.capacity);
    let mut guests = present(db, event, rows).await?;
    guests.sort_by(door::protocol::door_order);
    Ok(DoorUpdate {
        counters,
        guests,
        cursor,
    })
}

async fn last_log_id<C: ConnectionTrait>(db: &C, event_id: i32) -> Result<i64, AppError> {
    let last: Option<Option<i32>> = door_log::Entity::find()
        .select_only()
        .column_as(door_log::Column::Id.max(), "m")
        .filter(door_log::Column::EventId.eq(event_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().unwrap_or(0) as i64)
}

fn counters_of(rows: &[guest::Model], capacity: i32) -> Counters {
    door_counters(
        rows.iter().map(|g| DoorTally {
            answer: g.answer,
            walk_in: g.walk_in,
            checked_in: g.checked_in_at.is_some(),
        }),
        capacity,
    )
}

/// Guests as the door shows them: names, company, host rep, and who checked them in when (in the
/// event's time zone).
async fn present<C: ConnectionTrait>(
    db: &C,
    event: &event::Model,
    rows: Vec<guest::Model>,
) -> Result<Vec<DoorGuest>, AppError> {
    let contacts: HashMap<i32, contact::Model> = contact::Entity::find()
        .filter(contact::Column::Id.is_in(rows.iter().map(|g| g.contact_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let accounts: HashMap<i32, String> = account::Entity::find()
        .filter(account::Column::Id.is_in(contacts.values().filter_map(|c| c.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    let user_ids = rows
        .iter()
        .flat_map(|g| [Some(g.nominated_by), g.checked_in_by])
        .flatten();
    let users: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let tz: chrono_tz::Tz = event.time_zone.parse().unwrap_or(chrono_tz::UTC);
    Ok(rows
        .into_iter()
        .filter_map(|g| {
            let c = contacts.get(&g.contact_id)?;
            Some(DoorGuest {
                id: g.id,
                name: c.full_name(),
                company: c
                    .account_id
                    .and_then(|a| accounts.get(&a).cloned())
                    .unwrap_or_default(),
                email: c.email.clone(),
                rep: users.get(&g.nominated_by).cloned().unwrap_or_default(),
                priority: g.priority.as_str().to_string(),
                waitlisted: g.answer == Answer::Waitlisted,
                walk_in: g.walk_in,
                checked_in_at: g
                    .checked_in_at
                    .map(|at| at.with_timezone(&tz).format("%H:%M").to_string()),
                checked_in_by: g.checked_in_by.and_then(|u| users.get(&u).cloned()),
            })
        })
        .collect())
}

/// The answer to an operation a device sent again: it was recorded the first time.
fn sent_before(guest: i32) -> Done {
    Done {
        message: msg!("door-sent-before"),
        guest,
    }
}

/// The guest `id` if they are on this event's list.
async fn guest_of<C: ConnectionTrait>(
    db: &C,
    event: &event::Model,
    id: i32,
) -> Result<Option<guest::Model>, AppError> {
    Ok(guest::Entity::find_by_id(id)
        .filter(guest::Column::EventId.eq(event.id))
        .one(db)
        .await?)
}

/// Checks the guest in unless someone already did; whether this call did it. The condition on
/// `checked_in_at` is the referee when two devices check in the same guest at once.
async fn mark_in<C: ConnectionTrait>(
    db: &C,
    guest_id: i32,
    actor: &CurrentUser,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let updated = guest::Entity::update_many()
        .col_expr(guest::Column::CheckedInAt, Expr::value(Some(at)))
        .col_expr(guest::Column::CheckedInBy, Expr::value(Some(actor.id)))
        .col_expr(guest::Column::UpdatedAt, Expr::value(now))
        .filter(guest::Column::Id.eq(guest_id))
        .filter(guest::Column::CheckedInAt.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Whether this operation was recorded before (a device sending it again): then its guest.
async fn recorded<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    op: &str,
) -> Result<Option<i32>, AppError> {
    Ok(door_log::Entity::find()
        .filter(door_log::Column::EventId.eq(event_id))
        .filter(door_log::Column::Op.eq(op))
        .one(db)
        .await?
        .map(|e| e.guest_id))
}

async fn write_log<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    guest_id: i32,
    op: &str,
    action: &str,
    actor: &CurrentUser,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    door_log::ActiveModel {
        event_id: Set(event_id),
        guest_id: Set(guest_id),
        op: Set(op.to_string()),
        action: Set(action.to_string()),
        user_id: Set(actor.id),
        at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The guest of this event whose door code this is, or why not.
async fn guest_with_code<C: ConnectionTrait>(
    db: &C,
    event: &event::Model,
    code: &str,
) -> Result<Result<i32, Refusal>, AppError> {
    let shown = crate::domain::format_checkin_code(code);
    let Some(found) = guest::Entity::find()
        .filter(guest::Column::CheckinCode.eq(code))
        .one(db)
        .await?
    else {
        return Ok(Err(
            Refusal::new(msg!("door-code-unknown", code = shown)).field("code")
        ));
    };
    if found.event_id != event.id {
        let other = event::Entity::find_by_id(found.event_id)
            .one(db)
            .await?
            .map(|e| e.title)
            .unwrap_or_default();
        return Ok(Err(Refusal::new(msg!(
            "door-code-foreign",
            code = shown,
            title = other
        ))
        .field("code")));
    }
    Ok(Ok(found.id))
}

async fn contact_of<C: ConnectionTrait>(
    db: &C,
    g: &guest::Model,
) -> Result<contact::Model, AppError> {
    contact::Entity::find_by_id(g.contact_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)
}

/// "already checked in at 18:04 by Sam"
async fn already_in<C: ConnectionTrait>(
    db: &C,
    event: &event::Model,
    g: &guest::Model,
) -> Result<Refusal, AppError> {
    let tz: chrono_tz::Tz = event.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let by = match g.checked_in_by {
        Some(id) => user::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let time = g
        .checked_in_at
        .map(|at| at.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_default();
    let contact = contact_of(db, g).await?;
    Ok(Refusal {
        message: msg!(
            "door-already-in",
            guest = contact.full_name(),
            time = time,
            user = by
        ),
        already_in: true,
        guest: Some(g.id),
        field: None,
    })
}

#[allow(clippy::too_many_arguments)]
async fn check_in(
    db: &DatabaseConnection,
    settings: &MailSettings,
    actor: &CurrentUser,
    event: &event::Model,
    guest_id: i32,
    op: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Step, AppError> {
    let txn = begin_write(db).await?;
    if let Some(earlier) = recorded(&txn, event.id, op).await? {
        txn.commit().await?;
        return Ok(Ok(sent_before(earlier)));
    }
    let Some(found) = guest_of(&txn, event, guest_id).await? else {
        return Ok(Err(Refusal::new(msg!("door-guest-unknown"))));
    };
    if found.checked_in_at.is_some() {
        let refusal = already_in(&txn, event, &found).await?;
        txn.commit().await?;
        return Ok(Err(refusal));
    }
    if let Some(reason) = checkin_refusal(found.state, found.answer, found.walk_in) {
        return Ok(Err(Refusal::new(reason).guest(found.id)));
    }
    // only the first of two devices finds the guest not yet in: the row is the referee
    if !mark_in(&txn, found.id, actor, at, now).await? {
        let now_in = guest::Entity::find_by_id(found.id)
            .one(&txn)
            .await?
            .ok_or(AppError::Internal)?;
        let refusal = already_in(&txn, event, &now_in).await?;
        txn.commit().await?;
        return Ok(Err(refusal));
    }
    write_log(&txn, event.id, found.id, op, "in", actor, at).await?;
    let contact = contact_of(&txn, &found).await?;
    tell_the_host(
        &txn,
        settings,
        event,
        found.id,
        found.nominated_by,
        actor,
        &contact,
        at,
        now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        event_id = event.id,
        guest_id = found.id,
        user_id = actor.id,
        "checked in"
    );
    Ok(Ok(Done {
        message: msg!("door-checked-in", guest = contact.full_name()),
        guest: found.id,
    }))
}

async fn undo(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    event: &event::Model,
    guest_id: i32,
    op: &str,
    now: DateTime<Utc>,
) -> Result<Step, AppError> {
    let txn = begin_write(db).await?;
    if let Some(earlier) = recorded(&txn, event.id, op).await? {
        txn.commit().await?;
        return Ok(Ok(sent_before(earlier)));
    }
    let Some(found) = guest_of(&txn, event, guest_id).await? else {
        return Ok(Err(Refusal::new(msg!("door-guest-unknown"))));
    };
    let contact = contact_of(&txn, &found).await?;
    let updated = guest::Entity::update_many()
        .col_expr(
            guest::Column::CheckedInAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(guest::Column::CheckedInBy, Expr::value(Option::<i32>::None))
        .col_expr(guest::Column::UpdatedAt, Expr::value(now))
        .filter(guest::Column::Id.eq(found.id))
        .filter(guest::Column::CheckedInAt.is_not_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(Err(Refusal::new(msg!(
            "door-undo-nothing",
            guest = contact.full_name()
        ))
        .guest(found.id)));
    }
    write_log(&txn, event.id, found.id, op, "undo", actor, now).await?;
    txn.commit().await?;
    tracing::info!(
        event_id = event.id,
        guest_id = found.id,
        user_id = actor.id,
        "check-in undone"
    );
    Ok(Ok(Done {
        message: msg!("door-undone", guest = contact.full_name()),
        guest: found.id,
    }))
}

/// Registers someone who came without an invitation: the contact is found by email or created
/// (with the account of that company name, found or created), the guest is credited to the rep,
/// and checked in. Someone already on the list is simply checked in.
#[allow(clippy::too_many_arguments)]
async fn walk_in_check_in(
    db: &DatabaseConnection,
    settings: &MailSettings,
    actor: &CurrentUser,
    event: &event::Model,
    walk_in: &WalkIn,
    op: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Step, AppError> {
    let draft = ContactDraft::parse(&ContactInput {
        first_name: walk_in.first_name.clone(),
        last_name: walk_in.last_name.clone(),
        email: walk_in.email.clone(),
        language: event.language.clone(),
        ..Default::default()
    });
    let draft = match draft {
        Ok(draft) => draft,
        Err(errors) => {
            let Some(first) = errors.into_iter().next() else {
                return Err(AppError::Internal);
            };
            let field = match first.field.as_str() {
                "first_name" => "first_name",
                "last_name" => "last_name",
                _ => "email",
            };
            return Ok(Err(Refusal::new(first.message).field(field)));
        }
    };
    let company = walk_in.company.trim();
    if company.chars().count() > 200 {
        return Ok(Err(
            Refusal::new(msg!("door-company-too-long")).field("company")
        ));
    }
    let rep = user::Entity::find_by_id(walk_in.rep)
        .filter(user::Column::Role.eq(Role::Sales.as_str()))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?;
    let Some(rep) = rep else {
        return Ok(Err(Refusal::new(msg!("door-rep-invalid")).field("rep")));
    };

    let txn = begin_write(db).await?;
    if let Some(earlier) = recorded(&txn, event.id, op).await? {
        txn.commit().await?;
        return Ok(Ok(sent_before(earlier)));
    }
    let email = draft.email.as_str().to_string();
    let existing = contact::Entity::find()
        .filter(contact::Column::Email.eq(email.clone()))
        .one(&txn)
        .await?;
    let person = match existing {
        Some(found) => found,
        None => {
            let account_id = if company.is_empty() {
                None
            } else {
                Some(account_named(&txn, company, rep.id, now).await?)
            };
            contact::ActiveModel {
                first_name: Set(draft.first_name.clone()),
                last_name: Set(draft.last_name.clone()),
                email: Set(email),
                language: Set(draft.language.as_str().to_string()),
                account_id: Set(account_id),
                owner_id: Set(Some(rep.id)),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let on_list = guest::Entity::find()
        .filter(guest::Column::EventId.eq(event.id))
        .filter(guest::Column::ContactId.eq(person.id))
        .one(&txn)
        .await?;
    let guest_id = match on_list {
        Some(found) if found.checked_in_at.is_some() => {
            let refusal = already_in(&txn, event, &found).await?;
            txn.commit().await?;
            return Ok(Err(refusal));
        }
        Some(found) => {
            // on the list already (maybe declined, maybe never invited): they came, so they are in
            mark_in(&txn, found.id, actor, at, now).await?;
            found.id
        }
        None => {
            let inserted = guest::ActiveModel {
                event_id: Set(event.id),
                contact_id: Set(person.id),
                nominated_by: Set(rep.id),
                reason: Set(String::new()),
                priority: Set(Priority::B),
                personal_note: Set(String::new()),
                state: Set(NominationState::Approved),
                decided_by: Set(Some(actor.id)),
                decided_at: Set(Some(now)),
                invitation: Set(InvitationState::NotSent),
                answer: Set(Answer::Accepted),
                checked_in_at: Set(Some(at)),
                checked_in_by: Set(Some(actor.id)),
                walk_in: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            match inserted {
                Ok(row) => row.id,
                // another device registered the same person a moment ago
                Err(err) if is_unique_violation(&err) => {
                    txn.rollback().await?;
                    return Ok(Err(Refusal::new(msg!("door-walk-in-twice"))));
                }
                Err(err) => return Err(err.into()),
            }
        }
    };
    write_log(&txn, event.id, guest_id, op, "walk_in", actor, at).await?;
    let host = guest::Entity::find_by_id(guest_id)
        .one(&txn)
        .await?
        .map(|g| g.nominated_by)
        .unwrap_or(rep.id);
    tell_the_host(
        &txn, settings, event, guest_id, host, actor, &person, at, now,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        event_id = event.id,
        guest_id,
        user_id = actor.id,
        rep_id = rep.id,
        "walk-in checked in"
    );
    Ok(Ok(Done {
        message: msg!(
            "door-walk-in-done",
            guest = person.full_name(),
            rep = rep.name
        ),
        guest: guest_id,
    }))
}

/// Emails the host rep that their guest arrived, in the check-in's transaction (so exactly once
/// per check-in), when the rep asked for it on their profile and did not check the guest in
/// themselves.
#[allow(clippy::too_many_arguments)]
async fn tell_the_host<C: ConnectionTrait>(
    txn: &C,
    settings: &MailSettings,
    event: &event::Model,
    guest_id: i32,
    host_id: i32,
    actor: &CurrentUser,
    person: &contact::Model,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if host_id == actor.id {
        return Ok(());
    }
    let Some(rep) = user::Entity::find_by_id(host_id).one(txn).await? else {
        return Ok(());
    };
    if !rep.active || !rep.arrival_mail {
        return Ok(());
    }
    let company = match person.account_id {
        Some(id) => account::Entity::find_by_id(id)
            .one(txn)
            .await?
            .map(|a| a.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let tz: chrono_tz::Tz = event.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let time = at.with_timezone(&tz).format("%H:%M").to_string();
    let mail = arrival_notice(
        settings,
        event,
        &rep,
        &person.full_name(),
        &company,
        &time,
        new_message_id(settings, kind::ARRIVAL),
    );
    OutboxService::queue(
        txn,
        kind::ARRIVAL,
        Some(event.id),
        Some(guest_id),
        &mail,
        now,
    )
    .await?;
    Ok(())
}

/// The account of this name (in any case), created for the rep when there is none.
async fn account_named<C: ConnectionTrait>(
    db: &C,
    name: &str,
    owner: i32,
    now: DateTime<Utc>,
) -> Result<i32, AppError> {
    let wanted = name.to_lowercase();
    let candidates = account::Entity::find()
        .filter(
            Expr::expr(Func::lower(Expr::col((
                account::Entity,
                account::Column::Name,
            ))))
            .eq(wanted.clone()),
        )
        .all(db)
        .await?;
    // SQLite lower() folds ASCII only: compare the candidates once more in Rust
    if let Some(found) = candidates.iter().find(|a| a.name.to_lowercase() == wanted) {
        return Ok(found.id);
    }
    Ok(account::ActiveModel {
        name: Set(name.to_string()),
        target_account: Set(false),
        owner_id: Set(Some(owner)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}
