//! SeaORM entities: rows as stored. They never leave the server; `api::dto` types do.
pub mod account;
pub mod activity;
pub mod comment;
pub mod contact;
pub mod contact_activity;
pub mod door_log;
pub mod event;
pub mod goal;
pub mod guest;
pub mod guest_token;
pub mod outbox;
pub mod outcome;
pub mod quota;
pub mod scheduled_send;
pub mod session;
pub mod task;
pub mod user;
