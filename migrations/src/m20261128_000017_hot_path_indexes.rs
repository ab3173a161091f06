//! Indexes for the hot paths measured in docs/benchmarks.md:
//! - an event's sending progress (`state` per `kind`) is read from the index alone. Through
//!   `idx_outbox_event` SQLite read every row, and an outbox row holds the whole message, so
//!   `state`, stored after it, sat on overflow pages: each event page walked every message;
//! - a guest's "accept" counts the event's accepted guests under the write lock: by
//!   (event, answer) that is a range of the index, not a read of every guest of the event.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_event_kind_state")
                    .table(Outbox::Table)
                    .col(Outbox::EventId)
                    .col(Outbox::Kind)
                    .col(Outbox::State)
                    .to_owned(),
            )
            .await?;
        // its first column leads the new index, which serves every lookup it served
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_event")
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guests_event_answer")
                    .table(Guests::Table)
                    .col(Guests::EventId)
                    .col(Guests::Answer)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_guests_event_answer")
                    .table(Guests::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_event")
                    .table(Outbox::Table)
                    .col(Outbox::EventId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_outbox_event_kind_state")
                    .table(Outbox::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    EventId,
    Kind,
    State,
}

#[derive(DeriveIden)]
enum Guests {
    Table,
    EventId,
    Answer,
}
