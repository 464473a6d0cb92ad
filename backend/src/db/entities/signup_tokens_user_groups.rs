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

belongs_to!(UserGroup => user_groups via UserGroupId);
