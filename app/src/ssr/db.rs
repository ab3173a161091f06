//! Connecting to SQLite (default, embedded) or PostgreSQL, and running the migrations.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// Connects and prepares the database: SQLite gets WAL, foreign keys and a busy timeout on every
/// pooled connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        if url.contains(":memory:") {
            // every pooled connection to :memory: would be its own empty database
            options.max_connections(1).min_connections(1);
        } else {
            options.max_connections(8);
        }
        // sqlx pings a pooled connection when it hands it out (and again when it takes it back):
        // on SQLite each ping is a round trip to the connection's own thread, for a file that
        // cannot hang up. The ping on return stays; this one went on every query, a third of
        // the thread hand-overs of a guest's page.
        options.test_before_acquire(false);
        options.map_sqlx_sqlite_opts(|opts| {
            // sqlx runs each SQLite connection on a thread of its own and hands rows over one
            // by one through a channel; with its default of 50 the thread stopped every 50 rows
            // until the request's task had taken them (a 2,000-guest list: 40 hand-overs). 1,024
            // rows is still a bound on what a connection holds ahead.
            opts.row_buffer_size(1024)
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
        });
    } else {
        // a connection the server (or a proxy) may have closed is one that sat idle: only those
        // are pinged before use, not every connection on every query (a network round trip
        // each)
        options
            .max_connections(16)
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    Database::connect(options).await
}

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: it takes the write
/// lock at the start, so concurrent writers wait for each other within the busy timeout instead of
/// failing with "database is locked" when one read before another committed. PostgreSQL ignores
/// the option (lock rows there with `SELECT … FOR UPDATE` where a read decides the write).
/// Every transaction that writes uses this instead of `begin()`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A turn at writing for the hottest write path (a guest's answer), on SQLite: answers wait for
/// each other here, in order, and each starts the moment the one before has committed. Without
/// it they wait inside SQLite's busy handler, which sleeps 1, 2, 5, 10, … 100 ms between tries
/// whatever happens meanwhile: under fifty answers at once most of the time went to sleeping.
/// The turn is per process (several instances still meet at SQLite's lock, as before); on
/// PostgreSQL there is none (`None`): row locks wake waiters themselves.
pub async fn sqlite_write_turn(
    db: &DatabaseConnection,
) -> Option<tokio::sync::MutexGuard<'static, ()>> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => Some(TURN.lock().await),
        _ => None,
    }
}

/// Runs `statements` in order, inside the caller's transaction. On SQLite they travel as one
/// batch: sqlx runs every statement of one query text in turn, binding the `?` parameters in
/// order across them, so the batch is one trip to the connection's worker thread instead of
/// one per statement (what an answer's writes cost under the write lock). PostgreSQL does not
/// take several statements with parameters in one query, so there they run one by one.
pub async fn run_together<C: ConnectionTrait>(
    db: &C,
    statements: Vec<Statement>,
) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite || statements.len() < 2 {
        for statement in statements {
            db.execute_raw(statement).await?;
        }
        return Ok(());
    }
    let mut sql = String::new();
    let mut values = Vec::new();
    for statement in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&statement.sql);
        values.extend(statement.values.map(|v| v.0).unwrap_or_default());
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// Whether a write failed on a unique constraint (SQLite "UNIQUE constraint failed", PostgreSQL
/// "duplicate key value violates unique constraint"): the index caught what a check let through.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Connects, runs the migrations, and on an SQLite file connects afresh: a pooled SQLite
/// connection that prepared statements before a migration added a column can answer a later
/// `RETURNING` without it ("Missing value for column …", seen with a new `NOT NULL DEFAULT`
/// column), so the connections the app works with all start after the schema is final.
pub async fn connect_migrated(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect(url).await?;
    migrate(&db).await?;
    if url.starts_with("sqlite:") && !url.contains(":memory:") {
        db.close().await?;
        return connect(url).await;
    }
    Ok(db)
}

/// Whether the database answers; used by `/healthz`.
pub async fn is_healthy(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}
