//! The reports and follow-ups through the real router: pages rendered on the server with their
//! SVG charts and tables (visible without JavaScript), CSV files a spreadsheet reads, a bad
//! outcome named by field, and the roles.
use app::ssr::entities::{event, guest, outcome};
use reqwest::{header, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

mod common;
use common::*;

async fn event_id(app: &TestApp, title: &str) -> i32 {
    event::Entity::find()
        .filter(event::Column::Title.eq(title))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn the_event_report_page_shows_the_seeded_summit_with_charts_that_need_no_javascript() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager@demo.test").await;
    let summit = event_id(&app, "Supply Chain Summit").await;
    let html = page(&app, &manager, &format!("/events/{summit}/report")).await;
    assert!(html.contains("Report: Supply Chain Summit"));
    // two charts, each an image with its text alternative, drawn on the server
    assert_eq!(
        html.matches(r#"<svg class="chart-svg" role="img""#).count(),
        2
    );
    assert!(html.contains(
        "Funnel. Nominated: 22, Approved: 20, Invited: 20, Viewed: 19, Accepted: 15, Attended: 11."
    ));
    assert!(html.contains("73 %"), "the show rate");
    assert!(
        html.contains("EUR 65,000 · USD 12,000"),
        "the pipeline, never converted"
    );
    assert!(
        html.contains("Alpenmilch eG"),
        "a target account that attended"
    );
    // the per-rep table beside the chart
    assert!(html.contains(r#"<tr data-rep="Sam Sales">"#));

    let csv = manager
        .get(format!("{}/events/{summit}/report/reps.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(
        csv.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8; header=present"
    );
    let body = csv.text().await.unwrap();
    let mut reader =
        csv::ReaderBuilder::new().from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let sam = rows.iter().find(|r| &r[0] == "Sam Sales").unwrap();
    assert_eq!(
        sam.iter().skip(2).collect::<Vec<_>>(),
        ["10", "9", "7", "5", "2", "71", "3", "EUR 40000"]
    );
    let missing = manager
        .get(format!("{}/events/{summit}/report/passwords.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // signed out: to the sign-in page
    let anonymous = client()
        .get(format!("{}/events/{summit}/report/reps.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.headers()[header::LOCATION], "/login");
}

#[tokio::test]
async fn the_manager_report_covers_a_range_in_german_and_exports_each_table() {
    let app = spawn_app().await;
    let manager = app.signed_in("manager@demo.test").await;
    let today = chrono::Utc::now().date_naive();
    let from = (today - chrono::Duration::days(100)).format("%Y-%m-%d");
    let to = (today + chrono::Duration::days(1)).format("%Y-%m-%d");
    app.post(&manager, "set_language", &[("lang", "de")]).await;
    let html = manager
        .get(format!("{}/reports?from={from}&to={to}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Rangliste"), "German");
    assert!(html.contains("Customer Advisory Lunch") && html.contains("Supply Chain Summit"));
    assert!(html.matches(r#"role="img""#).count() >= 2);
    for table in ["leaderboard", "trend", "events", "teams"] {
        let res = manager
            .get(format!(
                "{}/reports/{table}.csv?from={from}&to={to}",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{table}");
        let body = res.text().await.unwrap();
        assert!(body.starts_with('\u{feff}'), "{table}");
        let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
        assert!(reader.records().count() >= 2, "{table}: {body}");
    }
    let bad = manager
        .get(format!("{}/reports?from=yesterday", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("Datum muss ein Datum sein"));
}

#[tokio::test]
async fn a_rep_records_an_outcome_and_a_bad_one_is_named_and_changes_nothing() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let sam = user_named(&app, "sales@demo.test").await;
    let summit = event_id(&app, "Supply Chain Summit").await;
    let html = page(&app, &sales, "/follow-ups").await;
    assert!(
        html.contains("2 open of 11."),
        "Sam's list: 11 follow-ups, 2 open"
    );
    let open = guest::Entity::find()
        .filter(guest::Column::EventId.eq(summit))
        .filter(guest::Column::NominatedBy.eq(sam.id))
        .filter(guest::Column::CheckedInAt.is_not_null())
        .all(&app.db)
        .await
        .unwrap();
    let mut without = Vec::new();
    for g in open {
        let recorded = outcome::Entity::find()
            .filter(outcome::Column::GuestId.eq(g.id))
            .count(&app.db)
            .await
            .unwrap();
        if recorded == 0 {
            without.push(g.id);
        }
    }
    let guest = without[0].to_string();
    let before = outcome::Entity::find().count(&app.db).await.unwrap();
    let res = app
        .post(
            &sales,
            "record_outcome",
            &[
                ("guest_id", &guest),
                ("input[kind]", "opportunity"),
                ("input[amount]", "250.50"),
                ("input[currency]", "E"),
                ("input[meeting_on]", ""),
                ("input[note]", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let words = worded(&res.text().await.unwrap());
    assert!(
        words.contains("amount: Amount must be a whole number"),
        "{words}"
    );
    assert!(
        words.contains("currency: Currency must be a three-letter code"),
        "{words}"
    );
    assert_eq!(
        outcome::Entity::find().count(&app.db).await.unwrap(),
        before
    );
    // a form with no outcome ticked sends no kind at all: named too
    let res = app
        .post(
            &sales,
            "record_outcome",
            &[("guest_id", &guest), ("input[note]", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(worded(&res.text().await.unwrap()).contains("kind: Outcome must be"));

    let res = app
        .post(
            &sales,
            "record_outcome",
            &[
                ("guest_id", &guest),
                ("input[kind]", "opportunity"),
                ("input[amount]", "35.000"),
                ("input[currency]", "eur"),
                ("input[meeting_on]", ""),
                ("input[note]", "<b>Pilot</b> in Q1"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let html = page(&app, &sales, "/follow-ups").await;
    assert!(html.contains("1 open of 11."));
    assert!(html.contains("Opportunity: EUR 35,000"));
    assert!(
        html.contains("&lt;b&gt;Pilot&lt;/b&gt; in Q1"),
        "the note is escaped"
    );
    let report = page(&app, &sales, &format!("/events/{summit}/report")).await;
    assert!(
        report.contains("EUR 100,000 · USD 12,000"),
        "the pipeline grew"
    );

    // another rep may not record it; a manager reads the overdue list but records nothing
    let lina = app.signed_in("lina@demo.test").await;
    let res = app
        .post(
            &lina,
            "record_outcome",
            &[
                ("guest_id", &guest),
                ("input[kind]", "no_interest"),
                ("input[amount]", ""),
                ("input[currency]", ""),
                ("input[meeting_on]", ""),
                ("input[note]", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let manager = app.signed_in("manager@demo.test").await;
    let overdue = page(&app, &manager, "/follow-ups").await;
    assert!(
        overdue.contains("5 open of 5."),
        "one of six was just recorded"
    );
    let others = lina
        .get(format!("{}/follow-ups?rep={}", app.base, sam.id))
        .send()
        .await
        .unwrap();
    assert_eq!(
        others.status(),
        StatusCode::FORBIDDEN,
        "a rep cannot read another rep's list"
    );
    assert!(others
        .text()
        .await
        .unwrap()
        .contains("Your role cannot open this page."));
}
