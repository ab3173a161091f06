//! The `tandem` server: settings, the axum router around the Leptos app, and start-up.
#![recursion_limit = "256"]
use std::net::SocketAddr;
use std::sync::Arc;

use app::domain::{AccountQuery, ContactQuery};
use app::error::AppError;
use app::ssr::auth::{purge_expired_sessions, user_for_session, CurrentUser, SESSION_COOKIE};
use app::ssr::services::{reports, AccountService, ContactService, ReportService};
use app::ssr::{db, seed, state::AppState, throttle::LoginThrottle};
use app::{shell, App};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use security::{SecurityPolicy, TrustedProxies};

pub mod assets;
pub mod cli;
pub mod door;
pub mod mailer;
pub mod page_cache;
pub mod public;
pub mod render_retry;

pub mod security;

/// Everything `tandem serve` needs; filled from flags and environment by `cli`.
#[derive(Clone)]
pub struct Settings {
    pub addr: String,
    pub database_url: String,
    pub site_root: String,
    pub seed_demo: bool,
    /// The public origin (e.g. `https://tandem.example.com`) when behind a proxy. Also accepted as
    /// request origin; `https` turns on `Secure` cookies.
    pub public_url: Option<String>,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<String>,
    /// Where mail is delivered (`smtp://host:port`, `smtps://user:pass@host`, …); without it
    /// messages stay queued in the outbox.
    pub smtp_url: Option<String>,
    /// The organisation's sender, `Name <address>` or an address.
    pub mail_from: String,
    /// The calendar invite's ORGANIZER (receives guests' calendar replies); the sender if unset.
    pub mail_organizer: Option<String>,
    /// Seconds after the first change of an event's time or place before guests get the update;
    /// later changes within that time go into the same update.
    pub calendar_update_delay: u64,
    /// Seconds a guest's RSVP page and an event's page are served as rendered while nothing was
    /// written (`page_cache`; SQLite only); 0: always rendered.
    pub page_cache_seconds: u64,
}

/// Five minutes: long enough for a few corrections, short enough for guests to hear soon.
pub const DEFAULT_CALENDAR_UPDATE_DELAY: u64 = 300;

/// The sender when none is configured (RFC 2606 reserves `.example`).
pub const DEFAULT_MAIL_FROM: &str = "Tandem <events@tandem.example>";

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the database URL may carry a password
        f.debug_struct("Settings")
            .field("addr", &self.addr)
            .field("database_url", &redact(&self.database_url))
            .field("site_root", &self.site_root)
            .field("seed_demo", &self.seed_demo)
            .field("public_url", &self.public_url)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact))
            .field("mail_from", &self.mail_from)
            .field("calendar_update_delay", &self.calendar_update_delay)
            .field("page_cache_seconds", &self.page_cache_seconds)
            .finish()
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_string(),
    }
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub db: DatabaseConnection,
    pub seeded: bool,
    /// the mail worker and the switch that stops it, when SMTP is configured
    mail_worker: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
}

/// The sender, organiser and link origin for mail, from the settings.
pub fn mail_settings(
    settings: &Settings,
    addr: SocketAddr,
) -> Result<app::ssr::mail::MailSettings, String> {
    use app::ssr::mail::Mailbox;
    let parse = |value: &str, what: &str| {
        value
            .parse::<lettre::message::Mailbox>()
            .map(|m| Mailbox::new(m.name.unwrap_or_default(), m.email.to_string()))
            .map_err(|e| format!("{what} ({value}) is not a mail address: {e}"))
    };
    let from = parse(&settings.mail_from, "MAIL_FROM")?;
    let organizer = match &settings.mail_organizer {
        Some(value) => parse(value, "MAIL_ORGANIZER")?,
        None => from.clone(),
    };
    Ok(app::ssr::mail::MailSettings {
        from,
        organizer,
        public_url: settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        delivers: settings.smtp_url.is_some(),
    })
}

impl Application {
    /// Connects, migrates, seeds (when asked and the database is new) and binds the port.
    pub async fn build(settings: Settings) -> Result<Application, Box<dyn std::error::Error>> {
        let (db, commits) = db::connect_migrated_counting(&settings.database_url).await?;
        let seeded = if settings.seed_demo {
            seed::seed_if_empty(&db)
                .await
                .map_err(|e| format!("seeding demo data failed: {e}"))?
        } else {
            false
        };
        let trusted_proxies = TrustedProxies::parse(&settings.trusted_proxies)?;
        let listener = TcpListener::bind(&settings.addr).await?;
        let addr = listener.local_addr()?;
        let throttle = Arc::new(LoginThrottle::default());
        let limits = Arc::new(security::RateLimits::default());
        spawn_housekeeping(db.clone(), throttle.clone(), limits.clone());
        let policy = SecurityPolicy {
            trusted_proxies,
            hsts: is_https(&settings),
            limits,
        };
        let mail = Arc::new(mail_settings(&settings, addr)?);
        let mail_worker = match &settings.smtp_url {
            Some(url) => {
                let transport =
                    mailer::transport(url).map_err(|e| format!("SMTP_URL cannot be used: {e}"))?;
                let (stop, stopped) = tokio::sync::watch::channel(false);
                let handle = mailer::spawn(db.clone(), transport, mail.from.email.clone(), stopped);
                tracing::info!("mail worker started");
                Some((stop, handle))
            }
            None => {
                tracing::info!("no SMTP_URL: mail stays queued in the outbox");
                None
            }
        };
        spawn_scheduler(
            db.clone(),
            mail.clone(),
            std::time::Duration::from_secs(settings.calendar_update_delay),
        );
        let pages = PagesKept::for_settings(&settings, commits);
        let router = router(&settings, db.clone(), addr, throttle, policy, mail, pages);
        Ok(Application {
            listener,
            router,
            db,
            seeded,
            mail_worker,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await?;
        if let Some((stop, worker)) = self.mail_worker {
            // the worker finishes the message it is sending, then stops
            let _ = stop.send(true);
            let _ = worker.await;
        }
        self.db.close().await.ok();
        Ok(())
    }
}

/// Sends what is due (calendar updates, reminders, nudges, digests) from state kept in the database, so restarts and several
/// instances neither lose nor double anything. Runs every `delay` / 10, between 1 s and 15 s.
fn spawn_scheduler(
    db: DatabaseConnection,
    mail: Arc<app::ssr::mail::MailSettings>,
    delay: std::time::Duration,
) {
    let every = (delay / 10).clamp(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(15),
    );
    let delay = chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(5));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(err) =
                app::ssr::services::UpdateService::send_due(&db, &mail, chrono::Utc::now(), delay)
                    .await
            {
                tracing::warn!(error = %err, "sending calendar updates failed");
            }
            if let Err(err) =
                app::ssr::services::ReminderService::send_due(&db, &mail, chrono::Utc::now()).await
            {
                tracing::warn!(error = %err, "sending reminders failed");
            }
        }
    });
}

/// How often expired sessions and idle throttle entries are purged.
pub const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Purges expired and idle sessions (at start, then every `HOUSEKEEPING_EVERY`) and forgets
/// throttle and rate-limit entries whose window has passed.
fn spawn_housekeeping(
    db: DatabaseConnection,
    throttle: Arc<LoginThrottle>,
    limits: Arc<security::RateLimits>,
) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            every.tick().await;
            match purge_expired_sessions(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "purged expired sessions"),
                Err(err) => tracing::warn!(error = %err, "purging sessions failed"),
            }
            throttle.purge();
            limits.purge();
        }
    });
}

fn is_https(settings: &Settings) -> bool {
    settings
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
    door::stop_live_streams();
}

#[derive(Clone)]
struct OriginPolicy {
    public_origin: Option<String>,
}

pub fn router(
    settings: &Settings,
    db: DatabaseConnection,
    addr: SocketAddr,
    throttle: Arc<LoginThrottle>,
    security_policy: SecurityPolicy,
    mail: Arc<app::ssr::mail::MailSettings>,
    kept: PagesKept,
) -> Router {
    let hashed = assets::hashed_build(&settings.site_root);
    let leptos_options = LeptosOptions::builder()
        .output_name("tandem")
        .site_root(settings.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hashed)
        .build();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db,
        throttle,
        secure_cookies: is_https(settings),
        mail,
        door_script: assets::door_script(&settings.site_root),
    };
    let policy = OriginPolicy {
        public_origin: settings
            .public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string()),
    };
    let routes = generate_route_list(App);
    let pages: Router = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    security::provide_request_nonce();
                    app::ssr::auth::provide_session_cache();
                    app::ssr::services::page_reads::provide_page_reads();
                }
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    security::provide_request_nonce();
                    app::ssr::auth::provide_session_cache();
                }
            },
            shell,
        ))
        .with_state(state.clone());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/{*fn_name}", post(server_fn_handler))
        .route("/contacts/export.csv", get(export_contacts))
        .route("/accounts/export.csv", get(export_accounts))
        .route("/events/{id}/report/{file}", get(export_event_report))
        .route("/reports/{file}", get(export_manager_report))
        .route("/rsvp/{token}/video", get(open_video))
        .route("/rsvp/{token}/calendar.ics", get(guest_calendar))
        .route("/events/{id}/calendar.ics", get(event_calendar))
        .route("/feeds/{file}", get(calendar_feed))
        .route("/outbox/{id}/view", get(view_mail))
        .route("/events/{id}/door/list", get(door::list))
        .route("/events/{id}/door/live", get(door::live))
        .route("/events/{id}/door/ops", post(door::operate))
        // the browser's files: precompressed, cached for a year when their names carry a hash
        .nest_service("/pkg", assets::pkg_service(&settings.site_root, hashed))
        // RFC 8058 one-click unsubscribe; the page for people is the guest route of the same path
        .route(
            "/unsubscribe/{token}",
            post(public::one_click_unsubscribe)
                .fallback_service(render_retry::with_render_retry(pages.clone())),
        )
        // the pages (and files), with a hung render rendered again (`render_retry`), the two
        // busiest kept for a few seconds while nothing is written (`page_cache`)
        .fallback_service(page_cache::with_page_cache(
            render_retry::with_render_retry(pages),
            kept.0,
        ))
        .layer(middleware::from_fn_with_state(policy, origin_check))
        .layer(middleware::from_fn(security::server_fn_errors))
        // server functions read their body within axum's limit (leptos_axum's
        // `into_limited_body`), here the import's; `body_limit` holds every other path to a
        // small one
        .layer(DefaultBodyLimit::max(security::MAX_IMPORT_BODY_BYTES))
        .layer(middleware::from_fn(security::body_limit))
        .layer(middleware::from_fn_with_state(
            security_policy.clone(),
            security::rate_limit,
        ))
        .layer(middleware::from_fn_with_state(
            security_policy,
            security::security_headers,
        ))
        // pages, server-function answers, scripts and styles travel gzipped when the client
        // accepts it; the WebAssembly is left alone here (compressing megabytes on every load
        // costs more than it saves on this machine's 2 cores)
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new().and(NotForContentType::new("application/wasm")),
            ),
        )
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The page cache of a router (`page_cache`), or none.
#[derive(Clone, Default)]
pub struct PagesKept(Option<Arc<page_cache::PageCache>>);

impl PagesKept {
    /// Pages kept for `page_cache_seconds` where the database counts its commits (a SQLite
    /// file, `db::connect_counting`); on PostgreSQL other instances' writes would go unseen.
    pub fn for_settings(settings: &Settings, commits: Option<db::Commits>) -> Self {
        let ttl = std::time::Duration::from_secs(settings.page_cache_seconds);
        PagesKept(
            commits
                .filter(|_| !ttl.is_zero())
                .map(|commits| Arc::new(page_cache::PageCache::new(ttl, commits))),
        )
    }
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> Response {
    let response = handle_server_fns_with_context(
        move || {
            provide_context(state.clone());
            security::provide_request_nonce();
            app::ssr::auth::provide_session_cache();
        },
        req,
    )
    .await;
    response.into_response()
}

/// The signed-in user of a plain axum request (the session cookie), if any.
async fn session_user(state: &AppState, headers: &axum::http::HeaderMap) -> Option<CurrentUser> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())?;
    user_for_session(&state.db, &token).await.ok().flatten()
}

fn csv_response(name: &str, result: Result<String, AppError>) -> Response {
    match result {
        Ok(body) => (
            [
                (
                    header::CONTENT_TYPE,
                    "text/csv; charset=utf-8; header=present".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(err) => (err.status(), err.to_string()).into_response(),
    }
}

/// `GET /contacts/export.csv?<the list's query>`: the filtered contacts, for signed-in users.
/// `GET /rsvp/{token}/video`: records that the guest opened the rep's video, then sends them to
/// the address the rep stored — and nowhere else. Unknown tokens or no video: the guest 404.
async fn open_video(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Response {
    match app::ssr::services::InvitationService::open_video(&state.db, &token).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn calendar_response(
    result: Result<app::ssr::services::calendars::CalendarFile, AppError>,
) -> Response {
    match result {
        Ok(file) => (
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", file.file_name),
                ),
                (header::CACHE_CONTROL, "private, no-cache".to_string()),
            ],
            file.ics,
        )
            .into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /events/{id}/calendar.ics`: the event as a calendar file, for signed-in users.
async fn event_calendar(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i32>,
) -> Response {
    let Some(user) = session_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    calendar_response(
        app::ssr::services::CalendarService::event_file(&state.db, &state.mail, &user, id).await,
    )
}

/// `GET /feeds/{token}.ics`: a user's calendar feed, for calendar clients (no session). Clients
/// poll it: it answers `ETag` and `Last-Modified` and honours `If-None-Match` (before
/// `If-Modified-Since`, as RFC 9110 §13.2.2 orders) with `304 Not Modified`.
async fn calendar_feed(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let Some(token) = file.strip_suffix(".ics") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let feed = match app::ssr::services::CalendarService::feed(
        &state.db,
        &state.mail,
        token,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(feed) => feed,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let last_modified = feed
        .last_modified
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let not_modified = match headers.get(header::IF_NONE_MATCH) {
        Some(value) => value.to_str().is_ok_and(|tags| {
            tags.split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.trim_start_matches("W/") == feed.etag)
        }),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .is_some_and(|since| feed.last_modified.timestamp() <= since.timestamp()),
    };
    let common = [
        (header::ETAG, feed.etag.clone()),
        (header::LAST_MODIFIED, last_modified),
        (header::CACHE_CONTROL, "private, no-cache".to_string()),
    ];
    if not_modified {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(
            header::CONTENT_TYPE,
            "text/calendar; charset=utf-8".to_string(),
        )],
        feed.ics,
    )
        .into_response()
}

/// `GET /rsvp/{token}/calendar.ics`: the guest's own calendar file; unknown links: 404.
async fn guest_calendar(
    State(state): State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Response {
    calendar_response(
        app::ssr::services::CalendarService::guest_file(&state.db, &state.mail, &token).await,
    )
}

/// `GET /outbox/{id}/view`: an email's HTML as the guest sees it, for marketing and admins. The
/// page may not run scripts or load anything (`sandbox`, `default-src 'none'`); mail styles are
/// inline.
async fn view_mail(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Path(id): axum::extract::Path<i32>,
) -> Response {
    let Some(user) = session_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    match app::ssr::services::OutboxService::find(&state.db, &user, id).await {
        Ok(mail) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            mail.html_body,
        )
            .into_response(),
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn export_contacts(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(query): Query<ContactQuery>,
) -> Response {
    let Some(user) = session_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let result = ContactService::export_csv(&state.db, &user, &query).await;
    csv_response("contacts.csv", result)
}

/// `GET /accounts/export.csv?<the list's query>`: the filtered accounts, for signed-in users.
async fn export_accounts(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Query(query): Query<AccountQuery>,
) -> Response {
    let Some(user) = session_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let result = AccountService::export_csv(&state.db, &user, &query).await;
    csv_response("accounts.csv", result)
}

/// `GET /events/{id}/report/{table}.csv`: a table of the event report (`funnel`, `reps`,
/// `goals`, `accounts`), for signed-in users.
async fn export_event_report(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Path((id, file)): axum::extract::Path<(i32, String)>,
) -> Response {
    let Some(user) = session_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Some(table) = file.strip_suffix(".csv") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let result = async {
        let report = ReportService::event(&state.db, &user, id, chrono::Utc::now()).await?;
        reports::event_csv(&report, table)
    }
    .await;
    csv_response(&format!("event-{id}-{table}.csv"), result)
}

#[derive(serde::Deserialize)]
struct ReportRange {
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
}

/// `GET /reports/{table}.csv?from=&to=`: a table of the manager report (`leaderboard`, `trend`,
/// `events`, `teams`) for the same range as the page, for signed-in users.
async fn export_manager_report(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Path(file): axum::extract::Path<String>,
    Query(range): Query<ReportRange>,
) -> Response {
    let Some(user) = session_user(&state, &headers).await else {
        return Redirect::to("/login").into_response();
    };
    let Some(table) = file.strip_suffix(".csv") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = chrono::Utc::now();
    let (default_from, default_to) = reports::default_range(now.date_naive());
    let from = range.from.unwrap_or(default_from);
    let to = range.to.unwrap_or(default_to);
    let result = async {
        let report = ReportService::manager(&state.db, &user, from, to, now).await?;
        reports::manager_csv(&report, table)
    }
    .await;
    csv_response(&format!("report-{from}-{to}-{table}.csv"), result)
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if db::is_healthy(&state.db).await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// `scheme://host[:port]` → `host[:port]`; a Referer's path is dropped.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Refuses state-changing requests whose Origin (or Referer) is not this site. Server functions
/// have no CSRF protection of their own, and SameSite=Lax does not cover every case. The only
/// exceptions are the endpoints a standard requires to accept cross-site POSTs (`public.rs`).
async fn origin_check(State(policy): State<OriginPolicy>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || public::accepts_cross_site(req.method(), req.uri().path())
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .filter(|v| *v != "null");
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let allowed = match claimed {
        Some(origin) => {
            let same_host = host.is_some() && authority_of(origin) == host;
            let public = policy.public_origin.as_deref().is_some_and(|p| {
                origin.trim_end_matches('/') == p || origin.starts_with(&format!("{p}/"))
            });
            same_host || public
        }
        None => false,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(origin = ?claimed, "refused cross-site request");
        (
            StatusCode::FORBIDDEN,
            "Cross-site request refused: the Origin header does not match this site.",
        )
            .into_response()
    }
}

pub fn init_tracing(json: bool) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    if json {
        let _ = fmt().with_env_filter(filter).json().try_init();
    } else {
        let _ = fmt().with_env_filter(filter).try_init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_is_taken_from_origin_and_referer() {
        assert_eq!(
            authority_of("http://127.0.0.1:3000"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(
            authority_of("https://a.example/events/1"),
            Some("a.example")
        );
        assert_eq!(authority_of("garbage"), None);
    }

    #[test]
    fn database_passwords_are_redacted_in_debug_output() {
        assert_eq!(
            redact("postgres://user:secret@db:5432/tandem"),
            "postgres://***@db:5432/tandem"
        );
        assert_eq!(redact("sqlite://tandem.db"), "sqlite://tandem.db");
    }
}
