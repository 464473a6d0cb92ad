//! Entity for the `signup_tokens_user_groups` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signup_tokens_user_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub signup_token_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_group_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::signup_tokens::Entity",
        from = "Column::SignupTokenId",
        to = "super::signup_tokens::Column::Id",
        on_delete = "Cascade"
    )]
    SignupToken,
    #[sea_orm(
        belongs_to = "super::user_groups::Entity",
        from = "Column::UserGroupId",
        to = "super::user_groups::Column::Id",
        on_delete = "Cascade"
    )]
    UserGroup,
}

impl Related<super::user_groups::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserGroup.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
