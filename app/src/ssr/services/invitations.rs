//! Sending invitations, the rep's personal touch, and the guest's answers through their personal
//! link — with capacity and waitlist kept under concurrent answers.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set, TryIntoModel,
};

use crate::domain::{
    answer_lands_on, answer_refusal, checkin_code_from, guest_news, invitations_refusal,
    local_to_utc, parse_video_url, Answer, EventStatus, GuestMoments, InvitationState, NewsItem,
    NominationState, CODE_LEN, MAX_NOTE_CHARS,
};
use crate::error::AppError;
use crate::ssr::auth::{hash_token, CurrentUser};
use crate::ssr::db::begin_write;
use crate::ssr::entities::{activity, contact, event, guest, guest_token, outbox, user};
use crate::ssr::mail::compose::{new_message_id, GuestMail};
use crate::ssr::mail::MailSettings;
use crate::ssr::services::outbox::{kind, OutboxService};
use crate::ssr::services::EventService;

pub struct InvitationService;

/// A fresh personal token: 256 random bits, hex. Only its SHA-256 is stored.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A further personal link for a guest (reminders and nudges carry one): stored as a hash, works
/// like the invitation's.
pub async fn mint_token<C: ConnectionTrait>(
    db: &C,
    guest_id: i32,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_token();
    guest_token::ActiveModel {
        token_hash: Set(hash_token(&token)),
        guest_id: Set(guest_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The contacts and host reps of these guests, by id: what every mail about them is written from.
pub async fn people_of<C: ConnectionTrait>(
    db: &C,
    guests: &[guest::Model],
) -> Result<(HashMap<i32, contact::Model>, HashMap<i32, user::Model>), AppError> {
    let contacts = contact::Entity::find()
        .filter(contact::Column::Id.is_in(guests.iter().map(|g| g.contact_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let hosts = user::Entity::find()
        .filter(user::Column::Id.is_in(guests.iter().map(|g| g.nominated_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok((contacts, hosts))
}

/// A fresh door code (see `domain::checkin`), given to a guest when they first get a seat.
pub fn new_checkin_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    checkin_code_from(bytes)
}

/// How many guests one transaction invites; a big list goes out in several.
const BATCH: u64 = 200;

/// What a send did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendSummary {
    pub queued: u32,
    /// approved guests left out because the contact unsubscribed
    pub unsubscribed: u32,
}

/// A rep's news and the events and contacts it names.
pub struct NewsRecord {
    pub items: Vec<NewsItem<guest::Model>>,
    pub events: std::collections::HashMap<i32, event::Model>,
    pub contacts: std::collections::HashMap<i32, contact::Model>,
}

/// A guest with everything their RSVP page shows.
#[derive(Debug, Clone)]
pub struct RsvpRecord {
    pub guest: guest::Model,
    pub event: event::Model,
    pub contact: contact::Model,
    pub host: user::Model,
}

/// The RSVP deadline of an event as an instant, if it has one.
pub fn rsvp_deadline(e: &event::Model) -> Option<DateTime<Utc>> {
    let tz = e.time_zone.parse().unwrap_or(chrono_tz::UTC);
    e.rsvp_deadline_local.and_then(|l| local_to_utc(&l, tz))
}

async fn log<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    user_id: i32,
    action: &str,
    subject: String,
    new_value: Option<String>,
) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    db.execute_raw(log_statement(
        backend, event_id, user_id, action, subject, new_value,
    ))
    .await?;
    Ok(())
}

/// The insert of `log`, to be sent with other writes (`db::run_together`).
fn log_statement(
    backend: sea_orm::DbBackend,
    event_id: i32,
    user_id: i32,
    action: &str,
    subject: String,
    new_value: Option<String>,
) -> sea_orm::Statement {
    activity::Entity::insert(log_row(event_id, user_id, action, subject, new_value)).build(backend)
}

/// The activity row of `log`.
fn log_row(
    event_id: i32,
    user_id: i32,
    action: &str,
    subject: String,
    new_value: Option<String>,
) -> activity::ActiveModel {
    activity::ActiveModel {
        event_id: Set(event_id),
        user_id: Set(user_id),
        action: Set(action.to_string()),
        field: Set(Some(subject)),
        old_value: Set(None),
        new_value: Set(new_value),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
}

impl InvitationService {
    /// A rep's personal note and video link for one of their own guests.
    pub async fn set_personal_touch(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        guest_id: i32,
        note: &str,
        video_url: &str,
    ) -> Result<guest::Model, AppError> {
        let found = guest::Entity::find_by_id(guest_id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        if found.nominated_by != actor.id {
            return Err(AppError::Forbidden);
        }
        let note = note.trim();
        let mut errors = crate::domain::FieldErrors::default();
        if note.chars().count() > MAX_NOTE_CHARS {
            errors.add("personal_note", msg!("note-too-long"));
        }
        let video = match parse_video_url(video_url) {
            Ok(video) => video,
            Err(message) => {
                errors.add("video_url", message);
                None
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors.0));
        }
        let mut active: guest::ActiveModel = found.into();
        active.personal_note = Set(note.to_string());
        active.video_url = Set(video);
        active.updated_at = Set(Utc::now());
        Ok(active.update(db).await?)
    }

    /// Marketing sends the invitations of an open event: to every approved guest not yet invited,
    /// or to those of `only`. Each guest gets a fresh personal link; the email goes to the outbox
    /// in the same transaction that marks the guest invited. Unsubscribed contacts are never
    /// invited.
    pub async fn send(
        db: &DatabaseConnection,
        settings: &MailSettings,
        actor: &CurrentUser,
        event_id: i32,
        only: Option<Vec<i32>>,
    ) -> Result<SendSummary, AppError> {
        if !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        let found = EventService::find(db, event_id).await?;
        if let Some(refusal) = invitations_refusal(found.status) {
            return Err(AppError::Conflict(refusal));
        }
        let mut summary = SendSummary::default();
        let mut after_id = 0;
        loop {
            let txn = begin_write(db).await?;
            let event = event::Entity::find_by_id(event_id)
                .lock_exclusive()
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            if let Some(refusal) = invitations_refusal(event.status) {
                return Err(AppError::Conflict(refusal));
            }
            let mut query = guest::Entity::find()
                .filter(guest::Column::EventId.eq(event_id))
                .filter(guest::Column::State.eq(NominationState::Approved))
                .filter(guest::Column::Invitation.eq(InvitationState::NotSent))
                .filter(guest::Column::Id.gt(after_id))
                .order_by_asc(guest::Column::Id)
                .limit(BATCH);
            if let Some(only) = &only {
                query = query.filter(guest::Column::Id.is_in(only.clone()));
            }
            let batch = query.all(&txn).await?;
            let Some(last) = batch.last() else {
                txn.commit().await?;
                break;
            };
            after_id = last.id;
            let (contacts, hosts) = people_of(&txn, &batch).await?;
            let now = Utc::now();
            for found_guest in batch {
                let (Some(person), Some(host)) = (
                    contacts.get(&found_guest.contact_id),
                    hosts.get(&found_guest.nominated_by),
                ) else {
                    continue;
                };
                if person.unsubscribed_at.is_some() {
                    summary.unsubscribed += 1;
                    continue;
                }
                let token = new_token();
                let result = guest::Entity::update_many()
                    .col_expr(
                        guest::Column::Invitation,
                        Expr::value(InvitationState::Sent),
                    )
                    .col_expr(guest::Column::InvitedAt, Expr::value(now))
                    .col_expr(
                        guest::Column::RsvpTokenHash,
                        Expr::value(hash_token(&token)),
                    )
                    .col_expr(guest::Column::UpdatedAt, Expr::value(now))
                    .filter(guest::Column::Id.eq(found_guest.id))
                    .filter(guest::Column::Invitation.eq(InvitationState::NotSent))
                    .exec(&txn)
                    .await?;
                if result.rows_affected != 1 {
                    continue;
                }
                let mail = GuestMail {
                    settings,
                    event: &event,
                    guest: &found_guest,
                    contact: person,
                    host,
                    token: &token,
                    message_id: new_message_id(settings, kind::INVITATION),
                    now,
                };
                let outgoing = mail.invitation();
                OutboxService::queue(
                    &txn,
                    kind::INVITATION,
                    Some(event_id),
                    Some(found_guest.id),
                    &outgoing,
                    now,
                )
                .await?;
                summary.queued += 1;
            }
            txn.commit().await?;
        }
        if summary.queued > 0 {
            log(
                db,
                event_id,
                actor.id,
                "invited",
                summary.queued.to_string(),
                None,
            )
            .await?;
        }
        tracing::info!(
            event_id,
            user_id = actor.id,
            queued = summary.queued,
            unsubscribed = summary.unsubscribed,
            "invitations queued"
        );
        Ok(summary)
    }

    /// Marketing cancels an event: in one transaction the status becomes cancelled, the calendar
    /// SEQUENCE rises, and every invited guest gets a cancellation (`METHOD:CANCEL`) with
    /// marketing's note. Answers are refused from then on. Returns how many guests are told.
    pub async fn cancel_event(
        db: &DatabaseConnection,
        settings: &MailSettings,
        actor: &CurrentUser,
        event_id: i32,
        note: &str,
    ) -> Result<u32, AppError> {
        if !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        let note = note.trim();
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(AppError::field("note", msg!("cancel-note-too-long")));
        }
        let txn = begin_write(db).await?;
        let found = event::Entity::find_by_id(event_id)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if !found.status.can_become(EventStatus::Cancelled) {
            return Err(AppError::Conflict(
                msg!("event-transition-refused")
                    .label("from", found.status.label_id())
                    .label("to", EventStatus::Cancelled.label_id()),
            ));
        }
        let now = Utc::now();
        let mut active: event::ActiveModel = found.clone().into();
        active.status = Set(EventStatus::Cancelled);
        active.sequence = Set(found.sequence + 1);
        active.updated_at = Set(now);
        let cancelled = active.update(&txn).await?;
        activity::ActiveModel {
            event_id: Set(event_id),
            user_id: Set(actor.id),
            action: Set("status".into()),
            field: Set(Some("status".into())),
            old_value: Set(Some(found.status.as_str().into())),
            new_value: Set(Some(EventStatus::Cancelled.as_str().into())),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let invited = guest::Entity::find()
            .filter(guest::Column::EventId.eq(event_id))
            .filter(guest::Column::Invitation.ne(InvitationState::NotSent))
            .order_by_asc(guest::Column::Id)
            .all(&txn)
            .await?;
        let (contacts, hosts) = people_of(&txn, &invited).await?;
        let mut told = 0;
        for invited_guest in &invited {
            let (Some(person), Some(host)) = (
                contacts.get(&invited_guest.contact_id),
                hosts.get(&invited_guest.nominated_by),
            ) else {
                continue;
            };
            let mail = GuestMail {
                settings,
                event: &cancelled,
                guest: invited_guest,
                contact: person,
                host,
                token: "",
                message_id: new_message_id(settings, kind::CANCELLATION),
                now,
            };
            OutboxService::queue(
                &txn,
                kind::CANCELLATION,
                Some(event_id),
                Some(invited_guest.id),
                &mail.cancellation(note),
                now,
            )
            .await?;
            told += 1;
        }
        txn.commit().await?;
        tracing::info!(event_id, user_id = actor.id, told, "event cancelled");
        Ok(told)
    }

    /// What the actor's own guests did lately (looked, watched, answered), newest first, with the
    /// events and contacts they name.
    pub async fn my_news(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        limit: usize,
    ) -> Result<NewsRecord, AppError> {
        use sea_orm::Condition;
        let guests = guest::Entity::find()
            .filter(guest::Column::NominatedBy.eq(actor.id))
            .filter(
                Condition::any()
                    .add(guest::Column::ViewedAt.is_not_null())
                    .add(guest::Column::VideoOpenedAt.is_not_null())
                    .add(guest::Column::AnsweredAt.is_not_null())
                    .add(guest::Column::CheckedInAt.is_not_null()),
            )
            .order_by_desc(guest::Column::UpdatedAt)
            .limit(limit as u64 * 3)
            .all(db)
            .await?;
        let items = guest_news(
            guests.iter().enumerate().map(|(i, g)| {
                (
                    i,
                    GuestMoments {
                        viewed_at: g.viewed_at,
                        video_opened_at: g.video_opened_at,
                        answered_at: g.answered_at,
                        answer: g.answer,
                        arrived_at: g.checked_in_at,
                    },
                )
            }),
            limit,
        );
        let events = event::Entity::find()
            .filter(event::Column::Id.is_in(guests.iter().map(|g| g.event_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let contacts = contact::Entity::find()
            .filter(contact::Column::Id.is_in(guests.iter().map(|g| g.contact_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(NewsRecord {
            items: items
                .into_iter()
                .map(|item| NewsItem {
                    guest: guests[item.guest].clone(),
                    kind: item.kind,
                    at: item.at,
                })
                .collect(),
            events,
            contacts,
        })
    }

    /// The guest behind a personal link, without marking anything (downloads).
    pub async fn find_by_token(
        db: &DatabaseConnection,
        token: &str,
    ) -> Result<RsvpRecord, AppError> {
        Self::record_by_token(db, token).await
    }

    async fn record_by_token<C: ConnectionTrait>(
        db: &C,
        token: &str,
    ) -> Result<RsvpRecord, AppError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        let hash = hash_token(token);
        if let Some(record) = record_where(db, By::TokenHash, hash.clone().into()).await? {
            return Ok(record);
        }
        // a further link, from a reminder or a nudge
        let further = guest_token::Entity::find()
            .filter(guest_token::Column::TokenHash.eq(hash))
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?;
        record_where(db, By::Id, further.guest_id.into())
            .await?
            .ok_or(AppError::NotFound)
    }

    /// The guest opens their link: the first time marks them `viewed` (answers never change on a
    /// GET; mail scanners open every link). Unknown tokens are not found.
    pub async fn open(db: &DatabaseConnection, token: &str) -> Result<RsvpRecord, AppError> {
        let mut record = Self::record_by_token(db, token).await?;
        if record.guest.viewed_at.is_none() {
            let now = Utc::now();
            let result = guest::Entity::update_many()
                .col_expr(guest::Column::ViewedAt, Expr::value(now))
                .col_expr(
                    guest::Column::Invitation,
                    Expr::value(InvitationState::Viewed),
                )
                .filter(guest::Column::Id.eq(record.guest.id))
                .filter(guest::Column::ViewedAt.is_null())
                .exec(db)
                .await?;
            if result.rows_affected == 1 {
                record.guest.viewed_at = Some(now);
                record.guest.invitation = InvitationState::Viewed;
            }
        }
        Ok(record)
    }

    /// The contact behind a personal link (for the unsubscribe page).
    pub async fn contact_of(
        db: &DatabaseConnection,
        token: &str,
    ) -> Result<contact::Model, AppError> {
        Ok(Self::record_by_token(db, token).await?.contact)
    }

    /// The guest unsubscribes through the link in their invitation (page button or RFC 8058
    /// one-click): no further invitations, reminders or nudges.
    pub async fn unsubscribe(
        db: &DatabaseConnection,
        token: &str,
    ) -> Result<contact::Model, AppError> {
        let person = Self::contact_of(db, token).await?;
        crate::ssr::services::ConsentService::unsubscribe_by_contact(db, person.id, Utc::now())
            .await
    }

    /// The guest undoes their unsubscribe on the same page.
    pub async fn resubscribe(
        db: &DatabaseConnection,
        token: &str,
    ) -> Result<contact::Model, AppError> {
        let person = Self::contact_of(db, token).await?;
        crate::ssr::services::ConsentService::resubscribe_by_contact(db, person.id, Utc::now())
            .await
    }

    /// The guest follows the video link: recorded the first time; the answer is the URL the rep
    /// stored, and nothing else.
    pub async fn open_video(db: &DatabaseConnection, token: &str) -> Result<String, AppError> {
        let record = Self::record_by_token(db, token).await?;
        let url = record.guest.video_url.clone().ok_or(AppError::NotFound)?;
        let now = Utc::now();
        guest::Entity::update_many()
            .col_expr(guest::Column::VideoOpenedAt, Expr::value(now))
            .filter(guest::Column::Id.eq(record.guest.id))
            .filter(guest::Column::VideoOpenedAt.is_null())
            .exec(db)
            .await?;
        Ok(url)
    }

    /// The guest answers through their link. An accept takes a seat while the event has one, else
    /// a place on the waitlist; a decline (or a change of mind) of an accepted guest gives the
    /// seat to the first on the waitlist, who is told by email. The answer is confirmed by email.
    /// On SQLite the write transaction holds the write lock from its start; on PostgreSQL the
    /// event row is locked, so concurrent answers to one event run one after the other.
    pub async fn answer(
        db: &DatabaseConnection,
        settings: &MailSettings,
        token: &str,
        accept: bool,
    ) -> Result<RsvpRecord, AppError> {
        // who the link belongs to is read before the write lock is taken: the guest, event,
        // contact and host it names do not change with the answer, and `apply_answer` reads the
        // event and the guest again inside the transaction
        let record = Self::record_by_token(db, token).await?;
        // the confirmation for the likely outcome is composed before the lock, too
        let draft = Draft::confirmation(settings, &record, token, accept);
        // answers that arrive while others are being written are written together, in one
        // transaction (`answers`)
        super::answers::submit(db, settings, record, token, accept, draft).await
    }

    /// How many guests' answers to `db` are handed in and not yet written (see `answers`).
    pub fn answers_in_flight(db: &DatabaseConnection) -> usize {
        super::answers::in_flight(db)
    }

    /// A rep (for their own guest) or marketing records an answer the guest gave by phone or in
    /// person; the same rules apply as for the guest's own answer, and the guest's link stays as
    /// it is.
    pub async fn record_answer(
        db: &DatabaseConnection,
        settings: &MailSettings,
        actor: &CurrentUser,
        guest_id: i32,
        accept: bool,
    ) -> Result<RsvpRecord, AppError> {
        let txn = begin_write(db).await?;
        let found = guest::Entity::find_by_id(guest_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        if found.nominated_by != actor.id && !actor.role.can_edit_events() {
            return Err(AppError::Forbidden);
        }
        let record = record_of(&txn, found).await?;
        apply_answer(txn, settings, record, "", accept, Some(actor.id), None).await
    }
}

async fn record_of<C: ConnectionTrait>(
    db: &C,
    found: guest::Model,
) -> Result<RsvpRecord, AppError> {
    let mut record = record_where(db, By::Id, found.id.into())
        .await?
        .ok_or(AppError::NotFound)?;
    record.guest = found;
    Ok(record)
}

/// What `record_where` finds a guest by.
#[derive(Clone, Copy)]
enum By {
    TokenHash,
    Id,
}

/// The guest found `by` `value` with their event, contact and host, read in one query (a
/// guest's page and answer are the hottest paths a guest takes; four lookups were four trips
/// to the database). The statement's text is built once per database kind.
async fn record_where<C: ConnectionTrait>(
    db: &C,
    by: By,
    value: sea_orm::Value,
) -> Result<Option<RsvpRecord>, AppError> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    use std::sync::OnceLock;

    static TEXTS: [OnceLock<String>; 4] = [const { OnceLock::new() }; 4];
    let backend = db.get_database_backend();
    let slot = match backend {
        DbBackend::Sqlite => Some(0),
        DbBackend::Postgres => Some(2),
        _ => None,
    }
    .map(|base| base + by as usize);
    let text = match slot {
        Some(slot) => TEXTS[slot]
            .get_or_init(|| record_query(backend, by))
            .clone(),
        None => record_query(backend, by),
    };
    let statement = Statement::from_sql_and_values(backend, text, [value]);
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(None);
    };
    Ok(Some(RsvpRecord {
        guest: guest::Model::from_query_result(&row, "g_")?,
        event: event::Model::from_query_result(&row, "e_")?,
        contact: contact::Model::from_query_result(&row, "c_")?,
        host: user::Model::from_query_result(&row, "u_")?,
    }))
}

/// Selects every column of `E` from the table aliased `table`, each named `{prefix}{column}`, so
/// that `FromQueryResult::from_query_result(row, prefix)` reads the model back from a joined row.
fn columns<E: EntityTrait>(
    select: &mut sea_orm::sea_query::SelectStatement,
    table: &str,
    prefix: &str,
) {
    use sea_orm::sea_query::Alias;
    use sea_orm::{IdenStatic, Iterable};
    for column in E::Column::iter() {
        select.expr_as(
            Expr::col((Alias::new(table), Alias::new(column.as_str()))),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
}

/// The text of `record_where`'s query, with one placeholder for the value.
fn record_query(backend: sea_orm::DbBackend, by: By) -> String {
    use sea_orm::sea_query::{Alias, JoinType, Query};

    let (g, e, c, u) = (
        Alias::new("g"),
        Alias::new("e"),
        Alias::new("c"),
        Alias::new("u"),
    );
    let mut select = Query::select();
    columns::<guest::Entity>(&mut select, "g", "g_");
    columns::<event::Entity>(&mut select, "e", "e_");
    columns::<contact::Entity>(&mut select, "c", "c_");
    columns::<user::Entity>(&mut select, "u", "u_");
    let column = match by {
        By::TokenHash => guest::Column::RsvpTokenHash,
        By::Id => guest::Column::Id,
    };
    select
        .from_as(guest::Entity, g.clone())
        .join_as(
            JoinType::InnerJoin,
            event::Entity,
            e.clone(),
            Expr::col((e, event::Column::Id)).equals((g.clone(), guest::Column::EventId)),
        )
        .join_as(
            JoinType::InnerJoin,
            contact::Entity,
            c.clone(),
            Expr::col((c, contact::Column::Id)).equals((g.clone(), guest::Column::ContactId)),
        )
        .join_as(
            JoinType::InnerJoin,
            user::Entity,
            u.clone(),
            Expr::col((u, user::Column::Id)).equals((g.clone(), guest::Column::NominatedBy)),
        )
        // the value is bound when the statement runs; this one only makes the placeholder
        .and_where(Expr::col((g, column)).eq(0));
    backend.build(&select).sql
}

/// A guest's confirmation composed before the write lock is taken, for the outcome their answer
/// will most likely have (accepted, or declined), from the guest and event as read before the
/// lock. Composing it (a QR image, a calendar file, the MIME message) and turning it into its
/// outbox row (the message's bytes, the previews) is most of an answer's work; done under the
/// lock it made every other answer wait. `apply_answer` uses it only when the transaction
/// arrives at exactly this guest row and this event; otherwise it composes the mail again under
/// the lock, as before.
pub(super) struct Draft {
    guest: guest::Model,
    event: event::Model,
    /// the confirmation's outbox row, ready to insert
    queued: outbox::ActiveModel,
    now: DateTime<Utc>,
}

impl Draft {
    fn confirmation(
        settings: &MailSettings,
        record: &RsvpRecord,
        token: &str,
        accept: bool,
    ) -> Option<Draft> {
        let before = record.guest.answer;
        let wanted = match (accept, before) {
            (true, Answer::Accepted | Answer::Waitlisted) | (false, Answer::Declined) => {
                return None
            }
            (true, _) => Answer::Accepted,
            (false, _) => Answer::Declined,
        };
        let now = Utc::now();
        let mut guest = record.guest.clone();
        guest.answer = wanted;
        guest.waitlist_position = None;
        guest.answered_at = Some(now);
        guest.answer_recorded_by = None;
        guest.updated_at = now;
        if wanted == Answer::Accepted && guest.checkin_code.is_none() {
            guest.checkin_code = Some(new_checkin_code());
        }
        // a message that cannot be built fails again under the lock, where the answer reports it
        let queued =
            confirmation_row(settings, &record.event, &guest, record, token, wanted, now).ok()?;
        Some(Draft {
            guest,
            event: record.event.clone(),
            queued,
            now,
        })
    }

    /// The composed mail's outbox row, if the transaction wrote exactly the guest row it was
    /// composed for (the stored timestamps aside: the database may round them) and read the
    /// same event.
    fn fits(self, guest: &guest::Model, event: &event::Model) -> Option<outbox::ActiveModel> {
        let mut expected = self.guest;
        expected.answered_at = guest.answered_at;
        expected.updated_at = guest.updated_at;
        (expected == *guest && self.event == *event).then_some(self.queued)
    }
}

/// The guest's confirmation of `wanted` (the guest row as the answer writes it, the contact and
/// host of `record`), composed and made into its outbox row.
fn confirmation_row(
    settings: &MailSettings,
    event: &event::Model,
    guest: &guest::Model,
    record: &RsvpRecord,
    token: &str,
    wanted: Answer,
    now: DateTime<Utc>,
) -> Result<outbox::ActiveModel, AppError> {
    let confirmation = GuestMail {
        settings,
        event,
        guest,
        contact: &record.contact,
        host: &record.host,
        token,
        message_id: new_message_id(settings, kind::CONFIRMATION),
        now,
    }
    .confirmation(wanted, false);
    OutboxService::row(
        kind::CONFIRMATION,
        Some(event.id),
        Some(guest.id),
        &confirmation,
        now,
    )
}

/// Applies an answer inside `txn` (see `InvitationService::answer`). `token` is the guest's link
/// when they answered through it (the confirmation repeats it), empty when staff recorded it.
/// `draft`: the confirmation composed before the lock, if any (see `Draft`).
///
/// Under the write lock every statement is a trip to the database (on SQLite, to sqlx's worker
/// thread and back) that every other answer waits for, so the answer reads what it needs in
/// one statement (`Standing::read`; on PostgreSQL after locking the event row) and sends its
/// writes together (`db::run_together`, one trip on SQLite): four trips instead of eight on
/// SQLite, six instead of eight on PostgreSQL.
async fn apply_answer(
    txn: sea_orm::DatabaseTransaction,
    settings: &MailSettings,
    record: RsvpRecord,
    token: &str,
    accept: bool,
    recorded_by: Option<i32>,
    draft: Option<Draft>,
) -> Result<RsvpRecord, AppError> {
    let applied =
        apply_answer_in(&txn, settings, record, token, accept, recorded_by, draft).await?;
    txn.commit().await?;
    Ok(applied)
}

/// `apply_answer` inside a transaction the caller commits (`answers` writes several answers in
/// one). An answer that is refused, or whose guest or event is gone, returns its error before it
/// writes anything; any other error may leave some of its writes in `txn`.
pub(super) async fn apply_answer_in(
    txn: &sea_orm::DatabaseTransaction,
    settings: &MailSettings,
    record: RsvpRecord,
    token: &str,
    accept: bool,
    recorded_by: Option<i32>,
    draft: Option<Draft>,
) -> Result<RsvpRecord, AppError> {
    let standing = Standing::read(txn, record.event.id, record.guest.id).await?;
    let now = draft.as_ref().map_or_else(Utc::now, |d| d.now);
    if let Some(refusal) =
        answer_refusal(standing.event.status, rsvp_deadline(&standing.event), now)
    {
        return Err(AppError::Conflict(refusal));
    }
    let before = standing.guest.answer;
    let wanted = answer_lands_on(
        accept,
        before,
        standing.seats_taken,
        standing.event.capacity,
    );
    if wanted == before {
        return Ok(RsvpRecord {
            guest: standing.guest,
            event: standing.event,
            ..record
        });
    }
    let Standing {
        event,
        guest: mut found,
        ..
    } = standing;
    let position = if wanted == Answer::Waitlisted {
        Some(Standing::last_position(txn, event.id).await?.unwrap_or(0) + 1)
    } else {
        None
    };
    let backend = txn.get_database_backend();
    let mut writes = Vec::with_capacity(4);
    if before == Answer::Waitlisted {
        writes.extend(close_gap_statement(
            backend,
            event.id,
            found.waitlist_position,
        ));
    }
    let mut active: guest::ActiveModel = found.clone().into();
    active.answer = Set(wanted);
    active.waitlist_position = Set(position);
    active.answered_at = Set(Some(now));
    active.answer_recorded_by = Set(recorded_by);
    active.updated_at = Set(now);
    if wanted == Answer::Accepted && found.checkin_code.is_none() {
        let drafted = draft.as_ref().and_then(|d| d.guest.checkin_code.clone());
        active.checkin_code = Set(Some(drafted.unwrap_or_else(new_checkin_code)));
    }
    writes.push(
        guest::Entity::update(active.clone())
            .validate()?
            .build(backend),
    );
    // the row as written (the update is one of the batch, without `RETURNING`)
    found = active.try_into_model()?;
    let by = recorded_by.unwrap_or(record.host.id);
    writes.push(log_statement(
        backend,
        event.id,
        by,
        "answered",
        record.contact.full_name(),
        Some(wanted.as_str().to_string()),
    ));
    let queued = match draft.and_then(|d| d.fits(&found, &event)) {
        Some(queued) => queued,
        None => confirmation_row(settings, &event, &found, &record, token, wanted, now)?,
    };
    writes.push(OutboxService::queue_statement(backend, queued));
    crate::ssr::db::run_together(txn, writes).await?;
    if before == Answer::Accepted {
        promote_first(txn, settings, &event, now).await?;
    }
    Ok(RsvpRecord {
        guest: found,
        event,
        ..record
    })
}

/// One guest's answer through their link, as a batch carries it (`apply_answers_in`).
pub(super) struct Answering<'a> {
    pub record: RsvpRecord,
    pub token: &'a str,
    pub accept: bool,
    pub draft: Option<Draft>,
}

/// Applies the answers of a batch inside `txn`, in arrival order and by the rules of
/// `apply_answer_in`, and returns each answer's outcome in the same order.
///
/// Most answers only move a guest between no answer, accepted and declined, with nobody on the
/// event's waitlist. Those are decided here, in memory, from one read of the batch's guests, their
/// events and the seats taken (`Standings`), and their writes are sent together at the end: the
/// guests' rows, the activity and the confirmations, in one trip on SQLite and three on
/// PostgreSQL, where each answer alone took three to six. From the first answer that touches the
/// waitlist (it lands on it, leaves it, or frees a seat someone waits for), the writes so far
/// are sent and the rest of the batch is written one answer at a time by `apply_answer_in`,
/// which reads the database again.
///
/// `Err`: a write failed, and `txn` holds part of the batch; the caller rolls it back.
pub(super) async fn apply_answers_in<'a>(
    txn: &sea_orm::DatabaseTransaction,
    settings: &MailSettings,
    answers: Vec<Answering<'a>>,
) -> Result<Vec<Result<RsvpRecord, AppError>>, AppError> {
    let mut outcomes = Vec::with_capacity(answers.len());
    let mut standings = Standings::read(txn, &answers).await?;
    let mut written = Written::default();
    let mut alone = Vec::new();
    let mut answers = answers.into_iter();
    while let Some(answer) = answers.next() {
        match standings.decide(settings, answer, &mut written) {
            Decided::Done(outcome) => outcomes.push(outcome),
            Decided::Alone(answer) => {
                alone.push(answer);
                alone.extend(answers.by_ref());
            }
        }
    }
    written.send(txn).await?;
    for answer in alone {
        let applied = apply_answer_in(
            txn,
            settings,
            answer.record,
            answer.token,
            answer.accept,
            None,
            answer.draft,
        )
        .await;
        if matches!(applied, Err(AppError::Internal)) {
            return Err(AppError::Internal);
        }
        outcomes.push(applied);
    }
    Ok(outcomes)
}

/// What a batch reads under the write lock, in one statement: its guests as they stand, their
/// events, and each event's accepted and waitlisted guests. Kept up to date in memory as the
/// batch's answers are decided.
struct Standings {
    guests: HashMap<i32, guest::Model>,
    events: HashMap<i32, EventStanding>,
}

struct EventStanding {
    event: event::Model,
    /// accepted guests
    seats_taken: u64,
    /// guests on the waitlist
    waiting: u64,
}

/// What became of one answer of a batch. (`Done` carries the guest's whole record, about a
/// kilobyte; one lives at a time, on its way to the outcomes, so it is not boxed.)
#[allow(clippy::large_enum_variant)]
enum Decided<'a> {
    /// decided in memory (its writes, if any, are in `Written`)
    Done(Result<RsvpRecord, AppError>),
    /// touches the waitlist: written by `apply_answer_in`, with every answer after it
    Alone(Answering<'a>),
}

impl Standings {
    /// On PostgreSQL the batch's events are locked first, in the order of their ids (two
    /// batches never wait for each other's locks in a circle); the statement that reads runs
    /// after the locks are granted, so it counts the seats as the answers before it left them
    /// (see `Standing::read`). On SQLite the transaction holds the write lock from its start.
    async fn read(
        txn: &sea_orm::DatabaseTransaction,
        answers: &[Answering<'_>],
    ) -> Result<Standings, AppError> {
        use sea_orm::sea_query::{Alias, JoinType, Query, SimpleExpr, SubQueryStatement};
        use sea_orm::FromQueryResult;

        let mut guest_ids: Vec<i32> = answers.iter().map(|a| a.record.guest.id).collect();
        guest_ids.sort_unstable();
        guest_ids.dedup();
        if txn.get_database_backend() != sea_orm::DbBackend::Sqlite {
            let mut event_ids: Vec<i32> = answers.iter().map(|a| a.record.event.id).collect();
            event_ids.sort_unstable();
            event_ids.dedup();
            event::Entity::find()
                .select_only()
                .column(event::Column::Id)
                .filter(event::Column::Id.is_in(event_ids))
                .order_by_asc(event::Column::Id)
                .lock_exclusive()
                .into_tuple::<i32>()
                .all(txn)
                .await?;
        }
        let (g, e, n, x, a) = (
            Alias::new("g"),
            Alias::new("e"),
            Alias::new("n"),
            Alias::new("x"),
            Alias::new("a"),
        );
        // the guests of event `x` whose answer is `answer`, counted (the index on event and
        // answer answers it without reading the guests)
        let count = |answer: Answer| {
            SimpleExpr::SubQuery(
                None,
                Box::new(SubQueryStatement::SelectStatement(
                    Query::select()
                        .expr(Expr::col((a.clone(), guest::Column::Id)).count())
                        .from_as(guest::Entity, a.clone())
                        .and_where(
                            Expr::col((a.clone(), guest::Column::EventId))
                                .equals((x.clone(), event::Column::Id)),
                        )
                        .and_where(
                            Expr::col((a.clone(), guest::Column::Answer)).eq(answer.as_str()),
                        )
                        .to_owned(),
                )),
            )
        };
        let counts = Query::select()
            .expr_as(
                Expr::col((x.clone(), event::Column::Id)),
                Alias::new("event_id"),
            )
            .expr_as(count(Answer::Accepted), Alias::new("seats_taken"))
            .expr_as(count(Answer::Waitlisted), Alias::new("waiting"))
            .from_as(event::Entity, x.clone())
            .and_where(
                Expr::col((x, event::Column::Id)).in_subquery(
                    Query::select()
                        .column(guest::Column::EventId)
                        .from(guest::Entity)
                        .and_where(Expr::col(guest::Column::Id).is_in(guest_ids.clone()))
                        .to_owned(),
                ),
            )
            .to_owned();
        let mut select = Query::select();
        columns::<guest::Entity>(&mut select, "g", "g_");
        columns::<event::Entity>(&mut select, "e", "e_");
        select
            .expr(Expr::col((n.clone(), Alias::new("seats_taken"))))
            .expr(Expr::col((n.clone(), Alias::new("waiting"))))
            .from_as(guest::Entity, g.clone())
            .join_as(
                JoinType::InnerJoin,
                event::Entity,
                e.clone(),
                Expr::col((e, event::Column::Id)).equals((g.clone(), guest::Column::EventId)),
            )
            .join_subquery(
                JoinType::InnerJoin,
                counts,
                n.clone(),
                Expr::col((n, Alias::new("event_id"))).equals((g.clone(), guest::Column::EventId)),
            )
            .and_where(Expr::col((g, guest::Column::Id)).is_in(guest_ids));
        let mut standings = Standings {
            guests: HashMap::new(),
            events: HashMap::new(),
        };
        for row in txn.query_all(&select).await? {
            let guest = guest::Model::from_query_result(&row, "g_")?;
            if let std::collections::hash_map::Entry::Vacant(slot) =
                standings.events.entry(guest.event_id)
            {
                let seats_taken: i64 = row.try_get("", "seats_taken")?;
                let waiting: i64 = row.try_get("", "waiting")?;
                slot.insert(EventStanding {
                    event: event::Model::from_query_result(&row, "e_")?,
                    seats_taken: u64::try_from(seats_taken).unwrap_or(0),
                    waiting: u64::try_from(waiting).unwrap_or(0),
                });
            }
            standings.guests.insert(guest.id, guest);
        }
        Ok(standings)
    }

    /// Decides `answer` as `apply_answer_in` would, against the standings as the answers before
    /// it in the batch left them, and notes its writes in `written`.
    fn decide<'a>(
        &mut self,
        settings: &MailSettings,
        answer: Answering<'a>,
        written: &mut Written,
    ) -> Decided<'a> {
        let Some(found) = self.guests.get(&answer.record.guest.id) else {
            return Decided::Done(Err(AppError::NotFound));
        };
        // an event the batch did not lock (on PostgreSQL) is left to `apply_answer_in`
        if found.event_id != answer.record.event.id {
            return Decided::Alone(answer);
        }
        let Some(standing) = self.events.get_mut(&found.event_id) else {
            return Decided::Alone(answer);
        };
        let now = answer.draft.as_ref().map_or_else(Utc::now, |d| d.now);
        if let Some(refusal) =
            answer_refusal(standing.event.status, rsvp_deadline(&standing.event), now)
        {
            return Decided::Done(Err(AppError::Conflict(refusal)));
        }
        let before = found.answer;
        let wanted = answer_lands_on(
            answer.accept,
            before,
            standing.seats_taken,
            standing.event.capacity,
        );
        if wanted == before {
            return Decided::Done(Ok(RsvpRecord {
                guest: found.clone(),
                event: standing.event.clone(),
                ..answer.record
            }));
        }
        if wanted == Answer::Waitlisted
            || before == Answer::Waitlisted
            || (before == Answer::Accepted && standing.waiting > 0)
        {
            return Decided::Alone(answer);
        }
        let mut guest = found.clone();
        guest.answer = wanted;
        guest.waitlist_position = None;
        guest.answered_at = Some(now);
        guest.answer_recorded_by = None;
        guest.updated_at = now;
        if wanted == Answer::Accepted && guest.checkin_code.is_none() {
            let drafted = answer
                .draft
                .as_ref()
                .and_then(|d| d.guest.checkin_code.clone());
            guest.checkin_code = Some(drafted.unwrap_or_else(new_checkin_code));
        }
        let record = answer.record;
        let queued = match answer.draft.and_then(|d| d.fits(&guest, &standing.event)) {
            Some(queued) => queued,
            None => {
                let composed = confirmation_row(
                    settings,
                    &standing.event,
                    &guest,
                    &record,
                    answer.token,
                    wanted,
                    now,
                );
                match composed {
                    Ok(queued) => queued,
                    // a message that cannot be built fails the answer where it fails the batch
                    Err(_) => {
                        return Decided::Alone(Answering {
                            record,
                            token: answer.token,
                            accept: answer.accept,
                            draft: None,
                        })
                    }
                }
            }
        };
        if before == Answer::Accepted {
            standing.seats_taken = standing.seats_taken.saturating_sub(1);
        }
        if wanted == Answer::Accepted {
            standing.seats_taken += 1;
        }
        written.activity.push(log_row(
            standing.event.id,
            record.host.id,
            "answered",
            record.contact.full_name(),
            Some(wanted.as_str().to_string()),
        ));
        written.outbox.push(queued);
        written.guest(guest.clone());
        self.guests.insert(guest.id, guest.clone());
        Decided::Done(Ok(RsvpRecord {
            guest,
            event: standing.event.clone(),
            ..record
        }))
    }
}

/// The writes of a batch's answers decided in memory, sent together (`Written::send`).
#[derive(Default)]
struct Written {
    /// each guest's row as the last of its answers left it, in the order first answered
    guests: Vec<guest::Model>,
    activity: Vec<activity::ActiveModel>,
    outbox: Vec<outbox::ActiveModel>,
}

impl Written {
    fn guest(&mut self, row: guest::Model) {
        match self.guests.iter_mut().find(|g| g.id == row.id) {
            Some(earlier) => *earlier = row,
            None => self.guests.push(row),
        }
    }

    /// On SQLite one trip: an update per guest, one insert of the activity, one of the
    /// confirmations. On PostgreSQL, which takes one statement with parameters per trip, three:
    /// the guests are updated by one statement from a list of values.
    async fn send(self, txn: &sea_orm::DatabaseTransaction) -> Result<(), AppError> {
        if self.guests.is_empty() {
            return Ok(());
        }
        let backend = txn.get_database_backend();
        let mut writes = guest_updates(backend, &self.guests)?;
        writes.push(activity::Entity::insert_many(self.activity).build(backend));
        writes.push(outbox::Entity::insert_many(self.outbox).build(backend));
        crate::ssr::db::run_together(txn, writes).await?;
        Ok(())
    }
}

/// The statements that write an answer's columns of `rows` (answer, waitlist place, when and by
/// whom answered, door code).
fn guest_updates(
    backend: sea_orm::DbBackend,
    rows: &[guest::Model],
) -> Result<Vec<sea_orm::Statement>, AppError> {
    use sea_orm::{ActiveEnum, Value};

    if backend != sea_orm::DbBackend::Postgres {
        return rows
            .iter()
            .map(|row| {
                let active = guest::ActiveModel {
                    id: sea_orm::ActiveValue::Unchanged(row.id),
                    answer: Set(row.answer),
                    waitlist_position: Set(row.waitlist_position),
                    answered_at: Set(row.answered_at),
                    answer_recorded_by: Set(row.answer_recorded_by),
                    updated_at: Set(row.updated_at),
                    checkin_code: Set(row.checkin_code.clone()),
                    ..Default::default()
                };
                Ok(guest::Entity::update(active).validate()?.build(backend))
            })
            .collect();
    }
    let mut sql = String::from(
        "UPDATE guests SET answer = v.answer, waitlist_position = v.waitlist_position, \
         answered_at = v.answered_at, answer_recorded_by = v.answer_recorded_by, \
         updated_at = v.updated_at, checkin_code = v.checkin_code FROM (VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * 7);
    for (i, row) in rows.iter().enumerate() {
        let p = i * 7;
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}::integer, ${}::varchar, ${}::integer, ${}::timestamptz, ${}::integer, \
             ${}::timestamptz, ${}::varchar)",
            p + 1,
            p + 2,
            p + 3,
            p + 4,
            p + 5,
            p + 6,
            p + 7
        ));
        values.extend([
            row.id.into(),
            row.answer.to_value().into(),
            row.waitlist_position.into(),
            row.answered_at.into(),
            row.answer_recorded_by.into(),
            row.updated_at.into(),
            row.checkin_code.clone().into(),
        ]);
    }
    sql.push_str(
        ") AS v (id, answer, waitlist_position, answered_at, answer_recorded_by, updated_at, \
         checkin_code) WHERE guests.id = v.id",
    );
    Ok(vec![sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    )])
}

/// What an answer reads under the write lock: the event and the guest as they stand now, and the
/// seats taken, read in one statement.
struct Standing {
    event: event::Model,
    guest: guest::Model,
    /// the event's accepted guests
    seats_taken: u64,
}

impl Standing {
    /// On SQLite the transaction took the write lock when it began (`BEGIN IMMEDIATE`): nothing
    /// changes between statements, and one joined statement reads it all. On PostgreSQL the
    /// event row is locked first (`FOR UPDATE`), and the same joined statement runs after that:
    /// a statement that waited for a row lock still sees everything else as of its own start, so
    /// the seats must be counted by a statement that starts once the lock is granted (in READ
    /// COMMITTED each statement takes a new snapshot), or an accept would count the seats as
    /// they were before the answer it waited for.
    async fn read(
        txn: &sea_orm::DatabaseTransaction,
        event_id: i32,
        guest_id: i32,
    ) -> Result<Standing, AppError> {
        if txn.get_database_backend() != sea_orm::DbBackend::Sqlite {
            event::Entity::find_by_id(event_id)
                .lock_exclusive()
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
        }
        Self::read_joined(txn, guest_id).await
    }

    async fn read_joined(
        txn: &sea_orm::DatabaseTransaction,
        guest_id: i32,
    ) -> Result<Standing, AppError> {
        use sea_orm::sea_query::{Alias, Query, SubQueryStatement};
        use sea_orm::{FromQueryResult, QueryResult};

        let (g, e, a) = (Alias::new("g"), Alias::new("e"), Alias::new("a"));
        let mut select = Query::select();
        columns::<guest::Entity>(&mut select, "g", "g_");
        columns::<event::Entity>(&mut select, "e", "e_");
        let seats = Query::select()
            .expr(Expr::col((a.clone(), guest::Column::Id)).count())
            .from_as(guest::Entity, a.clone())
            .and_where(
                Expr::col((a.clone(), guest::Column::EventId))
                    .equals((g.clone(), guest::Column::EventId)),
            )
            .and_where(Expr::col((a, guest::Column::Answer)).eq(Answer::Accepted.as_str()))
            .to_owned();
        select
            .expr_as(
                sea_orm::sea_query::SimpleExpr::SubQuery(
                    None,
                    Box::new(SubQueryStatement::SelectStatement(seats)),
                ),
                Alias::new("seats_taken"),
            )
            .from_as(guest::Entity, g.clone())
            .join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                event::Entity,
                e.clone(),
                Expr::col((e, event::Column::Id)).equals((g.clone(), guest::Column::EventId)),
            )
            .and_where(Expr::col((g, guest::Column::Id)).eq(guest_id));
        let row: QueryResult = txn.query_one(&select).await?.ok_or(AppError::NotFound)?;
        let seats_taken: i64 = row.try_get("", "seats_taken")?;
        Ok(Standing {
            guest: guest::Model::from_query_result(&row, "g_")?,
            event: event::Model::from_query_result(&row, "e_")?,
            seats_taken: u64::try_from(seats_taken).unwrap_or(0),
        })
    }

    /// The last place on the event's waitlist, if anyone is on it.
    async fn last_position(
        txn: &sea_orm::DatabaseTransaction,
        event_id: i32,
    ) -> Result<Option<i32>, AppError> {
        let last: Option<Option<i32>> = guest::Entity::find()
            .select_only()
            .column_as(guest::Column::WaitlistPosition.max(), "m")
            .filter(guest::Column::EventId.eq(event_id))
            .into_tuple()
            .one(txn)
            .await?;
        Ok(last.flatten())
    }
}

/// Moves everyone behind `position` on the waitlist one place up.
async fn close_gap<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    position: Option<i32>,
) -> Result<(), AppError> {
    if let Some(statement) = close_gap_statement(db.get_database_backend(), event_id, position) {
        db.execute_raw(statement).await?;
    }
    Ok(())
}

/// The statement of `close_gap`, if there is a gap to close.
fn close_gap_statement(
    backend: sea_orm::DbBackend,
    event_id: i32,
    position: Option<i32>,
) -> Option<sea_orm::Statement> {
    let position = position?;
    Some(
        guest::Entity::update_many()
            .col_expr(
                guest::Column::WaitlistPosition,
                Expr::col(guest::Column::WaitlistPosition).sub(Expr::value(1)),
            )
            .filter(guest::Column::EventId.eq(event_id))
            .filter(guest::Column::WaitlistPosition.gt(position))
            .build(backend),
    )
}

/// Gives a freed seat to the first guest on the waitlist and emails them.
async fn promote_first<C: ConnectionTrait>(
    db: &C,
    settings: &MailSettings,
    event: &event::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(first) = guest::Entity::find()
        .filter(guest::Column::EventId.eq(event.id))
        .filter(guest::Column::Answer.eq(Answer::Waitlisted))
        .order_by_asc(guest::Column::WaitlistPosition)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let position = first.waitlist_position;
    let mut active: guest::ActiveModel = first.clone().into();
    active.answer = Set(Answer::Accepted);
    active.waitlist_position = Set(None);
    active.updated_at = Set(now);
    if first.checkin_code.is_none() {
        active.checkin_code = Set(Some(new_checkin_code()));
    }
    let promoted = active.update(db).await?;
    close_gap(db, event.id, position).await?;
    let (Some(person), Some(host)) = (
        contact::Entity::find_by_id(promoted.contact_id)
            .one(db)
            .await?,
        user::Entity::find_by_id(promoted.nominated_by)
            .one(db)
            .await?,
    ) else {
        return Ok(());
    };
    // only the token's hash is stored: the promotion mail points to the link of the invitation
    let mail = GuestMail {
        settings,
        event,
        guest: &promoted,
        contact: &person,
        host: &host,
        token: "",
        message_id: new_message_id(settings, kind::CONFIRMATION),
        now,
    };
    OutboxService::queue(
        db,
        kind::CONFIRMATION,
        Some(event.id),
        Some(promoted.id),
        &mail.confirmation(Answer::Accepted, true),
        now,
    )
    .await?;
    log(
        db,
        event.id,
        host.id,
        "promoted",
        person.full_name(),
        Some(Answer::Accepted.as_str().to_string()),
    )
    .await?;
    Ok(())
}
