//! Server-only code: database, entities, services, authentication, mail parts and demo data.
pub mod auth;
pub mod charts;
pub mod db;
pub mod entities;
pub mod mail;
pub mod markdown;
pub mod present;
pub mod seed;
pub mod services;
pub mod state;
pub mod throttle;

pub use state::AppState;
