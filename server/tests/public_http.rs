//! HTTP tests of the public side for guests (own frame, language, 404, the RFC 8058 exception to the
//! Origin check) and of every page's `<title>`.
use app::ssr::entities::{account, contact, event, session};
use reqwest::{header, Client, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};

mod common;
use common::*;

impl TestApp {
    async fn page(&self, client: &Client, path: &str) -> (StatusCode, String) {
        let res = client
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    async fn guest_page(&self, path: &str, accept_language: &str) -> (StatusCode, String) {
        let res = client()
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html")
            .header(header::ACCEPT_LANGUAGE, accept_language)
            .send()
            .await
            .unwrap();
        assert!(
            res.headers().get(header::LOCATION).is_none(),
            "{path} redirects to {:?}",
            res.headers().get(header::LOCATION)
        );
        (res.status(), res.text().await.unwrap())
    }

    /// The ids of the first demo event, contact and account.
    async fn demo_ids(&self) -> (i32, i32, i32) {
        let event = event::Entity::find().order_by_asc(event::Column::Id);
        let contact = contact::Entity::find().order_by_asc(contact::Column::Id);
        let account = account::Entity::find().order_by_asc(account::Column::Id);
        (
            event.one(&self.db).await.unwrap().unwrap().id,
            contact.one(&self.db).await.unwrap().unwrap().id,
            account.one(&self.db).await.unwrap().unwrap().id,
        )
    }
}

/// The text of the document's only `<title>`, after checking that it sits inside `<head>`, which
/// comes after the doctype (browsers drop a `<title>` written before `<!DOCTYPE html>`).
fn title_in_head(path: &str, html: &str) -> String {
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{path}: the document does not start with the doctype: {}",
        &html[..html.len().min(200)]
    );
    assert_eq!(
        html.matches("<title>").count(),
        1,
        "{path}: not exactly one <title>"
    );
    let head = html.find("<head>").expect("a <head>");
    let head_end = html.find("</head>").expect("a </head>");
    let title = html.find("<title>").unwrap();
    let title_end = html.find("</title>").unwrap();
    assert!(
        head < title && title_end < head_end,
        "{path}: <title> is not inside <head>"
    );
    html[title + "<title>".len()..title_end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unknown_guest_link_answers_the_guest_404_without_team_navigation_or_sign_in() {
    let app = spawn_app().await;
    for path in [
        "/rsvp/unknown-token",
        "/unsubscribe/unknown-token",
        "/calendar/unknown-token",
        "/rsvp/unknown-token/more",
    ] {
        let (status, html) = app.guest_page(path, "en-GB,en;q=0.9").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("This link does not work"), "{path}: {html}");
        assert!(
            !html.contains("class=\"nav\""),
            "{path} shows team navigation"
        );
        assert!(!html.contains("Sign out") && !html.contains("Back to events"));
        assert!(html.contains("<html lang=\"en\""), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_signed_in_user_gets_the_guest_frame_on_guest_paths_too() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let (status, html) = app.page(&marketing, "/rsvp/unknown-token").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This link does not work"));
    assert!(!html.contains("class=\"nav\"") && !html.contains("Mia Marketing"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_unknown_team_url_answers_the_team_404_in_the_team_layout() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let (status, html) = app.page(&marketing, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Not found") && html.contains("class=\"nav\""));
    assert!(!html.contains("This link does not work"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guest_reads_the_language_of_lang_or_of_the_browser_and_english_otherwise() {
    let app = spawn_app().await;
    let (_, html) = app.guest_page("/rsvp/x", "de-DE,de;q=0.9,en;q=0.5").await;
    assert!(html.contains("<html lang=\"de\""));
    assert!(html.contains("Dieser Link funktioniert nicht"), "{html}");

    let (_, html) = app.guest_page("/rsvp/x?lang=de", "en-US").await;
    assert!(html.contains("<html lang=\"de\""));
    assert!(html.contains("Dieser Link funktioniert nicht"));

    let (_, html) = app.guest_page("/rsvp/x?lang=en", "de").await;
    assert!(html.contains("This link does not work"));

    let (_, html) = app.guest_page("/rsvp/x", "fr-FR,fr;q=0.9").await;
    assert!(html.contains("<html lang=\"en\""));
    assert!(html.contains("This link does not work"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_one_click_unsubscribe_from_a_mail_provider_passes_the_origin_check() {
    let app = spawn_app().await;
    let sessions_before = session::Entity::find().count(&app.db).await.unwrap();
    // RFC 8058: the provider's server posts from its own origin, or with none at all
    for origin in [Some("https://mail.provider.example"), None] {
        let mut request = client()
            .post(format!("{}/unsubscribe/unknown-token", app.base))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let res = request.send().await.unwrap();
        // not refused by the Origin check (403); the token is unknown (404)
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "origin {origin:?}");
    }
    let res = client()
        .post(format!("{}/unsubscribe/unknown-token", app.base))
        .header(header::ORIGIN, "https://mail.provider.example")
        .body("something=else")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        session::Entity::find().count(&app.db).await.unwrap(),
        sessions_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cross_site_post_to_any_other_path_is_refused() {
    let app = spawn_app().await;
    for path in [
        "/rsvp/unknown-token",
        "/calendar/unknown-token",
        "/unsubscribe/unknown-token/more",
        "/api/logout",
        "/contacts/export.csv",
    ] {
        let res = client()
            .post(format!("{}{path}", app.base))
            .header(header::ORIGIN, "https://mail.provider.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_page_has_its_title_inside_head_after_the_doctype() {
    let app = spawn_app().await;
    let anonymous = client();
    for (path, title) in [
        ("/login", "Sign in · Tandem"),
        ("/rsvp/unknown-token", "This link does not work · Tandem"),
    ] {
        let (_, html) = app.page(&anonymous, path).await;
        assert_eq!(title_in_head(path, &html), title);
    }

    let (event, contact, account) = app.demo_ids().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let pages = [
        ("/".to_string(), "Events · Tandem"),
        ("/events/new".to_string(), "New event · Tandem"),
        (format!("/events/{event}"), ""),
        (format!("/events/{event}/edit"), ""),
        ("/contacts".to_string(), "Contacts · Tandem"),
        ("/contacts/new".to_string(), ""),
        ("/contacts/import".to_string(), ""),
        (format!("/contacts/{contact}"), ""),
        ("/accounts".to_string(), "Accounts · Tandem"),
        (format!("/accounts/{account}"), ""),
        ("/no-such-page".to_string(), "Not found · Tandem"),
    ];
    for (path, expected) in pages {
        let (status, html) = app.page(&marketing, &path).await;
        assert!(
            status == StatusCode::OK || path == "/no-such-page",
            "{path}: {status}"
        );
        let title = title_in_head(&path, &html);
        assert!(title.ends_with(" · Tandem"), "{path}: title {title:?}");
        if !expected.is_empty() {
            assert_eq!(title, expected, "{path}");
        }
    }

    let admin = app.signed_in("admin@demo.test").await;
    let (_, html) = app.page(&admin, "/admin/users").await;
    assert!(title_in_head("/admin/users", &html).ends_with(" · Tandem"));
}
