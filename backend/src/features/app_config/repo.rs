//! Queries on `app_config_variables`.

use crate::db::entities::app_config_variables::{Entity, Model};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

/// Every stored (non-default) configuration value.
pub async fn find_all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().all(db).await
}
