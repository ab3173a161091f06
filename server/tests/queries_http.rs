//! How many queries a page costs: the session is read once per page load, and the event page
//! of an event with 2,000 guests asks the database no more often than that of an event with 20.
mod common;

use common::{open_event_with_approved_guests, spawn_counted_app, user_named, TestApp};
use reqwest::StatusCode;

/// Marketing proposes a goal on the event: its progress counts every guest.
async fn with_a_goal(app: &TestApp, event_id: i32) {
    use app::domain::{GoalDraft, GoalInput};
    let marketing = user_named(app, "marketing@demo.test").await;
    let draft = GoalDraft::parse(&GoalInput {
        metric: "accepted_guests".into(),
        target: "1500".into(),
        team: "marketing".into(),
        note: String::new(),
    })
    .unwrap();
    app::ssr::services::PlanService::propose_goal(&app.db, &marketing, event_id, &draft)
        .await
        .unwrap();
}

fn reads_of(statements: &[String], table: &str) -> usize {
    let quoted = format!("FROM \"{table}\"");
    statements.iter().filter(|s| s.contains(&quoted)).count()
}

/// The distinct statements, with every `IN (?, ?, …)` list written as one `IN (…)`.
fn kinds(statements: &[String]) -> std::collections::BTreeSet<String> {
    statements
        .iter()
        .map(|s| match s.find(" IN (?") {
            Some(at) => {
                let rest = &s[at..];
                let close = rest.find(')').map_or(rest.len(), |i| i + 1);
                format!("{} IN (…){}", &s[..at], &rest[close..])
            }
            None => s.clone(),
        })
        .collect()
}

/// The statements (shortened) one list has more or fewer times than the other.
fn difference(a: &[String], b: &[String]) -> String {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<String, i32> = BTreeMap::new();
    for s in a {
        *counts.entry(s.chars().take(160).collect()).or_default() -= 1;
    }
    for s in b {
        *counts.entry(s.chars().take(160).collect()).or_default() += 1;
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .map(|(s, n)| format!("{n:+} × {s}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_event_page_asks_the_same_number_of_queries_for_2000_guests_as_for_20() {
    let (app, log) = spawn_counted_app().await;
    let few = open_event_with_approved_guests(&app, 20).await;
    let many = open_event_with_approved_guests(&app, 2000).await;
    with_a_goal(&app, few).await;
    with_a_goal(&app, many).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let page = |id: i32| {
        let (marketing, base) = (marketing.clone(), app.base.clone());
        async move {
            let res = marketing
                .get(format!("{base}/events/{id}"))
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.text().await.unwrap())
        }
    };
    // once to warm up (a first page touches the session's last-seen time)
    let _ = page(few).await;

    let ((status, html), for_few) = log.during(|| page(few)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Guest 19 Example"),
        "the small event's guests are listed"
    );
    let ((status, html), for_many) = log.during(|| page(many)).await;
    assert_eq!(status, StatusCode::OK);
    // the first page of rows, and a link to the next
    assert!(
        html.contains("Guest 99 Example"),
        "the big event's first guests are listed"
    );
    assert!(!html.contains("Guest 100 Example"), "a page holds 100 rows");
    assert!(
        html.contains("href=\"?guests=200#guests\""),
        "a link shows 100 more"
    );

    // the same statements, whatever the number of guests: lists of ids go into one `IN (…)`
    assert_eq!(
        kinds(&for_many),
        kinds(&for_few),
        "the page asks different things for 2,000 guests:\n{}",
        difference(&for_few, &for_many)
    );
    // and a bounded number of them: a query per guest would make thousands
    assert!(
        for_many.len() <= 40,
        "{} queries for one page:\n{}",
        for_many.len(),
        for_many.join("\n")
    );
    // each section's data is fetched once: the sections' resources are created outside the
    // page's `Suspense`, which walks its view more than once on the server
    let guest_list_reads = for_many
        .iter()
        .filter(|s| s.contains("FROM \"guests\" INNER JOIN \"contacts\""))
        .count();
    assert_eq!(
        guest_list_reads,
        1,
        "the guest list is read once per page:\n{}",
        for_many.join("\n")
    );
    assert_eq!(
        reads_of(&for_many, "goals"),
        1,
        "the goals are read once per page"
    );
    assert_eq!(
        reads_of(&for_many, "tasks"),
        1,
        "the tasks are read once per page"
    );
    // the goal's progress is counted from the guests' figures, with the outcomes; the guest list
    // and the figures share one read of the event's guests
    assert_eq!(
        reads_of(&for_many, "outcomes"),
        1,
        "the figures are read once"
    );
    let reads_of_the_events_guests = for_many
        .iter()
        .filter(|s| s.contains("FROM \"guests\"") && s.contains("WHERE \"guests\".\"event_id\""))
        .count();
    assert_eq!(
        reads_of_the_events_guests,
        1,
        "the event's guests are read once per page:\n{}",
        for_many.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_event_without_goals_does_not_read_its_guests_figures() {
    let (app, log) = spawn_counted_app().await;
    let event = open_event_with_approved_guests(&app, 30).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let url = format!("{}/events/{event}", app.base);
    let _ = marketing.get(&url).send().await.unwrap();

    let (res, statements) = log
        .during(|| async { marketing.get(&url).send().await.unwrap() })
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        reads_of(&statements, "outcomes"),
        0,
        "no goal, no figures:\n{}",
        statements.join("\n")
    );
    assert!(
        res.text().await.unwrap().contains("id=\"goals\""),
        "the goals section is there"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_page_load_reads_the_session_once_however_many_server_functions_it_calls() {
    let (app, log) = spawn_counted_app().await;
    let event = open_event_with_approved_guests(&app, 5).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let url = format!("{}/events/{event}", app.base);
    let _ = marketing.get(&url).send().await.unwrap();

    let (res, statements) = log
        .during(|| async { marketing.get(&url).send().await.unwrap() })
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        reads_of(&statements, "sessions"),
        1,
        "the session is read once for the whole page:\n{}",
        statements.join("\n")
    );

    // a server function called from the browser reads it once too
    let (res, statements) = log
        .during(|| async {
            marketing
                .post(format!("{}/api/me", app.base))
                .header(reqwest::header::ORIGIN, &app.base)
                .send()
                .await
                .unwrap()
        })
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(reads_of(&statements, "sessions"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_guest_list_is_filtered_and_cut_on_the_server() {
    let (app, _log) = spawn_counted_app().await;
    let event = open_event_with_approved_guests(&app, 250).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let list = |form: Vec<(&'static str, String)>| {
        let (marketing, base) = (marketing.clone(), app.base.clone());
        async move {
            let res = marketing
                .post(format!("{base}/api/get_guest_list"))
                .header(reqwest::header::ORIGIN, &base)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    // without a filter (as older callers send it): the first 100 of 250
    let first = list(vec![("event_id", event.to_string())]).await;
    assert_eq!(first["rows"].as_array().unwrap().len(), 100);
    assert_eq!(first["total"], 250);
    assert_eq!(first["matching"], 250);
    assert_eq!(first["approved"], 250, "counts are over every guest");
    assert_eq!(first["rep_options"][0][1], "Sam Sales");

    let more = list(vec![
        ("event_id", event.to_string()),
        ("filter[limit]", "300".into()),
    ])
    .await;
    assert_eq!(more["rows"].as_array().unwrap().len(), 250);

    // nobody is priority B: nothing matches, and the counts say so
    let none = list(vec![
        ("event_id", event.to_string()),
        ("filter[priority]", "B".into()),
    ])
    .await;
    assert_eq!(none["rows"].as_array().unwrap().len(), 0);
    assert_eq!(none["matching"], 0);
    assert_eq!(none["total"], 250);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_event_page_shows_the_newest_fifty_log_entries_and_says_how_many_there_are() {
    use app::ssr::entities::activity;
    use sea_orm::{EntityTrait, Set};
    let (app, _log) = spawn_counted_app().await;
    let event = open_event_with_approved_guests(&app, 5).await;
    let marketing_id = common::user_named(&app, "marketing@demo.test").await.id;
    let before = activity::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.event_id == event)
        .count();
    // a busy event: 1,200 guests answered
    let start = chrono::Utc::now() - chrono::Duration::hours(2);
    let rows: Vec<activity::ActiveModel> = (0..1200)
        .map(|n| activity::ActiveModel {
            event_id: Set(event),
            user_id: Set(marketing_id),
            action: Set("answered".into()),
            field: Set(Some(format!("Guest {n} Answering"))),
            new_value: Set(Some("accepted".into())),
            created_at: Set(start + chrono::Duration::seconds(n)),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        activity::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .unwrap();
    }
    let total = before + 1200;

    let marketing = app.signed_in("marketing@demo.test").await;
    let detail: serde_json::Value = marketing
        .post(format!("{}/api/get_event", app.base))
        .header(reqwest::header::ORIGIN, &app.base)
        .form(&[("id", event.to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(detail["activity"].as_array().unwrap().len(), 50);
    assert_eq!(detail["activity_total"], total as u64);

    let html = marketing
        .get(format!("{}/events/{event}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Guest 1199 Answering"),
        "the newest entry is shown"
    );
    assert!(
        !html.contains("Guest 1149 Answering"),
        "the fifty-first newest is not"
    );
    let digits = total.to_string();
    let (thousands, rest) = digits.split_at(digits.len() - 3);
    let said = format!("The newest 50 of {thousands},{rest} entries.");
    assert!(
        html.contains(&said),
        "the page says how many there are: {said}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_event_page_answers_200_for_every_team_role() {
    let (app, _log) = spawn_counted_app().await;
    let event = open_event_with_approved_guests(&app, 5).await;
    for who in [
        "marketing@demo.test",
        "sales@demo.test",
        "manager@demo.test",
    ] {
        let person = app.signed_in(who).await;
        let res = person
            .get(format!("{}/events/{event}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{who} opens the event page (a section the role may not see must not refuse the page)"
        );
        let html = res.text().await.unwrap();
        assert!(html.contains("Guest 4 Example"), "{who} sees the guests");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_goals_on_the_event_page_count_what_the_goals_read_on_their_own_count() {
    use app::domain::Answer;
    use app::ssr::entities::guest;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
    let (app, _log) = spawn_counted_app().await;
    let event = open_event_with_approved_guests(&app, 40).await;
    with_a_goal(&app, event).await;
    // seven of the forty accepted
    let some: Vec<i32> = guest::Entity::find()
        .select_only()
        .column(guest::Column::Id)
        .filter(guest::Column::EventId.eq(event))
        .limit(7)
        .into_tuple()
        .all(&app.db)
        .await
        .unwrap();
    guest::Entity::update_many()
        .set(guest::ActiveModel {
            answer: Set(Answer::Accepted),
            ..Default::default()
        })
        .filter(guest::Column::Id.is_in(some))
        .exec(&app.db)
        .await
        .unwrap();
    let marketing = app.signed_in("marketing@demo.test").await;

    // on their own (a server function call: no page, nothing shared)
    let goals: serde_json::Value = app
        .post(&marketing, "get_goals", &[("event_id", &event.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(goals[0]["value"], 7, "{goals}");
    assert_eq!(goals[0]["target"], 1500);

    // on the page, where the goals share the guest list's read
    let html = marketing
        .get(format!("{}/events/{event}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("7 / 1500"), "the page counts seven accepted");
    assert!(html.contains("Guest 39 Example"), "and lists every guest");
}
