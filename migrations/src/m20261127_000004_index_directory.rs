//! Indexes for the directory's lists: contacts by account and by owner, accounts by name.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_account_id")
                    .table(Contacts::Table)
                    .col(Contacts::AccountId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_owner_id")
                    .table(Contacts::Table)
                    .col(Contacts::OwnerId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_contacts_last_name")
                    .table(Contacts::Table)
                    .col(Contacts::LastName)
                    .col(Contacts::FirstName)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_accounts_name")
                    .table(Accounts::Table)
                    .col(Accounts::Name)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_accounts_name", Accounts::Table.into_iden()),
            ("idx_contacts_last_name", Contacts::Table.into_iden()),
            ("idx_contacts_owner_id", Contacts::Table.into_iden()),
            ("idx_contacts_account_id", Contacts::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum Contacts {
    Table,
    FirstName,
    LastName,
    AccountId,
    OwnerId,
}
