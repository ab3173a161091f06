//! The commit count the page cache relies on (`db::connect_counting`): a SQLite file counts every
//! commit once it landed, whichever connection of the pool made it, and nothing else; the hook
//! that counts still keeps the log from growing; an in-memory database and PostgreSQL have none.
use app::ssr::db;
use sea_orm::{ConnectionTrait, TransactionTrait};

mod common;

async fn counted_file() -> (sea_orm::DatabaseConnection, db::Commits, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
    let (conn, commits) = db::connect_migrated_counting(&url).await.unwrap();
    conn.execute_unprepared("CREATE TABLE scratch (x BLOB)")
        .await
        .unwrap();
    (
        conn,
        commits.expect("a SQLite file counts its commits"),
        dir,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_file_counts_each_commit_of_any_connection_and_nothing_else() {
    let (conn, commits, _dir) = counted_file().await;
    let start = commits.settled().await.unwrap();

    conn.execute_unprepared("SELECT count(*) FROM users")
        .await
        .unwrap();
    conn.execute_unprepared("UPDATE users SET name = name WHERE id = -1")
        .await
        .unwrap();
    assert_eq!(
        commits.settled().await,
        Some(start),
        "a read, a write that changed nothing"
    );

    let tx = db::begin_write(&conn).await.unwrap();
    tx.execute_unprepared("INSERT INTO scratch VALUES (1)")
        .await
        .unwrap();
    tx.execute_unprepared("INSERT INTO scratch VALUES (2)")
        .await
        .unwrap();
    assert_eq!(commits.now(), Some(start), "not before the commit");
    tx.commit().await.unwrap();
    assert_eq!(
        commits.now(),
        Some(start + 1),
        "one transaction, one commit"
    );

    let tx = conn.begin().await.unwrap();
    tx.execute_unprepared("INSERT INTO scratch VALUES (3)")
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(
        commits.settled().await,
        Some(start + 1),
        "a rollback is no commit"
    );

    // twenty writers at once, on the pool's several connections
    let writers: Vec<_> = (0..20)
        .map(|i| {
            let conn = conn.clone();
            tokio::spawn(async move {
                conn.execute_unprepared(&format!("INSERT INTO scratch VALUES ({i})"))
                    .await
                    .unwrap();
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(
        commits.settled().await,
        Some(start + 21),
        "every commit counted"
    );
}

/// sea-orm's `ActiveModel::insert` on SQLite is `INSERT … RETURNING`, read up to its one row:
/// outside a transaction the insert commits when sqlx resets the statement, and SQLite reports
/// that commit only with the connection's next statement. The count must not stand still in
/// between: the page cache would serve the page from before the insert.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_write_that_returns_its_row_is_never_taken_for_no_commit() {
    let (conn, commits, _dir) = counted_file().await;
    let start = commits.settled().await.unwrap();

    for i in 0..20 {
        let row = conn
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                format!("INSERT INTO scratch VALUES ({i}) RETURNING x"),
            ))
            .await
            .unwrap();
        assert!(row.is_some(), "the insert returned its row");
        let counted = commits.now();
        assert!(
            counted.is_none_or(|n| n > start + i),
            "insert {i} landed, and the count still says {counted:?}"
        );
        assert_eq!(
            commits.settled().await,
            Some(start + i + 1),
            "counted once, as soon as the connection is back in the pool"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_transaction_that_wrote_nothing_leaves_the_count_as_it_was() {
    let (conn, commits, _dir) = counted_file().await;
    let start = commits.settled().await.unwrap();

    let tx = db::begin_write(&conn).await.unwrap();
    tx.execute_unprepared("SELECT count(*) FROM scratch")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    assert_eq!(commits.settled().await, Some(start));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_is_still_checkpointed_while_commits_are_counted() {
    let (conn, _commits, dir) = counted_file().await;
    // 2,000 commits of a 4 KB value each: without checkpoints the log would hold 4,000 pages
    for _ in 0..2000 {
        conn.execute_unprepared("INSERT INTO scratch VALUES (randomblob(4096))")
            .await
            .unwrap();
    }
    let log = std::fs::metadata(dir.path().join("c.db-wal"))
        .unwrap()
        .len();
    assert!(
        log < 8 * 1024 * 1024,
        "the log is checkpointed at 1,000 pages and reused: {log} bytes"
    );
}

#[tokio::test]
async fn an_in_memory_database_and_postgresql_have_no_count() {
    let (_, commits) = db::connect_counting("sqlite::memory:").await.unwrap();
    assert!(commits.is_none(), "no log to hook into");
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            let (_, commits) = db::connect_counting(&url).await.unwrap();
            assert!(commits.is_none(), "other instances' commits go unseen");
        }
        Err(_) => eprintln!("skipped on PostgreSQL: TEST_DATABASE_URL is not set"),
    }
}
