//! Database schema of Tandem, as sea-orm migrations run at start and by `tandem migrate`.
pub use sea_orm_migration::prelude::*;

mod m20261127_000001_create_users;
mod m20261127_000002_create_directory;
mod m20261127_000003_create_events;
mod m20261127_000004_index_directory;
mod m20261127_000005_create_guest_list;
mod m20261127_000006_contact_consent;
mod m20261127_000007_concurrency;
mod m20261127_000008_session_activity;
mod m20261127_000009_invitations;
mod m20261127_000010_checkin_code;
mod m20261127_000011_calendar_feed;
mod m20261127_000012_calendar_updates;
mod m20261127_000013_reminders;
mod m20261128_000014_door;
mod m20261128_000015_arrival_mail;
mod m20261128_000016_outcomes;
mod m20261128_000017_hot_path_indexes;
mod m20261208_000018_outbox_lz4;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_users::Migration),
            Box::new(m20261127_000002_create_directory::Migration),
            Box::new(m20261127_000003_create_events::Migration),
            Box::new(m20261127_000004_index_directory::Migration),
            Box::new(m20261127_000005_create_guest_list::Migration),
            Box::new(m20261127_000006_contact_consent::Migration),
            Box::new(m20261127_000007_concurrency::Migration),
            Box::new(m20261127_000008_session_activity::Migration),
            Box::new(m20261127_000009_invitations::Migration),
            Box::new(m20261127_000010_checkin_code::Migration),
            Box::new(m20261127_000011_calendar_feed::Migration),
            Box::new(m20261127_000012_calendar_updates::Migration),
            Box::new(m20261127_000013_reminders::Migration),
            Box::new(m20261128_000014_door::Migration),
            Box::new(m20261128_000015_arrival_mail::Migration),
            Box::new(m20261128_000016_outcomes::Migration),
            Box::new(m20261128_000017_hot_path_indexes::Migration),
            Box::new(m20261208_000018_outbox_lz4::Migration),
        ]
    }
}
