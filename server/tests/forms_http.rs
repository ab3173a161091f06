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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
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

/// The open demo event, where sales has seats.
/// The open demo event still taking nominations (the dinner; the breakfast is under way).
async fn open_event(app: &TestApp, client: &reqwest::Client) -> String {
    let events: serde_json::Value = app
        .post(client, "list_events", &[("filter", "all")])
        .await
        .json()
        .await
        .unwrap();
    events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "Logistics Leaders Dinner")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_comment_comes_back_with_its_text() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let event = open_event(&app, &marketing).await;
    let page = format!("/events/{event}");
    // one character too long, and something to escape (a textarea's text is not escaped by
    // Leptos itself: `TextArea` does it)
    let body = format!("<i>Typed & kept</i> {}", "x".repeat(5_000));
    let back = post_without_javascript(
        &app,
        &marketing,
        "add_comment",
        &page,
        &[("event_id", &event), ("body", &body)],
    )
    .await;
    assert!(
        back.contains("Comment must be at most 5000 characters."),
        "the problem is shown"
    );
    assert!(
        back.contains("&lt;i&gt;Typed &amp; kept&lt;/i&gt; xxxx"),
        "the typed comment is kept, escaped"
    );
    assert!(!back.contains("<i>Typed"), "nothing typed is unescaped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn typed_text_cannot_close_the_textarea_it_comes_back_in() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let event = open_event(&app, &marketing).await;
    let page = format!("/events/{event}");
    // the page the error link leads to is one anybody can make up: what it carries stays text
    let body = format!(
        r#"</textarea><form id="pwned"></form>{}"#,
        "x".repeat(5_000)
    );
    let back = post_without_javascript(
        &app,
        &marketing,
        "add_comment",
        &page,
        &[("event_id", &event), ("body", &body)],
    )
    .await;
    assert!(back.contains("Comment must be at most 5000 characters."));
    assert!(back.contains("&lt;/textarea&gt;&lt;form id=\"pwned\"&gt;"));
    assert!(
        !back.contains(r#"<form id="pwned""#),
        "typed text never becomes markup"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_nomination_of_a_new_contact_keeps_the_contact_and_the_reason() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let event = open_event(&app, &sales).await;
    let page = format!("/events/{event}");
    let back = post_without_javascript(
        &app,
        &sales,
        "nominate",
        &page,
        &[
            ("event_id", event.as_str()),
            ("contact_id", "new"),
            ("contact[first_name]", "Greta"),
            ("contact[last_name]", "Typed-Lastname"),
            ("contact[email]", "not-an-email"),
            ("contact[language]", "de"),
            ("input[reason]", "Typed reason for Greta"),
            ("input[priority]", "B"),
        ],
    )
    .await;
    assert!(
        back.contains("Email must look like name@example.com."),
        "the contact's problem is shown"
    );
    assert!(back.contains(r#"value="Greta""#), "first name kept");
    assert!(back.contains(r#"value="Typed-Lastname""#), "last name kept");
    assert!(back.contains(r#"value="not-an-email""#), "email kept");
    assert!(back.contains("Typed reason for Greta"), "reason kept");
    assert!(
        back.contains(r#"<option value="new" selected"#),
        "the new contact is still chosen"
    );
    assert!(
        back.contains(r#"<option value="B" selected"#),
        "the priority is kept"
    );
    assert!(
        !back.contains(r#"<fieldset class="inline-contact" hidden"#),
        "the new contact's fields are shown"
    );

    // nothing was written
    let list: serde_json::Value = app
        .post(&sales, "get_guest_list", &[("event_id", &event)])
        .await
        .json()
        .await
        .unwrap();
    assert!(list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["contact_name"] != "Greta Typed-Lastname"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_javascript_the_nominate_form_offers_the_new_contacts_fields() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let event = open_event(&app, &sales).await;
    let page = sales
        .get(format!("{}/events/{event}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"name="contact[first_name]""#));
    assert!(
        !page.contains(r#"<fieldset class="inline-contact" hidden"#),
        "shown until the page runs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_task_comes_back_open_with_what_was_typed() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let event = open_event(&app, &marketing).await;
    let page = format!("/events/{event}");
    let back = post_without_javascript(
        &app,
        &marketing,
        "add_task",
        &page,
        &[
            ("event_id", event.as_str()),
            ("input[title]", "Book the <venue>"),
            ("input[owner_id]", ""),
            ("input[team]", "sales"),
            ("input[due_on]", "2030-02-30"),
        ],
    )
    .await;
    assert!(back.contains("Owner is required."), "the owner's problem");
    assert!(
        back.contains("Due date must be a date."),
        "the date's problem"
    );
    assert!(
        back.contains(r#"value="Book the &lt;venue&gt;""#),
        "the title is kept, escaped"
    );
    assert!(back.contains(r#"value="2030-02-30""#), "the date is kept");
    assert!(
        back.contains(r#"<option value="sales" selected"#),
        "the team is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_goal_comes_back_with_what_was_typed() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let event = open_event(&app, &sales).await;
    let page = format!("/events/{event}");
    let back = post_without_javascript(
        &app,
        &sales,
        "propose_goal",
        &page,
        &[
            ("event_id", event.as_str()),
            ("input[metric]", "show_rate"),
            ("input[target]", "150"),
            ("input[team]", "sales"),
            ("input[note]", "Typed goal note"),
        ],
    )
    .await;
    assert!(
        back.contains("A show rate target is a percentage: at most 100."),
        "the target's problem"
    );
    assert!(back.contains(r#"value="150""#), "the target is kept");
    assert!(
        back.contains(r#"value="Typed goal note""#),
        "the note is kept"
    );
    assert!(
        back.contains(r#"<option value="show_rate" selected"#),
        "the metric is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_user_form_keeps_name_email_and_role_but_never_the_password() {
    let app = spawn_app().await;
    let admin = app.signed_in("admin@demo.test").await;
    let password = "Secret-Horse-Battery-42";
    let back = post_without_javascript(
        &app,
        &admin,
        "add_user",
        "/admin/users",
        &[
            ("input[name]", "Nina Neu"),
            ("input[email]", "nina-at-example"),
            ("input[role]", "marketing"),
            ("input[password]", password),
        ],
    )
    .await;
    assert!(
        back.contains("Email must look like name@example.com."),
        "the email's problem"
    );
    assert!(back.contains(r#"value="Nina Neu""#), "the name is kept");
    assert!(
        back.contains(r#"value="nina-at-example""#),
        "the email is kept"
    );
    assert!(
        back.contains(r#"<option value="marketing" selected"#),
        "the role is kept"
    );
    assert!(!back.contains(password), "the password is never sent back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_password_change_shows_why_and_echoes_no_password() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let back = post_without_javascript(
        &app,
        &sales,
        "change_password",
        "/profile",
        &[
            ("input[current_password]", "demo-password"),
            ("input[new_password]", "Brand-New-Secret-1"),
            ("input[new_password_repeat]", "Brand-New-Secret-2"),
        ],
    )
    .await;
    assert!(back.contains("The two new passwords are not the same."));
    for secret in ["demo-password", "Brand-New-Secret-1", "Brand-New-Secret-2"] {
        assert!(!back.contains(secret), "{secret} is never sent back");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_plain_nomination_edit_comes_back_open_on_its_row() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let event = open_event(&app, &sales).await;
    let list: serde_json::Value = app
        .post(&sales, "get_guest_list", &[("event_id", &event)])
        .await
        .json()
        .await
        .unwrap();
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
            &sales,
            "nominate",
            &[
                ("event_id", event.as_str()),
                ("contact_id", &contact_id),
                ("input[reason]", "Runs the logistics budget"),
                ("input[priority]", "A"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let list: serde_json::Value = app
        .post(&sales, "get_guest_list", &[("event_id", &event)])
        .await
        .json()
        .await
        .unwrap();
    let guest_id = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["contact_id"].as_i64().map(|id| id.to_string()) == Some(contact_id.clone()))
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let page = format!("/events/{event}");
    let back = post_without_javascript(
        &app,
        &sales,
        "update_nomination",
        &page,
        &[
            ("guest_id", guest_id.as_str()),
            ("input[reason]", "   "),
            ("input[priority]", "B"),
        ],
    )
    .await;
    assert!(
        back.contains("Reason is required: tell marketing why this customer should come."),
        "the reason's problem is shown"
    );
    assert!(
        back.contains(r#"<details open class="edit-nomination">"#),
        "the refused row's edit form is open"
    );
    assert!(
        back.contains(r#"<option value="B" selected"#),
        "the typed priority is kept"
    );
}
