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
                let (counted, reported) = (counted.clone(), counted.clone());
                pool.after_connect(move |conn, _| Box::pin(count_commits_of(conn, counted.clone())))
                    .after_release(move |conn, _| {
                        let reported = reported.clone();
                        Box::pin(async move { report_commits_of(conn, &reported).await })
                    })
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
///
/// One kind of commit SQLite reports late: a statement that writes outside a transaction and
/// returns rows (`INSERT … RETURNING`, what sea-orm's `ActiveModel::insert` sends on SQLite),
/// read only up to its first row (`fetch_one`), commits when sqlx resets it, and SQLite calls the
/// WAL hook only when that connection's next statement runs to its end. So a connection whose
/// commit began (SQLite's commit hook) and was not yet counted is "unreported", and while any
/// is, the count cannot be told (`now` is `None`: the page cache neither serves nor keeps a
/// page). A connection handed back to the pool with an unreported commit runs `SELECT 1`, which
/// makes SQLite report it; one that is closed counts it.
#[derive(Clone, Default)]
pub struct Commits(Arc<CommitCounter>);

#[derive(Default)]
struct CommitCounter {
    count: AtomicU64,
    /// Set for good when a connection could not count its commits (not in WAL mode).
    uncounted: AtomicBool,
    /// How many connections have a commit that began and is not counted yet.
    unreported: AtomicU64,
    /// Each open connection's part, by the address of its SQLite handle.
    connections: std::sync::Mutex<std::collections::HashMap<usize, Arc<ConnectionCount>>>,
}

/// One connection's part of the count: the hooks' argument.
struct ConnectionCount {
    counter: Arc<CommitCounter>,
    handle: usize,
    /// A commit began on this connection and SQLite has not reported it landed.
    unreported: AtomicBool,
}

impl ConnectionCount {
    /// A commit begins (before it lands).
    fn begins(&self) {
        if !self.unreported.swap(true, Ordering::SeqCst) {
            self.counter.unreported.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// This connection's commits so far have landed and are counted (`counted`), or it made
    /// none that changed anything (`!counted`).
    fn reported(&self, counted: bool) {
        if counted {
            self.counter.count.fetch_add(1, Ordering::SeqCst);
        }
        // after the count: whoever sees no unreported commit sees the count that includes it
        if self.unreported.swap(false, Ordering::SeqCst) {
            self.counter.unreported.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Commits {
    /// The commits so far; `None` when some connection cannot count them, or has a commit that
    /// began and is not counted yet.
    pub fn now(&self) -> Option<u64> {
        if self.0.uncounted.load(Ordering::SeqCst) || self.0.unreported.load(Ordering::SeqCst) > 0 {
            return None;
        }
        Some(self.0.count.load(Ordering::SeqCst))
    }

    /// `now`, once no commit is left unreported (a connection reports its own when it goes back
    /// to the pool, just after the query that made it returned); `None` if that takes a second.
    pub async fn settled(&self) -> Option<u64> {
        for _ in 0..200 {
            if let Some(now) = self.now() {
                return Some(now);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        None
    }
}

/// Every new SQLite connection counts its commits in `commits`, through SQLite's WAL hook: the
/// one callback SQLite calls after a commit has landed (the commit hook runs before, while readers
/// still see the old rows; it marks the commit unreported until the WAL hook counts it). The
/// WAL hook replaces SQLite's automatic checkpoint, so it checkpoints as that one does, at 1,000
/// pages in the log.
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
    let raw = handle.as_raw_handle().as_ptr();
    let part = Arc::new(ConnectionCount {
        counter: commits.0.clone(),
        handle: raw as usize,
        unreported: AtomicBool::new(false),
    });
    commits
        .0
        .connections
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(raw as usize, part.clone());
    // the hooks' argument, freed by SQLite when the connection closes: it is also the user data
    // of a function registered only for its destructor (`connection_closed`)
    let arg = Arc::into_raw(part).cast_mut().cast::<std::ffi::c_void>();
    let name = c"tandem_commit_count";
    // SAFETY: the handle is locked out of sqlx's worker thread for the calls (`lock_handle`);
    // `arg` stays valid until SQLite calls the destructor, when the connection closes (or at once,
    // if registering fails), after which no hook of this connection runs again. The callbacks
    // only read `arg` as the `ConnectionCount` it is and call SQLite on the handle it hands them.
    unsafe {
        let registered = libsqlite3_sys::sqlite3_create_function_v2(
            raw,
            name.as_ptr(),
            0,
            libsqlite3_sys::SQLITE_UTF8,
            arg,
            Some(no_result),
            None,
            None,
            Some(connection_closed),
        );
        if registered != libsqlite3_sys::SQLITE_OK {
            commits.0.uncounted.store(true, Ordering::SeqCst);
            return Ok(());
        }
        libsqlite3_sys::sqlite3_commit_hook(raw, Some(commit_begins), arg);
        libsqlite3_sys::sqlite3_wal_hook(raw, Some(commit_landed), arg);
    }
    Ok(())
}

/// Run when a connection goes back to the pool: if a commit of it is unreported, `SELECT 1` (a
/// statement run to its end outside a transaction) makes SQLite report it; if none is reported
/// even then, the commit changed nothing (or never landed). Keeps the connection.
async fn report_commits_of(
    conn: &mut sea_orm::sqlx::SqliteConnection,
    commits: &Commits,
) -> Result<bool, sea_orm::sqlx::Error> {
    if commits.0.unreported.load(Ordering::SeqCst) == 0 {
        return Ok(true);
    }
    let handle = conn.lock_handle().await?.as_raw_handle().as_ptr() as usize;
    let part = commits
        .0
        .connections
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(&handle)
        .cloned();
    let Some(part) = part.filter(|p| p.unreported.load(Ordering::SeqCst)) else {
        return Ok(true);
    };
    sea_orm::sqlx::raw_sql("SELECT 1")
        .execute(&mut *conn)
        .await?;
    // still unreported: outside a transaction SQLite had nothing to report (the commit wrote no
    // page); inside one (a transaction left open, rolled back by sqlx after this) it could not
    // say, so it is counted
    let mut locked = conn.lock_handle().await?;
    // SAFETY: the handle is locked out of sqlx's worker thread for the call
    let outside =
        unsafe { libsqlite3_sys::sqlite3_get_autocommit(locked.as_raw_handle().as_ptr()) } != 0;
    part.reported(!outside);
    Ok(true)
}

/// The function registered for its destructor only; never called by our SQL.
unsafe extern "C" fn no_result(
    context: *mut libsqlite3_sys::sqlite3_context,
    _: std::ffi::c_int,
    _: *mut *mut libsqlite3_sys::sqlite3_value,
) {
    // SAFETY: SQLite hands the function its own context
    unsafe { libsqlite3_sys::sqlite3_result_null(context) };
}

/// SQLite's commit hook: a commit begins on this connection (nothing is visible yet).
unsafe extern "C" fn commit_begins(arg: *mut std::ffi::c_void) -> std::ffi::c_int {
    // SAFETY: the argument is the `ConnectionCount` that `count_commits_of` passed, alive until
    // the connection closes
    let part = unsafe { &*arg.cast_const().cast::<ConnectionCount>() };
    part.begins();
    0 // go on with the commit
}

/// SQLite's WAL hook: a commit of `pages` log pages in all has landed on `db`'s database `name`.
unsafe extern "C" fn commit_landed(
    arg: *mut std::ffi::c_void,
    db: *mut libsqlite3_sys::sqlite3,
    name: *const std::ffi::c_char,
    pages: std::ffi::c_int,
) -> std::ffi::c_int {
    // SAFETY: as in `commit_begins`
    let part = unsafe { &*arg.cast_const().cast::<ConnectionCount>() };
    part.reported(true);
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

/// The connection closes (or the function could not be registered): an unreported commit is
/// counted, and the connection's part freed.
unsafe extern "C" fn connection_closed(arg: *mut std::ffi::c_void) {
    // SAFETY: `arg` came from `Arc::into_raw` in `count_commits_of`; SQLite calls this once
    let part = unsafe { Arc::from_raw(arg.cast_const().cast::<ConnectionCount>()) };
    if part.unreported.load(Ordering::SeqCst) {
        part.reported(true);
    }
    let mut connections = part
        .counter
        .connections
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if connections
        .get(&part.handle)
        .is_some_and(|kept| Arc::ptr_eq(kept, &part))
    {
        connections.remove(&part.handle);
    }
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
