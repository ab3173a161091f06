//! Guests' answers written together (`services::answers`): answers that arrive while the writer
//! is busy (SQLite's write lock, the event's row lock on PostgreSQL) wait and are written in one
//! transaction, each by the same rules as alone; an answer the database refuses fails alone and
//! takes none of the others in its batch with it.
use std::time::Duration;

use app::domain::{Answer, NominationState};
use app::error::AppError;
use app::ssr::db;
use app::ssr::entities::{guest, outbox};
use app::ssr::services::InvitationService;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

mod common;
use common::*;

/// An open event with room for everyone and `n` invited guests: their ids and personal tokens.
async fn invited(db: &DatabaseConnection, n: usize) -> (i32, Vec<(i32, String)>) {
    invited_to(db, n, 100).await
}

/// An open event with `capacity` seats and `n` invited guests: their ids and personal tokens.
async fn invited_to(db: &DatabaseConnection, n: usize, capacity: i32) -> (i32, Vec<(i32, String)>) {
    let team = team(db).await;
    let event_id = open_event(db, &team, capacity).await;
    let mut ids = Vec::new();
    for i in 0..n {
        let email = format!("g{i}@customer.example");
        ids.push(
            guest_in(
                db,
                event_id,
                &team.sales,
                &email,
                NominationState::Approved,
                false,
            )
            .await,
        );
    }
    InvitationService::send(db, &settings(), &team.marketing, event_id, None)
        .await
        .unwrap();
    let mut guests = Vec::new();
    for id in ids {
        guests.push((id, token_of(db, id).await));
    }
    (event_id, guests)
}

/// Another connection takes the database's write lock (on PostgreSQL: the event's row) and
/// keeps it until the transaction returned is let go.
async fn hold_the_writer(
    url: &str,
    db: &DatabaseConnection,
    event_id: i32,
) -> (DatabaseConnection, sea_orm::DatabaseTransaction) {
    let other = db::connect(url).await.unwrap();
    let busy = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .unwrap();
    if db.get_database_backend() == DbBackend::Postgres {
        busy.execute_unprepared(&format!(
            "SELECT id FROM events WHERE id = {event_id} FOR UPDATE"
        ))
        .await
        .unwrap();
    }
    (other, busy)
}

/// Every guest accepts at once, while another connection holds the database's write lock (on
/// PostgreSQL: the event's row) until every answer is handed in; then the lock is let go. The
/// answers' outcomes, in guest order.
async fn accept_while_the_writer_is_busy(
    url: &str,
    db: &DatabaseConnection,
    event_id: i32,
    guests: &[(i32, String)],
) -> Vec<Result<Answer, AppError>> {
    let (other, busy) = hold_the_writer(url, db, event_id).await;
    let requests: Vec<_> = guests
        .iter()
        .map(|(_, token)| {
            let (db, token) = (db.clone(), token.clone());
            tokio::spawn(async move {
                InvitationService::answer(&db, &settings(), &token, true)
                    .await
                    .map(|record| record.guest.answer)
            })
        })
        .collect();
    // each answer first reads its link and composes its confirmation; wait until all of them
    // are handed in (the first one is blocked on the lock, the others wait behind it)
    let waited = std::time::Instant::now();
    while InvitationService::answers_in_flight(db) < guests.len() {
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "only {} of {} answers were handed in",
            InvitationService::answers_in_flight(db),
            guests.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    busy.rollback().await.unwrap();
    let mut outcomes = Vec::new();
    for request in requests {
        outcomes.push(request.await.unwrap());
    }
    other.close().await.ok();
    outcomes
}

async fn confirmed(db: &DatabaseConnection, guest_id: i32) -> usize {
    outbox::Entity::find()
        .filter(outbox::Column::GuestId.eq(guest_id))
        .filter(outbox::Column::Kind.eq("confirmation"))
        .all(db)
        .await
        .unwrap()
        .len()
}

async fn answer_of(db: &DatabaseConnection, guest_id: i32) -> Answer {
    guest::Entity::find_by_id(guest_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .answer
}

/// The transactions that wrote these guests' rows, as PostgreSQL numbers them: rows written by
/// one transaction carry its id (`xmin`).
async fn transactions_that_wrote(db: &DatabaseConnection, guests: &[(i32, String)]) -> usize {
    let ids: Vec<String> = guests.iter().map(|(id, _)| id.to_string()).collect();
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT count(DISTINCT xmin::text) AS n FROM guests WHERE id IN ({})",
                ids.join(", ")
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap() as usize
}

/// The guests accept while the writer is busy: every one gets their seat and one confirmation.
async fn all_accept_while_the_writer_is_busy(
    url: &str,
    db: &DatabaseConnection,
    event_id: i32,
    guests: &[(i32, String)],
) {
    let outcomes = accept_while_the_writer_is_busy(url, db, event_id, guests).await;
    assert!(
        outcomes.iter().all(|o| matches!(o, Ok(Answer::Accepted))),
        "{outcomes:?}"
    );
    for (id, _) in guests {
        assert_eq!(answer_of(db, *id).await, Answer::Accepted);
        assert_eq!(confirmed(db, *id).await, 1, "each answer is confirmed once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_that_wait_for_the_writer_are_written_together_in_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let (db, commits) = db::connect_migrated_counting(&url).await.unwrap();
    let commits = commits.expect("a SQLite file counts its commits");
    let (event_id, guests) = invited(&db, 20).await;
    let before = commits.settled().await.unwrap();

    all_accept_while_the_writer_is_busy(&url, &db, event_id, &guests).await;

    let written = commits.settled().await.unwrap() - before;
    // the first answer (or the first few, if they came together) took the writer's turn and
    // waited for the lock; all the others waited behind it and are written together after it
    assert!(
        written <= 2,
        "twenty answers that waited took {written} commits"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_answers_that_wait_for_the_events_row_are_written_together() {
    let Some((db, name)) = postgres().await else {
        return;
    };
    let url = postgres_url(&name);
    let (event_id, guests) = invited(&db, 20).await;

    all_accept_while_the_writer_is_busy(&url, &db, event_id, &guests).await;

    let written = transactions_that_wrote(&db, &guests).await;
    drop_postgres(db, name).await;
    assert!(
        written <= 2,
        "twenty answers that waited were written by {written} transactions"
    );
}

/// Twelve guests accept while the writer is busy, and the database refuses the sixth one's
/// update: that answer fails and nothing of it is kept, the eleven others are written.
async fn one_refused_answer_in_a_batch(url: &str, db: &DatabaseConnection) {
    let (event_id, guests) = invited(db, 12).await;
    let refused = guests[5].0;
    let refuse = match db.get_database_backend() {
        DbBackend::Postgres => vec![
            "CREATE FUNCTION refuse_one() RETURNS trigger AS $$ BEGIN \
             RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
                .to_string(),
            format!(
                "CREATE TRIGGER refuse_one BEFORE UPDATE ON guests FOR EACH ROW \
                 WHEN (NEW.id = {refused}) EXECUTE FUNCTION refuse_one()"
            ),
        ],
        _ => vec![format!(
            "CREATE TRIGGER refuse_one BEFORE UPDATE ON guests WHEN NEW.id = {refused} \
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )],
    };
    for statement in refuse {
        db.execute_unprepared(&statement).await.unwrap();
    }

    let outcomes = accept_while_the_writer_is_busy(url, db, event_id, &guests).await;

    for ((id, _), outcome) in guests.iter().zip(&outcomes) {
        if *id == refused {
            assert!(matches!(outcome, Err(AppError::Internal)), "{outcome:?}");
            assert_eq!(
                answer_of(db, *id).await,
                Answer::None,
                "nothing of it was kept"
            );
            assert_eq!(confirmed(db, *id).await, 0, "and nothing was confirmed");
        } else {
            assert!(matches!(outcome, Ok(Answer::Accepted)), "{outcome:?}");
            assert_eq!(answer_of(db, *id).await, Answer::Accepted);
            assert_eq!(confirmed(db, *id).await, 1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let db = db::connect_migrated(&url).await.unwrap();
    one_refused_answer_in_a_batch(&url, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_an_answer_the_database_refuses_fails_alone_and_the_rest_are_written() {
    let Some((db, name)) = postgres().await else {
        return;
    };
    one_refused_answer_in_a_batch(&postgres_url(&name), &db).await;
    drop_postgres(db, name).await;
}

/// The guests answer one after the other while another connection holds the writer (see
/// `accept_while_the_writer_is_busy`): each answer is handed in before the next is sent, so the
/// first takes the writer's turn alone and all the others are one batch, in this order. Each
/// answer's outcome: the guest's answer and waitlist place as it was told them.
async fn answer_in_order_while_the_writer_is_busy(
    url: &str,
    db: &DatabaseConnection,
    event_id: i32,
    answers: &[(&str, bool)],
) -> Vec<(Answer, Option<i32>)> {
    let (other, busy) = hold_the_writer(url, db, event_id).await;
    let mut requests = Vec::new();
    for (handed_in, (token, accept)) in answers.iter().enumerate() {
        let (db2, token, accept) = (db.clone(), token.to_string(), *accept);
        requests.push(tokio::spawn(async move {
            InvitationService::answer(&db2, &settings(), &token, accept)
                .await
                .map(|record| (record.guest.answer, record.guest.waitlist_position))
        }));
        let waited = std::time::Instant::now();
        while InvitationService::answers_in_flight(db) < handed_in + 1 {
            assert!(
                waited.elapsed() < Duration::from_secs(60),
                "answer {handed_in} was not handed in"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    busy.rollback().await.unwrap();
    let mut outcomes = Vec::new();
    for request in requests {
        outcomes.push(request.await.unwrap().unwrap());
    }
    other.close().await.ok();
    outcomes
}

async fn standing_of(db: &DatabaseConnection, guest_id: i32) -> (Answer, Option<i32>) {
    let row = guest::Entity::find_by_id(guest_id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (row.answer, row.waitlist_position)
}

/// Three seats, two taken. In one batch: a guest answers twice, a freed seat is taken again, the
/// last seat goes, the next accept lands on the waitlist, a decline hands that guest the seat,
/// and the guest who changed their mind twice comes back to the waitlist. Every guest is told
/// what the rows say, in arrival order, and each change is confirmed once.
async fn one_batch_decides_in_arrival_order(url: &str, db: &DatabaseConnection) {
    let (event_id, guests) = invited_to(db, 6, 3).await;
    let [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5].map(|i| (guests[i].0, guests[i].1.as_str()));
    for (_, token) in [a, b] {
        InvitationService::answer(db, &settings(), token, true)
            .await
            .unwrap();
    }
    use Answer::{Accepted, Declined, Waitlisted};

    let told = answer_in_order_while_the_writer_is_busy(
        url,
        db,
        event_id,
        &[
            (e.1, false), // alone: the first answer takes the writer's turn by itself
            (c.1, true),  // the last seat
            (c.1, false), // gives it back, in the same batch
            (d.1, true),  // takes it
            (f.1, true),  // no seat left: the waitlist
            (a.1, false), // frees a seat: f moves up
            (c.1, true),  // no seat left again
        ],
    )
    .await;

    assert_eq!(
        told,
        vec![
            (Declined, None),
            (Accepted, None),
            (Declined, None),
            (Accepted, None),
            (Waitlisted, Some(1)),
            (Declined, None),
            (Waitlisted, Some(1)),
        ]
    );
    assert_eq!(standing_of(db, a.0).await, (Declined, None));
    assert_eq!(standing_of(db, b.0).await, (Accepted, None));
    assert_eq!(standing_of(db, c.0).await, (Waitlisted, Some(1)));
    assert_eq!(standing_of(db, d.0).await, (Accepted, None));
    assert_eq!(standing_of(db, e.0).await, (Declined, None));
    assert_eq!(standing_of(db, f.0).await, (Accepted, None), "promoted");
    for (guest, confirmations) in [(a, 2), (b, 1), (c, 3), (d, 1), (e, 1), (f, 2)] {
        assert_eq!(
            confirmed(db, guest.0).await,
            confirmations,
            "guest {}",
            guest.0
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_batch_decides_seats_and_the_waitlist_in_arrival_order() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let db = db::connect_migrated(&url).await.unwrap();
    one_batch_decides_in_arrival_order(&url, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_one_batch_decides_seats_and_the_waitlist_in_arrival_order() {
    let Some((db, name)) = postgres().await else {
        return;
    };
    one_batch_decides_in_arrival_order(&postgres_url(&name), &db).await;
    drop_postgres(db, name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_a_confirmation_is_stored_compressed_with_lz4_and_reads_back_whole() {
    let Some((db, name)) = postgres().await else {
        return;
    };
    let supported = db
        .execute_unprepared("CREATE TEMP TABLE lz4_probe (x text COMPRESSION lz4)")
        .await;
    if let Err(err) = supported {
        eprintln!("skipped: this PostgreSQL server cannot compress with lz4 ({err})");
        drop_postgres(db, name).await;
        return;
    }
    let (_, guests) = invited(&db, 1).await;
    let (guest_id, token) = &guests[0];

    InvitationService::answer(&db, &settings(), token, true)
        .await
        .unwrap();

    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT pg_column_compression(raw) AS method, raw FROM outbox \
                 WHERE guest_id = {guest_id} AND kind = 'confirmation'"
            ),
        ))
        .await
        .unwrap()
        .expect("a confirmation was queued");
    let method: String = row.try_get("", "method").unwrap();
    let raw: String = row.try_get("", "raw").unwrap();
    drop_postgres(db, name).await;
    assert_eq!(method, "lz4");
    assert!(
        raw.contains("BEGIN:VCALENDAR"),
        "the calendar part is there"
    );
    assert!(
        raw.trim_end().ends_with("--"),
        "the message reads back to its last boundary"
    );
}
