//! Queries on `app_config_variables` (one row per key; an empty value means "the default").

use crate::db::entities::app_config_variables::{ActiveModel, Column, Entity, Model};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

/// Every stored configuration value.
pub async fn find_all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().all(db).await
}

/// Writes every `(key, value)` pair, inserting or overwriting the key's row.
///
/// Every known key always gets a row (empty for the default), so two concurrent replacements
/// both lock the same rows in the same order: one waits for the other and the last one wins
/// whole, on PostgreSQL as on SQLite.
pub async fn upsert_all(
    db: &impl ConnectionTrait,
    values: impl IntoIterator<Item = (String, String)>,
) -> Result<(), DbErr> {
    let rows: Vec<ActiveModel> = values
        .into_iter()
        .map(|(key, value)| ActiveModel {
            key: Set(key),
            value: Set(value),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(Column::Key)
                .update_column(Column::Value)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
