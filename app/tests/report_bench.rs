//! The report benchmark: 100 events × 500 guests (50,000 guests, a third with outcomes) on a
//! file-backed SQLite database; times the manager report (its queries and the domain's figures)
//! and the charts, and prints them. A benchmark, not an assertion on time: the test checks the
//! figures only. `REPORT_BENCH_EVENTS` / `REPORT_BENCH_GUESTS` change the size.
use std::time::Instant;

use app::domain::{Answer, EventStatus, InvitationState, NominationState, Priority, Role};
use app::ssr::entities::{contact, event, guest, outcome};
use app::ssr::services::{EventService, ReportService};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set, TransactionTrait};

mod common;
use common::*;

fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manager_report_over_100_events_of_500_guests() {
    let events = size("REPORT_BENCH_EVENTS", 100);
    let per_event = size("REPORT_BENCH_GUESTS", 500);
    let (db, _dir) = sqlite_file().await;
    let team = team(&db).await;
    let reps = [
        team.sales.clone(),
        add_user(&db, "rep2@example.com", Role::Sales).await,
        add_user(&db, "rep3@example.com", Role::Sales).await,
    ];
    let now = Utc::now();
    let seeding = Instant::now();
    let txn = db.begin().await.unwrap();
    let contacts: Vec<contact::ActiveModel> = (0..per_event)
        .map(|i| contact::ActiveModel {
            first_name: Set(format!("Guest{i}")),
            last_name: Set("Bench".into()),
            email: Set(format!("guest{i}@bench.example")),
            language: Set("en".into()),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in contacts.chunks(500) {
        contact::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    let contact_ids: Vec<i32> = contact::Entity::find()
        .order_by_asc(contact::Column::Id)
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let template = EventService::create(&db, &team.marketing, &plan())
        .await
        .unwrap();
    let mut expected_attended = 0u64;
    for e in 0..events {
        let starts = now - Duration::days(3 + e as i64 * 3);
        let mut row: event::ActiveModel = template.clone().into();
        row.id = sea_orm::ActiveValue::NotSet;
        row.title = Set(format!("Bench event {e}"));
        row.status = Set(EventStatus::Closed);
        row.starts_at = Set(starts);
        row.ends_at = Set(starts + Duration::hours(3));
        row.starts_local = Set(starts.naive_utc());
        row.ends_local = Set((starts + Duration::hours(3)).naive_utc());
        let created = row.insert(&db).await.unwrap();
        let txn = db.begin().await.unwrap();
        let guests: Vec<guest::ActiveModel> = (0..per_event)
            .map(|i| {
                let answer = match i % 10 {
                    0 => Answer::Declined,
                    1 => Answer::None,
                    _ => Answer::Accepted,
                };
                let came = answer == Answer::Accepted && i % 10 != 2;
                expected_attended += u64::from(came);
                guest::ActiveModel {
                    event_id: Set(created.id),
                    contact_id: Set(contact_ids[i]),
                    nominated_by: Set(reps[i % 3].id),
                    reason: Set(String::new()),
                    priority: Set(Priority::A),
                    personal_note: Set(String::new()),
                    state: Set(NominationState::Approved),
                    invitation: Set(InvitationState::Viewed),
                    answer: Set(answer),
                    invited_at: Set(Some(starts - Duration::days(20))),
                    viewed_at: Set(Some(starts - Duration::days(19))),
                    checked_in_at: Set(came.then_some(starts + Duration::minutes(i as i64 % 60))),
                    created_at: Set(starts - Duration::days(30)),
                    updated_at: Set(starts - Duration::days(19)),
                    walk_in: Set(false),
                    ..Default::default()
                }
            })
            .collect();
        for chunk in guests.chunks(500) {
            guest::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
    // a third of the attendees have an outcome
    let attendees: Vec<guest::Model> = guest::Entity::find().all(&db).await.unwrap();
    let txn = db.begin().await.unwrap();
    let outcomes: Vec<outcome::ActiveModel> = attendees
        .iter()
        .filter(|g| g.checked_in_at.is_some() && g.id % 3 == 0)
        .map(|g| outcome::ActiveModel {
            guest_id: Set(g.id),
            event_id: Set(g.event_id),
            kind: Set(if g.id % 2 == 0 {
                "meeting"
            } else {
                "opportunity"
            }
            .into()),
            meeting_on: Set(Some(now.date_naive())),
            amount: Set(Some(10_000)),
            currency: Set(Some("EUR".into())),
            note: Set(String::new()),
            recorded_by: Set(g.nominated_by),
            recorded_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in outcomes.chunks(500) {
        outcome::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    let seeded = seeding.elapsed();

    let today = now.date_naive();
    let mut timings = Vec::new();
    let mut report = None;
    for _ in 0..3 {
        let started = Instant::now();
        let r = ReportService::manager(
            &db,
            &team.manager,
            today - Duration::days(400),
            today,
            Utc::now(),
        )
        .await
        .unwrap();
        timings.push(started.elapsed());
        report = Some(r);
    }
    let report = report.unwrap();
    // the two parts: reading the rows, and the domain's figures over them
    let ids: Vec<i32> = report.events.iter().map(|(e, _)| e.id).collect();
    let reading = Instant::now();
    let rows = ReportService::guests_of(&db, &ids).await.unwrap();
    let reading = reading.elapsed();
    let figuring = Instant::now();
    let figures: Vec<_> = rows
        .values()
        .map(|guests| app::domain::event_figures(guests, true))
        .collect();
    let board = app::domain::leaderboard(figures.iter());
    let figuring = figuring.elapsed();
    assert_eq!(board.len(), 3);
    let charts = Instant::now();
    let top: Vec<(String, u64)> = report
        .leaderboard
        .iter()
        .map(|r| (r.rep.to_string(), r.attended))
        .collect();
    let points: Vec<(String, u64, u64)> = report
        .trend
        .iter()
        .map(|p| (p.month.to_string(), p.accepted, p.attended))
        .collect();
    let svg = app::ssr::charts::bars(&top, "leaderboard").len()
        + app::ssr::charts::trend(&points, ("Accepted", "Attended"), "trend").len();
    let charts = charts.elapsed();

    assert_eq!(report.events.len(), events);
    let attended: u64 = report.leaderboard.iter().map(|r| r.attended).sum();
    assert_eq!(attended, expected_attended);
    assert!(svg > 0);
    let best = timings.iter().min().unwrap();
    println!(
        "report benchmark ({} build): {events} events × {per_event} guests = {} guests, {} outcomes; \
         seeded in {:.1} s; manager report (queries + figures) best of 3: {:.0} ms (runs: {}); \
         of which reading the guests {:.0} ms and the figures {:.0} ms; charts: {:.1} ms",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        events * per_event,
        outcomes.len(),
        seeded.as_secs_f64(),
        best.as_secs_f64() * 1000.0,
        timings
            .iter()
            .map(|t| format!("{:.0} ms", t.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", "),
        reading.as_secs_f64() * 1000.0,
        figuring.as_secs_f64() * 1000.0,
        charts.as_secs_f64() * 1000.0,
    );
}
