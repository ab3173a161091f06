//! The private calendar feed through the real router: made on the profile, read by calendar
//! clients without a session, conditional requests answered 304, a renewed address ends the old.
use reqwest::{header, StatusCode};

mod common;
use common::*;

async fn renew_feed(app: &TestApp, client: &reqwest::Client) -> String {
    let res = app.post(client, "renew_feed", &[]).await;
    assert!(res.status().is_success(), "{}", res.status());
    res.json::<String>().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reps_feed_lists_the_events_they_nominated_to_and_answers_conditional_requests() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let url = renew_feed(&app, &sales).await;
    assert!(url.starts_with(&format!("{}/feeds/", app.base)) && url.ends_with(".ics"));
    let shown = app.post(&sales, "get_feed", &[]).await;
    assert_eq!(
        shown.json::<Option<String>>().await.unwrap().as_deref(),
        Some(url.as_str())
    );

    // a calendar client: no cookie
    let res = client().get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
    let last_modified = res.headers()[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_string();
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    assert!(last_modified.ends_with(" GMT"));
    let ics = res.text().await.unwrap();
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("METHOD:PUBLISH\r\n"));
    assert!(
        unfolded.contains("SUMMARY:Logistics Leaders Dinner"),
        "Sam nominated guests to it"
    );
    assert!(
        !unfolded.contains("Energy Transition"),
        "Sam has no guests, tasks or ownership there"
    );
    assert!(!unfolded.contains("ATTENDEE"));
    if let Some(seen) = python_ics(&ics) {
        assert_eq!(seen["method"], "PUBLISH");
    }

    // polling: unchanged → 304, by ETag and by date
    let by_tag = client()
        .get(&url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(by_tag.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(by_tag.headers()[header::ETAG].to_str().unwrap(), etag);
    assert!(by_tag.text().await.unwrap().is_empty());
    let by_date = client()
        .get(&url)
        .header(header::IF_MODIFIED_SINCE, &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(by_date.status(), StatusCode::NOT_MODIFIED);
    let other_tag = client()
        .get(&url)
        .header(header::IF_NONE_MATCH, "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(other_tag.status(), StatusCode::OK);

    // a cancelled event stays in the feed, marked cancelled, and the feed changes
    let marketing = app.signed_in("marketing@demo.test").await;
    let event_id = {
        use app::ssr::entities::event;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        event::Entity::find()
            .filter(event::Column::Title.eq("Logistics Leaders Dinner"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .id
    };
    // a second later, so Last-Modified moves on too
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = app
        .post(
            &marketing,
            "change_event_status",
            &[
                ("id", &event_id.to_string()),
                ("status", "cancelled"),
                ("note", "Sorry."),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let changed = client()
        .get(&url)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let ics = changed.text().await.unwrap().replace("\r\n ", "");
    assert!(ics.contains("STATUS:CANCELLED"));

    // a new address ends the old one; a wrong one is not found
    let renewed = renew_feed(&app, &sales).await;
    assert_ne!(renewed, url);
    assert_eq!(
        client().get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client().get(&renewed).send().await.unwrap().status(),
        StatusCode::OK
    );
    let wrong = format!("{}/feeds/{}.ics", app.base, "a".repeat(64));
    assert_eq!(
        client().get(&wrong).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let no_suffix = renewed.trim_end_matches(".ics");
    assert_eq!(
        client().get(no_suffix).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

/// A benchmark, not a test (`cargo test --release -p server --test calendar_http -- --ignored
/// --nocapture`): the feed of a user with 200 events, requested 200 times over HTTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark"]
async fn feed_response_time_for_a_user_with_200_events() {
    let app = spawn_app().await;
    let marketing = user_named(&app, "marketing@demo.test").await;
    for i in 0..200 {
        let input = app::domain::EventInput {
            title: format!("Customer Day {i}, \"Spring\"; 🎉"),
            kind: "on_site".into(),
            brief: "An evening with **customers**.\nSecond line, with commas; and semicolons."
                .into(),
            venue_name: "Hall 7".into(),
            venue_address: "Main Street 1, Berlin".into(),
            starts_at: format!("2030-{:02}-{:02}T18:00", i % 12 + 1, i % 28 + 1),
            ends_at: format!("2030-{:02}-{:02}T21:00", i % 12 + 1, i % 28 + 1),
            time_zone: "Europe/Berlin".into(),
            capacity: "40".into(),
            language: "en".into(),
            ..Default::default()
        };
        app::ssr::services::EventService::create(&app.db, &marketing, &input)
            .await
            .unwrap();
    }
    let session = app.signed_in("marketing@demo.test").await;
    let url = renew_feed(&app, &session).await;
    let http = client();
    let first = http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(first.matches("BEGIN:VEVENT").count() >= 200);
    let mut times = Vec::new();
    for i in 0..200 {
        let started = std::time::Instant::now();
        // many calendar clients, each from its own address (guest paths are rate-limited per address)
        let res = http
            .get(&url)
            .header(
                "x-forwarded-for",
                format!("10.0.{}.{}", i / 200, i % 200 + 1),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.bytes().await.unwrap();
        times.push(started.elapsed());
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| ms(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "\nfeed of a user with {} events ({} bytes), 200 sequential GETs: mean {:.1} ms, p50 {:.1} ms, p99 {:.1} ms",
        first.matches("BEGIN:VEVENT").count(),
        first.len(),
        mean,
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100])
    );
    let res = http
        .get(&url)
        .header("x-forwarded-for", "10.1.0.1")
        .send()
        .await
        .unwrap();
    let etag = res.headers()[header::ETAG].clone();
    res.bytes().await.unwrap();
    let started = std::time::Instant::now();
    let not_modified = http
        .get(&url)
        .header(header::IF_NONE_MATCH, etag)
        .header("x-forwarded-for", "10.1.0.2")
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    println!(
        "a conditional GET answered 304 in {:.1} ms",
        ms(started.elapsed())
    );
}
