//! The door code of an accepted guest: a short code, unique across events, shown as a QR image
//! and as text in the confirmation email and on the RSVP page; the door checks guests in with it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Guests::Table)
                    .add_column(string_len_null(Guests::CheckinCode, 16))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_guests_checkin_code")
                    .table(Guests::Table)
                    .col(Guests::CheckinCode)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_guests_checkin_code")
                    .table(Guests::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Guests::Table)
                    .drop_column(Guests::CheckinCode)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Guests {
    Table,
    CheckinCode,
}
