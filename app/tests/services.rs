//! Service tests: every test runs on SQLite (in memory) and on PostgreSQL (a fresh database per
//! test, from TEST_DATABASE_URL; skipped with a printed reason when that is unset).
#![cfg(feature = "ssr")]

use app::domain::{EmailAddress, EventInput, EventStatus, NewUser, Role};
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::{self, CurrentUser};
use app::ssr::db;
use app::ssr::entities::{activity, comment, event, user};
use app::ssr::seed;
use app::ssr::services::events::EventFilter;
use app::ssr::services::{EventService, UserService};
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait};

async fn sqlite() -> DatabaseConnection {
    let conn = db::connect("sqlite::memory:").await.expect("sqlite");
    db::migrate(&conn).await.expect("migrate");
    conn
}

/// A fresh PostgreSQL database for one test, or `None` when no server is configured.
async fn postgres() -> Option<(DatabaseConnection, String)> {
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

async fn drop_postgres(conn: DatabaseConnection, name: String) {
    conn.close().await.ok();
    let url = std::env::var("TEST_DATABASE_URL").unwrap();
    if let Ok(admin) = db::connect(&url).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        admin.close().await.ok();
    }
}

fn uuid_like() -> String {
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

async fn add_user(db: &DatabaseConnection, email: &str, role: Role) -> CurrentUser {
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

struct Team {
    admin: CurrentUser,
    marketing: CurrentUser,
    sales: CurrentUser,
    manager: CurrentUser,
}

async fn team(db: &DatabaseConnection) -> Team {
    Team {
        admin: add_user(db, "admin@example.com", Role::Admin).await,
        marketing: add_user(db, "marketing@example.com", Role::Marketing).await,
        sales: add_user(db, "sales@example.com", Role::Sales).await,
        manager: add_user(db, "manager@example.com", Role::Manager).await,
    }
}

fn plan() -> EventInput {
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

async fn event_count(db: &DatabaseConnection) -> u64 {
    event::Entity::find().count(db).await.unwrap()
}

on_both_databases!(
    marketing_drafts_an_event_that_every_sales_rep_sees_at_once,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        assert_eq!(created.status, "draft");
        let seen_by_sales = EventService::list(
            &db,
            &team.sales,
            EventFilter::Upcoming,
            Lang::En,
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(seen_by_sales.len(), 1);
        assert_eq!(seen_by_sales[0].status, EventStatus::Draft);
        assert_eq!(seen_by_sales[0].when, "Sun 10 Mar 2030, 18:00 CET");
        let detail = EventService::detail(&db, &team.sales, created.id, Lang::En, Utc::now())
            .await
            .unwrap();
        assert!(!detail.can_edit, "sales must not be offered editing");
        assert!(detail.next_states.is_empty());
        assert_eq!(
            detail.brief_html,
            "<p>Bring <strong>customers</strong></p>\n"
        );
    }
);

on_both_databases!(
    the_event_keeps_local_time_and_zone_and_stores_utc,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        assert_eq!(created.time_zone, "Europe/Berlin");
        assert_eq!(created.starts_at.to_rfc3339(), "2030-03-10T17:00:00+00:00");
    }
);

on_both_databases!(
    sales_and_managers_cannot_create_edit_or_move_events,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        for actor in [&team.sales, &team.manager] {
            assert_eq!(
                EventService::create(&db, actor, &plan()).await.unwrap_err(),
                AppError::Forbidden
            );
            let mut changed = plan();
            changed.title = "Hijacked".into();
            assert_eq!(
                EventService::update(&db, actor, created.id, &changed)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                EventService::change_status(&db, actor, created.id, EventStatus::Open)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
        }
        let stored = EventService::find(&db, created.id).await.unwrap();
        assert_eq!(stored.title, "Customer evening");
        assert_eq!(stored.status, "draft");
        assert_eq!(event_count(&db).await, 1);
    }
);

on_both_databases!(
    an_invalid_plan_names_the_field_and_stores_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let mut bad = plan();
        bad.ends_at = "2030-03-10T17:00".into();
        let err = EventService::create(&db, &team.marketing, &bad)
            .await
            .unwrap_err();
        let fields: Vec<_> = err.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["ends_at"]);
        assert_eq!(event_count(&db).await, 0);
        assert_eq!(activity::Entity::find().count(&db).await.unwrap(), 0);
    }
);

on_both_databases!(
    editing_logs_each_changed_field_and_a_new_time_raises_the_sequence,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let mut changed = plan();
        changed.title = "Customer evening 2030".into();
        changed.starts_at = "2030-03-10T19:00".into();
        let updated = EventService::update(&db, &team.admin, created.id, &changed)
            .await
            .unwrap();
        assert_eq!(updated.sequence, created.sequence + 1);
        let detail = EventService::detail(&db, &team.sales, created.id, Lang::En, Utc::now())
            .await
            .unwrap();
        let changes: Vec<_> = detail
            .activity
            .iter()
            .filter(|a| a.action == "updated")
            .map(|a| {
                (
                    a.field.clone().unwrap(),
                    a.new_value.clone().unwrap(),
                    a.user_name.clone(),
                )
            })
            .collect();
        assert_eq!(changes.len(), 2);
        assert!(changes.contains(&(
            "title".into(),
            "Customer evening 2030".into(),
            "admin".into()
        )));
        assert!(changes.contains(&(
            "starts_at".into(),
            "2030-03-10T19:00".into(),
            "admin".into()
        )));
        assert_eq!(detail.activity.last().unwrap().action, "created");
    }
);

on_both_databases!(
    saving_an_unchanged_plan_logs_nothing_and_keeps_the_sequence,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let updated = EventService::update(&db, &team.marketing, created.id, &plan())
            .await
            .unwrap();
        assert_eq!(updated.sequence, created.sequence);
        assert_eq!(activity::Entity::find().count(&db).await.unwrap(), 1);
    }
);

on_both_databases!(
    the_status_follows_draft_open_closed_or_cancelled,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let closed_too_early =
            EventService::change_status(&db, &team.marketing, created.id, EventStatus::Closed)
                .await;
        assert!(matches!(closed_too_early, Err(AppError::Conflict(_))));
        let opened =
            EventService::change_status(&db, &team.marketing, created.id, EventStatus::Open)
                .await
                .unwrap();
        assert_eq!(opened.status, "open");
        let back =
            EventService::change_status(&db, &team.marketing, created.id, EventStatus::Draft).await;
        assert!(matches!(back, Err(AppError::Conflict(_))));
        let cancelled =
            EventService::change_status(&db, &team.marketing, created.id, EventStatus::Cancelled)
                .await
                .unwrap();
        assert_eq!(cancelled.status, "cancelled");
        let edit_after_cancel =
            EventService::update(&db, &team.marketing, created.id, &plan()).await;
        assert!(matches!(edit_after_cancel, Err(AppError::Conflict(_))));
    }
);

on_both_databases!(
    every_role_comments_and_the_thread_reads_newest_last,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        for (actor, text) in [
            (&team.sales, "I can bring two CFOs"),
            (&team.manager, "Great, keep me posted"),
            (&team.marketing, "Noted!"),
        ] {
            EventService::add_comment(&db, actor, created.id, text)
                .await
                .unwrap();
        }
        let detail = EventService::detail(&db, &team.sales, created.id, Lang::En, Utc::now())
            .await
            .unwrap();
        let thread: Vec<_> = detail
            .comments
            .iter()
            .map(|c| (c.author_name.as_str(), c.body.as_str()))
            .collect();
        assert_eq!(
            thread,
            [
                ("sales", "I can bring two CFOs"),
                ("manager", "Great, keep me posted"),
                ("marketing", "Noted!")
            ]
        );
    }
);

on_both_databases!(
    an_empty_comment_or_one_on_a_missing_event_is_refused,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let err = EventService::add_comment(&db, &team.sales, created.id, "   ")
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "body");
        assert_eq!(
            EventService::add_comment(&db, &team.sales, created.id + 100, "hi")
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        assert_eq!(comment::Entity::find().count(&db).await.unwrap(), 0);
    }
);

on_both_databases!(
    unknown_email_and_wrong_password_get_the_same_answer,
    |db: DatabaseConnection| async move {
        team(&db).await;
        let unknown = UserService::authenticate(&db, "nobody@example.com", "correct horse battery")
            .await
            .unwrap_err();
        let wrong = UserService::authenticate(&db, "sales@example.com", "wrong password!")
            .await
            .unwrap_err();
        assert_eq!(unknown, wrong);
        let ok = UserService::authenticate(&db, "SALES@example.com", "correct horse battery")
            .await
            .unwrap();
        assert_eq!(ok.role, Role::Sales);
    }
);

on_both_databases!(
    emails_are_unique_whatever_their_case,
    |db: DatabaseConnection| async move {
        team(&db).await;
        let err = UserService::create(
            &db,
            NewUser {
                email: EmailAddress::parse("Sales@Example.com").unwrap(),
                name: "Twin".into(),
                role: Role::Sales,
                password: "another password".into(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "email");
    }
);

on_both_databases!(
    a_deactivated_user_loses_their_sessions_and_cannot_sign_in,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let token = auth::start_session(&db, team.sales.id).await.unwrap();
        assert_eq!(
            auth::user_for_session(&db, &token)
                .await
                .unwrap()
                .unwrap()
                .id,
            team.sales.id
        );
        UserService::set_active(&db, &team.admin, team.sales.id, false)
            .await
            .unwrap();
        assert!(auth::user_for_session(&db, &token).await.unwrap().is_none());
        assert!(
            UserService::authenticate(&db, "sales@example.com", "correct horse battery")
                .await
                .is_err()
        );
    }
);

on_both_databases!(
    only_admins_manage_users_and_never_themselves,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        for actor in [&team.marketing, &team.sales, &team.manager] {
            assert_eq!(
                UserService::list(&db, actor).await.unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                UserService::set_role(&db, actor, team.sales.id, Role::Admin)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
        }
        assert!(matches!(
            UserService::set_active(&db, &team.admin, team.admin.id, false).await,
            Err(AppError::Conflict(_))
        ));
        let promoted = UserService::set_role(&db, &team.admin, team.sales.id, Role::Marketing)
            .await
            .unwrap();
        assert_eq!(promoted.role, Role::Marketing);
        let stored = user::Entity::find_by_id(team.sales.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.role, "marketing");
    }
);

on_both_databases!(
    logging_out_ends_the_session_on_the_server,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let token = auth::start_session(&db, team.manager.id).await.unwrap();
        auth::end_session(&db, &token).await.unwrap();
        assert!(auth::user_for_session(&db, &token).await.unwrap().is_none());
    }
);

on_both_databases!(
    demo_data_is_seeded_once_into_a_new_database,
    |db: DatabaseConnection| async move {
        assert!(seed::seed_if_empty(&db).await.unwrap());
        assert!(!seed::seed_if_empty(&db).await.unwrap());
        assert_eq!(user::Entity::find().count(&db).await.unwrap(), 4);
        let events = event::Entity::find().all(&db).await.unwrap();
        let mut statuses: Vec<_> = events.iter().map(|e| e.status.as_str()).collect();
        statuses.sort();
        assert_eq!(statuses, ["draft", "open"]);
        let demo = UserService::authenticate(&db, "marketing@demo.test", seed::DEMO_PASSWORD)
            .await
            .unwrap();
        assert_eq!(demo.role, Role::Marketing);
    }
);
