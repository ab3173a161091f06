//! Forms without JavaScript: a plain HTML form post that fails comes back as a page with the
//! problems next to the fields and what the user typed still in them.
use reqwest::{header, StatusCode};

mod common;
use common::*;

/// Posts `form` the way a browser without JavaScript does (from `page`, accepting HTML), checks it
/// is sent back to that page, and returns the page it comes back to.
async fn post_without_javascript(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    page: &str,
    form: &[(&str, &str)],
) -> String {
    let res = client
        .post(format!("{}/api/{endpoint}", app.base))
        .header(header::ORIGIN, &app.base)
        .header(header::REFERER, format!("{}{page}", app.base))
        .header(header::ACCEPT, "text/html")
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(back.starts_with(&format!("{}{page}?", app.base)), "{back}");
    client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failed_plain_form_post_shows_the_errors_by_the_fields_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let form = [
        ("input[title]", "Dinner & <b>friends</b>"),
        ("input[kind]", "on_site"),
        ("input[brief]", "Typed brief"),
        ("input[agenda]", ""),
        ("input[venue_name]", "Alte Halle"),
        ("input[venue_address]", ""),
        ("input[join_url]", ""),
        ("input[starts_at]", "2030-01-01T18:00"),
        ("input[ends_at]", "2030-01-01T17:00"),
        ("input[time_zone]", "Europe/Berlin"),
        ("input[capacity]", "0"),
        ("input[nomination_deadline]", ""),
        ("input[rsvp_deadline]", ""),
        ("input[language]", "en"),
    ];
    let page =
        post_without_javascript(&app, &marketing, "create_event", "/events/new", &form).await;
    assert!(
        page.contains("End must be after the start."),
        "the end's problem is shown"
    );
    assert!(
        page.contains("Capacity must be at least 1."),
        "the capacity's problem is shown"
    );
    // typed values come back, escaped
    assert!(
        page.contains(r#"value="Dinner &amp; &lt;b&gt;friends&lt;/b&gt;""#),
        "the typed title is kept"
    );
    assert!(
        page.contains(r#"value="2030-01-01T17:00""#),
        "the typed end is kept"
    );
    assert!(page.contains("Typed brief"), "the typed brief is kept");
    assert!(
        !page.contains("<b>friends</b>"),
        "nothing typed is rendered unescaped"
    );
}

#[tokio::test]
async fn in_the_german_ui_the_problems_are_worded_in_german() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let res = app
        .post(&marketing, "set_language", &[("lang", "de")])
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let form = [
        ("input[title]", ""),
        ("input[kind]", "on_site"),
        ("input[brief]", ""),
        ("input[agenda]", ""),
        ("input[venue_name]", "Alte Halle"),
        ("input[venue_address]", ""),
        ("input[join_url]", ""),
        ("input[starts_at]", "2030-01-01T18:00"),
        ("input[ends_at]", "2030-01-01T17:00"),
        ("input[time_zone]", "Europe/Berlin"),
        ("input[capacity]", "5"),
        ("input[nomination_deadline]", ""),
        ("input[rsvp_deadline]", ""),
        ("input[language]", "de"),
    ];
    let page =
        post_without_javascript(&app, &marketing, "create_event", "/events/new", &form).await;
    assert!(
        page.contains("Titel: Pflichtfeld."),
        "the field is named in German"
    );
    assert!(page.contains("Das Ende muss nach dem Beginn liegen."));
    assert!(
        !page.contains("End must be after the start."),
        "no English left"
    );
}

#[tokio::test]
async fn a_failed_plain_contact_form_keeps_what_was_typed() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let form = [
        ("input[first_name]", "Greta"),
        ("input[last_name]", "Typed-Lastname"),
        ("input[email]", "not-an-email"),
        ("input[title]", "Head of Fleet"),
        ("input[phone]", ""),
        ("input[language]", "de"),
        ("input[account_id]", ""),
        ("input[owner_id]", ""),
    ];
    let page =
        post_without_javascript(&app, &sales, "create_contact", "/contacts/new", &form).await;
    assert!(
        page.contains(r#"value="Typed-Lastname""#),
        "the typed last name is kept"
    );
    assert!(
        page.contains(r#"value="Head of Fleet""#),
        "the typed job title is kept"
    );
    assert!(
        page.contains(r#"value="not-an-email""#),
        "the typed email is kept to be fixed"
    );
}
