//! Concurrent requests against the real server on a file-backed SQLite database: writers wait for
//! each other (`BEGIN IMMEDIATE` within the busy timeout) instead of answering 500.
use app::ssr::entities::{contact, guest};
use reqwest::StatusCode;
use sea_orm::{EntityTrait, PaginatorTrait};

mod common;
use common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_inline_nominations_at_once_take_exactly_the_free_seats_and_nobody_gets_a_500() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let events: serde_json::Value = app
        .post(&sales, "list_events", &[("filter", "all")])
        .await
        .json()
        .await
        .unwrap();
    let event_id = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "Logistics Leaders Dinner")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let contacts_before = contact::Entity::find().count(&app.db).await.unwrap();
    let guests_before = guest::Entity::find().count(&app.db).await.unwrap();
    // the demo data gives Sam 5 seats and has used some of them already
    let list: serde_json::Value = app
        .post(&sales, "get_guest_list", &[("event_id", &event_id)])
        .await
        .json()
        .await
        .unwrap();
    let quota = &list["my_quota"];
    let free = quota["seats"].as_u64().unwrap() - quota["used"].as_u64().unwrap();
    assert!(free >= 2, "the race needs free seats, found {free}");
    let app = std::sync::Arc::new(app);

    let mut requests = Vec::new();
    for n in 0..12 {
        let (app, sales, event_id) = (app.clone(), sales.clone(), event_id.clone());
        requests.push(tokio::spawn(async move {
            let email = format!("racer{n}@customer.example");
            let res = app
                .post(
                    &sales,
                    "nominate",
                    &[
                        ("event_id", event_id.as_str()),
                        ("contact_id", "new"),
                        ("contact[first_name]", "Race"),
                        ("contact[last_name]", &format!("Runner {n}")),
                        ("contact[email]", &email),
                        ("contact[language]", "en"),
                        ("input[reason]", "Signed up at the fair"),
                        ("input[priority]", "A"),
                    ],
                )
                .await;
            let status = res.status();
            (status, res.text().await.unwrap())
        }));
    }
    let mut accepted = 0;
    let mut refused = 0;
    for request in requests {
        let (status, body) = request.await.unwrap();
        match status {
            StatusCode::OK => accepted += 1,
            StatusCode::CONFLICT => {
                assert!(worded(&body).contains("Your quota is full"), "{body}");
                refused += 1;
            }
            other => panic!("no request may fail because another was writing: {other} {body}"),
        }
    }
    assert_eq!(
        (accepted, refused),
        (free, 12 - free),
        "exactly the free seats are taken"
    );
    assert_eq!(
        guest::Entity::find().count(&app.db).await.unwrap(),
        guests_before + free
    );
    // a refused nomination leaves no half-made contact behind
    assert_eq!(
        contact::Entity::find().count(&app.db).await.unwrap(),
        contacts_before + free
    );
}
