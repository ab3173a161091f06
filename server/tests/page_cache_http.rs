//! The page cache through the real router on a SQLite file: a guest's page and an event's page are
//! served again as rendered, with a fresh nonce each, and never once anything was written since —
//! the guest's own answer, marketing's edit, a write from any other code path, a sign-out.
use reqwest::{header, StatusCode};
use sea_orm::ConnectionTrait;

mod common;
use common::*;

/// A page and the nonce of its response's Content-Security-Policy.
async fn page_and_nonce(client: &reqwest::Client, url: &str) -> (StatusCode, String, String) {
    page_of(client.get(url)).await
}

async fn page_of(request: reqwest::RequestBuilder) -> (StatusCode, String, String) {
    let res = request.send().await.unwrap();
    let status = res.status();
    let nonce = res
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_string();
    (status, res.text().await.unwrap(), nonce)
}

/// Every inline script of `html` carries `nonce`, and there is at least one.
fn scripts_carry(html: &str, nonce: &str) -> bool {
    let scripts = html.matches("<script").count();
    scripts > 0 && html.matches(&format!("nonce=\"{nonce}\"")).count() == scripts
}

/// The name the top bar shows as signed in.
fn signed_in_as(html: &str) -> &str {
    let at = html.find("whoami-name").expect("a signed-in page");
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest.find("</a>").unwrap();
    rest[start..end].trim()
}

/// The guest answers with the plain form post (from an address of its own: guest requests are
/// limited per address).
async fn answer(app: &TestApp, token: &str, answer: &str) {
    static FROM: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let from = FROM.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let res = client()
        .post(format!("{}/api/guest/answer", app.base))
        .header("X-Forwarded-For", format!("10.3.0.{}", from % 250))
        .header(header::ORIGIN, &app.base)
        .header(header::REFERER, format!("{}/rsvp/{token}", app.base))
        .header(header::ACCEPT, "text/html")
        .form(&[("token", token), ("answer", answer)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_kept_page_asks_the_database_nothing_and_carries_its_own_nonce() {
    let (app, log) = spawn_counted_app_keeping_pages().await;
    let event = open_event_with_approved_guests(&app, 30).await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let url = format!("{}/events/{event}", app.base);
    // the first page touches the session's last-seen time: that render wrote, it is not kept
    let _ = page_and_nonce(&marketing, &url).await;
    let (_, rendered, first_nonce) = page_and_nonce(&marketing, &url).await;

    let ((status, kept, nonce), statements) = log.during(|| page_and_nonce(&marketing, &url)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        statements.is_empty(),
        "a kept page asks nothing:\n{}",
        statements.join("\n")
    );
    assert_ne!(nonce, first_nonce, "a fresh nonce for every response");
    assert!(
        scripts_carry(&kept, &nonce),
        "the scripts carry this response's nonce"
    );
    assert_eq!(
        kept.replace(&nonce, "N"),
        rendered.replace(&first_nonce, "N"),
        "the same page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_guest_sees_their_answer_at_once_though_their_page_was_kept() {
    let app = spawn_app().await;
    let (_, token) = invited_guest(&app).await;
    let url = format!("{}/rsvp/{token}", app.base);
    let guest = client();
    for _ in 0..3 {
        let (status, html, nonce) = page_and_nonce(&guest, &url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("Sie haben zugesagt"), "not answered yet");
        assert!(
            html.contains("Kundenabend &lt;Spezial&gt;"),
            "escaped as rendered"
        );
        assert!(html.contains(&nonce) || !html.contains("<script"));
    }

    answer(&app, &token, "accept").await;
    let (_, html, _) = page_and_nonce(&guest, &url).await;
    assert!(
        html.contains("Sie haben zugesagt"),
        "the answer shows at once"
    );

    answer(&app, &token, "decline").await;
    let (_, html, _) = page_and_nonce(&guest, &url).await;
    assert!(html.contains("Sie haben abgesagt"), "and the next one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_from_any_code_path_shows_on_the_next_page() {
    let app = spawn_app().await;
    let (guest_id, token) = invited_guest(&app).await;
    let url = format!("{}/rsvp/{token}", app.base);
    let guest = client();
    let _ = page_and_nonce(&guest, &url).await;
    let (_, kept, _) = page_and_nonce(&guest, &url).await;
    assert!(kept.contains("Kundenabend &lt;Spezial&gt;"));

    // not through a service: a bare statement on the server's connection
    app.db
        .execute_unprepared(&format!(
            "UPDATE events SET title = 'Sommerfest' WHERE id = \
             (SELECT event_id FROM guests WHERE id = {guest_id})"
        ))
        .await
        .unwrap();
    let (_, html, _) = page_and_nonce(&guest, &url).await;
    assert!(html.contains("Sommerfest"), "the new title at once");
    assert!(!html.contains("Kundenabend"));
}

/// Signs in without a cookie store: the `Cookie` header value of the new session.
async fn session_cookie(app: &TestApp, email: &str) -> String {
    let res = app
        .post(
            &client(),
            "login",
            &[("email", email), ("password", "demo-password")],
        )
        .await;
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tandem_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_signed_in_person_gets_their_own_page_and_a_signed_out_session_none() {
    let app = spawn_app().await;
    let event = open_event_with_approved_guests(&app, 5).await;
    let url = format!("{}/events/{event}", app.base);
    let marketing = session_cookie(&app, "marketing@demo.test").await;
    let sales = session_cookie(&app, "sales@demo.test").await;
    let page_for = |cookie: &str| page_of(client().get(&url).header(header::COOKIE, cookie));
    for _ in 0..3 {
        let (status, html, _) = page_for(&marketing).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(signed_in_as(&html), "Mia Marketing");
        let (status, html, _) = page_for(&sales).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(signed_in_as(&html), "Sam Sales");
        assert!(html.contains("Guest 1 Example"), "the event's guests");
    }

    // sales signs out; the cookie they had (kept by anyone) opens nothing any more
    let res = client()
        .post(format!("{}/api/logout", app.base))
        .header(header::ORIGIN, &app.base)
        .header(header::COOKIE, &sales)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let (_, html, _) = page_for(&sales).await;
    assert!(
        !html.contains("whoami-name") && !html.contains("Guest 1 Example"),
        "a signed-out session is not served the kept page"
    );
    let (status, html, _) = page_for(&marketing).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(signed_in_as(&html), "Mia Marketing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn while_others_read_the_page_every_answer_shows_the_moment_it_was_given() {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::Arc;
    let app = spawn_app().await;
    let (_, token) = invited_guest(&app).await;
    let url = format!("{}/rsvp/{token}", app.base);
    // readers render and keep the page all the time: renders that started before an answer landed
    // end after it
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU32::new(0));
    let readers: Vec<_> = (0..6)
        .map(|reader| {
            let (stop, reads, url) = (stop.clone(), reads.clone(), url.clone());
            tokio::spawn(async move {
                let browser = client();
                let mut n = 0u32;
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let res = browser
                        .get(&url)
                        .header("X-Forwarded-For", format!("10.1.{reader}.{}", n % 250))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), StatusCode::OK);
                    reads.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();

    for round in 0..12 {
        let (given, shown) = if round % 2 == 0 {
            ("accept", "Sie haben zugesagt")
        } else {
            ("decline", "Sie haben abgesagt")
        };
        answer(&app, &token, given).await;
        let (_, html, _) = page_of(
            client()
                .get(&url)
                .header("X-Forwarded-For", format!("10.2.0.{round}")),
        )
        .await;
        assert!(
            html.contains(shown),
            "round {round}: the {given} shows at once"
        );
    }
    stop.store(true, Ordering::SeqCst);
    for reader in readers {
        reader.await.unwrap();
    }
    assert!(
        reads.load(Ordering::SeqCst) > 12,
        "the readers read meanwhile"
    );
}

/// A comment is one `INSERT … RETURNING` outside a transaction, which SQLite reports as landed
/// only later (`db::Commits`): the page kept from before must not be served after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_comment_posted_with_the_plain_form_shows_on_the_next_page() {
    let app = spawn_app().await;
    let event = open_event_with_approved_guests(&app, 3).await;
    let url = format!("{}/events/{event}", app.base);
    let marketing = session_cookie(&app, "marketing@demo.test").await;
    let page = || page_of(client().get(&url).header(header::COOKIE, &marketing));
    for n in 1..=5 {
        let _ = page().await;
        let (_, kept, _) = page().await;
        let comment = format!("Bring the banner, round {n}");
        assert!(!kept.contains(&comment));

        let res = client()
            .post(format!("{}/api/add_comment", app.base))
            .header(header::COOKIE, &marketing)
            .header(header::ORIGIN, &app.base)
            .header(header::REFERER, &url)
            .header(header::ACCEPT, "text/html")
            .form(&[("event_id", event.to_string()), ("body", comment.clone())])
            .send()
            .await
            .unwrap();
        assert!(res.status().is_redirection(), "{}", res.status());

        let (status, html, _) = page().await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&comment), "round {n}: the comment at once");
    }
}
