//! The mail worker: claims due messages from the outbox and delivers their stored bytes over SMTP.
//! Started with the server when `SMTP_URL` is set; on shutdown it finishes the message in flight
//! and stops. Transient failures are tried again with back-off, permanent ones (5xx) fail at once
//! (`OutboxService::record`).
use std::time::Duration;

use app::ssr::services::outbox::{Delivery, OutboxService};
use chrono::Utc;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How many messages one claim takes.
const BATCH: u64 = 20;
/// How long the worker rests when nothing is due.
const IDLE: Duration = Duration::from_millis(500);

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// An SMTP transport from `smtp://host:port` (plain, as maildev), `smtp://…?tls=required`
/// (STARTTLS) or `smtps://user:password@host` (TLS), as lettre reads such URLs.
pub fn transport(url: &str) -> Result<Transport, lettre::transport::smtp::Error> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
        .timeout(Some(Duration::from_secs(30)))
        .build())
}

/// Starts the worker; it runs until `stop` turns true, finishing the message it is sending.
pub fn spawn(
    db: DatabaseConnection,
    transport: Transport,
    sender: String,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if *stop.borrow() {
                break;
            }
            let claimed = match OutboxService::claim_due(&db, Utc::now(), BATCH).await {
                Ok(claimed) => claimed,
                Err(err) => {
                    tracing::warn!(error = %err, "claiming mail failed");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                tokio::select! {
                    _ = tokio::time::sleep(IDLE) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            for message in claimed {
                if *stop.borrow() {
                    // not sent: its lease runs out and the next start (or instance) sends it
                    break;
                }
                let delivery = deliver(&transport, &sender, &message).await;
                let now = Utc::now();
                match OutboxService::record(&db, &message, delivery.clone(), now).await {
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
        }
        tracing::info!("mail worker stopped");
    })
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
