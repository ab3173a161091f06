//! HTTP tests against the real router, served on port 0 with a fresh SQLite file and demo data.
use reqwest::{header, redirect, Client, StatusCode};

mod common;
use common::*;

impl TestApp {
    async fn first_event_id(&self, client: &Client) -> i64 {
        let res = self.post(client, "list_events", &[("filter", "all")]).await;
        let events: serde_json::Value = res.json().await.unwrap();
        events[0]["id"].as_i64().unwrap()
    }
}

fn event_form(id: i64, title: &str, brief: &str) -> Vec<(String, String)> {
    [
        ("id", id.to_string()),
        ("version", "1".into()),
        ("input[title]", title.into()),
        ("input[kind]", "on_site".into()),
        ("input[brief]", brief.into()),
        ("input[agenda]", "18:00 Welcome".into()),
        ("input[venue_name]", "Alte Halle".into()),
        ("input[venue_address]", "".into()),
        ("input[join_url]", "".into()),
        ("input[starts_at]", "2031-05-01T18:00".into()),
        ("input[ends_at]", "2031-05-01T21:00".into()),
        ("input[time_zone]", "Europe/Berlin".into()),
        ("input[capacity]", "25".into()),
        ("input[nomination_deadline]", "".into()),
        ("input[rsvp_deadline]", "".into()),
        ("input[language]", "en".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn healthz_answers_200_while_the_database_answers_and_503_when_it_is_gone() {
    let app = spawn_app().await;
    let res = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    app.db.clone().close().await.unwrap();
    let res = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sign_in_page_is_rendered_on_the_server_with_labelled_fields() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<label for=\"f-email\">Email</label>"),
        "{html}"
    );
    assert!(html.contains("action=\"/api/login\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_anonymous_visitor_is_sent_to_sign_in() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/", app.base))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[header::LOCATION], "/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signing_in_sets_an_http_only_same_site_session_cookie() {
    let app = spawn_app().await;
    let res = app
        .post(
            &client(),
            "login",
            &[("email", "sales@demo.test"), ("password", "demo-password")],
        )
        .await;
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("tandem_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unknown_email_and_wrong_password_get_the_same_message() {
    let app = spawn_app().await;
    let unknown = app
        .post(
            &client(),
            "login",
            &[("email", "ghost@demo.test"), ("password", "demo-password")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = unknown.text().await.unwrap();
    let wrong = app
        .post(
            &client(),
            "login",
            &[
                ("email", "sales@demo.test"),
                ("password", "not-the-password"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(unknown, wrong);
    assert_eq!(
        worded(&wrong),
        "password: Email or password is not correct."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn repeated_failed_sign_ins_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let res = app
            .post(
                &client(),
                "login",
                &[("email", "sales@demo.test"), ("password", "guess-guess")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = app
        .post(
            &client(),
            "login",
            &[("email", "sales@demo.test"), ("password", "demo-password")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res
        .text()
        .await
        .map(|body| worded(&body))
        .unwrap()
        .contains("Too many failed sign-ins"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cross_site_or_originless_post_is_refused_and_writes_nothing() {
    use app::ssr::entities::{event, session};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let sessions = || session::Entity::find().count(&app.db);
    let events = || event::Entity::find().count(&app.db);
    let (sessions_before, events_before) = (sessions().await.unwrap(), events().await.unwrap());

    // a sign-in from another site, and one without any Origin or Referer
    for origin in [Some("http://evil.example"), None] {
        let mut request = client()
            .post(format!("{}/api/login", app.base))
            .form(&[("email", "sales@demo.test"), ("password", "demo-password")]);
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let res = request.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "origin {origin:?}");
        assert!(res.headers().get(header::SET_COOKIE).is_none());
    }
    // a write riding on a signed-in user's cookie
    let mut form = event_form(0, "Planted from elsewhere", "");
    form.retain(|(k, _)| k != "id");
    let res = marketing
        .post(format!("{}/api/create_event", app.base))
        .header(header::ORIGIN, "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    assert_eq!(
        sessions().await.unwrap(),
        sessions_before,
        "no session created"
    );
    assert_eq!(events().await.unwrap(), events_before, "no event written");
    // the same write from this site is stored: the refusal above was the Origin check's
    let res = marketing
        .post(format!("{}/api/create_event", app.base))
        .header(header::ORIGIN, &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status().is_redirection());
    assert_eq!(events().await.unwrap(), events_before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_function_without_a_session_answers_401() {
    let app = spawn_app().await;
    let res = app
        .post(&client(), "list_events", &[("filter", "all")])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sales_sees_drafts_but_cannot_change_an_event() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let res = app.post(&sales, "list_events", &[("filter", "all")]).await;
    let events: serde_json::Value = res.json().await.unwrap();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["status"] == "Draft"));
    let id = app.first_event_id(&sales).await;
    let before = app
        .post(&sales, "get_event", &[("id", &id.to_string())])
        .await
        .text()
        .await
        .unwrap();

    let form = event_form(id, "Taken over by sales", "");
    let res = sales
        .post(format!("{}/api/update_event", app.base))
        .header(header::ORIGIN, &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post(
            &sales,
            "change_event_status",
            &[("id", &id.to_string()), ("status", "cancelled")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let after = app
        .post(&sales, "get_event", &[("id", &id.to_string())])
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(before, after, "nothing may change");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_new_event_page_is_a_403_for_sales_and_a_missing_event_a_404() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let res = sales
        .get(format!("{}/events/new", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = sales
        .get(format!("{}/events/99999", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = sales
        .get(format!("{}/no/such/page", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_event_gets_422_naming_the_field_and_is_not_stored() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let mut form = event_form(0, "Broken", "");
    form.retain(|(k, _)| k != "id");
    for (k, v) in form.iter_mut() {
        if k == "input[ends_at]" {
            *v = "2031-05-01T17:00".into();
        }
    }
    let res = marketing
        .post(format!("{}/api/create_event", app.base))
        .header(header::ORIGIN, &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        worded(&body).contains("ends_at: End must be after the start."),
        "{body}"
    );
    let list: serde_json::Value = app
        .post(&marketing, "list_events", &[("filter", "all")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        5,
        "only the five demo events"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn user_text_is_never_rendered_as_html() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let id = app.first_event_id(&marketing).await;
    let form = event_form(
        id,
        "<b>Bold</b> title",
        "<script>alert('brief')</script>\n\n**ok**",
    );
    let res = marketing
        .post(format!("{}/api/update_event", app.base))
        .header(header::ORIGIN, &app.base)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let res = app
        .post(
            &marketing,
            "add_comment",
            &[
                ("event_id", &id.to_string()),
                ("body", "<img src=x onerror=alert(1)>"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());

    let page = marketing
        .get(format!("{}/events/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("&lt;b&gt;Bold&lt;/b&gt; title"));
    assert!(page.contains("<strong>ok</strong>"));
    assert!(!page.contains("<script>alert('brief')"));
    assert!(!page.contains("<img src=x onerror"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let res = app
        .post(
            &client(),
            "login",
            &[("email", "sales@demo.test"), ("password", "demo-password")],
        )
        .await;
    let set_cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    let plain = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let call = |endpoint: &'static str| {
        plain
            .post(format!("{}/api/{endpoint}", app.base))
            .header(header::ORIGIN, &app.base)
            .header(header::COOKIE, &cookie)
            .form(&[("filter", "all")])
            .send()
    };
    assert_eq!(call("list_events").await.unwrap().status(), StatusCode::OK);
    call("logout").await.unwrap();
    // the same cookie, replayed after sign-out, no longer opens anything
    assert_eq!(
        call("list_events").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

// ---- guest list authorization ----

impl TestApp {
    async fn add_rep(&self, email: &str) -> i32 {
        use app::domain::{EmailAddress, NewUser, Role};
        app::ssr::services::UserService::create(
            &self.db,
            NewUser {
                email: EmailAddress::parse(email).unwrap(),
                name: "Second Rep".into(),
                role: Role::Sales,
                password: "demo-password".into(),
            },
        )
        .await
        .unwrap()
        .id
    }

    async fn guest_list(&self, client: &Client, event_id: i64) -> serde_json::Value {
        self.post(
            client,
            "get_guest_list",
            &[("event_id", &event_id.to_string())],
        )
        .await
        .json()
        .await
        .unwrap()
    }
}

/// The open demo event (sales has 5 seats there) and a guest nominated on it by sales.
async fn nominated_guest(app: &TestApp, sales: &Client) -> (i64, i64) {
    let events: serde_json::Value = app
        .post(sales, "list_events", &[("filter", "all")])
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
        .unwrap();
    let list = app.guest_list(sales, event_id).await;
    // the demo data has nominated some already: take a contact that is still free
    let contact_id = list["my_contacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["blocked"].is_null())
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let res = app
        .post(
            sales,
            "nominate",
            &[
                ("event_id", event_id.to_string().as_str()),
                ("contact_id", &contact_id),
                ("input[reason]", "Runs the logistics budget"),
                ("input[priority]", "A"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let list = app.guest_list(sales, event_id).await;
    let row = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["contact_id"].as_i64().map(|id| id.to_string()) == Some(contact_id.clone()))
        .unwrap()
        .clone();
    (event_id, row["id"].as_i64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_rep_can_neither_edit_nor_withdraw_a_nomination_nor_sees_it_as_theirs() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let (event_id, guest_id) = nominated_guest(&app, &sales).await;
    app.add_rep("rep2@demo.test").await;
    let other = app.signed_in("rep2@demo.test").await;
    let before = app.guest_list(&sales, event_id).await["rows"].clone();

    let res = app
        .post(
            &other,
            "update_nomination",
            &[
                ("guest_id", &guest_id.to_string()),
                ("input[reason]", "mine"),
                ("input[priority]", "B"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .post(
            &other,
            "withdraw_nomination",
            &[("guest_id", &guest_id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let seen_by_other = app.guest_list(&other, event_id).await;
    assert_eq!(seen_by_other["rows"][0]["mine"], false);
    assert_eq!(
        app.guest_list(&sales, event_id).await["rows"],
        before,
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sales_cannot_decide_and_a_manager_can_change_nothing() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let (event_id, guest_id) = nominated_guest(&app, &sales).await;
    let manager = app.signed_in("manager@demo.test").await;
    let before = app.guest_list(&sales, event_id).await;
    let event = event_id.to_string();
    let guest = guest_id.to_string();

    let decide = [
        ("event_id", event.as_str()),
        ("guest_ids[0]", guest.as_str()),
        ("decision", "approve"),
        ("reason", ""),
    ];
    assert_eq!(
        app.post(&sales, "decide_nominations", &decide)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&manager, "decide_nominations", &decide)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let sales_id = before["quotas"][0]["user_id"].as_i64().unwrap().to_string();
    let quota = [
        ("event_id", event.as_str()),
        ("user_id", sales_id.as_str()),
        ("seats", "50"),
    ];
    assert_eq!(
        app.post(&manager, "set_quota", &quota).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post(&sales, "set_quota", &quota).await.status(),
        StatusCode::FORBIDDEN
    );
    let nominate = [
        ("event_id", event.as_str()),
        ("contact_id", "1"),
        ("input[reason]", "I know them"),
        ("input[priority]", "A"),
    ];
    assert_eq!(
        app.post(&manager, "nominate", &nominate).await.status(),
        StatusCode::FORBIDDEN
    );
    let goal = [
        ("event_id", event.as_str()),
        ("input[metric]", "attendees"),
        ("input[target]", "10"),
        ("input[team]", "sales"),
        ("input[note]", ""),
    ];
    assert_eq!(
        app.post(&manager, "propose_goal", &goal).await.status(),
        StatusCode::FORBIDDEN
    );
    let task = [
        ("event_id", event.as_str()),
        ("input[title]", "Do it"),
        ("input[owner_id]", "1"),
        ("input[team]", "sales"),
        ("input[due_on]", ""),
    ];
    assert_eq!(
        app.post(&manager, "add_task", &task).await.status(),
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        app.guest_list(&sales, event_id).await,
        before,
        "nothing changed"
    );
    let goals: serde_json::Value = app
        .post(&sales, "get_goals", &[("event_id", event.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(goals.as_array().unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rejecting_without_a_reason_names_the_reason_field() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let (event_id, guest_id) = nominated_guest(&app, &sales).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let res = app
        .post(
            &marketing,
            "decide_nominations",
            &[
                ("event_id", event_id.to_string().as_str()),
                ("guest_ids[0]", guest_id.to_string().as_str()),
                ("decision", "reject"),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("\"reason\""));
    let rows = app.guest_list(&sales, event_id).await["rows"].clone();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == guest_id)
        .unwrap()
        .clone();
    assert_eq!(row["state"], "Nominated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_and_server_function_answers_are_gzipped_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let gzip = |path: &str| {
        client()
            .get(format!("{}{path}", app.base))
            .header(reqwest::header::ACCEPT_ENCODING, "gzip")
            .send()
    };
    let page = gzip("/login").await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert_eq!(page.headers()[reqwest::header::CONTENT_ENCODING], "gzip");
    let plain = client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        plain
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .is_none(),
        "not for a client that does not ask"
    );
    assert!(plain.text().await.unwrap().contains("<html"));
    let marketing = app.signed_in("marketing@demo.test").await;
    let answer = marketing
        .post(format!("{}/api/list_events", app.base))
        .header(reqwest::header::ORIGIN, &app.base)
        .header(reqwest::header::ACCEPT_ENCODING, "gzip")
        .form(&[("filter", "all")])
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    assert_eq!(answer.headers()[reqwest::header::CONTENT_ENCODING], "gzip");
}
