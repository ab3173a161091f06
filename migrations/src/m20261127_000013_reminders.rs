//! Reminders and nudges: per event, the days before the start when accepted guests are reminded
//! and the days before the RSVP deadline when invited guests who have not answered are nudged;
//! a row per mail that went out (`scheduled_sends`, unique per event, kind and recipient) so each
//! goes out once, across restarts and instances; and extra personal links (`guest_tokens`) that
//! reminders and nudges carry, since only hashes of links are stored.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            string_len(Events::ReminderDays, 40)
                .default("7,1")
                .to_owned(),
            integer_null(Events::NudgeDays).default(3).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ScheduledSends::Table)
                    .if_not_exists()
                    .col(pk_auto(ScheduledSends::Id))
                    .col(integer(ScheduledSends::EventId))
                    .col(string_len(ScheduledSends::Kind, 40))
                    .col(string_len(ScheduledSends::Recipient, 40))
                    .col(timestamp_with_time_zone(ScheduledSends::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scheduled_sends_once")
                    .table(ScheduledSends::Table)
                    .col(ScheduledSends::EventId)
                    .col(ScheduledSends::Kind)
                    .col(ScheduledSends::Recipient)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GuestTokens::Table)
                    .if_not_exists()
                    .col(pk_auto(GuestTokens::Id))
                    .col(string_len_uniq(GuestTokens::TokenHash, 64))
                    .col(integer(GuestTokens::GuestId))
                    .col(timestamp_with_time_zone(GuestTokens::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(GuestTokens::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ScheduledSends::Table).to_owned())
            .await?;
        for column in [Events::ReminderDays, Events::NudgeDays] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Events::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    ReminderDays,
    NudgeDays,
}

#[derive(DeriveIden)]
enum ScheduledSends {
    Table,
    Id,
    EventId,
    Kind,
    Recipient,
    SentAt,
}

#[derive(DeriveIden)]
enum GuestTokens {
    Table,
    Id,
    TokenHash,
    GuestId,
    CreatedAt,
}
