//! The shared customer directory: accounts (companies) and contacts (people).
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
                    .table(Accounts::Table)
                    .if_not_exists()
                    .col(pk_auto(Accounts::Id))
                    .col(string_len(Accounts::Name, 200))
                    .col(string_len_null(Accounts::Domain, 200))
                    .col(string_len_null(Accounts::Industry, 100))
                    .col(string_len_null(Accounts::Tier, 20))
                    .col(boolean(Accounts::TargetAccount).default(false))
                    .col(integer_null(Accounts::OwnerId))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Accounts::Table, Accounts::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .if_not_exists()
                    .col(pk_auto(Contacts::Id))
                    .col(string_len(Contacts::FirstName, 100))
                    .col(string_len(Contacts::LastName, 100))
                    // stored lower-cased: unique case-insensitively
                    .col(string_len_uniq(Contacts::Email, 320))
                    .col(string_len_null(Contacts::Title, 200))
                    .col(string_len_null(Contacts::Phone, 50))
                    .col(string_len(Contacts::Language, 2).default("en"))
                    .col(integer_null(Contacts::AccountId))
                    .col(integer_null(Contacts::OwnerId))
                    .col(timestamp_with_time_zone_null(Contacts::UnsubscribedAt))
                    .col(timestamp_with_time_zone(Contacts::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contacts::Table, Contacts::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Contacts::Table, Contacts::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Contacts::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Accounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Name,
    Domain,
    Industry,
    Tier,
    TargetAccount,
    OwnerId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    Id,
    FirstName,
    LastName,
    Email,
    Title,
    Phone,
    Language,
    AccountId,
    OwnerId,
    UnsubscribedAt,
    CreatedAt,
}
