//! HTTP tests of consent: a contact form that still sends an unsubscribed field changes nothing,
//! only admins change consent (with a reason), and the contact page says when and how.
use app::ssr::entities::{contact, contact_activity};
use app::ssr::services::ConsentService;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

mod common;
use common::*;

const JANA: &str = "jana.krueger@nordwind.example";

fn now() -> sea_orm::prelude::DateTimeUtc {
    std::time::SystemTime::now().into()
}

async fn contact(app: &TestApp, email: &str) -> contact::Model {
    contact::Entity::find()
        .filter(contact::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{email} not found"))
}

async fn log_rows(app: &TestApp, id: i32) -> u64 {
    contact_activity::Entity::find()
        .filter(contact_activity::Column::ContactId.eq(id))
        .count(&app.db)
        .await
        .unwrap()
}

fn edit_form<'a>(id: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", id),
        ("input[first_name]", "Jana"),
        ("input[last_name]", "Krüger"),
        ("input[email]", JANA),
        ("input[title]", title),
        ("input[phone]", ""),
        ("input[language]", "de"),
        ("input[account_id]", ""),
    ]
}

fn accepted(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_contact_form_post_carrying_unsubscribed_on_changes_nothing() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let jana = contact(&app, JANA).await;
    assert_eq!(jana.unsubscribed_at, None);
    let id = jana.id.to_string();
    let mut form = edit_form(&id, "COO");
    form.push(("input[unsubscribed]", "on"));
    let res = app.post(&marketing, "update_contact", &form).await;
    assert!(accepted(&res), "{}", res.status());
    let after = contact(&app, JANA).await;
    assert_eq!(
        after.title.as_deref(),
        Some("COO"),
        "the edit itself was saved"
    );
    assert_eq!(after.unsubscribed_at, None);
    assert_eq!(after.unsubscribe_source, None);

    let res = app
        .post(
            &marketing,
            "create_contact",
            &[
                ("input[first_name]", "Tom"),
                ("input[last_name]", "Neu"),
                ("input[email]", "tom@new.example"),
                ("input[language]", "en"),
                ("input[unsubscribed]", "on"),
            ],
        )
        .await;
    assert!(accepted(&res), "{}", res.status());
    assert_eq!(contact(&app, "tom@new.example").await.unsubscribed_at, None);
    assert_eq!(log_rows(&app, jana.id).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_edit_without_the_field_keeps_an_unsubscribed_contact_unsubscribed() {
    let app = spawn_app().await;
    let jana = contact(&app, JANA).await;
    let gone = ConsentService::unsubscribe_by_contact(&app.db, jana.id, now())
        .await
        .unwrap();
    let marketing = app.signed_in("marketing@demo.test").await;
    let id = jana.id.to_string();
    let res = app
        .post(&marketing, "update_contact", &edit_form(&id, "CFO"))
        .await;
    assert!(accepted(&res), "{}", res.status());
    let after = contact(&app, JANA).await;
    assert_eq!(after.title.as_deref(), Some("CFO"));
    assert_eq!(after.unsubscribed_at, gone.unsubscribed_at);
    assert_eq!(after.unsubscribe_source.as_deref(), Some("link"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn only_an_admin_with_a_reason_changes_consent() {
    let app = spawn_app().await;
    let jana = contact(&app, JANA).await;
    let id = jana.id.to_string();
    let with_reason = [
        ("id", id.as_str()),
        ("input[change]", "unsubscribe"),
        ("input[reason]", "Asked us by phone"),
    ];
    for email in [
        "sales@demo.test",
        "marketing@demo.test",
        "manager@demo.test",
    ] {
        let client = app.signed_in(email).await;
        let res = app.post(&client, "change_consent", &with_reason).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{email}");
    }
    assert_eq!(contact(&app, JANA).await, jana);
    assert_eq!(log_rows(&app, jana.id).await, 0);

    let admin = app.signed_in("admin@demo.test").await;
    let res = app
        .post(
            &admin,
            "change_consent",
            &[
                ("id", id.as_str()),
                ("input[change]", "unsubscribe"),
                ("input[reason]", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("reason"));
    assert_eq!(contact(&app, JANA).await, jana);

    let res = app.post(&admin, "change_consent", &with_reason).await;
    assert!(accepted(&res), "{}", res.status());
    let after = contact(&app, JANA).await;
    assert!(after.unsubscribed_at.is_some());
    assert_eq!(after.unsubscribe_note.as_deref(), Some("Asked us by phone"));
    assert_eq!(log_rows(&app, jana.id).await, 1);

    // the contact page says how, and shows the log
    let page = admin
        .get(format!("{}/contacts/{id}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("by Ada Admin: Asked us by phone"), "{page}");
    assert!(page.contains("Resubscribe"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_contact_page_says_a_contact_unsubscribed_through_the_link() {
    let app = spawn_app().await;
    let jana = contact(&app, JANA).await;
    ConsentService::unsubscribe_by_contact(&app.db, jana.id, now())
        .await
        .unwrap();
    let sales = app.signed_in("sales@demo.test").await;
    let page = sales
        .get(format!("{}/contacts/{}", app.base, jana.id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("via the unsubscribe link in an email"),
        "{page}"
    );
    assert!(!page.contains("input[reason]"), "sales get no consent form");
}
