//! Session lifetime and password changes, on SQLite (in memory) and on PostgreSQL.
#![cfg(feature = "ssr")]

use app::domain::password::{CURRENT_WRONG, MISMATCH};
use app::domain::PasswordChangeInput;
use app::error::AppError;
use app::ssr::auth;
use app::ssr::entities::session;
use app::ssr::services::{ProfileService, UserService};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

#[macro_use]
mod common;
use common::*;

async fn sessions_of(db: &DatabaseConnection, user_id: i32) -> u64 {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .count(db)
        .await
        .unwrap()
}

/// Pretends the session was last used `hours` ago.
async fn idle_for(db: &DatabaseConnection, token: &str, hours: i64) {
    use sea_orm::sea_query::Expr;
    let hash = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(token.as_bytes()))
    };
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            Expr::value(Some(Utc::now() - Duration::hours(hours))),
        )
        .filter(session::Column::IdHash.eq(hash))
        .exec(db)
        .await
        .unwrap();
}

fn change(current: &str, new: &str, repeat: &str) -> PasswordChangeInput {
    PasswordChangeInput {
        current_password: current.into(),
        new_password: new.into(),
        new_password_repeat: repeat.into(),
    }
}

on_both_databases!(
    a_session_unused_for_eight_hours_ends_and_its_row_is_deleted,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let token = auth::start_session(&db, team.sales.id).await.unwrap();
        idle_for(&db, &token, 7).await;
        assert!(auth::user_for_session(&db, &token).await.unwrap().is_some());
        idle_for(&db, &token, 9).await;
        assert!(auth::user_for_session(&db, &token).await.unwrap().is_none());
        assert_eq!(sessions_of(&db, team.sales.id).await, 0);
    }
);

on_both_databases!(
    using_a_session_moves_its_last_seen_time_at_most_once_a_minute,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let token = auth::start_session(&db, team.sales.id).await.unwrap();
        let last_seen = || async {
            session::Entity::find()
                .filter(session::Column::UserId.eq(team.sales.id))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .last_seen_at
                .unwrap()
        };
        let started = last_seen().await;
        auth::user_for_session(&db, &token).await.unwrap();
        assert_eq!(last_seen().await, started, "touched within the minute");
        idle_for(&db, &token, 2).await;
        auth::user_for_session(&db, &token).await.unwrap();
        assert!(Utc::now() - last_seen().await < Duration::minutes(1));
    }
);

on_both_databases!(
    purging_deletes_idle_and_expired_sessions_and_keeps_live_ones,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let live = auth::start_session(&db, team.sales.id).await.unwrap();
        let idle = auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.marketing.id).await.unwrap();
        idle_for(&db, &idle, 9).await;
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)),
            )
            .filter(session::Column::UserId.eq(team.marketing.id))
            .exec(&db)
            .await
            .unwrap();
        assert_eq!(auth::purge_expired_sessions(&db).await.unwrap(), 2);
        assert_eq!(sessions_of(&db, team.sales.id).await, 1);
        assert_eq!(sessions_of(&db, team.marketing.id).await, 0);
        assert!(auth::user_for_session(&db, &live).await.unwrap().is_some());
    }
);

on_both_databases!(
    changing_ones_password_ends_the_other_sessions_and_keeps_this_one,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let this = auth::start_session(&db, team.sales.id).await.unwrap();
        let phone = auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.marketing.id).await.unwrap();
        assert_eq!(sessions_of(&db, team.sales.id).await, 3);
        ProfileService::change_password(
            &db,
            &team.sales,
            &change(
                "correct horse battery",
                "a brand new secret",
                "a brand new secret",
            ),
            Some(&this),
        )
        .await
        .unwrap();
        assert_eq!(sessions_of(&db, team.sales.id).await, 1);
        assert!(auth::user_for_session(&db, &this).await.unwrap().is_some());
        assert!(auth::user_for_session(&db, &phone).await.unwrap().is_none());
        assert_eq!(sessions_of(&db, team.marketing.id).await, 1);
        assert!(
            UserService::authenticate(&db, "sales@example.com", "a brand new secret")
                .await
                .is_ok()
        );
        assert!(
            UserService::authenticate(&db, "sales@example.com", "correct horse battery")
                .await
                .is_err()
        );
    }
);

on_both_databases!(
    a_wrong_current_password_or_a_mistyped_repeat_changes_nothing,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        let this = auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.sales.id).await.unwrap();
        let err = ProfileService::change_password(
            &db,
            &team.sales,
            &change(
                "not my password",
                "a brand new secret",
                "a brand new secret",
            ),
            Some(&this),
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "current_password");
        assert!(err.field_errors()[0].message.is(CURRENT_WRONG));
        let err = ProfileService::change_password(
            &db,
            &team.sales,
            &change(
                "correct horse battery",
                "a brand new secret",
                "a brand new secrte",
            ),
            Some(&this),
        )
        .await
        .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "new_password_repeat");
        assert!(err.field_errors()[0].message.is(MISMATCH));
        assert_eq!(sessions_of(&db, team.sales.id).await, 2);
        assert!(
            UserService::authenticate(&db, "sales@example.com", "correct horse battery")
                .await
                .is_ok()
        );
    }
);

on_both_databases!(
    an_admin_sets_a_password_from_the_command_line_and_every_session_ends,
    |db: DatabaseConnection| async move {
        let team = team(&db).await;
        auth::start_session(&db, team.sales.id).await.unwrap();
        auth::start_session(&db, team.sales.id).await.unwrap();
        let name =
            ProfileService::set_password(&db, " Sales@Example.com ", "set by the admin".into())
                .await
                .unwrap();
        assert_eq!(name, team.sales.name);
        assert_eq!(sessions_of(&db, team.sales.id).await, 0);
        assert!(
            UserService::authenticate(&db, "sales@example.com", "set by the admin")
                .await
                .is_ok()
        );
        assert_eq!(
            ProfileService::set_password(&db, "nobody@example.com", "long enough pw".into())
                .await
                .unwrap_err(),
            AppError::NotFound
        );
        let err = ProfileService::set_password(&db, "sales@example.com", "short".into())
            .await
            .unwrap_err();
        assert_eq!(err.field_errors()[0].field, "password");
        assert!(
            UserService::authenticate(&db, "sales@example.com", "set by the admin")
                .await
                .is_ok()
        );
    }
);
