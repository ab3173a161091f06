//! Shared by the service tests: a migrated database on SQLite and on PostgreSQL, the team of four
//! roles, and a valid event plan.
#![allow(dead_code, unused_macros)] // each test file uses a different part

use app::domain::{
    Answer, EmailAddress, EventInput, EventStatus, InvitationState, NewUser, NominationState,
    Priority, Role,
};
use app::ssr::auth::CurrentUser;
use app::ssr::db;
use app::ssr::entities::{contact, event, guest, outbox};
use app::ssr::mail::{MailSettings, Mailbox};
use app::ssr::services::{EventService, UserService};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};

pub async fn sqlite() -> DatabaseConnection {
    let conn = db::connect("sqlite::memory:").await.expect("sqlite");
    db::migrate(&conn).await.expect("migrate");
    conn
}

/// A migrated SQLite database in a file, with the pool of connections the server uses: what a
/// race needs (`sqlite::memory:` has one connection, so it cannot show one).
pub async fn sqlite_file() -> (DatabaseConnection, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("race.db").display());
    let conn = db::connect_migrated(&url).await.expect("sqlite file");
    (conn, dir)
}

/// A fresh PostgreSQL database for one test, or `None` when no server is configured.
pub async fn postgres() -> Option<(DatabaseConnection, String)> {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipped on PostgreSQL: TEST_DATABASE_URL is not set");
        return None;
    };
    let name = format!("tandem_test_{}", uuid_like());
    let admin = db::connect(&url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    admin.close().await.ok();
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let conn = db::connect(&format!("{base}/{name}"))
        .await
        .expect("connect test db");
    db::migrate(&conn).await.expect("migrate");
    Some((conn, name))
}

/// The address of the test database `name` made by `postgres()`, for a second pool of connections.
pub fn postgres_url(name: &str) -> String {
    let url = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    format!("{base}/{name}")
}

pub async fn drop_postgres(conn: DatabaseConnection, name: String) {
    conn.close().await.ok();
    let url = std::env::var("TEST_DATABASE_URL").unwrap();
    if let Ok(admin) = db::connect(&url).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        admin.close().await.ok();
    }
}

pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Runs one test body on both backends.
macro_rules! on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test]
            async fn on_sqlite() {
                let conn = sqlite().await;
                ($body)(conn).await;
            }

            #[tokio::test]
            async fn on_postgres() {
                if let Some((conn, name)) = postgres().await {
                    ($body)(conn.clone()).await;
                    drop_postgres(conn, name).await;
                }
            }
        }
    };
}

/// Runs one race on a file-backed SQLite database and on PostgreSQL, on a multi-threaded runtime
/// so that the requests really run at once.
macro_rules! race_on_both_databases {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_sqlite_file() {
                let (conn, _dir) = sqlite_file().await;
                ($body)(conn).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn on_postgres() {
                if let Some((conn, name)) = postgres().await {
                    ($body)(conn.clone()).await;
                    drop_postgres(conn, name).await;
                }
            }
        }
    };
}

pub async fn add_user(db: &DatabaseConnection, email: &str, role: Role) -> CurrentUser {
    let dto = UserService::create(
        db,
        NewUser {
            email: EmailAddress::parse(email).unwrap(),
            name: email.split('@').next().unwrap().to_string(),
            role,
            password: "correct horse battery".into(),
        },
    )
    .await
    .unwrap();
    CurrentUser {
        id: dto.id,
        name: dto.name,
        email: dto.email,
        role,
    }
}

pub struct Team {
    pub admin: CurrentUser,
    pub marketing: CurrentUser,
    pub sales: CurrentUser,
    pub manager: CurrentUser,
}

pub async fn team(db: &DatabaseConnection) -> Team {
    Team {
        admin: add_user(db, "admin@example.com", Role::Admin).await,
        marketing: add_user(db, "marketing@example.com", Role::Marketing).await,
        sales: add_user(db, "sales@example.com", Role::Sales).await,
        manager: add_user(db, "manager@example.com", Role::Manager).await,
    }
}

pub fn plan() -> EventInput {
    EventInput {
        title: "Customer evening".into(),
        kind: "on_site".into(),
        brief: "Bring **customers**".into(),
        agenda: "18:00 Welcome".into(),
        venue_name: "Alte Halle".into(),
        venue_address: "Hauptstr. 1".into(),
        join_url: "".into(),
        starts_at: "2030-03-10T18:00".into(),
        ends_at: "2030-03-10T22:00".into(),
        time_zone: "Europe/Berlin".into(),
        capacity: "40".into(),
        nomination_deadline: "2030-02-20T12:00".into(),
        rsvp_deadline: "2030-03-01T12:00".into(),
        language: "en".into(),
    }
}

/// What pages show: a service's answer passed through the presentation layer, as the server
/// functions do.
pub mod shown {
    use app::api::dto::{
        AccountList, ContactDetail, ContactFormDto, ContactList, DecisionRow, EventDetail,
        EventSummary, GuestListDto,
    };
    use app::domain::{AccountQuery, ContactQuery};
    use app::error::AppError;
    use app::i18n::Lang;
    use app::ssr::auth::CurrentUser;
    use app::ssr::present;
    use app::ssr::services::events::EventFilter;
    use app::ssr::services::{AccountService, ContactService, EventService, GuestListService};
    use chrono::{DateTime, Utc};
    use sea_orm::DatabaseConnection;

    pub async fn event_list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        filter: EventFilter,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<Vec<EventSummary>, AppError> {
        let listing = EventService::list(db, actor, filter, now).await?;
        Ok(present::event_summaries(&listing, actor, lang, now))
    }

    pub async fn event_detail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        lang: Lang,
        now: DateTime<Utc>,
    ) -> Result<EventDetail, AppError> {
        let record = EventService::record(db, id).await?;
        Ok(present::event_detail(&record, actor, lang, now))
    }

    pub async fn guest_list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        event_id: i32,
        now: DateTime<Utc>,
    ) -> Result<GuestListDto, AppError> {
        let filter = Default::default();
        let record = GuestListService::record(db, actor, event_id, &filter).await?;
        Ok(present::guest_list(
            app::i18n::Lang::En,
            &record,
            actor,
            now,
            &filter,
        ))
    }

    pub async fn my_decisions(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        lang: Lang,
    ) -> Result<Vec<DecisionRow>, AppError> {
        let record = GuestListService::my_decisions(db, actor).await?;
        Ok(present::my_decisions(&record, lang))
    }

    pub async fn contact_list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        query: &ContactQuery,
    ) -> Result<ContactList, AppError> {
        let listing = ContactService::list(db, query).await?;
        Ok(present::contact_list(&listing, actor))
    }

    pub async fn contact_detail(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
        lang: Lang,
    ) -> Result<ContactDetail, AppError> {
        let record = ContactService::record(db, id).await?;
        Ok(present::contact_detail(&record, actor, lang))
    }

    pub async fn contact_form(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        id: i32,
    ) -> Result<ContactFormDto, AppError> {
        let contact = ContactService::editable(db, actor, id).await?;
        Ok(present::contact_form(&contact))
    }

    pub async fn account_list(
        db: &DatabaseConnection,
        actor: &CurrentUser,
        query: &AccountQuery,
    ) -> Result<AccountList, AppError> {
        let listing = AccountService::list(db, query).await?;
        Ok(present::account_list(&listing, actor))
    }
}

/// The mail settings of the invitation tests.
pub fn settings() -> MailSettings {
    MailSettings {
        from: Mailbox::new("Tandem Events", "events@tandem.example"),
        organizer: Mailbox::new("Tandem Events", "events@tandem.example"),
        public_url: "https://tandem.example".into(),
        delivers: true,
    }
}

/// An open event with `capacity` seats.
pub async fn open_event(db: &DatabaseConnection, team: &Team, capacity: i32) -> i32 {
    let created = EventService::create(db, &team.marketing, &plan())
        .await
        .unwrap();
    EventService::change_status(db, &team.marketing, created.id, EventStatus::Open)
        .await
        .unwrap();
    let mut active = event::Entity::find_by_id(created.id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    active.capacity = Set(capacity);
    active.update(db).await.unwrap();
    created.id
}

/// A contact on the event's guest list, nominated by `rep`, in `state`.
pub async fn guest_in(
    db: &DatabaseConnection,
    event_id: i32,
    rep: &CurrentUser,
    email: &str,
    state: NominationState,
    unsubscribed: bool,
) -> i32 {
    let now = Utc::now();
    let person = contact::ActiveModel {
        first_name: Set(email.split('@').next().unwrap().to_string()),
        last_name: Set("O'Brien; \"Jr.\"".into()),
        email: Set(email.to_string()),
        language: Set("de".into()),
        owner_id: Set(Some(rep.id)),
        unsubscribed_at: Set(unsubscribed.then_some(now)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    guest::ActiveModel {
        event_id: Set(event_id),
        contact_id: Set(person.id),
        nominated_by: Set(rep.id),
        reason: Set("Key buyer".into()),
        priority: Set(Priority::A),
        personal_note: Set(String::new()),
        state: Set(state),
        invitation: Set(InvitationState::NotSent),
        answer: Set(Answer::None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

/// The personal RSVP token in a guest's invitation (it is stored nowhere else).
pub async fn token_of(db: &DatabaseConnection, guest_id: i32) -> String {
    let mail = outbox::Entity::find()
        .filter(outbox::Column::GuestId.eq(guest_id))
        .filter(outbox::Column::Kind.eq("invitation"))
        .one(db)
        .await
        .unwrap()
        .expect("an invitation in the outbox");
    let at = mail.text_body.find("/rsvp/").expect("an RSVP link") + "/rsvp/".len();
    mail.text_body[at..at + 64].to_string()
}
