//! Entity for the `rate_limits` table (token buckets per policy and client IP).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub tokens: f64,
    pub updated_at: f64,
    pub allowed: bool,
}

no_relations!();
