//! On PostgreSQL, an outbox row's message columns are compressed with lz4 instead of pglz.
//!
//! A message (the MIME bytes, about 6 KB for a confirmation, and its previews) is larger than
//! PostgreSQL's 2 KB threshold, so every row is compressed when it is stored. With the default,
//! pglz, that was the largest single cost of a guest's answer inside PostgreSQL (4.5 % of the
//! machine's processor time under answer load, docs/performance.md); lz4 compresses several
//! times faster for a similar size. Rows already stored keep their compression; PostgreSQL
//! reads both. A server built without lz4 (or older than 14) keeps pglz: the change is skipped.
//! SQLite stores the columns as they are, and nothing changes there.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `method` for the outbox's message columns, unless the server cannot use it.
fn set_compression(method: &str) -> String {
    format!(
        "DO $$ BEGIN \
           ALTER TABLE outbox \
             ALTER COLUMN raw SET COMPRESSION {method}, \
             ALTER COLUMN html_body SET COMPRESSION {method}, \
             ALTER COLUMN text_body SET COMPRESSION {method}; \
         EXCEPTION WHEN feature_not_supported OR syntax_error THEN \
           RAISE NOTICE 'outbox columns keep their compression: %', SQLERRM; \
         END $$"
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(&set_compression("lz4"))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(&set_compression("default"))
            .await?;
        Ok(())
    }
}
