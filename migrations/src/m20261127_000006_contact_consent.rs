//! Consent belongs to the contact: how and by whom a contact was unsubscribed, and a log of every
//! change to it (`contact_activities`).
use sea_orm_migration::{prelude::*, schema::*};

use super::m20261127_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(string_len_null(Contacts::UnsubscribeSource, 20))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(text_null(Contacts::UnsubscribeNote))
                    .to_owned(),
            )
            .await?;
        // no foreign key: SQLite cannot add one to an existing table; users are deactivated, not deleted
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(integer_null(Contacts::UnsubscribedBy))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ContactActivities::Table)
                    .if_not_exists()
                    .col(pk_auto(ContactActivities::Id))
                    .col(integer(ContactActivities::ContactId))
                    .col(integer_null(ContactActivities::UserId))
                    .col(string_len(ContactActivities::Action, 40))
                    .col(text_null(ContactActivities::Note))
                    .col(timestamp_with_time_zone(ContactActivities::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContactActivities::Table, ContactActivities::ContactId)
                            .to(Contacts::Table, Contacts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ContactActivities::Table, ContactActivities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contact_activities_contact_id")
                    .table(ContactActivities::Table)
                    .col(ContactActivities::ContactId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ContactActivities::Table).to_owned())
            .await?;
        for column in [
            Contacts::UnsubscribedBy,
            Contacts::UnsubscribeNote,
            Contacts::UnsubscribeSource,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Contacts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    UnsubscribeSource,
    UnsubscribeNote,
    UnsubscribedBy,
}

#[derive(DeriveIden)]
enum ContactActivities {
    Table,
    Id,
    ContactId,
    UserId,
    Action,
    Note,
    CreatedAt,
}
