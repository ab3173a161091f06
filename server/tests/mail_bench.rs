//! A benchmark, not a test (ignored by `cargo test`; `scripts/bench-mail.sh` runs it against
//! maildev): queue and deliver N invitations through the outbox and the mail worker, then, in the
//! same run and to the same SMTP server, send N messages of the same bytes with a plain lettre
//! loop, one at a time and with the worker's concurrency — the raw limits the outbox is compared
//! with. Prints the figures; asserts only that every
//! message arrived.
//!
//! `BENCH_COUNT` (default 2000), `BENCH_SMTP_URL` (default smtp://127.0.0.1:1225),
//! `BENCH_MAILDEV` (maildev's web API, default http://127.0.0.1:1280/api).
use std::time::{Duration, Instant};

use app::domain::OutboxState;
use app::ssr::entities::outbox;
use app::ssr::mail::{MailSettings, Mailbox};
use app::ssr::services::outbox::kind;
use app::ssr::services::InvitationService;
use lettre::address::Envelope;
use lettre::AsyncTransport;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

mod common;
use common::*;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

async fn maildev_count(api: &str) -> usize {
    let list: Vec<serde_json::Value> = reqwest::get(format!("{api}/email"))
        .await
        .expect("maildev answers")
        .json()
        .await
        .expect("a list");
    list.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: run by scripts/bench-mail.sh with maildev"]
async fn queue_and_deliver_invitations_next_to_a_plain_lettre_loop() {
    let count: usize = env_or("BENCH_COUNT", "2000").parse().unwrap();
    let smtp = env_or("BENCH_SMTP_URL", "smtp://127.0.0.1:1225");
    let maildev = env_or("BENCH_MAILDEV", "http://127.0.0.1:1280/api");
    reqwest::Client::new()
        .delete(format!("{maildev}/email/all"))
        .send()
        .await
        .expect("maildev runs");

    let app = spawn_app_with(|s| s.smtp_url = Some(smtp.clone())).await;
    let event_id = open_event_with_approved_guests(&app, count).await;
    let marketing = user_named(&app, "marketing@demo.test").await;
    let settings = MailSettings {
        from: Mailbox::new("Tandem", "events@tandem.example"),
        organizer: Mailbox::new("Tandem", "events@tandem.example"),
        public_url: "https://tandem.example".into(),
        delivers: true,
    };

    let started = Instant::now();
    let sent = InvitationService::send(&app.db, &settings, &marketing, event_id, None)
        .await
        .unwrap();
    let queued_in = started.elapsed();
    assert_eq!(sent.queued as usize, count);
    loop {
        let waiting = outbox::Entity::find()
            .filter(outbox::Column::EventId.eq(event_id))
            .filter(outbox::Column::State.ne(OutboxState::Sent))
            .count(&app.db)
            .await
            .unwrap();
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered_in = started.elapsed();

    // the same bytes, to the same server, with a plain lettre loop
    let messages = outbox::Entity::find()
        .filter(outbox::Column::EventId.eq(event_id))
        .filter(outbox::Column::Kind.eq(kind::INVITATION))
        .all(&app.db)
        .await
        .unwrap();
    let transport = server::mailer::transport(&smtp).unwrap();
    let from: lettre::Address = "events@tandem.example".parse().unwrap();
    let loop_started = Instant::now();
    for message in &messages {
        let envelope =
            Envelope::new(Some(from.clone()), vec![message.recipient.parse().unwrap()]).unwrap();
        transport
            .send_raw(&envelope, message.raw.as_bytes())
            .await
            .unwrap();
    }
    let loop_in = loop_started.elapsed();

    // and with as many at once as the worker sends (each on its own pooled connection)
    let parallel_started = Instant::now();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(server::mailer::CONCURRENCY));
    let mut sending = tokio::task::JoinSet::new();
    for message in messages.clone() {
        let slot = slots.clone().acquire_owned().await.unwrap();
        let (transport, from) = (transport.clone(), from.clone());
        sending.spawn(async move {
            let envelope =
                Envelope::new(Some(from), vec![message.recipient.parse().unwrap()]).unwrap();
            transport
                .send_raw(&envelope, message.raw.as_bytes())
                .await
                .unwrap();
            drop(slot);
        });
    }
    while let Some(done) = sending.join_next().await {
        done.unwrap();
    }
    let parallel_in = parallel_started.elapsed();

    let mut arrived = 0;
    for _ in 0..100 {
        arrived = maildev_count(&maildev).await;
        if arrived >= 3 * count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(arrived, 3 * count, "every message reached maildev");

    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    let size = messages.iter().map(|m| m.raw.len()).sum::<usize>() / count.max(1);
    println!("\nmail benchmark: {count} invitations of ~{size} bytes to {smtp}");
    println!(
        "  queue (send: {count} guests marked invited, {count} outbox rows): {:>8.0} ms ({:.0}/s)",
        queued_in.as_secs_f64() * 1000.0,
        rate(queued_in)
    );
    println!(
        "  queue + deliver through the outbox worker:                      {:>8.0} ms ({:.0}/s)",
        delivered_in.as_secs_f64() * 1000.0,
        rate(delivered_in)
    );
    println!(
        "  plain lettre loop, one at a time, same bytes, same server:      {:>8.0} ms ({:.0}/s)",
        loop_in.as_secs_f64() * 1000.0,
        rate(loop_in)
    );
    println!(
        "  plain lettre, {} at a time (the worker's concurrency):           {:>8.0} ms ({:.0}/s)",
        server::mailer::CONCURRENCY,
        parallel_in.as_secs_f64() * 1000.0,
        rate(parallel_in)
    );
    println!(
        "  outbox (queue + deliver) / plain lettre at the same concurrency: {:.0} %",
        100.0 * parallel_in.as_secs_f64() / delivered_in.as_secs_f64()
    );
    println!(
        "  outbox (queue + deliver) / plain lettre one at a time:           {:.0} %",
        100.0 * loop_in.as_secs_f64() / delivered_in.as_secs_f64()
    );
    // one machine-readable line for scripts/bench.sh
    println!(
        "BENCH_JSON {{\"count\": {count}, \"bytes\": {size}, \"queue_ms\": {:.0}, \"outbox_ms\": {:.0}, \"lettre_sequential_ms\": {:.0}, \"lettre_concurrent_ms\": {:.0}, \"concurrency\": {}}}",
        queued_in.as_secs_f64() * 1000.0,
        delivered_in.as_secs_f64() * 1000.0,
        loop_in.as_secs_f64() * 1000.0,
        parallel_in.as_secs_f64() * 1000.0,
        server::mailer::CONCURRENCY
    );
}
