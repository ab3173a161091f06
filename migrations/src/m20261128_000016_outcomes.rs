//! Follow-up outcomes: what came of a guest after the event, one row per guest (recording again
//! replaces it). A meeting has its date, an opportunity an amount in whole units of a currency.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Outcomes::Table)
                    .if_not_exists()
                    .col(pk_auto(Outcomes::Id))
                    .col(integer(Outcomes::GuestId))
                    .col(integer(Outcomes::EventId))
                    .col(string_len(Outcomes::Kind, 20))
                    .col(date_null(Outcomes::MeetingOn))
                    .col(big_integer_null(Outcomes::Amount))
                    .col(string_len_null(Outcomes::Currency, 3))
                    .col(text(Outcomes::Note).default(""))
                    .col(integer(Outcomes::RecordedBy))
                    .col(timestamp_with_time_zone(Outcomes::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Outcomes::Table, Outcomes::GuestId)
                            .to(Guests::Table, Guests::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outcomes_guest")
                    .table(Outcomes::Table)
                    .col(Outcomes::GuestId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outcomes_event")
                    .table(Outcomes::Table)
                    .col(Outcomes::EventId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outcomes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Outcomes {
    Table,
    Id,
    GuestId,
    EventId,
    Kind,
    MeetingOn,
    Amount,
    Currency,
    Note,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Guests {
    Table,
    Id,
}
