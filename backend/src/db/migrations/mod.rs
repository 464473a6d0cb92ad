//! The one migration set, applied at startup on SQLite and PostgreSQL alike.

/// Declares this file's `Migration`: `up` runs `$body` with the connection (`$db`) and the
/// backend (`$backend`) in one transaction on both engines, so a failure leaves nothing
/// half-made. The migration's name is its file's name.
macro_rules! migration {
    (|$db:ident, $backend:ident| $body:block) => {
        #[derive(sea_orm_migration::prelude::DeriveMigrationName)]
        pub struct Migration;

        #[sea_orm_migration::async_trait::async_trait]
        impl sea_orm_migration::prelude::MigrationTrait for Migration {
            async fn up(
                &self,
                manager: &sea_orm_migration::prelude::SchemaManager,
            ) -> Result<(), sea_orm::DbErr> {
                #[allow(unused_variables)]
                let $db = manager.get_connection();
                #[allow(unused_variables)]
                let $backend = manager.get_database_backend();
                $body
            }

            fn use_transaction(&self) -> Option<bool> {
                Some(true)
            }
        }
    };
}

mod m20261122_000001_initial_schema;
mod m20261122_000002_passkey_sessions;
mod m20261201_000001_signup_tokens;
pub mod m20261202_000001_user_search;
mod m20261207_000001_user_sessions;
mod m20261208_000001_client_device_code;
pub mod schema;
pub mod tables;

use sea_orm_migration::{MigrationTrait, MigratorTrait};

/// All migrations in order. Add new ones at the end; never edit an applied one.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial_schema::Migration),
            Box::new(m20261122_000002_passkey_sessions::Migration),
            Box::new(m20261201_000001_signup_tokens::Migration),
            Box::new(m20261202_000001_user_search::Migration),
            Box::new(m20261207_000001_user_sessions::Migration),
            Box::new(m20261208_000001_client_device_code::Migration),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_named_after_their_files() {
        let names: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "m20261122_000001_initial_schema",
                "m20261122_000002_passkey_sessions",
                "m20261201_000001_signup_tokens",
                "m20261202_000001_user_search",
                "m20261207_000001_user_sessions",
                "m20261208_000001_client_device_code",
            ]
        );
    }
}
