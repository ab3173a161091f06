//! The mail worker: claims due messages from the outbox and delivers their stored bytes over SMTP.
//! Started with the server when `SMTP_URL` is set; delivers up to `CONCURRENCY` messages at once;
//! on shutdown it finishes the messages in flight and stops. Transient
//! failures are tried again with back-off, permanent ones (5xx) fail at once
//! (`OutboxService::record`).
use std::time::Duration;

use app::ssr::services::outbox::{Delivery, OutboxService};
use chrono::Utc;
use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// How many messages are on their way at once, each on its own pooled SMTP connection. One at a
/// time, lettre 0.11.23 waits ~40 ms per message for the server's delayed ACK (it writes the
/// final `.` separately and does not set TCP_NODELAY, lettre#1159); parallel connections hide
/// that and any server's per-message latency.
pub const CONCURRENCY: usize = 8;
/// How long the worker rests when nothing is due.
const IDLE: Duration = Duration::from_millis(500);

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// An SMTP transport from `smtp://host:port` (plain, as maildev), `smtp://…?tls=required`
/// (STARTTLS) or `smtps://user:password@host` (TLS), as lettre reads such URLs; its pool holds a
/// connection per concurrent delivery.
pub fn transport(url: &str) -> Result<Transport, lettre::transport::smtp::Error> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
        .timeout(Some(Duration::from_secs(30)))
        .pool_config(PoolConfig::new().max_size(CONCURRENCY as u32))
        .build())
}

/// Starts the worker; it runs until `stop` turns true, then finishes the messages it is sending.
/// It claims only as many messages as it has free slots, so every claimed message starts at once,
/// well within its lease, and a new one starts as soon as one finishes.
pub fn spawn(
    db: DatabaseConnection,
    transport: Transport,
    sender: String,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut sending = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            let free = CONCURRENCY - sending.len();
            if free == 0 {
                sending.join_next().await;
                continue;
            }
            let claimed = match OutboxService::claim_due(&db, Utc::now(), free as u64).await {
                Ok(claimed) => claimed,
                Err(err) => {
                    tracing::warn!(error = %err, "claiming mail failed");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                if sending.is_empty() {
                    tokio::select! {
                        _ = tokio::time::sleep(IDLE) => {}
                        _ = stop.changed() => {}
                    }
                } else {
                    tokio::select! {
                        _ = sending.join_next() => {}
                        _ = tokio::time::sleep(IDLE) => {}
                        _ = stop.changed() => {}
                    }
                }
                continue;
            }
            for message in claimed {
                let (db, transport, sender) = (db.clone(), transport.clone(), sender.clone());
                sending.spawn(async move {
                    let delivery = deliver(&transport, &sender, &message).await;
                    record(&db, &message, delivery).await;
                });
            }
        }
        // the messages on their way are finished before the worker stops
        while sending.join_next().await.is_some() {}
        tracing::info!("mail worker stopped");
    })
}

async fn record(
    db: &DatabaseConnection,
    message: &app::ssr::entities::outbox::Model,
    delivery: Delivery,
) {
    match OutboxService::record(db, message, delivery.clone(), Utc::now()).await {
        Ok(state) => tracing::info!(
            outbox_id = message.id,
            state = state.as_str(),
            "mail {}",
            match delivery {
                Delivery::Sent => "delivered".to_string(),
                Delivery::Transient(e) | Delivery::Permanent(e) => e,
            }
        ),
        Err(err) => {
            tracing::warn!(outbox_id = message.id, error = %err, "recording a delivery failed")
        }
    }
}

async fn deliver(
    transport: &Transport,
    sender: &str,
    message: &app::ssr::entities::outbox::Model,
) -> Delivery {
    let envelope = match (sender.parse(), message.recipient.parse()) {
        (Ok(from), Ok(to)) => match Envelope::new(Some(from), vec![to]) {
            Ok(envelope) => envelope,
            Err(err) => return Delivery::Permanent(err.to_string()),
        },
        _ => return Delivery::Permanent(format!("not an address: {}", message.recipient)),
    };
    match transport.send_raw(&envelope, message.raw.as_bytes()).await {
        Ok(_) => Delivery::Sent,
        Err(err) if err.is_permanent() => Delivery::Permanent(err.to_string()),
        Err(err) => Delivery::Transient(err.to_string()),
    }
}
