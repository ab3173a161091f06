//! Guests' answers written in batches (group commit). An answer's transaction is short, but it
//! holds SQLite's one writer (on PostgreSQL: the event's row lock) for its reads, its writes and
//! its commit, and every other answer waits for it: fifty guests answering at once were fifty
//! transactions one after the other, each with its own trips to the database and its own commit.
//!
//! Now an answer joins the answers waiting to be written. Whoever finds the writer free takes
//! every answer waiting (at most `MOST_PER_BATCH`) and writes them in one transaction, in arrival
//! order and by the same rules as before (`apply_answers_in`), commits once, and tells each guest
//! their outcome. Nobody is told anything before the commit, so a guest sees exactly what they
//! saw before: their answer, decided in arrival order against the seats as they stand. The batch
//! reads its guests and their events' seats in one statement, decides the answers that leave the
//! waitlist alone in memory and sends their writes together; an answer that touches the waitlist
//! (and every one after it) is written on its own inside the batch, reading the database again.
//!
//! An answer that is refused (the deadline passed, the event closed) or whose guest is gone writes
//! nothing and fails alone. Any other failure in a batch rolls the whole batch back, and each of
//! its answers is then written again in a transaction of its own, as if it had come alone.
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::oneshot;

use super::invitations::{apply_answer_in, apply_answers_in, Answering, Draft, RsvpRecord};
use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::mail::MailSettings;

/// The most answers one transaction writes: enough that fifty guests answering at once need one or
/// two commits, few enough that a batch holds the writer for milliseconds, not seconds (other
/// writers, such as the outbox and the team, wait behind it).
const MOST_PER_BATCH: usize = 64;

/// One guest's answer, waiting to be written.
struct Waiting {
    record: RsvpRecord,
    token: String,
    accept: bool,
    draft: Option<Draft>,
    reply: oneshot::Sender<Result<RsvpRecord, AppError>>,
}

/// The answers waiting for one database, and the turn at writing them.
#[derive(Default)]
struct Desk {
    waiting: Mutex<Vec<Waiting>>,
    turn: Arc<tokio::sync::Mutex<()>>,
    /// answers handed in and not yet told their outcome (waiting, or in a batch being written)
    in_flight: AtomicUsize,
}

/// Counts one answer in flight at `desk` for as long as it lives (a request that goes away
/// mid-answer is counted out too).
struct InFlight(Arc<Desk>);

impl InFlight {
    fn new(desk: Arc<Desk>) -> Self {
        desk.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(desk)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many answers to `db` are handed in and not yet written (waiting for the turn, or in the
/// batch being written): what a test waits for before it lets the writer go.
pub fn in_flight(db: &DatabaseConnection) -> usize {
    desk_of(db).in_flight.load(Ordering::SeqCst)
}

/// Writes the guest's answer together with the others waiting, and returns its outcome once the
/// transaction that wrote it has committed.
pub(super) async fn submit(
    db: &DatabaseConnection,
    settings: &MailSettings,
    record: RsvpRecord,
    token: &str,
    accept: bool,
    draft: Option<Draft>,
) -> Result<RsvpRecord, AppError> {
    let desk = desk_of(db);
    let (reply, mut outcome) = oneshot::channel();
    // counted while the waiting list is held, after the answer joined it: whoever sees N answers
    // in flight knows all N are on the list (or already in a batch)
    let _counted = {
        let mut waiting = desk
            .waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        waiting.push(Waiting {
            record,
            token: token.to_string(),
            accept,
            draft,
            reply,
        });
        InFlight::new(desk.clone())
    };
    tokio::select! {
        biased;
        // another request's batch took this answer and has written it
        told = &mut outcome => return told.unwrap_or(Err(AppError::Internal)),
        turn = desk.turn.clone().lock_owned() => {
            let batch = take_batch(&desk);
            if !batch.is_empty() {
                // the batch is written by a task of its own, so that this request going away
                // (the guest closed the page) does not stop the answers of the others
                let (db, settings, desk) = (db.clone(), settings.clone(), desk.clone());
                tokio::spawn(async move {
                    write_batch(&db, &settings, batch).await;
                    // answers that came meanwhile beyond this batch: the next turn takes them
                    drop(turn);
                    drop(desk);
                });
            }
            // an empty batch: this answer was in the batch before, whose replies are sent
        }
    }
    outcome.await.unwrap_or(Err(AppError::Internal))
}

fn take_batch(desk: &Desk) -> Vec<Waiting> {
    let mut waiting = desk
        .waiting
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let first = waiting.len().min(MOST_PER_BATCH);
    let later = waiting.split_off(first);
    std::mem::replace(&mut *waiting, later)
}

/// Writes `batch` in one transaction, in order (`apply_answers_in`), and tells every answer its
/// outcome.
async fn write_batch(db: &DatabaseConnection, settings: &MailSettings, batch: Vec<Waiting>) {
    let mut again = Vec::with_capacity(batch.len());
    let mut drafts = Vec::with_capacity(batch.len());
    let mut replies = Vec::with_capacity(batch.len());
    for answer in batch {
        again.push((answer.record, answer.token, answer.accept));
        drafts.push(answer.draft);
        replies.push(answer.reply);
    }
    let answering = again
        .iter()
        .zip(drafts)
        .map(|((record, token, accept), draft)| Answering {
            record: record.clone(),
            token,
            accept: *accept,
            draft,
        })
        .collect();
    let together = async {
        let txn = begin_write(db).await?;
        let outcomes = apply_answers_in(&txn, settings, answering).await?;
        txn.commit().await?;
        Ok::<_, AppError>(outcomes)
    };
    if let Ok(outcomes) = together.await {
        for (reply, applied) in replies.into_iter().zip(outcomes) {
            let _ = reply.send(applied);
        }
        return;
    }
    // something failed part-way and the transaction is rolled back: each answer again on its own
    for ((record, token, accept), reply) in again.into_iter().zip(replies) {
        let alone = async {
            let txn = begin_write(db).await?;
            let applied =
                apply_answer_in(&txn, settings, record, &token, accept, None, None).await?;
            txn.commit().await?;
            Ok(applied)
        };
        let applied = alone.await;
        let _ = reply.send(applied);
    }
}

/// The desk of `db`'s pool of connections: every clone of one pool shares it, two pools (two
/// databases, in tests) never do. Several processes on one database each have their own; the
/// database's locks (SQLite's writer, the event's row on PostgreSQL) still order their batches.
fn desk_of(db: &DatabaseConnection) -> Arc<Desk> {
    static DESKS: OnceLock<Mutex<HashMap<usize, Weak<Desk>>>> = OnceLock::new();
    // a pool's connect options are one shared allocation for as long as the pool lives; a desk
    // lives while an answer of its pool waits or is written, so an address used again by a new
    // pool finds the old desk gone
    let key = match db.get_database_backend() {
        DbBackend::Postgres => {
            Arc::as_ptr(&db.get_postgres_connection_pool().connect_options()) as usize
        }
        _ => Arc::as_ptr(&db.get_sqlite_connection_pool().connect_options()) as usize,
    };
    let mut desks = DESKS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(desk) = desks.get(&key).and_then(Weak::upgrade) {
        return desk;
    }
    desks.retain(|_, desk| desk.strong_count() > 0);
    let desk = Arc::new(Desk::default());
    desks.insert(key, Arc::downgrade(&desk));
    desk
}
