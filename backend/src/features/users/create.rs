//! The one path every new user takes (admin create, signup, LDAP): profile rules, uniqueness,
//! the app configuration's defaults for email verification, groups and custom claims.

use super::repo;
use super::service::{ensure_unique, map_unique};

use crate::db::entities::{custom_claims, users};
use crate::error::{AppError, unknown_entries, validated};
use crate::features::app_config::service::current_values;
use chrono::{DateTime, Utc};
use pocket_shared::custom_claim::{CustomClaimDto, rules as claim_rules};
use pocket_shared::user::{AdminUserUpdateRequest, rules};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// What the application configuration says about new and changed users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserDefaults {
    /// `requireUserEmail`.
    pub require_user_email: bool,
    /// `emailsVerified`: the verification state of a new or changed email.
    pub emails_verified: bool,
    /// `signupDefaultUserGroupIDs`: groups of a new user created without any.
    pub group_ids: Vec<Uuid>,
    /// `signupDefaultCustomClaims`: claims every new user starts with.
    pub custom_claims: Vec<CustomClaimDto>,
    /// `ldapEnabled`: LDAP-managed users and groups are then read-only here.
    pub ldap_enabled: bool,
}

impl UserDefaults {
    /// From resolved configuration values (unparsable values count as their defaults).
    pub fn from_values(values: &BTreeMap<&'static str, String>) -> Self {
        let get = |k: &str| values.get(k).map(String::as_str).unwrap_or("");
        let flag = |k: &str, default: bool| match get(k) {
            "true" => true,
            "false" => false,
            _ => default,
        };
        let group_ids = serde_json::from_str::<Vec<String>>(get("signupDefaultUserGroupIDs"))
            .unwrap_or_default()
            .iter()
            .filter_map(|s| Uuid::parse_str(s.trim()).ok())
            .collect();
        // Only claims that would pass the claim rules: a bad stored default must not block
        // every signup.
        let claims = claim_rules::normalized(
            serde_json::from_str(get("signupDefaultCustomClaims")).unwrap_or_default(),
        );
        let mut custom_claims: Vec<CustomClaimDto> = Vec::new();
        for c in claims {
            let valid = claim_rules::key(&c.key).is_ok() && claim_rules::value(&c.value).is_ok();
            if valid && !custom_claims.iter().any(|d| d.key == c.key) {
                custom_claims.push(c);
            }
        }
        Self {
            require_user_email: flag("requireUserEmail", true),
            emails_verified: flag("emailsVerified", false),
            group_ids,
            custom_claims,
            ldap_enabled: flag("ldapEnabled", false),
        }
    }
}

/// The current defaults (`env`: the environment when `UI_CONFIG_DISABLED` is set).
pub async fn user_defaults(
    db: &impl ConnectionTrait,
    env: Option<&BTreeMap<&'static str, String>>,
) -> Result<UserDefaults, DbErr> {
    current_values(db, env)
        .await
        .map(|v| UserDefaults::from_values(&v))
}

/// A user to create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewUser {
    /// Generated when `None`.
    pub id: Option<Uuid>,
    /// The profile and flags (normalized and validated here). `email_verified: None` means the
    /// `emailsVerified` default.
    pub user: AdminUserUpdateRequest,
    /// The user's groups; empty means the default signup groups (except for LDAP users).
    pub group_ids: Vec<Uuid>,
    /// Set for users synchronised from LDAP (no signup defaults apply to them).
    pub ldap_id: Option<String>,
}

/// Creates a user with its groups and default custom claims. Run it inside a transaction: it
/// writes several rows. Unknown ids in `group_ids` are refused as `userGroupIds[i]`; default
/// groups that no longer exist are skipped.
pub async fn create_user(
    db: &impl ConnectionTrait,
    new: NewUser,
    defaults: &UserDefaults,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let profile = new.user.normalized();
    validated(rules::profile_errors(
        &profile.profile(),
        defaults.require_user_email,
    ))?;
    let explicit_groups = !new.group_ids.is_empty();
    let wanted: Vec<Uuid> = if explicit_groups {
        new.group_ids.clone()
    } else if new.ldap_id.is_none() {
        defaults.group_ids.clone()
    } else {
        Vec::new()
    };
    let existing = repo::find_existing_groups(db, wanted.clone()).await?;
    if explicit_groups {
        validated(unknown_entries(
            "userGroupIds",
            &new.group_ids,
            &existing,
            "user group",
        ))?;
    }
    if let Some(id) = new.id
        && repo::find(db, id).await?.is_some()
    {
        return Err(AppError::AlreadyInUse("id"));
    }
    ensure_unique(db, &profile.username, profile.email.as_deref(), None).await?;

    let id = new.id.unwrap_or_else(Uuid::new_v4);
    let user = users::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        updated_at: Set(Some(now)),
        username: Set(profile.username),
        email: Set(profile.email),
        first_name: Set(profile.first_name),
        last_name: Set(profile.last_name),
        display_name: Set(profile.display_name),
        is_admin: Set(profile.is_admin),
        ldap_id: Set(new.ldap_id.clone()),
        locale: Set(profile.locale),
        disabled: Set(profile.disabled),
        email_verified: Set(profile.email_verified.unwrap_or(defaults.emails_verified)),
    }
    .insert(db)
    .await
    .map_err(map_unique)?;

    let groups: BTreeSet<Uuid> = wanted
        .into_iter()
        .filter(|g| existing.contains(g))
        .collect();
    repo::replace_groups(db, id, &groups, now).await?;
    if new.ldap_id.is_none() && !defaults.custom_claims.is_empty() {
        custom_claims::Entity::insert_many(defaults.custom_claims.iter().map(|c| {
            custom_claims::ActiveModel {
                id: Set(Uuid::new_v4()),
                created_at: Set(now),
                key: Set(c.key.clone()),
                value: Set(c.value.clone()),
                user_id: Set(Some(id)),
                user_group_id: Set(None),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_parse_the_stored_json_and_skip_bad_entries() {
        let g = Uuid::new_v4();
        let values = BTreeMap::from([
            ("emailsVerified", "true".to_owned()),
            ("requireUserEmail", "false".to_owned()),
            (
                "signupDefaultUserGroupIDs",
                format!(r#"["{g}", "not-a-uuid"]"#),
            ),
            (
                "signupDefaultCustomClaims",
                r#"[{"key":"team","value":"core"},{"key":"sub","value":"x"},{"key":"team","value":"dup"},{"key":"empty","value":""}]"#
                    .to_owned(),
            ),
        ]);
        let d = UserDefaults::from_values(&values);
        assert!(d.emails_verified && !d.require_user_email && !d.ldap_enabled);
        assert_eq!(d.group_ids, [g]);
        assert_eq!(
            d.custom_claims,
            [CustomClaimDto {
                key: "team".into(),
                value: "core".into()
            }]
        );
        let d = UserDefaults::from_values(&BTreeMap::from([(
            "signupDefaultCustomClaims",
            "{}".to_owned(),
        )]));
        assert!(d.custom_claims.is_empty() && d.require_user_email && !d.emails_verified);
    }
}
