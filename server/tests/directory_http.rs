//! HTTP tests of the directory: CSV export, who may change contacts and accounts, the import.
use app::ssr::entities::contact;
use reqwest::{header, Client, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

mod common;
use common::*;

impl TestApp {
    async fn get(&self, client: &Client, path: &str) -> reqwest::Response {
        client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn contact(&self, email: &str) -> contact::Model {
        contact::Entity::find()
            .filter(contact::Column::Email.eq(email))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
    }

    /// A second sales rep, who owns none of the demo contacts.
    async fn other_rep(&self) -> Client {
        use app::domain::{EmailAddress, NewUser, Role};
        app::ssr::services::UserService::create(
            &self.db,
            NewUser {
                email: EmailAddress::parse("rita.rep@demo.test").unwrap(),
                name: "Rita Rep".into(),
                role: Role::Sales,
                password: "demo-password".into(),
            },
        )
        .await
        .unwrap();
        self.signed_in("rita.rep@demo.test").await
    }
}

fn contact_form<'a>(id: &'a str, account: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", id),
        ("input[account_id]", account),
        ("input[first_name]", "Jana"),
        ("input[last_name]", "Krüger"),
        ("input[email]", "jana.krueger@nordwind.example"),
        ("input[title]", title),
        ("input[phone]", ""),
        ("input[language]", "de"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_contacts_export_is_rfc_4180_utf8_and_neutralises_formulas() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let jana = app.contact("jana.krueger@nordwind.example").await;
    let id = jana.id.to_string();
    let account = jana.account_id.unwrap().to_string();
    let res = app
        .post(
            &sales,
            "update_contact",
            &contact_form(&id, &account, "=SUM(A1:A9), \"boss\""),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );

    let res = app.get(&sales, "/contacts/export.csv?q=nordwind").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8; header=present"
    );
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}first_name,last_name,email,title,phone,language,account,domain,industry,tier,target_account,owner_email,unsubscribed_at"
    );
    // only the filtered contacts, each line ended by CRLF, quotes doubled, formulas neutralised
    assert_eq!(lines.len(), 4, "{body}");
    assert_eq!(lines[3], "");
    assert!(!body.replace("\r\n", "").contains('\n'));
    assert_eq!(
        lines[1],
        "Jana,Krüger,jana.krueger@nordwind.example,\"'=SUM(A1:A9), \"\"boss\"\"\",,de,Nordwind Logistik GmbH,nordwind.example,Logistics,A,yes,sales@demo.test,"
    );
    assert!(lines[2].starts_with("Tobias,Lang,"));

    let res = app
        .get(&sales, "/accounts/export.csv?tier=A&target=yes")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert_eq!(
        body,
        "\u{feff}name,domain,industry,tier,target_account,owner_email,contacts\r\n\
Alpenmilch eG,alpenmilch.example,Food,A,yes,tom@demo.test,3\r\n\
Hafenkran AG,hafenkran.example,Logistics,A,yes,sales@demo.test,3\r\n\
Kestrel Health,kestrel.example,Healthcare,A,yes,sales@demo.test,2\r\n\
Nordwind Logistik GmbH,nordwind.example,Logistics,A,yes,sales@demo.test,2\r\n\
Northbridge Pharma,northbridge.example,Healthcare,A,yes,sales@demo.test,3\r\n\
Tidewater Ports,tidewater.example,Logistics,A,yes,tom@demo.test,3\r\n\
Vireo Mobility,vireo.example,Automotive,A,yes,tom@demo.test,3\r\n"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_export_needs_a_signed_in_user() {
    let app = spawn_app().await;
    let res = app.get(&client(), "/contacts/export.csv").await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()[header::LOCATION], "/login");
    let res = app.get(&client(), "/accounts/export.csv").await;
    assert!(res.status().is_redirection());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_manager_and_another_rep_get_403_on_edits_and_nothing_changes() {
    let app = spawn_app().await;
    let before = app.contact("jana.krueger@nordwind.example").await;
    let id = before.id.to_string();
    let account = before.account_id.unwrap().to_string();
    let manager = app.signed_in("manager@demo.test").await;
    let rita = app.other_rep().await;
    for client in [&manager, &rita] {
        let res = app
            .post(
                client,
                "update_contact",
                &contact_form(&id, &account, "Hacked"),
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = app
            .post(
                client,
                "update_account",
                &[
                    ("id", &before.account_id.unwrap().to_string()),
                    ("input[name]", "Hacked GmbH"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let res = app
        .post(
            &manager,
            "create_contact",
            &[
                ("input[first_name]", "New"),
                ("input[last_name]", "Person"),
                ("input[email]", "new.person@example.com"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.contact("jana.krueger@nordwind.example").await, before);
    let account = app::ssr::services::AccountService::find(&app.db, before.account_id.unwrap())
        .await
        .unwrap();
    assert_eq!(account.name, "Nordwind Logistik GmbH");
    let count = contact::Entity::find()
        .filter(contact::Column::Email.eq("new.person@example.com"))
        .one(&app.db)
        .await
        .unwrap();
    assert!(count.is_none());

    // the edit page is a 403 for them too, and the contact page offers no edit link
    let res = app.get(&rita, &format!("/contacts/{id}/edit")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = app
        .get(&rita, &format!("/contacts/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(&format!("/contacts/{id}/edit")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_duplicate_email_gets_422_naming_the_email_field() {
    let app = spawn_app().await;
    let rita = app.other_rep().await;
    let res = app
        .post(
            &rita,
            "create_contact",
            &[
                ("input[first_name]", "Jana"),
                ("input[last_name]", "Zwei"),
                ("input[email]", "JANA.KRUEGER@nordwind.example"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("\"field\":\"email\""), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_contacts_page_filters_from_the_url_and_escapes_what_users_typed() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let res = app
        .post(
            &sales,
            "create_contact",
            &[
                ("input[first_name]", "<script>alert(1)</script>"),
                ("input[last_name]", "Evil"),
                ("input[email]", "evil@example.com"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let html = app
        .get(&sales, "/contacts?q=evil")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Evil"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("/contacts/export.csv?q=evil"));
    assert!(!html.contains("Jana Krüger"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_import_of_two_megabytes_as_json_is_previewed_without_writing() {
    let app = spawn_app().await;
    let marketing = app.signed_in("marketing@demo.test").await;
    let mut csv = String::from("first_name,last_name,email,account\n");
    let mut i = 0;
    while csv.len() < 2 * 1024 * 1024 {
        csv.push_str(&format!(
            "Vorname{i},Nachname{i},p{i}@firma.example,\"Firma, {}\"\n",
            i % 50
        ));
        i += 1;
    }
    let before = contact::Entity::find().all(&app.db).await.unwrap().len();
    let res = marketing
        .post(format!("{}/api/preview_import", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({ "csv": csv }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{}", &text[..text.len().min(500)]);
    let preview: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(preview["new"].as_u64().unwrap(), i);
    assert_eq!(preview["invalid"].as_u64().unwrap(), 0);
    assert_eq!(
        contact::Entity::find().all(&app.db).await.unwrap().len(),
        before
    );

    let manager = app.signed_in("manager@demo.test").await;
    let res = manager
        .post(format!("{}/api/start_import", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({ "csv": "first_name,last_name,email\nA,B,a@b.example\n" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_confirmed_import_runs_in_the_background_and_reports_its_progress() {
    let app = spawn_app().await;
    let sales = app.signed_in("sales@demo.test").await;
    let csv =
        "Vorname;Nachname;E-Mail;Firma\nNina;Neu;nina@neu.example;Neu AG\nBad;Row;nope;Neu AG\n";
    let res = sales
        .post(format!("{}/api/start_import", app.base))
        .header(header::ORIGIN, &app.base)
        .json(&serde_json::json!({ "csv": csv }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let job: u64 = res.json().await.unwrap();
    let mut progress = serde_json::Value::Null;
    for _ in 0..50 {
        let res = app
            .post(&sales, "import_progress", &[("job_id", &job.to_string())])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        progress = res.json().await.unwrap();
        if progress["finished"].as_bool().unwrap() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(progress["failed"], false);
    assert_eq!(progress["result"]["new"], 1);
    assert_eq!(progress["result"]["invalid"], 1);
    assert_eq!(app.contact("nina@neu.example").await.first_name, "Nina");

    // another user cannot see someone else's import
    let marketing = app.signed_in("marketing@demo.test").await;
    let res = app
        .post(
            &marketing,
            "import_progress",
            &[("job_id", &job.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
