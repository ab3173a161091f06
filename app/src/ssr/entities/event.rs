use sea_orm::entity::prelude::*;

use crate::domain::{EventKind, EventStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title: String,
    pub kind: EventKind,
    #[sea_orm(column_type = "Text")]
    pub brief: String,
    #[sea_orm(column_type = "Text")]
    pub agenda: String,
    pub venue_name: Option<String>,
    pub venue_address: Option<String>,
    pub join_url: Option<String>,
    pub starts_local: DateTime,
    pub ends_local: DateTime,
    pub time_zone: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub capacity: i32,
    pub nomination_deadline_local: Option<DateTime>,
    pub rsvp_deadline_local: Option<DateTime>,
    pub language: String,
    pub status: EventStatus,
    pub owner_id: i32,
    pub sequence: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// raised by every save of the plan; a save names the version its form was loaded at
    pub version: i32,
    pub updated_by: Option<i32>,
    /// when the time or place first changed since guests were last told (a pending update)
    pub calendar_changed_at: Option<DateTimeUtc>,
    /// the time and place guests were last told, as JSON (`services::updates::Schedule`)
    #[sea_orm(column_type = "Text", nullable)]
    pub calendar_changed_from: Option<String>,
    /// days before the start when accepted guests are reminded, e.g. "7,1"
    pub reminder_days: String,
    /// days before the RSVP deadline when invited guests who have not answered are nudged
    pub nudge_days: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
