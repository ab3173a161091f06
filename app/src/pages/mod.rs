//! One module per page; each page component's name ends in `Page`.
pub mod accounts;
pub mod contacts;
pub mod door;
pub mod errors;
pub mod event;
pub mod event_form;
pub mod event_guests;
pub mod event_plan;
pub mod events;
pub mod guest;
pub mod import;
pub mod login;
pub mod outbox;
pub mod profile;
pub mod rsvp;
pub mod unsubscribe;
pub mod users;
