use sea_orm::entity::prelude::*;

/// One thing done at the door (`in`, `undo`, `walk_in`), with the operation id the device chose,
/// unique per event: a device that sends an operation again gets the first answer, not a second row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "door_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub guest_id: i32,
    pub op: String,
    pub action: String,
    pub user_id: i32,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
