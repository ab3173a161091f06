use sea_orm::entity::prelude::*;

use crate::domain::{Answer, InvitationState, NominationState, Priority};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub contact_id: i32,
    pub nominated_by: i32,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub priority: Priority,
    #[sea_orm(column_type = "Text")]
    pub personal_note: String,
    pub state: NominationState,
    #[sea_orm(column_type = "Text", nullable)]
    pub decision_reason: Option<String>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    pub invitation: InvitationState,
    pub answer: Answer,
    pub checked_in_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
