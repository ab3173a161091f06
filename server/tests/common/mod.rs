//! Shared by the HTTP tests: the real server on port 0 with a fresh SQLite database and demo data,
//! and clients that sign in as a demo user.
#![allow(dead_code)] // each test file uses a different part

use reqwest::{header, redirect, Client};
use server::{Application, Settings};

pub struct TestApp {
    pub base: String,
    pub db: sea_orm::DatabaseConnection,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        site_root: dir.path().display().to_string(),
        seed_demo: true,
        public_url: None,
        // tests pose as different clients with X-Forwarded-For
        trusted_proxies: vec!["127.0.0.1".into()],
        smtp_url: None,
        mail_from: server::DEFAULT_MAIL_FROM.into(),
        mail_organizer: None,
    };
    let app = Application::build(settings).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.db.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        db,
        _dir: dir,
    }
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn post(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::ORIGIN, &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn signed_in(&self, email: &str) -> Client {
        let client = client();
        let res = self
            .post(
                &client,
                "login",
                &[("email", email), ("password", "demo-password")],
            )
            .await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "login {}",
            res.status()
        );
        client
    }
}

/// `spawn_app` with changed settings (public URL, trusted proxies, …).
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        addr: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        site_root: dir.path().display().to_string(),
        seed_demo: true,
        public_url: None,
        trusted_proxies: vec!["127.0.0.1".into()],
        smtp_url: None,
        mail_from: server::DEFAULT_MAIL_FROM.into(),
        mail_organizer: None,
    };
    change(&mut settings);
    let app = Application::build(settings).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.db.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        db,
        _dir: dir,
    }
}

/// A server function's error body in the words the English UI shows: one "field: message" line per
/// field for validation errors, the message itself otherwise (the wire carries message codes).
#[allow(dead_code)]
pub fn worded(body: &str) -> String {
    use app::error::AppError;
    match serde_json::from_str::<AppError>(body) {
        Ok(AppError::Validation(errors)) | Ok(AppError::Retype { errors, .. }) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("\n"),
        Ok(other) => other.to_string(),
        Err(_) => body.to_string(),
    }
}
