//! Creating and redeeming login codes. Only a SHA-256 of each code is stored; redeeming deletes
//! the row, and only the request whose delete succeeds wins, so a code works exactly once.

use crate::crypto::{hash_token, random_from};
use crate::db::entities::{one_time_access_tokens as codes, users};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use pocket_shared::ErrorCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// Letters and digits without the look-alikes i, l, o, I, L, O (Pocket ID's alphabet).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ0123456789";
/// Default lifetime of an admin-made code.
pub const DEFAULT_TTL: Duration = Duration::minutes(15);
/// Lifetime of a code made with the CLI.
pub const CLI_TTL: Duration = Duration::hours(1);
const MAX_TTL: Duration = Duration::days(31);

/// A new code: 6 characters when it lives at most 15 minutes, else 12.
pub fn generate(ttl: Duration) -> String {
    random_from(ALPHABET, if ttl <= DEFAULT_TTL { 6 } else { 12 })
}

/// What users may type: surrounding space trimmed, and `I/i`→`1`, `O/o`→`0` (neither letter is
/// ever in a code, so a misread digit still works).
pub fn normalize(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            'I' | 'i' => '1',
            'O' | 'o' => '0',
            c => c,
        })
        .collect()
}

/// `ttl` as Pocket ID accepts it: seconds (number) or a Go duration string ("15m", "1h30m").
pub fn parse_ttl(ttl: Option<&serde_json::Value>) -> Result<Duration, AppError> {
    let invalid = || {
        AppError::field(
            "ttl",
            "invalid_value",
            "must be a duration between 1 second and 31 days",
        )
    };
    let ttl = match ttl {
        None | Some(serde_json::Value::Null) => return Ok(DEFAULT_TTL),
        Some(serde_json::Value::Number(n)) => n
            .as_f64()
            // try_: a huge number is an invalid TTL, not a panic (chrono's bounds).
            .and_then(|s| Duration::try_milliseconds((s * 1000.0) as i64)),
        Some(serde_json::Value::String(s)) => parse_go_duration(s),
        Some(_) => None,
    }
    .ok_or_else(invalid)?;
    if ttl <= Duration::seconds(1) || ttl > MAX_TTL {
        Err(invalid())
    } else {
        Ok(ttl)
    }
}

/// Parses Go's `time.Duration` text form (`h`, `m`, `s`, `ms` units, e.g. "1h30m", "90s").
fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = Duration::zero();
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let millis = match &rest[..unit_len] {
            "h" => value * 3_600_000.0,
            "m" => value * 60_000.0,
            "s" => value * 1000.0,
            "ms" => value,
            _ => return None,
        };
        total = total.checked_add(&Duration::try_milliseconds(millis as i64)?)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

/// Creates a code for `user` valid for `ttl`; returns the code (shown once, stored hashed).
pub async fn create(
    db: &impl ConnectionTrait,
    user: Uuid,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let code = generate(ttl);
    codes::ActiveModel {
        id: Set(Uuid::new_v4()),
        created_at: Set(now),
        token_hash: Set(hash_token(&code)),
        user_id: Set(user),
        expires_at: Set(now + ttl),
        device_token_hash: Set(None),
    }
    .insert(db)
    .await?;
    Ok(code)
}

fn invalid_or_expired() -> AppError {
    AppError::unauthorized(
        ErrorCode::TokenInvalidOrExpired,
        "Token is invalid or expired",
    )
}

/// Redeems `input`: the user it was made for, once. A disabled user is refused and the code kept.
pub async fn redeem(
    db: &impl ConnectionTrait,
    input: &str,
    now: DateTime<Utc>,
) -> Result<users::Model, AppError> {
    let code = normalize(input);
    if code.len() != 6 && code.len() != 12 {
        return Err(invalid_or_expired());
    }
    let row = codes::Entity::find()
        .filter(codes::Column::TokenHash.eq(hash_token(&code)))
        .one(db)
        .await?
        .ok_or_else(invalid_or_expired)?;
    if row.expires_at <= now {
        codes::Entity::delete_by_id(row.id).exec(db).await?;
        return Err(invalid_or_expired());
    }
    let user = users::Entity::find_by_id(row.user_id)
        .one(db)
        .await?
        .ok_or_else(invalid_or_expired)?;
    if user.disabled {
        return Err(crate::auth::user_disabled());
    }
    // Single use: of concurrent redeemers only the one whose delete removes the row proceeds.
    let deleted = codes::Entity::delete_by_id(row.id).exec(db).await?;
    if deleted.rows_affected != 1 {
        return Err(invalid_or_expired());
    }
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_length_follows_ttl_and_alphabet_avoids_lookalikes() {
        assert_eq!(generate(Duration::minutes(15)).len(), 6);
        assert_eq!(generate(Duration::minutes(16)).len(), 12);
        let c = generate(Duration::hours(1));
        assert!(
            c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() && !"ilоIlLO".contains(ch)),
            "{c}"
        );
    }

    #[test]
    fn normalization_maps_misread_letters_to_digits() {
        assert_eq!(normalize("  aBIo9O "), "aB1090");
    }

    #[test]
    fn ttl_forms() {
        assert_eq!(parse_ttl(None).unwrap(), DEFAULT_TTL);
        assert_eq!(
            parse_ttl(Some(&serde_json::json!(3600))).unwrap(),
            Duration::hours(1)
        );
        assert_eq!(
            parse_ttl(Some(&serde_json::json!("1h30m"))).unwrap(),
            Duration::minutes(90)
        );
        assert_eq!(
            parse_ttl(Some(&serde_json::json!("90s"))).unwrap(),
            Duration::seconds(90)
        );
        for bad in [
            serde_json::json!("1"),
            serde_json::json!("abc"),
            serde_json::json!(1),
            serde_json::json!("32d"),
            serde_json::json!("745h"),
            serde_json::json!(true),
            // Beyond chrono's range: refused, never a panic (found by schemathesis).
            serde_json::json!(1e300),
            serde_json::json!(-1e300),
            serde_json::json!("99999999999999999999h"),
            serde_json::json!("9223372036854775807ms9223372036854775807ms"),
        ] {
            assert!(parse_ttl(Some(&bad)).is_err(), "{bad}");
        }
    }
}
