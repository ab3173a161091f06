//! The guest list and the shared work on an event: quotas, guests (nominations), goals and tasks.
use sea_orm_migration::{prelude::*, schema::*};

use super::m20261127_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Quotas::Table)
                    .if_not_exists()
                    .col(pk_auto(Quotas::Id))
                    .col(integer(Quotas::EventId))
                    .col(integer(Quotas::UserId))
                    .col(integer(Quotas::Seats))
                    .col(timestamp_with_time_zone(Quotas::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Quotas::Table, Quotas::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Quotas::Table, Quotas::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_quotas_event_user")
                    .table(Quotas::Table)
                    .col(Quotas::EventId)
                    .col(Quotas::UserId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Guests::Table)
                    .if_not_exists()
                    .col(pk_auto(Guests::Id))
                    .col(integer(Guests::EventId))
                    .col(integer(Guests::ContactId))
                    .col(integer(Guests::NominatedBy))
                    .col(text(Guests::Reason))
                    .col(string_len(Guests::Priority, 1))
                    .col(text(Guests::PersonalNote).default(""))
                    // nominated | approved | rejected | waitlisted | withdrawn
                    .col(string_len(Guests::State, 12))
                    .col(text_null(Guests::DecisionReason))
                    .col(integer_null(Guests::DecidedBy))
                    .col(timestamp_with_time_zone_null(Guests::DecidedAt))
                    // not_sent | sent | viewed
                    .col(string_len(Guests::Invitation, 10).default("not_sent"))
                    // none | accepted | declined
                    .col(string_len(Guests::Answer, 10).default("none"))
                    .col(timestamp_with_time_zone_null(Guests::CheckedInAt))
                    .col(timestamp_with_time_zone(Guests::CreatedAt))
                    .col(timestamp_with_time_zone(Guests::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Guests::Table, Guests::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Guests::Table, Guests::ContactId)
                            .to(Contacts::Table, Contacts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Guests::Table, Guests::NominatedBy)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // a contact appears at most once per event, whatever races happen
        manager
            .create_index(
                Index::create()
                    .name("uq_guests_event_contact")
                    .table(Guests::Table)
                    .col(Guests::EventId)
                    .col(Guests::ContactId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guests_contact")
                    .table(Guests::Table)
                    .col(Guests::ContactId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Goals::Table)
                    .if_not_exists()
                    .col(pk_auto(Goals::Id))
                    .col(integer(Goals::EventId))
                    .col(string_len(Goals::Metric, 40))
                    .col(big_integer(Goals::Target))
                    .col(string_len(Goals::Team, 12))
                    .col(text(Goals::Note).default(""))
                    .col(integer(Goals::CreatedBy))
                    .col(timestamp_with_time_zone(Goals::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Goals::Table, Goals::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .if_not_exists()
                    .col(pk_auto(Tasks::Id))
                    .col(integer(Tasks::EventId))
                    .col(string_len(Tasks::Title, 200))
                    .col(integer(Tasks::OwnerId))
                    .col(string_len(Tasks::Team, 12))
                    .col(date_null(Tasks::DueOn))
                    .col(boolean(Tasks::Done).default(false))
                    .col(integer(Tasks::CreatedBy))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tasks::Table, Tasks::OwnerId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tasks_owner")
                    .table(Tasks::Table)
                    .col(Tasks::OwnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Tasks::Table.into_iden(),
            Goals::Table.into_iden(),
            Guests::Table.into_iden(),
            Quotas::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Quotas {
    Table,
    Id,
    EventId,
    UserId,
    Seats,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Guests {
    Table,
    Id,
    EventId,
    ContactId,
    NominatedBy,
    Reason,
    Priority,
    PersonalNote,
    State,
    DecisionReason,
    DecidedBy,
    DecidedAt,
    Invitation,
    Answer,
    CheckedInAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Goals {
    Table,
    Id,
    EventId,
    Metric,
    Target,
    Team,
    Note,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    EventId,
    Title,
    OwnerId,
    Team,
    DueOn,
    Done,
    CreatedBy,
    CreatedAt,
}
