//! HTTP tests of the security layer against the real router: headers, rate limits, body limits,
//! malformed arguments, idle sessions and password changes.
use reqwest::{header, Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

mod common;
use common::*;

use app::ssr::entities::{session, user};

/// A client posing as `address` (the tests trust 127.0.0.1 as a proxy).
async fn login_from(
    app: &TestApp,
    client: &Client,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{}/api/login", app.base))
        .header(header::ORIGIN, &app.base)
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn user_id(app: &TestApp, email: &str) -> i32 {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn sessions_of(app: &TestApp, email: &str) -> u64 {
    let id = user_id(app, email).await;
    session::Entity::find()
        .filter(session::Column::UserId.eq(id))
        .count(&app.db)
        .await
        .unwrap()
}

fn csp_nonce(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("a nonce in the CSP") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_team_page_carries_the_security_headers_and_its_scripts_carry_the_csp_nonce() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let nonce = csp_nonce(csp);
    let page = res.text().await.unwrap();
    let scripts = page.matches("<script").count();
    assert!(scripts > 0, "the page has its hydration script");
    assert_eq!(
        page.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every inline script carries this response's nonce: {page}"
    );

    // a page with loaded resources (serialised into inline scripts) too
    let sales = app.signed_in("sales@demo.test").await;
    let res = sales.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    let events_nonce = csp_nonce(&csp);
    let page = res.text().await.unwrap();
    assert!(page.matches("<script").count() > 0);
    assert_eq!(
        page.matches(&format!("nonce=\"{events_nonce}\"")).count(),
        page.matches("<script").count(),
        "{page}"
    );

    // a fresh nonce for every response
    let again = client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let again = again.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(csp_nonce(&again), nonce);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guest_pages_keep_their_links_to_this_site_and_server_functions_carry_the_headers_too() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/rsvp/some-guest-token", app.base))
        .send()
        .await
        .unwrap();
    // the personal link never leaves the site in a Referer; our own form posts carry it
    assert_eq!(res.headers()[header::REFERRER_POLICY], "same-origin");
    assert!(res.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let res = app.post(&client(), "me", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(res.headers()[header::REFERRER_POLICY], "same-origin");
    assert!(res.headers().contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn strict_transport_security_is_sent_when_the_public_url_is_https() {
    let app = spawn_app_with(|s| s.public_url = Some("https://tandem.example".into())).await;
    let res = client()
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    let hsts = res.headers()[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_sign_ins_lock_one_address_while_another_address_still_signs_in() {
    let app = spawn_app().await;
    let attacker = "203.0.113.66";
    for _ in 0..5 {
        let res = login_from(&app, &client(), attacker, "sales@demo.test", "guess-guess").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // even the right password is refused from the attacker's address…
    let res = login_from(
        &app,
        &client(),
        attacker,
        "sales@demo.test",
        "demo-password",
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert_eq!(sessions_of(&app, "sales@demo.test").await, 0);
    // …while the user, from the office, signs in
    let res = login_from(
        &app,
        &client(),
        "198.51.100.7",
        "sales@demo.test",
        "demo-password",
    )
    .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    assert_eq!(sessions_of(&app, "sales@demo.test").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn too_many_sign_in_posts_from_one_address_get_429_with_retry_after_and_a_page() {
    let app = spawn_app().await;
    let address = "203.0.113.77";
    for n in 0..server::security::SIGN_IN_PER_MINUTE {
        let res = login_from(&app, &client(), address, "sales@demo.test", "demo-password").await;
        let status = res.status();
        assert!(
            status.is_redirection() || status.is_success(),
            "attempt {n}: {status}"
        );
    }
    // the limiter refills one sign-in every two seconds; on a slow machine the first posts may
    // have earned one or two more, so post until refused (a few extra at most)
    let mut extra = 0;
    let res = loop {
        let res = client()
            .post(format!("{}/api/login", app.base))
            .header(header::ORIGIN, &app.base)
            .header("x-forwarded-for", address)
            .header(header::ACCEPT, "text/html")
            .form(&[("email", "sales@demo.test"), ("password", "demo-password")])
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS || extra == 10 {
            break res;
        }
        extra += 1;
    };
    let signed_in = sessions_of(&app, "sales@demo.test").await;
    assert_eq!(
        signed_in,
        u64::from(server::security::SIGN_IN_PER_MINUTE) + extra,
        "every allowed post signed in, the refused one did not"
    );
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    assert!(res.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    let page = res.text().await.unwrap();
    assert!(page.contains("<h1>Too many requests</h1>"), "{page}");
    assert_eq!(sessions_of(&app, "sales@demo.test").await, signed_in);

    // a script (server function call without text/html) gets the app's error as JSON
    let res = login_from(&app, &client(), address, "sales@demo.test", "demo-password").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["TooManyRequests"]["id"] == "limit-api", "{body}");

    // another address is not affected
    let res = login_from(
        &app,
        &client(),
        "198.51.100.8",
        "sales@demo.test",
        "demo-password",
    )
    .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guest_paths_are_rate_limited_per_address() {
    let app = spawn_app().await;
    let get = |address: &'static str| {
        client()
            .get(format!("{}/rsvp/token", app.base))
            .header("x-forwarded-for", address)
            .send()
    };
    for _ in 0..server::security::GUEST_PER_MINUTE {
        assert_ne!(
            get("203.0.113.88").await.unwrap().status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    // the next one is refused; a few more tries allow for the limit refilling while a slow
    // render was rendered again (`render_retry`)
    let mut res = get("203.0.113.88").await.unwrap();
    for _ in 0..server::security::GUEST_PER_MINUTE {
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        res = get("203.0.113.88").await.unwrap();
    }
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key(header::RETRY_AFTER));
    assert!(res.text().await.unwrap().contains("Too many requests"));
    assert_ne!(
        get("198.51.100.9").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // team pages are not counted against guests
    let res = client()
        .get(format!("{}/login", app.base))
        .header("x-forwarded-for", "203.0.113.88")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_untrusted_peer_cannot_choose_its_address_with_x_forwarded_for() {
    let app = spawn_app_with(|s| s.trusted_proxies = vec![]).await;
    for n in 0..5 {
        // each attempt claims another address; all count against the real one
        let res = login_from(
            &app,
            &client(),
            &format!("203.0.113.{n}"),
            "sales@demo.test",
            "guess-guess",
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = login_from(
        &app,
        &client(),
        "198.51.100.10",
        "sales@demo.test",
        "demo-password",
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_the_import_takes_large_bodies_everything_else_a_small_one() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let big_field = "x".repeat(100 * 1024);
    let res = marketing
        .post(format!("{}/api/create_account", app.base))
        .header(header::ORIGIN, &app.base)
        .form(&[("input[name]", big_field.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // a 1 MB file is fine for the import preview
    let mut csv = String::from("first_name,last_name,email\n");
    let mut rows = 0;
    while csv.len() < 1024 * 1024 {
        csv.push_str(&format!("Anna,Lang{rows},anna.lang{rows}@big.example\n"));
        rows += 1;
    }
    let res = marketing
        .post(format!("{}/api/preview_import", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({ "csv": csv }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{}", &text[..text.len().min(300)]);
    let preview: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(preview["new"].as_u64().unwrap(), rows);

    // but not beyond 12 MB
    let huge = "y".repeat(13 * 1024 * 1024);
    let sent = marketing
        .post(format!("{}/api/preview_import", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({ "csv": huge }))
        .send()
        .await;
    match sent {
        Ok(res) => assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE),
        // the server answers 413 and closes as soon as the limit is passed; a client still
        // writing the rest of the body may see the closed connection instead of the answer
        Err(err) => assert!(
            err.is_request(),
            "refused while sending, not otherwise: {err}"
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn malformed_server_function_arguments_get_400_with_a_message_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin@demo.test").await;
    let users_before = user::Entity::find().count(&app.db).await.unwrap();
    for (endpoint, form) in [
        ("add_user", vec![("garbage", "1")]),
        (
            "set_user_active",
            vec![("user_id", "not-a-number"), ("active", "maybe")],
        ),
        ("get_event", vec![("id", "seven")]),
    ] {
        let res = app.post(&admin, endpoint, &form).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{endpoint}: {body}");
        assert!(body.contains("malformed"), "{endpoint}: {body}");
    }
    // JSON that is not JSON
    let res = admin
        .post(format!("{}/api/preview_import", app.base))
        .header(header::ORIGIN, &app.base)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let status = res.status();
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(
        user::Entity::find().count(&app.db).await.unwrap(),
        users_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_idle_for_more_than_eight_hours_is_refused_and_deleted() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    assert_eq!(
        app.post(&sales, "list_events", &[("filter", "all")])
            .await
            .status(),
        StatusCode::OK
    );
    let id = user_id(&app, "sales@demo.test").await;
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            sea_orm::sea_query::Expr::value(Some(chrono::Utc::now() - chrono::Duration::hours(9))),
        )
        .filter(session::Column::UserId.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.post(&sales, "list_events", &[("filter", "all")])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(sessions_of(&app, "sales@demo.test").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn changing_the_password_on_the_profile_ends_the_other_sessions_only() {
    let app = spawn_app().await;
    let laptop = app.signed_in("sales@demo.test").await;
    let phone = app.signed_in("sales@demo.test").await;
    assert_eq!(sessions_of(&app, "sales@demo.test").await, 2);
    let page = laptop
        .get(format!("{}/profile", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("input[current_password]"));

    let res = app
        .post(
            &laptop,
            "change_password",
            &[
                ("input[current_password]", "demo-password"),
                ("input[new_password]", "my new long password"),
                ("input[new_password_repeat]", "my new long password"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(sessions_of(&app, "sales@demo.test").await, 1);
    assert_eq!(
        app.post(&laptop, "list_events", &[("filter", "all")])
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.post(&phone, "list_events", &[("filter", "all")])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let res = login_from(
        &app,
        &client(),
        "198.51.100.20",
        "sales@demo.test",
        "my new long password",
    )
    .await;
    assert!(res.status().is_redirection() || res.status().is_success());

    // a wrong current password is a 422 on that field
    let res = app
        .post(
            &laptop,
            "change_password",
            &[
                ("input[current_password]", "demo-password"),
                ("input[new_password]", "another long password"),
                ("input[new_password_repeat]", "another long password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("current_password"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_anonymous_visitor_of_the_profile_is_sent_to_sign_in() {
    let app = spawn_app().await;
    let res = client()
        .get(format!("{}/profile", app.base))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()[header::LOCATION], "/login");
}
