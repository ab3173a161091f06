//! On PostgreSQL, an outbox row's message columns are compressed with lz4 instead of pglz.
//!
//! A message (the MIME bytes, about 6 KB for a confirmation, and its previews) is larger than
//! PostgreSQL's 2 KB threshold, so every row is compressed when it is stored. With the default,
//! pglz, that was the largest single cost of a guest's answer inside PostgreSQL (4.5 % of all
//! samples in a profile of the machine under answer load, docs/performance.md 20); lz4
//! compresses several times faster for a similar size. Rows already stored keep their
//! compression; PostgreSQL reads both. A server older than 14, or built without lz4, keeps
//! pglz: the change is skipped with a notice. SQLite stores the columns as they are.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Sets `method` on the outbox's message columns, where the server can use it. The statement
/// runs as dynamic SQL (`EXECUTE`), so that a server which does not know the syntax fails inside
/// the block that catches it, not when the block is compiled.
async fn compress_with(manager: &SchemaManager<'_>, method: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let block = format!(
        "DO $$ BEGIN \
           IF current_setting('server_version_num')::int < 140000 THEN \
             RAISE NOTICE 'outbox columns keep their compression: PostgreSQL 14 or later sets it'; \
             RETURN; \
           END IF; \
           EXECUTE 'ALTER TABLE outbox \
             ALTER COLUMN raw SET COMPRESSION {method}, \
             ALTER COLUMN html_body SET COMPRESSION {method}, \
             ALTER COLUMN text_body SET COMPRESSION {method}'; \
         EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN \
           RAISE NOTICE 'outbox columns keep their compression: %', SQLERRM; \
         END $$"
    );
    manager.get_connection().execute_unprepared(&block).await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        compress_with(manager, "lz4").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        compress_with(manager, "default").await
    }
}
