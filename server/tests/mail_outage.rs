//! The mail server goes away while invitations are being sent: nothing is lost, and once it is
//! back every invitation is delivered exactly once, with the Message-ID it was queued with.
use std::collections::HashSet;

use app::domain::OutboxState;
use app::ssr::entities::outbox;
use app::ssr::services::outbox::kind;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

mod common;
use common::smtp::{free_port, start_sink, start_slow_sink, Received};
use common::*;

async fn invitations(app: &TestApp, event_id: i32) -> Vec<outbox::Model> {
    outbox::Entity::find()
        .filter(outbox::Column::EventId.eq(event_id))
        .filter(outbox::Column::Kind.eq(kind::INVITATION))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invitations_sent_while_the_mail_server_is_down_are_delivered_exactly_once_when_it_is_back()
{
    let port = free_port();
    let app = spawn_app_with(|s| s.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    let guests = 30;
    let event_id = open_event_with_approved_guests(&app, guests).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let res = app
        .post(
            &marketing,
            "send_invitations",
            &[("event_id", &event_id.to_string())],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());

    // the mail server is down: every invitation is tried, kept, and waits for its next attempt
    wait_until(20, "every invitation tried once", || async {
        let rows = invitations(&app, event_id).await;
        rows.len() == guests && rows.iter().all(|m| m.attempts >= 1)
    })
    .await;
    let queued = invitations(&app, event_id).await;
    for mail in &queued {
        assert_eq!(mail.state, OutboxState::Queued, "{mail:?}");
        assert!(mail.sent_at.is_none());
        assert!(
            mail.last_error.as_deref().is_some_and(|e| !e.is_empty()),
            "the connection error is kept: {mail:?}"
        );
        assert!(mail.next_attempt_at > mail.created_at, "backed off");
    }

    // the mail server comes back, and the back-off runs out
    let received = Received::default();
    let _sink = start_sink(port, received.clone()).await;
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::NextAttemptAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(outbox::Column::EventId.eq(event_id))
        .exec(&app.db)
        .await
        .unwrap();
    wait_until(30, "every invitation sent", || async {
        invitations(&app, event_id)
            .await
            .iter()
            .all(|m| m.state == OutboxState::Sent)
    })
    .await;
    // nothing more arrives later
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let delivered = received.message_ids();
    assert_eq!(delivered.len(), guests, "each invitation exactly once");
    let delivered: HashSet<String> = delivered.into_iter().collect();
    assert_eq!(delivered.len(), guests, "no Message-ID twice");
    let stored: HashSet<String> = queued.into_iter().map(|m| m.message_id).collect();
    assert_eq!(delivered, stored, "the Message-IDs they were queued with");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_message_claimed_by_a_worker_that_died_is_sent_once_its_lease_runs_out() {
    let port = free_port();
    let received = Received::default();
    let _sink = start_sink(port, received.clone()).await;
    // the server that queues the invitations has no mail worker, like one killed mid-send
    let app = spawn_app().await;
    let event_id = open_event_with_approved_guests(&app, 3).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    app.post(
        &marketing,
        "send_invitations",
        &[("event_id", &event_id.to_string())],
    )
    .await;
    // a worker claimed them and died: their leases still run for a while
    let now = chrono::Utc::now();
    let claimed = app::ssr::services::OutboxService::claim_due(&app.db, now, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(
        app::ssr::services::OutboxService::claim_due(&app.db, now, 10)
            .await
            .unwrap()
            .is_empty(),
        "a claimed message is not claimed twice"
    );
    // a second instance with a worker starts on the same database
    let url = format!("smtp://127.0.0.1:{port}");
    let transport = server::mailer::transport(&url).unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = server::mailer::spawn(
        app.db.clone(),
        transport,
        "events@tandem.example".into(),
        stopped,
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        received.count(),
        0,
        "not while the dead worker's lease runs"
    );
    // the lease runs out
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::LeaseUntil,
            Expr::value(now - chrono::Duration::seconds(1)),
        )
        .filter(outbox::Column::EventId.eq(event_id))
        .exec(&app.db)
        .await
        .unwrap();
    wait_until(20, "all three sent", || async {
        invitations(&app, event_id)
            .await
            .iter()
            .all(|m| m.state == OutboxState::Sent)
    })
    .await;
    let _ = stop.send(true);
    worker.await.unwrap();
    assert_eq!(received.count(), 3, "each once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stopping_worker_finishes_the_message_it_is_sending() {
    let port = free_port();
    let received = Received::default();
    let _sink = start_slow_sink(
        port,
        received.clone(),
        std::time::Duration::from_millis(1500),
    )
    .await;
    let app = spawn_app().await;
    let event_id = open_event_with_approved_guests(&app, 1).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    app.post(
        &marketing,
        "send_invitations",
        &[("event_id", &event_id.to_string())],
    )
    .await;
    let transport = server::mailer::transport(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = server::mailer::spawn(
        app.db.clone(),
        transport,
        "events@tandem.example".into(),
        stopped,
    );
    wait_until(10, "the message is being sent", || async {
        received.count() == 1
    })
    .await;
    // shutdown arrives while the server has not yet confirmed the message
    let _ = stop.send(true);
    worker.await.unwrap();
    let mail = &invitations(&app, event_id).await[0];
    assert_eq!(mail.state, OutboxState::Sent, "{mail:?}");
    assert_eq!(mail.attempts, 1);
    assert_eq!(received.count(), 1);
}
