use sea_orm::entity::prelude::*;

/// One reminder, nudge or digest that went out: unique per (event, kind, recipient), so the
/// scheduler sends each once whatever restarts or other instances do.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheduled_sends")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    /// `reminder-7`, `nudge`, `digest`, …
    pub kind: String,
    /// `guest:{id}` or `user:{id}`
    pub recipient: String,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
