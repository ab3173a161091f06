//! Router state. leptos_axum hands it to server functions as context (`expect_context::<AppState>()`).
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;

use super::throttle::LoginThrottle;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub throttle: Arc<LoginThrottle>,
    /// Mark cookies `Secure`: set when Tandem is served over https.
    pub secure_cookies: bool,
    /// Sender, organiser and the public origin for links in mail.
    pub mail: Arc<crate::ssr::mail::MailSettings>,
    /// Where the door page's program starts (`/pkg/door-<hash>/boot.js`), when it was built
    pub door_script: Option<String>,
}
