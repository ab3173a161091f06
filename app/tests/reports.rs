//! The reports and the follow-ups, read from the demo data (whose figures are written down in
//! `app/src/ssr/seed/story.rs`): the event report, the manager report, follow-up lists, outcomes
//! that feed the goals, who may record them, and two saves of one outcome at once.
use app::domain::{GoalMetric, OutcomeDraft, OutcomeInput, OutcomeKind, Role};
use app::error::AppError;
use app::ssr::auth::CurrentUser;
use app::ssr::entities::{event, outcome, user};
use app::ssr::seed::seed_if_empty;
use app::ssr::services::follow_ups::{FollowUpScope, FollowUpService};
use app::ssr::services::{reports, PlanService, ReportService};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

#[macro_use]
mod common;
use common::*;

async fn demo_user(db: &DatabaseConnection, email: &str) -> CurrentUser {
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    CurrentUser {
        id: u.id,
        name: u.name,
        email: u.email,
        role: Role::parse(&u.role).unwrap(),
    }
}

async fn event_titled(db: &DatabaseConnection, title: &str) -> event::Model {
    event::Entity::find()
        .filter(event::Column::Title.eq(title))
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

fn meeting() -> OutcomeDraft {
    OutcomeDraft::parse(&OutcomeInput {
        kind: "meeting".into(),
        meeting_on: "2026-12-03".into(),
        ..Default::default()
    })
    .unwrap()
}

fn opportunity(amount: &str) -> OutcomeDraft {
    OutcomeDraft::parse(&OutcomeInput {
        kind: "opportunity".into(),
        amount: amount.into(),
        currency: "EUR".into(),
        ..Default::default()
    })
    .unwrap()
}

on_both_databases!(
    the_summit_report_shows_the_funnel_show_rate_reps_and_target_accounts_of_the_seed,
    |db: DatabaseConnection| async move {
        seed_if_empty(&db).await.unwrap();
        let manager = demo_user(&db, "manager@demo.test").await;
        let summit = event_titled(&db, "Supply Chain Summit").await;
        let report = ReportService::event(&db, &manager, summit.id, Utc::now())
            .await
            .unwrap();
        let f = &report.figures;
        assert!(report.settled, "a closed event's attendance is settled");
        let stages: Vec<u64> = f.funnel.stages().iter().map(|(_, n)| *n).collect();
        assert_eq!(stages, [22, 20, 20, 19, 15, 11]);
        assert_eq!(
            (f.declined, f.waitlisted, f.no_shows, f.walk_ins),
            (2, 1, 4, 1)
        );
        assert_eq!(f.show_rate(), Some(73));
        assert_eq!(f.meetings, 5);
        assert_eq!(f.pipeline.get("EUR"), Some(&65_000));
        assert_eq!(f.pipeline.get("USD"), Some(&12_000));
        assert_eq!(
            report.target_accounts,
            ["Alpenmilch eG", "Kestrel Health", "Nordwind Logistik GmbH"]
        );
        let sam = demo_user(&db, "sales@demo.test").await;
        let row = f.reps.iter().find(|r| r.rep == sam.id).unwrap();
        assert_eq!(
            (row.nominated, row.approved, row.accepted, row.attended),
            (10, 9, 7, 5)
        );
        assert_eq!((row.show_rate(), row.meetings), (Some(71), 3));
        assert_eq!(row.pipeline.get("EUR"), Some(&40_000));
        // the goals read the same figures: meetings 5 of 6, pipeline EUR 65,000 of 100,000
        let goals: Vec<(GoalMetric, u64, u8)> = report
            .goals
            .iter()
            .map(|(_, metric, _, p)| (*metric, p.value, p.percent))
            .collect();
        assert_eq!(
            goals,
            [
                (GoalMetric::Attendees, 12, 100),
                (GoalMetric::ShowRate, 73, 91),
                (GoalMetric::MeetingsBooked, 5, 83),
                (GoalMetric::PipelineAmount, 65_000, 65),
            ]
        );
        let funnel = reports::event_csv(&report, "funnel").unwrap();
        assert!(funnel.contains("nominated,22\r\n"));
        assert!(funnel.contains("show_rate_percent,73\r\n"));
        let reps = reports::event_csv(&report, "reps").unwrap();
        assert!(reps.contains("Sam Sales,sales@demo.test,10,9,7,5,2,71,3,EUR 40000\r\n"));
        assert_eq!(
            reports::event_csv(&report, "secrets"),
            Err(AppError::NotFound)
        );
    }
);

on_both_databases!(
    the_manager_report_ranks_reps_and_groups_attendance_by_month,
    |db: DatabaseConnection| async move {
        seed_if_empty(&db).await.unwrap();
        let manager = demo_user(&db, "manager@demo.test").await;
        let today = Utc::now().date_naive();
        // to tomorrow: the breakfast under way may already be tomorrow in Berlin
        let report = ReportService::manager(
            &db,
            &manager,
            today - Duration::days(100),
            today + Duration::days(1),
            Utc::now(),
        )
        .await
        .unwrap();
        let titles: Vec<&str> = report
            .events
            .iter()
            .map(|(e, _)| e.title.as_str())
            .collect();
        assert_eq!(
            titles,
            [
                "Customer Advisory Lunch",
                "Supply Chain Summit",
                "Partner Breakfast"
            ],
            "oldest first; drafts and events after the range are left out"
        );
        // Summit + Lunch: Sam 5 + 3, Lina 5 + 2, Tom 2 + 1 attendees
        let board: Vec<(String, u64)> = report
            .leaderboard
            .iter()
            .map(|r| (report.people[&r.rep].name.clone(), r.attended))
            .collect();
        assert_eq!(board[0], ("Sam Sales".to_string(), 8));
        assert_eq!(board[1], ("Lina Lindqvist".to_string(), 7));
        assert_eq!(board[2], ("Tom Becker".to_string(), 3));
        assert_eq!(report.leaderboard[0].open_follow_ups, 2);
        let attended: u64 = report.trend.iter().map(|p| p.attended).sum();
        assert_eq!(attended, 12 + 6);
        assert!(report
            .teams
            .iter()
            .any(|t| t.team == app::domain::Team::Sales && t.goals == 2));
        let csv = reports::manager_csv(&report, "leaderboard").unwrap();
        assert!(csv.starts_with("\u{feff}rep,email,nominated"));
        assert!(csv.contains("Sam Sales,sales@demo.test,"));
        // an empty range is an empty report, not an error
        let long_ago = today - Duration::days(4000);
        let empty = ReportService::manager(&db, &manager, long_ago, long_ago, Utc::now())
            .await
            .unwrap();
        assert!(empty.events.is_empty() && empty.leaderboard.is_empty());
    }
);

on_both_databases!(
    a_rep_sees_their_attendees_and_no_shows_and_managers_see_what_is_open_after_a_week,
    |db: DatabaseConnection| async move {
        seed_if_empty(&db).await.unwrap();
        let sam = demo_user(&db, "sales@demo.test").await;
        let lina = demo_user(&db, "lina@demo.test").await;
        let manager = demo_user(&db, "manager@demo.test").await;
        let now = Utc::now();
        let mine = FollowUpService::list(&db, &sam, FollowUpScope::Rep(sam.id), now)
            .await
            .unwrap();
        // Summit: 5 came, 2 no-shows; Lunch: 3 came, 1 no-show; the breakfast under way: none yet
        assert_eq!(mine.len(), 11);
        assert_eq!(
            mine[0].event.title, "Supply Chain Summit",
            "newest event first"
        );
        assert_eq!(mine.iter().filter(|f| f.outcome.is_none()).count(), 2);
        assert!(mine.iter().all(|f| f.guest.nominated_by == sam.id));
        assert_eq!(
            FollowUpService::list(&db, &lina, FollowUpScope::Rep(sam.id), now)
                .await
                .err(),
            Some(AppError::Forbidden),
            "a rep reads only their own follow-ups"
        );
        let overdue = FollowUpService::list(&db, &manager, FollowUpScope::Overdue, now)
            .await
            .unwrap();
        assert_eq!(
            overdue.len(),
            6,
            "two open follow-ups per rep at the Summit"
        );
        assert!(overdue.iter().all(|f| f.overdue && f.outcome.is_none()));
        assert_eq!(
            FollowUpService::list(&db, &sam, FollowUpScope::Overdue, now)
                .await
                .err(),
            Some(AppError::Forbidden)
        );
    }
);

on_both_databases!(
    a_recorded_outcome_feeds_the_goals_and_replaces_the_earlier_one,
    |db: DatabaseConnection| async move {
        seed_if_empty(&db).await.unwrap();
        let sam = demo_user(&db, "sales@demo.test").await;
        let now = Utc::now();
        let summit = event_titled(&db, "Supply Chain Summit").await;
        let open = FollowUpService::list(&db, &sam, FollowUpScope::Rep(sam.id), now)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.outcome.is_none() && f.event.id == summit.id)
            .unwrap();
        FollowUpService::record(&db, &sam, open.guest.id, &meeting(), now)
            .await
            .unwrap();
        let facts = PlanService::facts(&db, summit.id).await.unwrap();
        assert_eq!(facts.meetings_booked, 6);
        // recorded again as an opportunity: the meeting is gone, the pipeline grows
        FollowUpService::record(&db, &sam, open.guest.id, &opportunity("35,000"), now)
            .await
            .unwrap();
        let facts = PlanService::facts(&db, summit.id).await.unwrap();
        assert_eq!((facts.meetings_booked, facts.pipeline_amount), (5, 100_000));
        let rows = outcome::Entity::find()
            .filter(outcome::Column::GuestId.eq(open.guest.id))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, OutcomeKind::Opportunity.as_str());
        assert_eq!(rows[0].amount, Some(35_000));
    }
);

on_both_databases!(
    only_the_credited_rep_or_an_admin_records_an_outcome_and_only_for_someone_the_door_saw,
    |db: DatabaseConnection| async move {
        seed_if_empty(&db).await.unwrap();
        let sam = demo_user(&db, "sales@demo.test").await;
        let lina = demo_user(&db, "lina@demo.test").await;
        let manager = demo_user(&db, "manager@demo.test").await;
        let admin = demo_user(&db, "admin@demo.test").await;
        let now = Utc::now();
        let sams = FollowUpService::list(&db, &sam, FollowUpScope::Rep(sam.id), now)
            .await
            .unwrap();
        let guest = sams[0].guest.id;
        let before = outcome::Entity::find().count(&db).await.unwrap();
        for (who, name) in [(&lina, "another rep"), (&manager, "a manager")] {
            assert_eq!(
                FollowUpService::record(&db, who, guest, &meeting(), now)
                    .await
                    .err(),
                Some(AppError::Forbidden),
                "{name} may not record Sam's outcome"
            );
        }
        assert_eq!(outcome::Entity::find().count(&db).await.unwrap(), before);
        FollowUpService::record(&db, &admin, guest, &meeting(), now)
            .await
            .unwrap();
        // the breakfast is under way and nobody is checked in yet: nothing to follow up
        let breakfast = event_titled(&db, "Partner Breakfast").await;
        let waiting = app::ssr::entities::guest::Entity::find()
            .filter(app::ssr::entities::guest::Column::EventId.eq(breakfast.id))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            FollowUpService::record(&db, &sam, waiting.id, &meeting(), now).await,
            Err(AppError::Conflict(_))
        ));
    }
);

race_on_both_databases!(
    two_saves_of_one_outcome_at_once_leave_one_row_with_one_of_them,
    |db: DatabaseConnection| async move {
        seed_if_empty(&db).await.unwrap();
        let sam = demo_user(&db, "sales@demo.test").await;
        let now = Utc::now();
        let open: Vec<i32> = FollowUpService::list(&db, &sam, FollowUpScope::Rep(sam.id), now)
            .await
            .unwrap()
            .into_iter()
            .filter(|f| f.outcome.is_none())
            .map(|f| f.guest.id)
            .collect();
        for guest in open {
            let saves = [meeting(), opportunity("20000")].map(|draft| {
                let (db, sam) = (db.clone(), sam.clone());
                tokio::spawn(async move {
                    FollowUpService::record(&db, &sam, guest, &draft, Utc::now()).await
                })
            });
            for save in saves {
                save.await.unwrap().unwrap();
            }
            let rows = outcome::Entity::find()
                .filter(outcome::Column::GuestId.eq(guest))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(rows.len(), 1, "one outcome per guest");
        }
    }
);
