//! Writes sent together (`db::run_together`): on SQLite one query text with every statement's
//! parameters bound in order, on PostgreSQL one statement after the other; either way they take
//! effect in order, values stay values, and a failing statement takes the others with it when
//! the transaction is dropped.
use app::ssr::db::{begin_write, run_together};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

#[macro_use]
mod common;
use common::*;

fn insert(db: &DatabaseConnection, n: i32, label: &str) -> Statement {
    db.get_database_backend().build(
        Query::insert()
            .into_table(Alias::new("batch_probe"))
            .columns([Alias::new("n"), Alias::new("label")])
            .values_panic([n.into(), label.into()]),
    )
}

fn relabel(db: &DatabaseConnection, n: i32, label: &str) -> Statement {
    db.get_database_backend().build(
        Query::update()
            .table(Alias::new("batch_probe"))
            .value(Alias::new("label"), label)
            .and_where(Expr::col(Alias::new("n")).eq(n)),
    )
}

async fn rows(db: &DatabaseConnection) -> Vec<(i32, String)> {
    let select = Query::select()
        .columns([Alias::new("n"), Alias::new("label")])
        .from(Alias::new("batch_probe"))
        .order_by(Alias::new("n"), sea_orm::Order::Asc)
        .to_owned();
    db.query_all(&select)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get("", "n").unwrap(),
                row.try_get("", "label").unwrap(),
            )
        })
        .collect()
}

on_both_databases!(
    statements_sent_together_take_effect_in_order_and_fail_together,
    |db: DatabaseConnection| async move {
        db.execute_unprepared(
            "CREATE TABLE batch_probe (n INTEGER NOT NULL UNIQUE, label TEXT NOT NULL)",
        )
        .await
        .unwrap();

        let txn = begin_write(&db).await.unwrap();
        run_together(
            &txn,
            vec![
                insert(&db, 1, "one"),
                // the update finds the row the statement before it wrote
                relabel(&db, 1, "first"),
                // a value that would end the statement if it were pasted into the text
                insert(&db, 2, "O'Brien'); DELETE FROM batch_probe; --"),
            ],
        )
        .await
        .expect("three good statements run");
        txn.commit().await.unwrap();
        assert_eq!(
            rows(&db).await,
            vec![
                (1, "first".to_string()),
                (2, "O'Brien'); DELETE FROM batch_probe; --".to_string())
            ]
        );

        let txn = db.begin().await.unwrap();
        let failed = run_together(
            &txn,
            vec![insert(&db, 3, "three"), insert(&db, 1, "one again")],
        )
        .await;
        assert!(failed.is_err(), "the second insert breaks the unique n");
        drop(txn);
        assert_eq!(
            rows(&db).await.len(),
            2,
            "the first insert of the failed batch was rolled back with it"
        );
    }
);
