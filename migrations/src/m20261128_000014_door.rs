//! The door: who checked a guest in (`checked_in_by`), walk-ins (guests who came without an
//! invitation, credited to a rep), and the door log — one row per check-in, undo or walk-in, with
//! the device's operation id so a check-in sent again after a lost answer is recorded once. The
//! log's ids are the cursor door devices follow for live updates.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            integer_null(Guests::CheckedInBy).to_owned(),
            boolean(Guests::WalkIn).default(false).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Guests::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DoorLog::Table)
                    .if_not_exists()
                    .col(pk_auto(DoorLog::Id))
                    .col(integer(DoorLog::EventId))
                    .col(integer(DoorLog::GuestId))
                    .col(string_len(DoorLog::Op, 64))
                    .col(string_len(DoorLog::Action, 16))
                    .col(integer(DoorLog::UserId))
                    .col(timestamp_with_time_zone(DoorLog::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_door_log_op")
                    .table(DoorLog::Table)
                    .col(DoorLog::EventId)
                    .col(DoorLog::Op)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DoorLog::Table).to_owned())
            .await?;
        for column in [Guests::CheckedInBy, Guests::WalkIn] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Guests::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Guests {
    Table,
    CheckedInBy,
    WalkIn,
}

#[derive(DeriveIden)]
enum DoorLog {
    Table,
    Id,
    EventId,
    GuestId,
    Op,
    Action,
    UserId,
    At,
}
