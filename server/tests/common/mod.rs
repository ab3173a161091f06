//! Shared by the HTTP tests: the real server on port 0 with a fresh SQLite database and demo data,
//! and clients that sign in as a demo user.
#![allow(dead_code)] // each test file uses a different part

pub mod smtp;

use reqwest::{header, redirect, Client};
use server::{Application, Settings};

pub struct TestApp {
    pub base: String,
    pub db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        site_root: dir.path().display().to_string(),
        seed_demo: true,
        public_url: None,
        // tests pose as different clients with X-Forwarded-For
        trusted_proxies: vec!["127.0.0.1".into()],
        smtp_url: None,
        mail_from: server::DEFAULT_MAIL_FROM.into(),
        mail_organizer: None,
        calendar_update_delay: server::DEFAULT_CALENDAR_UPDATE_DELAY,
        page_cache_seconds: server::page_cache::DEFAULT_TTL.as_secs(),
    };
    let app = Application::build(settings).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.db.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        db,
        _dir: dir,
    }
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn post(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::ORIGIN, &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn signed_in(&self, email: &str) -> Client {
        let client = client();
        let res = self
            .post(
                &client,
                "login",
                &[("email", email), ("password", "demo-password")],
            )
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "login {}",
            res.status()
        );
        client
    }
}

/// `spawn_app` with changed settings (public URL, trusted proxies, …).
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        site_root: dir.path().display().to_string(),
        seed_demo: true,
        public_url: None,
        trusted_proxies: vec!["127.0.0.1".into()],
        smtp_url: None,
        mail_from: server::DEFAULT_MAIL_FROM.into(),
        mail_organizer: None,
        calendar_update_delay: server::DEFAULT_CALENDAR_UPDATE_DELAY,
        page_cache_seconds: server::page_cache::DEFAULT_TTL.as_secs(),
    };
    change(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.db.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        db,
        _dir: dir,
    }
}

/// A server function's error body in the words the English UI shows: one "field: message" line per
/// field for validation errors, the message itself otherwise (the wire carries message codes).
#[allow(dead_code)]
pub fn worded(body: &str) -> String {
    use app::error::AppError;
    match serde_json::from_str::<AppError>(body) {
        Ok(AppError::Validation(errors)) | Ok(AppError::Retype { errors, .. }) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("\n"),
        Ok(other) => other.to_string(),
        Err(_) => body.to_string(),
    }
}

/// A signed-in user's `CurrentUser`, for calling services directly.
pub async fn user_named(app: &TestApp, email: &str) -> app::ssr::auth::CurrentUser {
    use app::ssr::entities::user;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let model = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    app::ssr::auth::CurrentUser::from_model(&model).unwrap()
}

/// An open event with `n` approved guests of Sam Sales, not yet invited (contacts
/// `guest-{i}@customer.example`, half of them German); returns the event's id.
pub async fn open_event_with_approved_guests(app: &TestApp, n: usize) -> i32 {
    use app::domain::{Answer, EventStatus, InvitationState, NominationState, Priority};
    use app::ssr::entities::{contact, guest};
    use app::ssr::services::EventService;
    use sea_orm::{EntityTrait, Set};
    let marketing = user_named(app, "marketing@demo.test").await;
    let sales = user_named(app, "sales@demo.test").await;
    let plan = app::domain::EventInput {
        title: "Customer Day, \"Spring\"; 2030 🎉".into(),
        kind: "on_site".into(),
        venue_name: "Hall 7".into(),
        venue_address: "Main Street 1, Berlin".into(),
        starts_at: "2030-05-04T18:00".into(),
        ends_at: "2030-05-04T21:00".into(),
        time_zone: "Europe/Berlin".into(),
        capacity: (n as i32 + 10).to_string(),
        language: "en".into(),
        ..Default::default()
    };
    let created = EventService::create(&app.db, &marketing, &plan)
        .await
        .unwrap();
    EventService::change_status(&app.db, &marketing, created.id, EventStatus::Open)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let contacts: Vec<contact::ActiveModel> = (0..n)
        .map(|i| contact::ActiveModel {
            first_name: Set(format!("Guest {i}")),
            last_name: Set("Example".into()),
            email: Set(format!("guest-{i}-{}@customer.example", created.id)),
            language: Set(if i % 2 == 0 { "en" } else { "de" }.into()),
            owner_id: Set(Some(sales.id)),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in contacts.chunks(200) {
        contact::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    let made = {
        use sea_orm::{ColumnTrait, QueryFilter};
        contact::Entity::find()
            .filter(contact::Column::Email.like(format!("%-{}@customer.example", created.id)))
            .all(&app.db)
            .await
            .unwrap()
    };
    let guests: Vec<guest::ActiveModel> = made
        .iter()
        .map(|c| guest::ActiveModel {
            event_id: Set(created.id),
            contact_id: Set(c.id),
            nominated_by: Set(sales.id),
            reason: Set("Key buyer".into()),
            priority: Set(Priority::A),
            personal_note: Set("Looking forward to seeing you!\nSam".into()),
            state: Set(NominationState::Approved),
            invitation: Set(InvitationState::NotSent),
            answer: Set(Answer::None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in guests.chunks(200) {
        guest::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    created.id
}

/// Polls `check` every 100 ms until it holds, for at most `seconds`; panics with `what` if not.
pub async fn wait_until<F, Fut>(seconds: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < until {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("waited {seconds} s for: {what}");
}

/// Reads an iCalendar text with Python's vobject (strict, `validate=True`) and icalendar and
/// returns what they saw; `None` (with a note) when python3 or the modules are missing.
pub fn python_ics(ics: &str) -> Option<serde_json::Value> {
    const SCRIPT: &str = r#"
import json, sys
try:
    import vobject, icalendar
except ImportError as e:
    print(f"missing: {e}"); sys.exit(77)
raw = sys.stdin.buffer.read().decode("utf-8")
strict = vobject.readOne(raw, validate=True)
cal = icalendar.Calendar.from_ical(raw)
ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
print(json.dumps({
    "method": str(cal.get("METHOD")),
    "uid": str(ev.get("UID")),
    "sequence": int(ev.get("SEQUENCE", 0)),
    "summary": str(ev.get("SUMMARY")),
    "organizer": str(ev.get("ORGANIZER")) if ev.get("ORGANIZER") else None,
    "attendees": 0 if ev.get("ATTENDEE") is None else (len(ev.get("ATTENDEE")) if isinstance(ev.get("ATTENDEE"), list) else 1),
    "status": str(ev.get("STATUS")) if ev.get("STATUS") else None,
    "dtstamp": ev.decoded("DTSTAMP").isoformat(),
    "vobject_summary": strict.vevent.summary.value,
}))
"#;
    use std::io::Write;
    let child = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("NOTE: python3 not found: the independent calendar check is skipped");
        return None;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(ics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.code() == Some(77) {
        eprintln!(
            "NOTE: {}: the independent calendar check is skipped",
            String::from_utf8_lossy(&out.stdout).trim()
        );
        return None;
    }
    assert!(
        out.status.success(),
        "vobject or icalendar refused the calendar:\n{}\n{ics}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Every SQL statement the server ran while `recording` was on.
#[derive(Clone, Default)]
pub struct QueryLog {
    recording: std::sync::Arc<std::sync::atomic::AtomicBool>,
    statements: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl QueryLog {
    /// Runs the request `send` makes and returns the statements the server ran for it: the log
    /// starts once the server has been quiet for a moment (work left over from earlier requests
    /// has finished) and ends once it is quiet again after the answer (work the page started in
    /// the background counts too). A page whose render hung was rendered again
    /// (`server::render_retry`), and the hung render's statements would count on top of the
    /// answer's; then the request is made once more, up to three times.
    pub async fn during<F, Fut>(&self, send: F) -> (Fut::Output, Vec<String>)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future,
    {
        use std::sync::atomic::Ordering;
        let mut tries = 0;
        loop {
            tries += 1;
            self.recording.store(true, Ordering::SeqCst);
            self.quiet().await;
            self.statements.lock().unwrap().clear();
            let hung_before = server::render_retry::hung_renders();
            let output = send().await;
            self.quiet().await;
            self.recording.store(false, Ordering::SeqCst);
            let statements = std::mem::take(&mut *self.statements.lock().unwrap());
            if server::render_retry::hung_renders() == hung_before || tries == 3 {
                return (output, statements);
            }
            eprintln!("a render hung and was rendered again while the statements were counted; counting again");
        }
    }
}

impl QueryLog {
    /// Waits until no statement has been logged for 300 ms.
    async fn quiet(&self) {
        let mut seen = usize::MAX;
        loop {
            let now = self.statements.lock().unwrap().len();
            if now == seen {
                return;
            }
            seen = now;
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    }
}

/// The real router on a fresh SQLite file with demo data, whose database connection logs every
/// statement into a `QueryLog`. No scheduler, housekeeping or mail worker runs, so what the log
/// holds is what the requests did. Pages are always rendered here (what a render asks is what
/// these tests count); see `spawn_counted_app_keeping_pages`.
pub async fn spawn_counted_app() -> (TestApp, QueryLog) {
    spawn_counted_app_with(0).await
}

/// `spawn_counted_app` with the page cache on, as `tandem serve` has it.
pub async fn spawn_counted_app_keeping_pages() -> (TestApp, QueryLog) {
    spawn_counted_app_with(server::page_cache::DEFAULT_TTL.as_secs()).await
}

async fn spawn_counted_app_with(page_cache_seconds: u64) -> (TestApp, QueryLog) {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        site_root: dir.path().display().to_string(),
        seed_demo: true,
        public_url: None,
        trusted_proxies: vec!["127.0.0.1".into()],
        smtp_url: None,
        mail_from: server::DEFAULT_MAIL_FROM.into(),
        mail_organizer: None,
        calendar_update_delay: server::DEFAULT_CALENDAR_UPDATE_DELAY,
        page_cache_seconds,
    };
    let (mut db, commits) = app::ssr::db::connect_migrated_counting(&settings.database_url)
        .await
        .unwrap();
    app::ssr::seed::seed_if_empty(&db).await.unwrap();
    let log = QueryLog::default();
    {
        let log = log.clone();
        db.set_metric_callback(move |info| {
            if log.recording.load(Ordering::SeqCst) {
                log.statements
                    .lock()
                    .unwrap()
                    .push(info.statement.sql.clone());
            }
        });
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let policy = server::security::SecurityPolicy {
        trusted_proxies: server::security::TrustedProxies::parse(&settings.trusted_proxies)
            .unwrap(),
        hsts: false,
        limits: Arc::new(server::security::RateLimits::default()),
    };
    let mail = Arc::new(server::mail_settings(&settings, addr).unwrap());
    let router = server::router(
        &settings,
        db.clone(),
        addr,
        Arc::new(app::ssr::throttle::LoginThrottle::default()),
        policy,
        mail,
        server::PagesKept::for_settings(&settings, commits),
    );
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let app = TestApp {
        base: format!("http://{addr}"),
        db,
        _dir: dir,
    };
    (app, log)
}

/// An open event with one approved, invited guest (German, a title that needs escaping); returns
/// the guest's id and personal token.
pub async fn invited_guest(app: &TestApp) -> (i32, String) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
    let marketing = user_named(app, "marketing@demo.test").await;
    let sales = user_named(app, "sales@demo.test").await;
    let mut plan = app::domain::EventInput {
        title: "Kundenabend <Spezial>".into(),
        kind: "online".into(),
        join_url: "https://meet.example/abend".into(),
        starts_at: "2030-05-04T18:00".into(),
        ends_at: "2030-05-04T21:00".into(),
        time_zone: "Europe/Berlin".into(),
        capacity: "20".into(),
        language: "de".into(),
        ..Default::default()
    };
    plan.brief = String::new();
    let created = app::ssr::services::EventService::create(&app.db, &marketing, &plan)
        .await
        .unwrap();
    app::ssr::services::EventService::change_status(
        &app.db,
        &marketing,
        created.id,
        app::domain::EventStatus::Open,
    )
    .await
    .unwrap();
    let now = chrono::Utc::now();
    let person = app::ssr::entities::contact::ActiveModel {
        first_name: sea_orm::Set("Jürgen".into()),
        last_name: sea_orm::Set("Müller".into()),
        email: sea_orm::Set("juergen@customer.example".into()),
        language: sea_orm::Set("de".into()),
        owner_id: sea_orm::Set(Some(sales.id)),
        created_at: sea_orm::Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let invited = app::ssr::entities::guest::ActiveModel {
        event_id: sea_orm::Set(created.id),
        contact_id: sea_orm::Set(person.id),
        nominated_by: sea_orm::Set(sales.id),
        reason: sea_orm::Set("Key buyer".into()),
        priority: sea_orm::Set(app::domain::Priority::A),
        personal_note: sea_orm::Set("Ich freue mich auf Sie!".into()),
        state: sea_orm::Set(app::domain::NominationState::Approved),
        invitation: sea_orm::Set(app::domain::InvitationState::NotSent),
        answer: sea_orm::Set(app::domain::Answer::None),
        created_at: sea_orm::Set(now),
        updated_at: sea_orm::Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let settings = app::ssr::mail::MailSettings {
        from: app::ssr::mail::Mailbox::new("Tandem", "events@tandem.example"),
        organizer: app::ssr::mail::Mailbox::new("Tandem", "events@tandem.example"),
        public_url: app.base.clone(),
        delivers: true,
    };
    app::ssr::services::InvitationService::send(&app.db, &settings, &marketing, created.id, None)
        .await
        .unwrap();
    let mail = app::ssr::entities::outbox::Entity::find()
        .filter(app::ssr::entities::outbox::Column::GuestId.eq(invited.id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let at = mail.text_body.find("/rsvp/").unwrap() + "/rsvp/".len();
    (invited.id, mail.text_body[at..at + 64].to_string())
}
