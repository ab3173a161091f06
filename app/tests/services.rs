//! Service tests: every test runs on SQLite (in memory) and on PostgreSQL (a fresh database per
//! test, from TEST_DATABASE_URL; skipped with a printed reason when that is unset).
#![cfg(feature = "ssr")]

use app::domain::{EmailAddress, EventStatus, NewUser, Role};
use app::error::AppError;
use app::i18n::Lang;
use app::ssr::auth::{self, CurrentUser};
use app::ssr::entities::{activity, comment, event, user};
use app::ssr::seed;
use app::ssr::services::events::EventFilter;
use app::ssr::services::{EventService, UserService};
use chrono::Utc;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

#[macro_use]
mod common;
use common::*;
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
        assert_eq!(created.status, EventStatus::Draft);
        let seen_by_sales = shown::event_list(
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
        let detail = shown::event_detail(&db, &team.sales, created.id, Lang::En, Utc::now())
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
                EventService::update(&db, actor, created.id, 1, &changed)
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
        assert_eq!(stored.status, EventStatus::Draft);
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
        let updated = EventService::update(&db, &team.admin, created.id, 1, &changed)
            .await
            .unwrap();
        assert_eq!(updated.sequence, created.sequence + 1);
        let detail = shown::event_detail(&db, &team.sales, created.id, Lang::En, Utc::now())
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
        let updated = EventService::update(&db, &team.marketing, created.id, 1, &plan())
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
        assert_eq!(opened.status, EventStatus::Open);
        let back =
            EventService::change_status(&db, &team.marketing, created.id, EventStatus::Draft).await;
        assert!(matches!(back, Err(AppError::Conflict(_))));
        let cancelled =
            EventService::change_status(&db, &team.marketing, created.id, EventStatus::Cancelled)
                .await
                .unwrap();
        assert_eq!(cancelled.status, EventStatus::Cancelled);
        let edit_after_cancel =
            EventService::update(&db, &team.marketing, created.id, 1, &plan()).await;
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
        let detail = shown::event_detail(&db, &team.sales, created.id, Lang::En, Utc::now())
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
        use app::ssr::entities::session;
        use sea_orm::{ColumnTrait, QueryFilter};
        let team = team(&db).await;
        let sessions_of = |id: i32| {
            session::Entity::find()
                .filter(session::Column::UserId.eq(id))
                .count(&db)
        };
        let token = auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.marketing.id).await.unwrap();
        assert_eq!(sessions_of(team.sales.id).await.unwrap(), 2);
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
        // every row of theirs is gone, other users' sessions stay
        assert_eq!(sessions_of(team.sales.id).await.unwrap(), 0);
        assert_eq!(sessions_of(team.marketing.id).await.unwrap(), 1);
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
        // one user per role and two more reps
        assert_eq!(user::Entity::find().count(&db).await.unwrap(), 6);
        let events = event::Entity::find().all(&db).await.unwrap();
        let mut statuses: Vec<_> = events.iter().map(|e| e.status.as_str()).collect();
        statuses.sort();
        assert_eq!(statuses, ["closed", "closed", "draft", "open", "open"]);
        // the event under way has accepted guests waiting at the door
        let breakfast = events
            .iter()
            .find(|e| e.title == "Partner Breakfast")
            .unwrap();
        assert!(breakfast.starts_at < chrono::Utc::now() && chrono::Utc::now() < breakfast.ends_at);
        let door = app::ssr::services::DoorService::list(&db, &demo_sales(&db).await, breakfast.id)
            .await
            .unwrap();
        assert_eq!(door.counters.accepted, 6);
        assert_eq!(door.counters.checked_in, 0);
        let demo = UserService::authenticate(&db, "marketing@demo.test", seed::DEMO_PASSWORD)
            .await
            .unwrap();
        assert_eq!(demo.role, Role::Marketing);
    }
);

async fn demo_sales(db: &DatabaseConnection) -> app::ssr::auth::CurrentUser {
    UserService::authenticate(db, "sales@demo.test", seed::DEMO_PASSWORD)
        .await
        .unwrap()
}

// ---- guest list, goals, tasks ----

use app::domain::{
    Decision, GoalDraft, GoalInput, InlineContact, InlineContactInput, Nomination, NominationInput,
    NominationState, TaskDraft, TaskInput,
};
use app::ssr::entities::{contact, guest, task};
use app::ssr::services::{GuestListService, PlanService};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};

async fn add_contact(db: &DatabaseConnection, email: &str, owner: &CurrentUser) -> i32 {
    contact::ActiveModel {
        first_name: Set(email.split('@').next().unwrap().to_string()),
        last_name: Set("Customer".into()),
        email: Set(email.to_string()),
        language: Set("en".into()),
        owner_id: Set(Some(owner.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

fn because(reason: &str, priority: &str) -> Nomination {
    Nomination::parse(&NominationInput {
        reason: reason.into(),
        priority: priority.into(),
    })
    .unwrap()
}

async fn guests_of(db: &DatabaseConnection, event_id: i32) -> Vec<guest::Model> {
    guest::Entity::find()
        .filter(guest::Column::EventId.eq(event_id))
        .all(db)
        .await
        .unwrap()
}

async fn open_event_with_quota(db: &DatabaseConnection, team: &Team, seats: i64) -> i32 {
    let created = EventService::create(db, &team.marketing, &plan())
        .await
        .unwrap();
    EventService::change_status(db, &team.marketing, created.id, EventStatus::Open)
        .await
        .unwrap();
    GuestListService::set_quota(db, &team.marketing, created.id, team.sales.id, seats)
        .await
        .unwrap();
    created.id
}

on_both_databases!(
    a_rep_nominates_within_the_quota_and_the_third_is_refused,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 2).await;
        for email in ["a@customer.example", "b@customer.example"] {
            let contact_id = add_contact(&db, email, &team.sales).await;
            GuestListService::nominate(
                &db,
                &team.sales,
                event_id,
                contact_id,
                &because("Key buyer", "A"),
                Utc::now(),
            )
            .await
            .unwrap();
        }
        let third = add_contact(&db, "c@customer.example", &team.sales).await;
        let refused = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            third,
            &because("Also good", "B"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
        assert_eq!(
            refused.to_string(),
            "Your quota is full: you have used 2 of 2 seats."
        );
        assert_eq!(guests_of(&db, event_id).await.len(), 2);
    }
);

on_both_databases!(
    a_rep_without_seats_cannot_nominate,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        let refused = GuestListService::nominate(
            &db,
            &team.sales,
            created.id,
            contact_id,
            &because("Key", "A"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(refused, AppError::Conflict(m) if m.to_string().contains("no seats")));
    }
);

on_both_databases!(
    a_contact_appears_at_most_once_per_event,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 5).await;
        let other_rep = add_user(&db, "rep2@example.com", Role::Sales).await;
        GuestListService::set_quota(&db, &team.marketing, event_id, other_rep.id, 5)
            .await
            .unwrap();
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Mine", "A"),
            Utc::now(),
        )
        .await
        .unwrap();
        let twice = GuestListService::nominate(
            &db,
            &other_rep,
            event_id,
            contact_id,
            &because("Me too", "A"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert_eq!(twice.field_errors()[0].field, "contact_id");
        assert_eq!(guests_of(&db, event_id).await.len(), 1);
    }
);

on_both_databases!(
    an_unsubscribed_contact_cannot_be_nominated,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 5).await;
        let contact_id = add_contact(&db, "gone@customer.example", &team.sales).await;
        let mut gone: contact::ActiveModel = contact::Entity::find_by_id(contact_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap()
            .into();
        gone.unsubscribed_at = Set(Some(Utc::now()));
        gone.update(&db).await.unwrap();
        let refused = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Please", "A"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert!(refused.field_errors()[0]
            .message
            .to_string()
            .contains("unsubscribed"));
        assert!(guests_of(&db, event_id).await.is_empty());
    }
);

on_both_databases!(
    nominations_close_at_the_deadline_and_when_the_event_closes,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 5).await;
        let contact_id = add_contact(&db, "late@customer.example", &team.sales).await;
        // the plan's nomination deadline is 2030-02-20 12:00 Berlin
        let after_deadline = chrono::DateTime::parse_from_rfc3339("2030-02-21T00:00:00Z")
            .unwrap()
            .to_utc();
        let late = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Late", "A"),
            after_deadline,
        )
        .await
        .unwrap_err();
        assert!(matches!(late, AppError::Conflict(m) if m.to_string().contains("deadline")));
        EventService::change_status(&db, &team.marketing, event_id, EventStatus::Closed)
            .await
            .unwrap();
        let closed = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Closed", "A"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(closed, AppError::Conflict(m) if m.to_string().contains("closed")));
        assert!(guests_of(&db, event_id).await.is_empty());
    }
);

on_both_databases!(
    only_sales_reps_nominate,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 5).await;
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        for actor in [&team.marketing, &team.manager, &team.admin] {
            assert_eq!(
                GuestListService::nominate(
                    &db,
                    actor,
                    event_id,
                    contact_id,
                    &because("x", "A"),
                    Utc::now()
                )
                .await
                .unwrap_err(),
                AppError::Forbidden
            );
        }
    }
);

on_both_databases!(
    a_rep_edits_and_withdraws_only_their_own_undecided_nominations,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 1).await;
        let other_rep = add_user(&db, "rep2@example.com", Role::Sales).await;
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        let nominated = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("First", "B"),
            Utc::now(),
        )
        .await
        .unwrap();
        // another rep can neither edit nor withdraw it
        assert_eq!(
            GuestListService::update_nomination(
                &db,
                &other_rep,
                nominated.id,
                &because("Mine now", "A")
            )
            .await
            .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            GuestListService::withdraw(&db, &other_rep, nominated.id)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let edited = GuestListService::update_nomination(
            &db,
            &team.sales,
            nominated.id,
            &because("Decision maker", "A"),
        )
        .await
        .unwrap();
        assert_eq!(
            (edited.reason.as_str(), edited.priority.as_str()),
            ("Decision maker", "A")
        );
        GuestListService::decide(
            &db,
            &team.marketing,
            event_id,
            &[nominated.id],
            Decision::Approve,
            None,
        )
        .await
        .unwrap();
        assert!(matches!(
            GuestListService::update_nomination(
                &db,
                &team.sales,
                nominated.id,
                &because("Too late", "B")
            )
            .await,
            Err(AppError::Conflict(_))
        ));
        // withdrawing frees the seat for another customer
        GuestListService::withdraw(&db, &team.sales, nominated.id)
            .await
            .unwrap();
        let next = add_contact(&db, "b@customer.example", &team.sales).await;
        GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            next,
            &because("Instead", "A"),
            Utc::now(),
        )
        .await
        .unwrap();
    }
);

on_both_databases!(
    marketing_decides_in_bulk_and_the_rep_sees_each_decision_with_its_reason,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 3).await;
        let mut ids = Vec::new();
        for email in [
            "a@customer.example",
            "b@customer.example",
            "c@customer.example",
        ] {
            let contact_id = add_contact(&db, email, &team.sales).await;
            ids.push(
                GuestListService::nominate(
                    &db,
                    &team.sales,
                    event_id,
                    contact_id,
                    &because("Good fit", "A"),
                    Utc::now(),
                )
                .await
                .unwrap()
                .id,
            );
        }
        assert_eq!(
            GuestListService::decide(
                &db,
                &team.marketing,
                event_id,
                &ids[..2],
                Decision::Approve,
                None
            )
            .await
            .unwrap(),
            2
        );
        GuestListService::decide(
            &db,
            &team.marketing,
            event_id,
            &ids[2..],
            Decision::Reject,
            Some("Competitor".into()),
        )
        .await
        .unwrap();
        let list = shown::guest_list(&db, &team.marketing, event_id, Utc::now())
            .await
            .unwrap();
        assert_eq!(list.approved, 2);
        let decisions = shown::my_decisions(&db, &team.sales, Lang::En)
            .await
            .unwrap();
        assert_eq!(decisions.len(), 3);
        let rejected: Vec<_> = decisions.iter().filter(|d| d.reason.is_some()).collect();
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].reason.as_deref(), Some("Competitor"));
    }
);

on_both_databases!(
    sales_and_managers_cannot_decide_and_nothing_changes,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 3).await;
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        let g = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Good", "A"),
            Utc::now(),
        )
        .await
        .unwrap();
        for actor in [&team.sales, &team.manager] {
            assert_eq!(
                GuestListService::decide(&db, actor, event_id, &[g.id], Decision::Approve, None)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                GuestListService::set_quota(&db, actor, event_id, team.sales.id, 10)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
        }
        assert_eq!(
            guests_of(&db, event_id).await[0].state,
            NominationState::Nominated
        );
    }
);

on_both_databases!(
    a_quota_cannot_drop_below_the_seats_already_used,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 2).await;
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Good", "A"),
            Utc::now(),
        )
        .await
        .unwrap();
        let err = GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 0)
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "seats");
        let quota = GuestListService::set_quota(&db, &team.marketing, event_id, team.sales.id, 4)
            .await
            .unwrap();
        assert_eq!((quota.seats, quota.used), (4, 1));
    }
);

on_both_databases!(
    a_rep_adds_a_new_contact_inline_and_it_is_theirs,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 2).await;
        let new_contact = InlineContact::parse(&InlineContactInput {
            first_name: "Nora".into(),
            last_name: "Neu".into(),
            email: "Nora.Neu@Customer.example".into(),
            language: "de".into(),
        })
        .unwrap();
        GuestListService::nominate_new_contact(
            &db,
            &team.sales,
            event_id,
            &new_contact,
            &because("Met at fair", "B"),
            Utc::now(),
        )
        .await
        .unwrap();
        let stored = contact::Entity::find()
            .filter(contact::Column::Email.eq("nora.neu@customer.example"))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.owner_id, Some(team.sales.id));
        // the same email again is refused, and nothing new is stored
        let again = GuestListService::nominate_new_contact(
            &db,
            &team.sales,
            event_id,
            &new_contact,
            &because("Again", "B"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert_eq!(again.field_errors()[0].field, "email");
        assert_eq!(contact::Entity::find().count(&db).await.unwrap(), 1);
        assert_eq!(guests_of(&db, event_id).await.len(), 1);
    }
);

on_both_databases!(
    goal_progress_is_computed_from_the_guest_list,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let event_id = open_event_with_quota(&db, &team, 3).await;
        for (who, metric, target) in [
            (&team.marketing, "accepted_guests", "4"),
            (&team.sales, "meetings_booked", "5"),
        ] {
            let draft = GoalDraft::parse(&GoalInput {
                metric: metric.into(),
                target: target.into(),
                team: if who.role == Role::Sales {
                    "sales".into()
                } else {
                    "marketing".into()
                },
                note: String::new(),
            })
            .unwrap();
            PlanService::propose_goal(&db, who, event_id, &draft)
                .await
                .unwrap();
        }
        let contact_id = add_contact(&db, "a@customer.example", &team.sales).await;
        let g = GuestListService::nominate(
            &db,
            &team.sales,
            event_id,
            contact_id,
            &because("Good", "A"),
            Utc::now(),
        )
        .await
        .unwrap();
        // approved, invited, and the guest accepted
        let mut answered: guest::ActiveModel = g.into();
        answered.state = Set(app::domain::NominationState::Approved);
        answered.answer = Set(app::domain::Answer::Accepted);
        answered.update(&db).await.unwrap();
        let goals = PlanService::goals(&db, event_id).await.unwrap();
        let progress: Vec<_> = goals
            .iter()
            .map(|g| (g.metric.as_str(), g.value, g.target, g.percent))
            .collect();
        assert_eq!(
            progress,
            [("accepted_guests", 1, 4, 25), ("meetings_booked", 0, 5, 0)]
        );
    }
);

on_both_databases!(
    managers_review_goals_but_do_not_propose_them,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let draft = GoalDraft::parse(&GoalInput {
            metric: "attendees".into(),
            target: "20".into(),
            team: "marketing".into(),
            note: String::new(),
        })
        .unwrap();
        assert_eq!(
            PlanService::propose_goal(&db, &team.manager, created.id, &draft)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
    }
);

on_both_databases!(
    a_task_lands_on_its_owners_home_page_and_only_they_or_marketing_tick_it_off,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let draft = TaskDraft::parse(&TaskInput {
            title: "Call the venue".into(),
            owner_id: team.sales.id.to_string(),
            team: "sales".into(),
            due_on: "2020-01-01".into(),
        })
        .unwrap();
        let added = PlanService::add_task(&db, &team.marketing, created.id, &draft)
            .await
            .unwrap();
        let mine = PlanService::my_open_tasks(&db, &team.sales).await.unwrap();
        assert_eq!(mine.len(), 1);
        assert!(mine[0].overdue, "a past due date is overdue");
        assert_eq!(
            PlanService::set_task_done(&db, &team.manager, added.id, true)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        PlanService::set_task_done(&db, &team.sales, added.id, true)
            .await
            .unwrap();
        assert!(PlanService::my_open_tasks(&db, &team.sales)
            .await
            .unwrap()
            .is_empty());
        assert!(
            task::Entity::find_by_id(added.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .done
        );
        assert_eq!(
            PlanService::add_task(&db, &team.manager, created.id, &draft)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
    }
);

on_both_databases!(
    a_refused_inline_nomination_leaves_no_new_contact_behind,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let created = EventService::create(&db, &team.marketing, &plan())
            .await
            .unwrap();
        let new_contact = InlineContact::parse(&InlineContactInput {
            first_name: "Nora".into(),
            last_name: "Neu".into(),
            email: "nora@customer.example".into(),
            language: "en".into(),
        })
        .unwrap();
        // the rep has no seats on this event
        let refused = GuestListService::nominate_new_contact(
            &db,
            &team.sales,
            created.id,
            &new_contact,
            &because("Met at fair", "B"),
            Utc::now(),
        )
        .await
        .unwrap_err();
        assert!(matches!(refused, AppError::Conflict(_)));
        assert_eq!(contact::Entity::find().count(&db).await.unwrap(), 0);
        assert!(guests_of(&db, created.id).await.is_empty());
    }
);
