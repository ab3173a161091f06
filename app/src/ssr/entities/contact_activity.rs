use sea_orm::entity::prelude::*;

/// One change to a contact that must be traceable (consent), with who made it and why.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_activities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub contact_id: i32,
    /// none when the contact acted themselves (the unsubscribe link)
    pub user_id: Option<i32>,
    /// a `ContactAction` (`domain::consent`)
    pub action: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
