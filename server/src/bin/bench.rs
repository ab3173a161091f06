//! `tandem-bench`: what `scripts/bench.sh` needs besides the server and wrk.
//!
//! - `fixture`: an open event with N approved guests, invited (their invitations queued), and one
//!   personal link per guest written to a file (the RSVP page and the RSVP POST are loaded with
//!   them);
//! - `bare`: a bare axum handler that answers every GET with the bytes of a file, the limit each
//!   page and asset is compared with;
//! - `insert`: raw sqlx single-row inserts into a table of their own in the same database, from
//!   N concurrent tasks, the limit the RSVP POST is compared with;
//! - `bare-insert`: a bare axum handler that takes the same form post as the RSVP answer, makes
//!   one such insert and redirects like the server does: the same limit, reached through the
//!   same HTTP path as the answer (wrk drives both), which the in-process `insert` leaves out.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::{Answer, EventStatus, InvitationState, NominationState, Priority};
use app::ssr::entities::{contact, guest, user};
use app::ssr::services::{invitations::mint_token, EventService, InvitationService, PlanService};
use app::ssr::{auth::CurrentUser, db};
use axum::http::{header, HeaderValue};
use clap::{Parser, Subcommand};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

#[derive(Parser)]
#[command(about = "Benchmark helpers for scripts/bench.sh")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Adds an open event with `guests` invited guests; prints its id, writes one personal link
    /// token per line to `tokens`.
    Fixture {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 2000)]
        guests: usize,
        #[arg(long)]
        tokens: String,
    },
    /// Answers every GET with `body`'s bytes and the given headers.
    Bare {
        #[arg(long)]
        addr: String,
        #[arg(long)]
        body: String,
        #[arg(long)]
        content_type: String,
        #[arg(long)]
        content_encoding: Option<String>,
    },
    /// Answers every POST with one raw insert and a redirect to the post's Referer.
    BareInsert {
        #[arg(long)]
        addr: String,
        #[arg(long)]
        database_url: String,
    },
    /// Inserts single rows for `seconds` from `connections` tasks; prints rows per second.
    Insert {
        #[arg(long)]
        database_url: String,
        #[arg(long, default_value_t = 50)]
        connections: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match Cli::parse().command {
        Command::Fixture {
            database_url,
            guests,
            tokens,
        } => fixture(&database_url, guests, &tokens).await,
        Command::Bare {
            addr,
            body,
            content_type,
            content_encoding,
        } => bare(&addr, &body, &content_type, content_encoding.as_deref()).await,
        Command::BareInsert { addr, database_url } => bare_insert(&addr, &database_url).await,
        Command::Insert {
            database_url,
            connections,
            seconds,
        } => insert(&database_url, connections, seconds).await,
    }
}

async fn user_named(
    db: &sea_orm::DatabaseConnection,
    email: &str,
) -> Result<CurrentUser, Box<dyn std::error::Error>> {
    let model = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or_else(|| format!("{email} is missing: start the server with --seed-demo first"))?;
    CurrentUser::from_model(&model).ok_or_else(|| "inactive user".into())
}

async fn fixture(url: &str, n: usize, tokens_file: &str) -> Result<(), Box<dyn std::error::Error>> {
    let db = db::connect(url).await?;
    db::migrate(&db).await?;
    let marketing = user_named(&db, "marketing@demo.test").await?;
    let sales = user_named(&db, "sales@demo.test").await?;
    let plan = app::domain::EventInput {
        title: format!("Benchmark Summit ({n} guests)"),
        kind: "on_site".into(),
        venue_name: "Hall 7".into(),
        venue_address: "Main Street 1, Berlin".into(),
        starts_at: "2031-05-04T18:00".into(),
        ends_at: "2031-05-04T21:00".into(),
        time_zone: "Europe/Berlin".into(),
        capacity: (2 * n).to_string(),
        language: "en".into(),
        ..Default::default()
    };
    let event = EventService::create(&db, &marketing, &plan).await?;
    EventService::change_status(&db, &marketing, event.id, EventStatus::Open).await?;
    let now = chrono::Utc::now();
    let tag = format!("bench{}", event.id);
    let people: Vec<contact::ActiveModel> = (0..n)
        .map(|i| contact::ActiveModel {
            first_name: Set(format!("Guest {i}")),
            last_name: Set("Benchmark".into()),
            email: Set(format!("guest-{i}@{tag}.example")),
            language: Set(if i % 2 == 0 { "en" } else { "de" }.into()),
            owner_id: Set(Some(sales.id)),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in people.chunks(200) {
        contact::Entity::insert_many(chunk.to_vec())
            .exec(&db)
            .await?;
    }
    let made = contact::Entity::find()
        .filter(contact::Column::Email.like(format!("%@{tag}.example")))
        .all(&db)
        .await?;
    let rows: Vec<guest::ActiveModel> = made
        .iter()
        .map(|c| guest::ActiveModel {
            event_id: Set(event.id),
            contact_id: Set(c.id),
            nominated_by: Set(sales.id),
            reason: Set("Key buyer".into()),
            priority: Set(Priority::A),
            personal_note: Set("Looking forward to seeing you!".into()),
            state: Set(NominationState::Approved),
            invitation: Set(InvitationState::NotSent),
            answer: Set(Answer::None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        guest::Entity::insert_many(chunk.to_vec()).exec(&db).await?;
    }
    // a planned event has goals, and the event page counts every guest for their progress
    for (who, metric, target, team) in [
        (&marketing, "accepted_guests", n * 3 / 4, "marketing"),
        (&sales, "meetings_booked", n / 10, "sales"),
    ] {
        let draft = app::domain::GoalDraft::parse(&app::domain::GoalInput {
            metric: metric.into(),
            target: target.to_string(),
            team: team.into(),
            note: String::new(),
        })
        .map_err(|errors| format!("the benchmark's goal was refused: {errors:?}"))?;
        PlanService::propose_goal(&db, who, event.id, &draft).await?;
    }
    let settings = server::Settings {
        addr: "127.0.0.1:3000".into(),
        database_url: url.into(),
        site_root: "target/site".into(),
        seed_demo: false,
        public_url: None,
        trusted_proxies: vec![],
        smtp_url: None,
        mail_from: server::DEFAULT_MAIL_FROM.into(),
        mail_organizer: None,
        calendar_update_delay: server::DEFAULT_CALENDAR_UPDATE_DELAY,
        page_cache_seconds: server::page_cache::DEFAULT_TTL.as_secs(),
    };
    let mail = server::mail_settings(&settings, "127.0.0.1:3000".parse()?)?;
    let sent = InvitationService::send(&db, &mail, &marketing, event.id, None).await?;
    let invited = guest::Entity::find()
        .filter(guest::Column::EventId.eq(event.id))
        .all(&db)
        .await?;
    let mut lines = String::new();
    for g in &invited {
        lines.push_str(&mint_token(&db, g.id, now).await?);
        lines.push('\n');
    }
    std::fs::write(tokens_file, lines)?;
    eprintln!(
        "event {} with {} guests, {} invitations queued, {} links in {tokens_file}",
        event.id,
        invited.len(),
        sent.queued,
        invited.len()
    );
    println!("{}", event.id);
    Ok(())
}

async fn bare(
    addr: &str,
    body: &str,
    content_type: &str,
    encoding: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = axum::body::Bytes::from(std::fs::read(body)?);
    let content_type = HeaderValue::from_str(content_type)?;
    let encoding = encoding.map(HeaderValue::from_str).transpose()?;
    let handler = move || {
        let (bytes, content_type, encoding) =
            (bytes.clone(), content_type.clone(), encoding.clone());
        async move {
            let mut response = axum::response::Response::new(axum::body::Body::from(bytes));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type);
            if let Some(encoding) = encoding {
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, encoding);
            }
            response
        }
    };
    let router = axum::Router::new().fallback(axum::routing::get(handler));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router).await?;
    Ok(())
}

/// The table the raw inserts go to, made if missing.
async fn insert_table(
    db: &sea_orm::DatabaseConnection,
    sqlite: bool,
) -> Result<(), sea_orm::DbErr> {
    let create = if sqlite {
        "CREATE TABLE IF NOT EXISTS bench_answers (id INTEGER PRIMARY KEY AUTOINCREMENT, guest_id INTEGER NOT NULL, answer TEXT NOT NULL, at TEXT NOT NULL)"
    } else {
        "CREATE TABLE IF NOT EXISTS bench_answers (id SERIAL PRIMARY KEY, guest_id INTEGER NOT NULL, answer TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)"
    };
    db.execute_unprepared(create).await?;
    Ok(())
}

/// One raw sqlx single-row insert (autocommit), straight on the pool.
async fn insert_one(
    db: &sea_orm::DatabaseConnection,
    sqlite: bool,
    guest_id: i32,
    answer: &str,
) -> Result<(), sea_orm::sqlx::Error> {
    if sqlite {
        sea_orm::sqlx::query("INSERT INTO bench_answers (guest_id, answer, at) VALUES (?, ?, ?)")
            .bind(guest_id)
            .bind(answer)
            .bind(chrono::Utc::now().to_rfc3339())
            .execute(db.get_sqlite_connection_pool())
            .await
            .map(|_| ())
    } else {
        sea_orm::sqlx::query("INSERT INTO bench_answers (guest_id, answer, at) VALUES ($1, $2, $3)")
            .bind(guest_id)
            .bind(answer)
            .bind(chrono::Utc::now())
            .execute(db.get_postgres_connection_pool())
            .await
            .map(|_| ())
    }
}

async fn bare_insert(addr: &str, url: &str) -> Result<(), Box<dyn std::error::Error>> {
    // the same connection settings as the server (`db::connect`)
    let db = db::connect(url).await?;
    let sqlite = url.starts_with("sqlite:");
    insert_table(&db, sqlite).await?;
    // each post's row is numbered like the in-process inserts' (what it holds does not matter)
    let posts = Arc::new(std::sync::atomic::AtomicI32::new(0));
    let handler = move |headers: axum::http::HeaderMap,
                        axum::Form(form): axum::Form<Vec<(String, String)>>| {
        let db = db.clone();
        let guest_id = posts.fetch_add(1, Ordering::Relaxed);
        async move {
            let field = |name: &str| {
                form.iter()
                    .find(|(key, _)| key == name)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default()
            };
            let status = match insert_one(&db, sqlite, guest_id, &field("answer")).await {
                Ok(()) => axum::http::StatusCode::SEE_OTHER,
                Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            };
            let back = headers
                .get(header::REFERER)
                .cloned()
                .unwrap_or(HeaderValue::from_static("/"));
            (status, [(header::LOCATION, back)])
        }
    };
    let router = axum::Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .fallback(axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router).await?;
    Ok(())
}

async fn insert(
    url: &str,
    connections: usize,
    seconds: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    // the same connection settings as the server (`db::connect`): WAL, busy timeout, pool size
    let db = db::connect(url).await?;
    let sqlite = url.starts_with("sqlite:");
    insert_table(&db, sqlite).await?;
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let (done, failed, db) = (done.clone(), failed.clone(), db.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0i64;
            while Instant::now() < until {
                i += 1;
                let result = insert_one(
                    &db,
                    sqlite,
                    (worker as i64 * 1_000_000 + i) as i32,
                    "accepted",
                )
                .await;
                match result {
                    Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                    Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rows = done.load(Ordering::Relaxed);
    db.execute_unprepared("DROP TABLE bench_answers").await?;
    println!(
        "{{\"rows\": {rows}, \"failed\": {}, \"seconds\": {elapsed:.2}, \"per_second\": {:.0}}}",
        failed.load(Ordering::Relaxed),
        rows as f64 / elapsed
    );
    Ok(())
}
