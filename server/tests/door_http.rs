//! The door through the real router: the page (no team app, plain forms), the JSON interface of the
//! door's program with its roles, and the live stream another device's check-in arrives on.
use app::domain::Answer;
use app::ssr::entities::guest;
use door::protocol::{DoorUpdate, Operation, Outcome, Reply};
use reqwest::{header, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

mod common;
use common::*;

/// An open event whose `n` guests all accepted; returns the event and its guests' ids.
async fn accepted_event(app: &TestApp, n: usize) -> (i32, Vec<i32>) {
    let event_id = open_event_with_approved_guests(app, n).await;
    guest::Entity::update_many()
        .col_expr(
            guest::Column::Answer,
            Expr::value(Answer::Accepted.as_str()),
        )
        .filter(guest::Column::EventId.eq(event_id))
        .exec(&app.db)
        .await
        .unwrap();
    let ids = guest::Entity::find()
        .filter(guest::Column::EventId.eq(event_id))
        .order_by_asc(guest::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect();
    (event_id, ids)
}

async fn operate(
    app: &TestApp,
    client: &reqwest::Client,
    event_id: i32,
    body: serde_json::Value,
) -> reqwest::Response {
    client
        .post(format!("{}/events/{event_id}/door/ops", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_door_interface_is_for_signed_in_door_staff_only() {
    let app = spawn_app().await;
    let (event_id, guests) = accepted_event(&app, 2).await;
    let list = format!("{}/events/{event_id}/door/list", app.base);
    assert_eq!(
        client().get(&list).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let manager = app.signed_in("manager@demo.test").await;
    assert_eq!(
        manager.get(&list).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let check_in = serde_json::json!({"op": "manager-0001", "action": {"kind": "check_in", "guest": guests[0]}});
    assert_eq!(
        operate(&app, &manager, event_id, check_in).await.status(),
        StatusCode::FORBIDDEN
    );
    let sales = app.signed_in("sales@demo.test").await;
    let response = sales.get(&list).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CACHE_CONTROL].to_str().unwrap(),
        "no-store"
    );
    let update: DoorUpdate = response.json().await.unwrap();
    assert_eq!(update.guests.len(), 2);
    assert_eq!(update.counters.accepted, 2);
    let row = guest::Entity::find_by_id(guests[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.checked_in_at, None, "the manager changed nothing");
}

#[tokio::test]
async fn a_check_in_from_another_site_is_refused() {
    let app = spawn_app().await;
    let (event_id, guests) = accepted_event(&app, 1).await;
    let sales = app.signed_in("sales@demo.test").await;
    let response = sales
        .post(format!("{}/events/{event_id}/door/ops", app.base))
        .header(header::ORIGIN, "https://evil.example")
        .json(&serde_json::json!({"op": "evil-000001", "action": {"kind": "check_in", "guest": guests[0]}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let row = guest::Entity::find_by_id(guests[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.checked_in_at, None);
}

#[tokio::test]
async fn a_check_in_is_answered_in_the_users_language_and_a_repeat_is_recorded_once() {
    let app = spawn_app().await;
    let (event_id, guests) = accepted_event(&app, 1).await;
    let sales = app.signed_in("sales@demo.test").await;
    let body = serde_json::json!({"op": "device-000001", "action": {"kind": "check_in", "guest": guests[0]}, "at_ms": null});
    let reply: Reply = operate(&app, &sales, event_id, body.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reply.outcome, Outcome::Done);
    assert!(
        reply.message.ends_with("is checked in."),
        "{}",
        reply.message
    );
    let again: Reply = operate(&app, &sales, event_id, body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again.outcome, Outcome::Done);
    assert_eq!(again.counters.checked_in, 1);

    let german = app.signed_in("marketing@demo.test").await;
    app.post(&german, "set_language", &[("lang", "de")]).await;
    let response = german
        .post(format!("{}/events/{event_id}/door/ops", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({"op": "device-000002", "action": {"kind": "check_in", "guest": guests[0]}}))
        .send()
        .await
        .unwrap();
    let reply: Reply = response.json().await.unwrap();
    assert_eq!(reply.outcome, Outcome::AlreadyIn);
    assert!(
        reply.message.contains("wurde bereits um"),
        "{}",
        reply.message
    );
}

#[tokio::test]
async fn malformed_operations_are_refused_without_a_change() {
    let app = spawn_app().await;
    let (event_id, guests) = accepted_event(&app, 1).await;
    let sales = app.signed_in("sales@demo.test").await;
    for body in [
        serde_json::json!({"op": "short", "action": {"kind": "check_in", "guest": guests[0]}}),
        serde_json::json!({"op": "device-000003", "action": {"kind": "explode"}}),
    ] {
        let status = operate(&app, &sales, event_id, body).await.status();
        assert!(status.is_client_error(), "{status}");
    }
    let missing = operate(
        &app,
        &sales,
        event_id + 1000,
        serde_json::json!({"op": "device-000004", "action": {"kind": "check_in", "guest": guests[0]}}),
    )
    .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let row = guest::Entity::find_by_id(guests[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.checked_in_at, None);
}

/// Reads the live stream until an event whose data satisfies `wanted`, for at most 10 s.
async fn next_update(
    stream: &mut reqwest::Response,
    buffer: &mut String,
    wanted: impl Fn(&DoorUpdate) -> bool,
) -> DoorUpdate {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data:")) {
                let update: DoorUpdate = serde_json::from_str(data.trim()).unwrap();
                if wanted(&update) {
                    return update;
                }
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("an update within 10 s")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn another_devices_check_in_arrives_on_the_live_stream() {
    let app = spawn_app().await;
    let (event_id, guests) = accepted_event(&app, 3).await;
    let door_a = app.signed_in("sales@demo.test").await;
    let door_b = app.signed_in("marketing@demo.test").await;
    let start: DoorUpdate = door_a
        .get(format!("{}/events/{event_id}/door/list", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut stream = door_a
        .get(format!(
            "{}/events/{event_id}/door/live?cursor={}",
            app.base, start.cursor
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(stream.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut buffer = String::new();
    let first = next_update(&mut stream, &mut buffer, |_| true).await;
    assert_eq!(first.counters.checked_in, 0);
    let op = Operation {
        op: "door-b-000001".into(),
        action: door::protocol::Action::CheckIn { guest: guests[1] },
        at_ms: None,
    };
    let reply: Reply = operate(&app, &door_b, event_id, serde_json::to_value(&op).unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reply.outcome, Outcome::Done);
    let news = next_update(&mut stream, &mut buffer, |u| !u.guests.is_empty()).await;
    assert_eq!(news.guests[0].id, guests[1]);
    assert_eq!(
        news.guests[0].checked_in_by.as_deref(),
        Some("Mia Marketing")
    );
    assert_eq!(news.counters.checked_in, 1);
}

#[tokio::test]
async fn the_door_page_works_as_plain_html_forms() {
    let app = spawn_app().await;
    let (event_id, guests) = accepted_event(&app, 2).await;
    let sales = app.signed_in("sales@demo.test").await;
    let page = sales
        .get(format!("{}/events/{event_id}/door", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"door-list\""), "{html}");
    assert!(
        !html.contains("tandem.js") && !html.contains(".wasm"),
        "the door page does not load the team app"
    );
    assert!(html.contains(&format!("data-guest=\"{}\"", guests[0])));
    // the check-in button of the first row, posted as a browser without JavaScript would
    let response = sales
        .post(format!("{}/api/door_form", app.base))
        .header(header::ORIGIN, &app.base)
        .header(header::ACCEPT, "text/html")
        .header(
            header::REFERER,
            format!("{}/events/{event_id}/door", app.base),
        )
        .form(&[
            ("event_id", event_id.to_string()),
            ("kind", "check_in".to_string()),
            ("guest", guests[0].to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let row = guest::Entity::find_by_id(guests[0])
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.checked_in_at.is_some());
    let after = sales
        .get(format!("{}/events/{event_id}/door", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        after.contains("In at "),
        "the row says who checked the guest in"
    );
    // the same button again: the answer is the form's error, and nothing changes
    let twice = sales
        .post(format!("{}/api/door_form", app.base))
        .header(header::ORIGIN, &app.base)
        .header(header::ACCEPT, "text/html")
        .header(
            header::REFERER,
            format!("{}/events/{event_id}/door", app.base),
        )
        .form(&[
            ("event_id", event_id.to_string()),
            ("kind", "check_in".to_string()),
            ("guest", guests[0].to_string()),
        ])
        .send()
        .await
        .unwrap();
    let back = twice.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(back.contains("__err="), "{back}");
    let shown = sales
        .get(if back.starts_with("http") {
            back
        } else {
            format!("{}{back}", app.base)
        })
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shown.contains("was already checked in at"), "{shown}");
}
