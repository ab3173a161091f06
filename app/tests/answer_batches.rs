//! Guests' answers written together (`services::answers`): answers that arrive while the writer
//! is busy wait and are written in one transaction, each by the same rules as alone; an answer the
//! database refuses fails alone and takes none of the others in its batch with it.
use std::time::Duration;

use app::domain::{Answer, NominationState};
use app::error::AppError;
use app::ssr::db;
use app::ssr::entities::{guest, outbox};
use app::ssr::services::InvitationService;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

mod common;
use common::*;

/// An open event with room for everyone and `n` invited guests: their ids and personal tokens.
async fn invited(db: &DatabaseConnection, n: usize) -> (i32, Vec<(i32, String)>) {
    let team = team(db).await;
    let event_id = open_event(db, &team, 100).await;
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

/// Every guest accepts at once, while another connection holds the database's write lock for a
/// second; then the lock is let go. The answers' outcomes, in guest order.
async fn accept_while_the_writer_is_busy(
    url: &str,
    db: &DatabaseConnection,
    guests: &[(i32, String)],
) -> Vec<Result<Answer, AppError>> {
    let other = db::connect(url).await.unwrap();
    let busy = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await
        .unwrap();
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
    tokio::time::sleep(Duration::from_secs(1)).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_that_wait_for_the_writer_are_written_together_in_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let (db, commits) = db::connect_migrated_counting(&url).await.unwrap();
    let commits = commits.expect("a SQLite file counts its commits");
    let (_, guests) = invited(&db, 20).await;
    let before = commits.now().unwrap();

    let outcomes = accept_while_the_writer_is_busy(&url, &db, &guests).await;

    let written = commits.now().unwrap() - before;
    assert!(
        outcomes.iter().all(|o| matches!(o, Ok(Answer::Accepted))),
        "{outcomes:?}"
    );
    for (id, _) in &guests {
        assert_eq!(answer_of(&db, *id).await, Answer::Accepted);
        assert_eq!(
            confirmed(&db, *id).await,
            1,
            "each answer is confirmed once"
        );
    }
    // the first answer takes the writer's turn and waits for the lock; the nineteen behind it
    // are written together once it has committed
    assert!(
        written <= 3,
        "twenty answers that waited took {written} commits"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let db = db::connect_migrated(&url).await.unwrap();
    let (_, guests) = invited(&db, 12).await;
    let refused = guests[5].0;
    db.execute_unprepared(&format!(
        "CREATE TRIGGER refuse_one BEFORE UPDATE ON guests WHEN NEW.id = {refused} \
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    ))
    .await
    .unwrap();

    let outcomes = accept_while_the_writer_is_busy(&url, &db, &guests).await;

    for ((id, _), outcome) in guests.iter().zip(&outcomes) {
        if *id == refused {
            assert!(matches!(outcome, Err(AppError::Internal)), "{outcome:?}");
            assert_eq!(
                answer_of(&db, *id).await,
                Answer::None,
                "nothing of it was kept"
            );
            assert_eq!(confirmed(&db, *id).await, 0, "and nothing was confirmed");
        } else {
            assert!(matches!(outcome, Ok(Answer::Accepted)), "{outcome:?}");
            assert_eq!(answer_of(&db, *id).await, Answer::Accepted);
            assert_eq!(confirmed(&db, *id).await, 1);
        }
    }
}
