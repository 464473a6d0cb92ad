//! Claims per scope (reference 3.6), shared by ID tokens, userinfo and the admin preview:
//! `profile` (names, username, picture and custom claims), `email`, `groups`.

use crate::db::entities::{custom_claims, user_groups, users};
use crate::features::users::repo;
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::{Map, Value, json};

/// Claim names custom claims may not use (they would shadow standard or token claims).
pub const RESERVED: &[&str] = &[
    "given_name",
    "family_name",
    "name",
    "email",
    "email_verified",
    "preferred_username",
    "display_name",
    "groups",
    "type",
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "azp",
    "client_id",
    "nbf",
    "jti",
];

/// The standard scopes, as advertised in discovery.
pub const STANDARD_SCOPES: &[&str] = &["openid", "profile", "email", "groups", "offline_access"];

/// A user with what their claims are made of.
#[derive(Debug, Clone)]
pub struct Profile {
    pub user: users::Model,
    /// Ordered by name.
    pub groups: Vec<user_groups::Model>,
    /// The user's own custom claims.
    pub user_claims: Vec<custom_claims::Model>,
    /// Custom claims of the user's groups.
    pub group_claims: Vec<custom_claims::Model>,
}

/// Loads what `scopes` disclose about `user`: groups for `profile` (group claims) and
/// `groups`, custom claims for `profile`; nothing more is queried.
pub async fn load_profile(
    db: &impl ConnectionTrait,
    user: users::Model,
    scopes: &[String],
) -> Result<Profile, DbErr> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    // Two statements at most, side by side: the groups, and every custom claim that applies
    // (the user's own and the groups', told apart by which id they carry).
    let groups = async {
        if has("profile") || has("groups") {
            repo::find_groups(db, user.id).await
        } else {
            Ok(Vec::new())
        }
    };
    let claims = async {
        if has("profile") {
            repo::find_claims_with_groups(db, user.id).await
        } else {
            Ok(Vec::new())
        }
    };
    let (groups, claims) = tokio::try_join!(groups, claims)?;
    let (user_claims, group_claims) = claims.into_iter().partition(|c| c.user_id == Some(user.id));
    Ok(Profile {
        user,
        groups,
        user_claims,
        group_claims,
    })
}

/// A stored custom-claim value: JSON when it parses as JSON, else the text itself.
pub fn custom_value(raw: &str) -> Value {
    serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()))
}

/// The claims `scopes` grant about `p` (without `sub` and token claims).
pub fn scope_claims(p: &Profile, scopes: &[String], app_url: &str) -> Map<String, Value> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let u = &p.user;
    let mut c = Map::new();
    if has("profile") {
        // Custom claims first, so the standard ones below can never be shadowed. Group claims
        // apply in group-name order (the first group wins); the user's own win over all.
        let mut custom: Map<String, Value> = Map::new();
        for group in &p.groups {
            for cl in p
                .group_claims
                .iter()
                .filter(|c| c.user_group_id == Some(group.id))
            {
                custom
                    .entry(cl.key.clone())
                    .or_insert_with(|| custom_value(&cl.value));
            }
        }
        for cl in &p.user_claims {
            custom.insert(cl.key.clone(), custom_value(&cl.value));
        }
        for (k, v) in custom {
            if !RESERVED.contains(&k.as_str()) {
                c.insert(k, v);
            }
        }
        let full = format!("{} {}", u.first_name, u.last_name)
            .trim()
            .to_owned();
        let name = if !full.is_empty() {
            full
        } else if !u.display_name.is_empty() {
            u.display_name.clone()
        } else {
            u.username.clone()
        };
        c.insert("given_name".into(), json!(u.first_name));
        c.insert("family_name".into(), json!(u.last_name));
        c.insert("name".into(), json!(name));
        c.insert("display_name".into(), json!(u.display_name));
        c.insert("preferred_username".into(), json!(u.username));
        c.insert(
            "picture".into(),
            json!(format!("{app_url}/api/users/{}/profile-picture.png", u.id)),
        );
    }
    if has("email")
        && let Some(email) = u.email.as_deref().filter(|e| !e.is_empty())
    {
        c.insert("email".into(), json!(email));
        c.insert("email_verified".into(), json!(u.email_verified));
    }
    if has("groups") {
        c.insert(
            "groups".into(),
            Value::Array(p.groups.iter().map(|g| json!(g.name)).collect()),
        );
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use uuid::Uuid;

    fn user(first: &str, last: &str, display: &str, email: Option<&str>) -> users::Model {
        users::Model {
            id: Uuid::nil(),
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            updated_at: None,
            username: "tim".into(),
            email: email.map(str::to_owned),
            first_name: first.into(),
            last_name: last.into(),
            display_name: display.into(),
            is_admin: false,
            ldap_id: None,
            locale: None,
            disabled: false,
            email_verified: true,
        }
    }

    fn group(name: &str) -> user_groups::Model {
        user_groups::Model {
            id: Uuid::new_v4(),
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            friendly_name: name.into(),
            name: name.into(),
            ldap_id: None,
            updated_at: None,
        }
    }

    fn claim(
        key: &str,
        value: &str,
        user: Option<Uuid>,
        group: Option<Uuid>,
    ) -> custom_claims::Model {
        custom_claims::Model {
            id: Uuid::new_v4(),
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            key: key.into(),
            value: value.into(),
            user_id: user,
            user_group_id: group,
        }
    }

    fn scopes(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    /// The profile of `user` alone: no groups, no custom claims.
    fn p(user: users::Model) -> Profile {
        Profile {
            user,
            groups: vec![],
            user_claims: vec![],
            group_claims: vec![],
        }
    }

    #[test]
    fn profile_names_fall_back() {
        let c = scope_claims(
            &p(user("Tim", "Cook", "Timmy", None)),
            &scopes("openid profile"),
            "https://id.example",
        );
        assert_eq!(c["name"], "Tim Cook");
        assert_eq!(c["preferred_username"], "tim");
        assert_eq!(
            c["picture"],
            format!(
                "https://id.example/api/users/{}/profile-picture.png",
                Uuid::nil()
            )
        );
        let c = scope_claims(&p(user("", "", "Timmy", None)), &scopes("profile"), "x");
        assert_eq!(c["name"], "Timmy");
        let c = scope_claims(&p(user("", "", "", None)), &scopes("profile"), "x");
        assert_eq!(c["name"], "tim");
        let c = scope_claims(&p(user("Tim", "", "", None)), &scopes("openid"), "x");
        assert!(c.is_empty(), "openid alone carries no profile claims");
    }

    #[test]
    fn email_only_when_present_and_groups_always_an_array() {
        let c = scope_claims(
            &p(user("T", "", "", Some("t@example.com"))),
            &scopes("email groups"),
            "x",
        );
        assert_eq!(c["email"], "t@example.com");
        assert_eq!(c["email_verified"], true);
        assert_eq!(c["groups"], json!([]));
        let c = scope_claims(&p(user("T", "", "", None)), &scopes("email"), "x");
        assert!(!c.contains_key("email") && !c.contains_key("email_verified"));
    }

    #[test]
    fn custom_claims_json_precedence_and_reserved_names() {
        let (a, b) = (group("admins"), group("devs"));
        let u = user("T", "", "", None);
        let p = Profile {
            user_claims: vec![
                claim("team", "\"core\"", Some(u.id), None),
                claim("roles", "[\"a\",\"b\"]", Some(u.id), None),
                claim("name", "hijack", Some(u.id), None),
            ],
            group_claims: vec![
                claim("team", "platform", None, Some(a.id)),
                claim("level", "3", None, Some(b.id)),
                claim("level", "1", None, Some(a.id)),
                claim("note", "plain text", None, Some(b.id)),
            ],
            groups: vec![a.clone(), b.clone()],
            user: u,
        };
        let c = scope_claims(&p, &scopes("profile groups"), "x");
        assert_eq!(c["team"], "core", "user over group");
        assert_eq!(c["roles"], json!(["a", "b"]), "JSON values stay JSON");
        assert_eq!(c["level"], 1, "first group by name wins");
        assert_eq!(c["note"], "plain text");
        assert_eq!(
            c["name"], "T",
            "reserved names never shadow standard claims"
        );
        assert_eq!(c["groups"], json!(["admins", "devs"]));
    }
}
