//! Connecting to SQLite (default, embedded) or PostgreSQL, and running the migrations.
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// Connects and prepares the database: SQLite gets WAL, foreign keys and a busy timeout on every
/// pooled connection.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    Ok(connect_counting(url).await?.0)
}

/// `connect`, and the count of the database's commits where it can be kept: a SQLite file.
pub async fn connect_counting(url: &str) -> Result<(DatabaseConnection, Option<Commits>), DbErr> {
    let mut commits = None;
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
        if !url.contains(":memory:") {
            let counted = Commits::default();
            commits = Some(counted.clone());
            options.map_sqlx_sqlite_pool_opts(move |pool| {
                let counted = counted.clone();
                pool.after_connect(move |conn, _| Box::pin(count_commits_of(conn, counted.clone())))
            });
        }
    } else {
        // a connection the server (or a proxy) may have closed is one that sat idle: only those
        // are pinged before use, not every connection on every query (a network round trip
        // each)
        options
            .max_connections(16)
            .test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    Ok((Database::connect(options).await?, commits))
}

/// One database's commits, counted by SQLite after each one landed, whichever code path made it.
/// SQLite counts a commit after it became visible to readers and before the writer's statement
/// returns, so a count read before reading the database and read again unchanged afterwards
/// means no commit landed in between (the page cache keeps what it rendered on that condition,
/// `server::page_cache`), and a writer's next request already sees its commit counted. Commits
/// another process makes on the same file are not counted.
#[derive(Clone, Default)]
pub struct Commits(Arc<CommitCounter>);

#[derive(Default)]
struct CommitCounter {
    count: AtomicU64,
    /// Set for good when a connection could not count its commits (not in WAL mode).
    uncounted: AtomicBool,
}

impl Commits {
    /// The commits so far; `None` when some connection cannot count them.
    pub fn now(&self) -> Option<u64> {
        if self.0.uncounted.load(Ordering::SeqCst) {
            return None;
        }
        Some(self.0.count.load(Ordering::SeqCst))
    }
}

/// Every new SQLite connection counts its commits in `commits`, through SQLite's WAL hook: the
/// one callback SQLite calls after a commit has landed (the commit hook runs before, while readers
/// still see the old rows). The hook replaces SQLite's automatic checkpoint, so it checkpoints
/// as that one does, at 1,000 pages in the log.
async fn count_commits_of(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    commits: Commits,
) -> Result<(), sea_orm::sqlx::Error> {
    let mode: String = sea_orm::sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?;
    if !mode.eq_ignore_ascii_case("wal") {
        commits.0.uncounted.store(true, Ordering::SeqCst);
        return Ok(());
    }
    let mut handle = conn.lock_handle().await?;
    // the hook's argument: the counter, kept alive for as long as the process runs (SQLite has
    // no destructor for it; one small allocation per database)
    let counter = Arc::into_raw(commits.0)
        .cast_mut()
        .cast::<std::ffi::c_void>();
    // SAFETY: the handle is locked out of sqlx's worker thread for the call (`lock_handle`); the
    // callback only reads its argument as the `CommitCounter` it is (never freed) and calls SQLite
    // on the handle SQLite hands it. SQLite keeps the hook until the connection closes.
    unsafe {
        libsqlite3_sys::sqlite3_wal_hook(
            handle.as_raw_handle().as_ptr(),
            Some(commit_landed),
            counter,
        );
    }
    Ok(())
}

/// SQLite's WAL hook: a commit of `pages` log pages in all has landed on `db`'s database `name`.
unsafe extern "C" fn commit_landed(
    counter: *mut std::ffi::c_void,
    db: *mut libsqlite3_sys::sqlite3,
    name: *const std::ffi::c_char,
    pages: std::ffi::c_int,
) -> std::ffi::c_int {
    // SAFETY: the argument is the never-freed `CommitCounter` that `count_commits_of` passed
    let counter = unsafe { &*counter.cast_const().cast::<CommitCounter>() };
    counter.count.fetch_add(1, Ordering::SeqCst);
    // what SQLite's own hook (`sqlite3_wal_autocheckpoint`, 1,000 pages) does, which this one
    // replaces: a passive checkpoint that keeps the log from growing without end
    if pages >= 1000 {
        // SAFETY: SQLite allows checkpointing from inside the hook, on the handle and database
        // name it passed (the write lock is already released).
        unsafe {
            libsqlite3_sys::sqlite3_wal_checkpoint(db, name);
        }
    }
    libsqlite3_sys::SQLITE_OK
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
    Ok(connect_migrated_counting(url).await?.0)
}

/// `connect_migrated`, with the count of the database's commits (`connect_counting`).
pub async fn connect_migrated_counting(
    url: &str,
) -> Result<(DatabaseConnection, Option<Commits>), DbErr> {
    let (db, commits) = connect_counting(url).await?;
    migrate(&db).await?;
    if url.starts_with("sqlite:") && !url.contains(":memory:") {
        db.close().await?;
        return connect_counting(url).await;
    }
    Ok((db, commits))
}

/// Whether the database answers; used by `/healthz`.
pub async fn is_healthy(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}
