//! sea-orm entities, one module per table of the data model.
//!
//! Relations are declared only where a query joins along them (`find_also_related`,
//! `inner_join`); foreign keys and their `ON DELETE` rules live in the migrations.

/// `Relation` of an entity that joins to nothing.
macro_rules! no_relations {
    () => {
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// `Relation` of an entity whose queries join to the rows its foreign keys point at:
/// `Variant => table via Column`, each one `belongs_to` the `id` of `super::table`.
macro_rules! belongs_to {
    ($($variant:ident => $target:ident via $from:ident),+ $(,)?) => {
        #[derive(Copy, Clone, Debug, EnumIter)]
        pub enum Relation {
            $($variant),+
        }

        impl RelationTrait for Relation {
            fn def(&self) -> RelationDef {
                match self {
                    $(Self::$variant => Entity::belongs_to(super::$target::Entity)
                        .from(Column::$from)
                        .to(super::$target::Column::Id)
                        .into()),+
                }
            }
        }

        $(impl Related<super::$target::Entity> for Entity {
            fn to() -> RelationDef {
                Relation::$variant.def()
            }
        })+

        impl ActiveModelBehavior for ActiveModel {}
    };
}

pub mod api_keys;
pub mod api_permissions;
pub mod apis;
pub mod app_config_variables;
pub mod audit_logs;
pub mod custom_claims;
pub mod interaction_sessions;
pub mod kv;
pub mod oauth2_jtis;
pub mod oauth2_sessions;
pub mod oidc_clients;
pub mod oidc_clients_allowed_api_permissions;
pub mod oidc_clients_allowed_apis;
pub mod oidc_clients_allowed_user_groups;
pub mod one_time_access_tokens;
pub mod rate_limits;
pub mod reauthentication_tokens;
pub mod scim_service_providers;
pub mod signup_tokens;
pub mod signup_tokens_user_groups;
pub mod storage;
pub mod user_authorized_oidc_clients;
pub mod user_groups;
pub mod user_groups_users;
pub mod user_sessions;
pub mod users;
pub mod webauthn_credentials;
pub mod webauthn_sessions;
