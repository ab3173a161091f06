//! Events, their comment threads and the activity log of who changed what.
use sea_orm_migration::{prelude::*, schema::*};

use super::m20261127_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .if_not_exists()
                    .col(pk_auto(Events::Id))
                    .col(string_len(Events::Title, 200))
                    .col(string_len(Events::Kind, 10))
                    .col(text(Events::Brief))
                    // agenda items as JSON: they are always read and written with their event
                    .col(text(Events::Agenda))
                    .col(string_len_null(Events::VenueName, 200))
                    .col(string_len_null(Events::VenueAddress, 500))
                    .col(string_len_null(Events::JoinUrl, 500))
                    // wall-clock times in the event's zone, as the planner typed them ...
                    .col(date_time(Events::StartsLocal))
                    .col(date_time(Events::EndsLocal))
                    .col(string_len(Events::TimeZone, 64))
                    // ... and the same instants in UTC, for ordering and "upcoming"
                    .col(timestamp_with_time_zone(Events::StartsAt))
                    .col(timestamp_with_time_zone(Events::EndsAt))
                    .col(integer(Events::Capacity))
                    .col(date_time_null(Events::NominationDeadlineLocal))
                    .col(date_time_null(Events::RsvpDeadlineLocal))
                    .col(string_len(Events::Language, 2))
                    .col(string_len(Events::Status, 12))
                    .col(integer(Events::OwnerId))
                    .col(integer(Events::Sequence).default(0))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Events::Table, Events::OwnerId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_starts_at")
                    .table(Events::Table)
                    .col(Events::StartsAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .if_not_exists()
                    .col(pk_auto(Comments::Id))
                    .col(integer(Comments::EventId))
                    .col(integer(Comments::AuthorId))
                    .col(text(Comments::Body))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Comments::Table, Comments::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Comments::Table, Comments::AuthorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_comments_event")
                    .table(Comments::Table)
                    .col(Comments::EventId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .if_not_exists()
                    .col(pk_auto(Activities::Id))
                    .col(integer(Activities::EventId))
                    .col(integer(Activities::UserId))
                    .col(string_len(Activities::Action, 40))
                    .col(string_len_null(Activities::Field, 40))
                    .col(text_null(Activities::OldValue))
                    .col(text_null(Activities::NewValue))
                    .col(timestamp_with_time_zone(Activities::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Activities::Table, Activities::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Activities::Table, Activities::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_activities_event")
                    .table(Activities::Table)
                    .col(Activities::EventId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Activities::Table.into_iden(),
            Comments::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Title,
    Kind,
    Brief,
    Agenda,
    VenueName,
    VenueAddress,
    JoinUrl,
    StartsLocal,
    EndsLocal,
    TimeZone,
    StartsAt,
    EndsAt,
    Capacity,
    NominationDeadlineLocal,
    RsvpDeadlineLocal,
    Language,
    Status,
    OwnerId,
    Sequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    EventId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    EventId,
    UserId,
    Action,
    Field,
    OldValue,
    NewValue,
    CreatedAt,
}
