use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub language: String,
    pub created_at: DateTimeUtc,
    /// the secret of the user's calendar feed (`/feeds/{token}.ics`), once they asked for one
    pub feed_token: Option<String>,
    /// an email when one of the user's guests is checked in at the door
    pub arrival_mail: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
