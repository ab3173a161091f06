//! Invitations and answers: the outbox every email goes through, and on each guest the personal
//! RSVP link (its hash), the video link, when the guest was invited, looked and answered, and the
//! waitlist position.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement
        let columns = [
            string_len_null(Guests::RsvpTokenHash, 64),
            string_len_null(Guests::VideoUrl, 500),
            timestamp_with_time_zone_null(Guests::InvitedAt),
            timestamp_with_time_zone_null(Guests::ViewedAt),
            timestamp_with_time_zone_null(Guests::VideoOpenedAt),
            timestamp_with_time_zone_null(Guests::AnsweredAt),
            integer_null(Guests::AnswerRecordedBy),
            integer_null(Guests::WaitlistPosition),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Guests::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_guests_rsvp_token_hash")
                    .table(Guests::Table)
                    .col(Guests::RsvpTokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .if_not_exists()
                    .col(pk_auto(Outbox::Id))
                    .col(string_len_uniq(Outbox::MessageId, 200))
                    .col(string_len(Outbox::Kind, 40))
                    .col(integer_null(Outbox::EventId))
                    .col(integer_null(Outbox::GuestId))
                    .col(string_len(Outbox::Recipient, 320))
                    .col(text(Outbox::Subject))
                    .col(text(Outbox::TextBody))
                    .col(text(Outbox::HtmlBody))
                    .col(text(Outbox::Raw))
                    .col(string_len(Outbox::State, 12))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(text_null(Outbox::LastError))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Outbox::LeaseUntil))
                    .col(timestamp_with_time_zone_null(Outbox::SentAt))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::State)
                    .col(Outbox::NextAttemptAt)
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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_guests_rsvp_token_hash")
                    .table(Guests::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Guests::RsvpTokenHash,
            Guests::VideoUrl,
            Guests::InvitedAt,
            Guests::ViewedAt,
            Guests::VideoOpenedAt,
            Guests::AnsweredAt,
            Guests::AnswerRecordedBy,
            Guests::WaitlistPosition,
        ] {
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

#[derive(DeriveIden, Clone, Copy)]
enum Guests {
    Table,
    RsvpTokenHash,
    VideoUrl,
    InvitedAt,
    ViewedAt,
    VideoOpenedAt,
    AnsweredAt,
    AnswerRecordedBy,
    WaitlistPosition,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    MessageId,
    Kind,
    EventId,
    GuestId,
    Recipient,
    Subject,
    TextBody,
    HtmlBody,
    Raw,
    State,
    Attempts,
    LastError,
    NextAttemptAt,
    LeaseUntil,
    SentAt,
    CreatedAt,
}
