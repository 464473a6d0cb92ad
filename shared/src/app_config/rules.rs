//! Value rules of the configuration keys, shared by the API (admin updates, environment) and the
//! SPA's forms. Each failure has a machine code and a message to show after the key.

use super::{ConfigKeySpec, ConfigValueType};

/// Why a value was refused: `code` is one of `too_short`, `too_long`, `invalid_format`,
/// `out_of_range`; `message` follows the key's name ("appName must be 1 to 30 characters").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigViolation {
    pub code: &'static str,
    pub message: &'static str,
}

impl std::fmt::Display for ConfigViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message)
    }
}

fn bad(code: &'static str, message: &'static str) -> Result<(), ConfigViolation> {
    Err(ConfigViolation { code, message })
}

/// Go's `strconv.ParseBool` spellings (what Pocket ID accepts), written back as `true`/`false`;
/// other values are returned unchanged. An empty value stays empty (it means "the default").
pub fn normalize_value(spec: &ConfigKeySpec, value: &str) -> String {
    if spec.value_type == ConfigValueType::Boolean {
        match value {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => return "true".to_owned(),
            "0" | "f" | "F" | "FALSE" | "false" | "False" => return "false".to_owned(),
            _ => {}
        }
    }
    value.to_owned()
}

/// Checks one (non-empty, normalized) configuration value against its key's rules.
pub fn validate_value(spec: &ConfigKeySpec, value: &str) -> Result<(), ConfigViolation> {
    if spec.value_type == ConfigValueType::Boolean && !matches!(value, "true" | "false") {
        return bad("invalid_format", "must be true or false");
    }
    match spec.key {
        "appName" => match value.chars().count() {
            0 => bad("too_short", "must be 1 to 30 characters"),
            31.. => bad("too_long", "must be 1 to 30 characters"),
            _ => Ok(()),
        },
        "sessionDuration" => match value.parse::<u32>() {
            Ok(m) if m >= 1 => Ok(()),
            Ok(_) => bad("out_of_range", "must be at least 1 minute"),
            Err(_) => bad("invalid_format", "must be a whole number of minutes"),
        },
        "homePageUrl" => home_page_url(value),
        "accentColor" => {
            if value == "default" || is_css_color(value) {
                Ok(())
            } else {
                bad("invalid_format", "must be default or a CSS colour")
            }
        }
        "allowUserSignups" => one_of(
            value,
            &["disabled", "withToken", "open"],
            "must be disabled, withToken or open",
        ),
        "smtpTls" => one_of(
            value,
            &["none", "starttls", "tls"],
            "must be none, starttls or tls",
        ),
        "webauthnUserVerification" => one_of(
            value,
            &["required", "preferred"],
            "must be required or preferred",
        ),
        "webauthnAuthenticatorAttachment" => one_of(
            value,
            &["any", "platform", "cross-platform"],
            "must be any, platform or cross-platform",
        ),
        "smtpPort" => match value.parse::<u32>() {
            _ if value.is_empty() => Ok(()),
            Ok(p) if (1..=65_535).contains(&p) => Ok(()),
            Ok(_) => bad("out_of_range", "must be a port number between 1 and 65535"),
            Err(_) => bad(
                "invalid_format",
                "must be a port number between 1 and 65535",
            ),
        },
        "smtpFrom" if !value.is_empty() => crate::user::rules::email(value)
            .or_else(|_| bad("invalid_format", "must be a valid email address")),
        "signupDefaultUserGroupIDs" => {
            match serde_json::from_str::<Vec<serde_json::Value>>(value) {
                Ok(ids) if ids.iter().all(serde_json::Value::is_string) => Ok(()),
                _ => bad("invalid_format", "must be a JSON array of group ids"),
            }
        }
        "signupDefaultCustomClaims" => custom_claims(value),
        "cimdUrlAllowlist" => match serde_json::from_str::<Vec<String>>(value) {
            Ok(patterns)
                if patterns
                    .iter()
                    .all(|p| crate::oidc_client::rules::callback_url_pattern(p).is_ok()) =>
            {
                Ok(())
            }
            _ => bad("invalid_format", "must be a JSON array of URL patterns"),
        },
        _ => Ok(()),
    }
}

fn one_of(value: &str, allowed: &[&str], message: &'static str) -> Result<(), ConfigViolation> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        bad("invalid_format", message)
    }
}

/// Where `/settings` sends users: a path on this site or an http(s) URL (never `javascript:`).
fn home_page_url(value: &str) -> Result<(), ConfigViolation> {
    let lower = value.to_ascii_lowercase();
    let ok = !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && ((value.starts_with('/') && !value.starts_with("//"))
            || lower.starts_with("https://")
            || lower.starts_with("http://"));
    if ok {
        Ok(())
    } else {
        bad(
            "invalid_format",
            "must be a path starting with / or an http(s) URL",
        )
    }
}

/// `[{"key": "...", "value": "..."}, ...]` with non-empty keys.
fn custom_claims(value: &str) -> Result<(), ConfigViolation> {
    let ok = serde_json::from_str::<Vec<serde_json::Value>>(value).is_ok_and(|claims| {
        claims.iter().all(|c| {
            c.as_object().is_some_and(|o| {
                o.get("key")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|k| !k.trim().is_empty())
                    && o.get("value").is_some_and(serde_json::Value::is_string)
            })
        })
    });
    if ok {
        Ok(())
    } else {
        bad(
            "invalid_format",
            "must be a JSON array of {key, value} objects",
        )
    }
}

/// A CSS colour: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, a colour function (`rgb()`, `hsl()`,
/// `oklch()`, ...) with plain numeric arguments, or a named colour.
pub fn is_css_color(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if let Some(hex) = v.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some((name, rest)) = v.split_once('(') {
        let Some(args) = rest.strip_suffix(')') else {
            return false;
        };
        const FUNCTIONS: &[&str] = &[
            "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch",
        ];
        return FUNCTIONS.contains(&name)
            && !args.trim().is_empty()
            // Numbers, units (`deg`, `%`), `none` and separators; never `(`, `;` or quotes,
            // since the SPA writes this value into a style sheet.
            && args
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || " .,%/+-".contains(c));
    }
    NAMED_COLORS.binary_search(&v.as_str()).is_ok()
}

/// CSS named colours (sorted, for binary search).
const NAMED_COLORS: &[&str] = &[
    "aliceblue",
    "antiquewhite",
    "aqua",
    "aquamarine",
    "azure",
    "beige",
    "bisque",
    "black",
    "blanchedalmond",
    "blue",
    "blueviolet",
    "brown",
    "burlywood",
    "cadetblue",
    "chartreuse",
    "chocolate",
    "coral",
    "cornflowerblue",
    "cornsilk",
    "crimson",
    "cyan",
    "darkblue",
    "darkcyan",
    "darkgoldenrod",
    "darkgray",
    "darkgreen",
    "darkgrey",
    "darkkhaki",
    "darkmagenta",
    "darkolivegreen",
    "darkorange",
    "darkorchid",
    "darkred",
    "darksalmon",
    "darkseagreen",
    "darkslateblue",
    "darkslategray",
    "darkslategrey",
    "darkturquoise",
    "darkviolet",
    "deeppink",
    "deepskyblue",
    "dimgray",
    "dimgrey",
    "dodgerblue",
    "firebrick",
    "floralwhite",
    "forestgreen",
    "fuchsia",
    "gainsboro",
    "ghostwhite",
    "gold",
    "goldenrod",
    "gray",
    "green",
    "greenyellow",
    "grey",
    "honeydew",
    "hotpink",
    "indianred",
    "indigo",
    "ivory",
    "khaki",
    "lavender",
    "lavenderblush",
    "lawngreen",
    "lemonchiffon",
    "lightblue",
    "lightcoral",
    "lightcyan",
    "lightgoldenrodyellow",
    "lightgray",
    "lightgreen",
    "lightgrey",
    "lightpink",
    "lightsalmon",
    "lightseagreen",
    "lightskyblue",
    "lightslategray",
    "lightslategrey",
    "lightsteelblue",
    "lightyellow",
    "lime",
    "limegreen",
    "linen",
    "magenta",
    "maroon",
    "mediumaquamarine",
    "mediumblue",
    "mediumorchid",
    "mediumpurple",
    "mediumseagreen",
    "mediumslateblue",
    "mediumspringgreen",
    "mediumturquoise",
    "mediumvioletred",
    "midnightblue",
    "mintcream",
    "mistyrose",
    "moccasin",
    "navajowhite",
    "navy",
    "oldlace",
    "olive",
    "olivedrab",
    "orange",
    "orangered",
    "orchid",
    "palegoldenrod",
    "palegreen",
    "paleturquoise",
    "palevioletred",
    "papayawhip",
    "peachpuff",
    "peru",
    "pink",
    "plum",
    "powderblue",
    "purple",
    "rebeccapurple",
    "red",
    "rosybrown",
    "royalblue",
    "saddlebrown",
    "salmon",
    "sandybrown",
    "seagreen",
    "seashell",
    "sienna",
    "silver",
    "skyblue",
    "slateblue",
    "slategray",
    "slategrey",
    "snow",
    "springgreen",
    "steelblue",
    "tan",
    "teal",
    "thistle",
    "tomato",
    "turquoise",
    "violet",
    "wheat",
    "white",
    "whitesmoke",
    "yellow",
    "yellowgreen",
];

#[cfg(test)]
mod tests {
    use super::super::{CONFIG_KEYS, config_key};
    use super::*;

    fn check(key: &str, value: &str) -> Result<(), ConfigViolation> {
        validate_value(config_key(key).unwrap(), value)
    }

    #[test]
    fn named_colours_are_sorted() {
        assert!(NAMED_COLORS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn defaults_pass_their_own_validation() {
        for s in CONFIG_KEYS {
            if !s.default.is_empty() {
                assert_eq!(validate_value(s, s.default), Ok(()), "{}", s.key);
            }
        }
    }

    #[test]
    fn invalid_values_are_refused_with_a_code() {
        assert_eq!(
            check("appName", &"x".repeat(31)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(check("appName", &"é".repeat(30)), Ok(()));
        assert_eq!(
            check("disableAnimations", "yes").unwrap_err().code,
            "invalid_format"
        );
        assert_eq!(
            check("sessionDuration", "0").unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(
            check("sessionDuration", "1.5").unwrap_err().code,
            "invalid_format"
        );
        assert!(check("allowUserSignups", "sometimes").is_err());
        assert!(check("smtpTls", "ssl").is_err());
        assert!(check("webauthnUserVerification", "discouraged").is_err());
        assert!(check("webauthnAuthenticatorAttachment", "usb").is_err());
        assert!(check("smtpPort", "65536").is_err());
        assert!(check("smtpPort", "abc").is_err());
        assert_eq!(check("smtpPort", "587"), Ok(()));
        assert!(check("smtpFrom", "not-an-email").is_err());
        assert_eq!(check("smtpFrom", "id@example.com"), Ok(()));
        assert!(check("signupDefaultUserGroupIDs", "[1]").is_err());
        assert_eq!(check("signupDefaultUserGroupIDs", r#"["a","b"]"#), Ok(()));
        assert!(check("signupDefaultCustomClaims", "{}").is_err());
        assert!(check("signupDefaultCustomClaims", r#"[{"key":"a"}]"#).is_err());
        assert_eq!(
            check("signupDefaultCustomClaims", r#"[{"key":"a","value":"b"}]"#),
            Ok(())
        );
        assert!(check("cimdUrlAllowlist", r#"["javascript:alert(1)"]"#).is_err());
        assert_eq!(
            check("cimdUrlAllowlist", r#"["https://*.example.com/**"]"#),
            Ok(())
        );
        assert!(check("homePageUrl", "javascript:alert(1)").is_err());
        assert!(check("homePageUrl", "//evil.example").is_err());
        assert_eq!(check("homePageUrl", "https://portal.example.com"), Ok(()));
    }

    #[test]
    fn css_colours() {
        for ok in [
            "#fff",
            "#4338CA",
            "#4338ca80",
            "red",
            "RebeccaPurple",
            "rgb(1, 2, 3)",
            "oklch(0.62 0.19 259.8)",
            "hsl(210deg 50% 40% / 0.5)",
        ] {
            assert!(is_css_color(ok), "{ok}");
        }
        for bad in [
            "",
            "#ggg",
            "#12345",
            "banana",
            "url(x)",
            "rgb(1,2,3);x:y",
            "rgb()",
            "expression(alert(1))",
        ] {
            assert!(!is_css_color(bad), "{bad}");
        }
    }

    #[test]
    fn booleans_take_go_spellings() {
        let k = config_key("ldapEnabled").unwrap();
        assert_eq!(normalize_value(k, "TRUE"), "true");
        assert_eq!(normalize_value(k, "0"), "false");
        assert_eq!(normalize_value(k, "yes"), "yes");
        assert_eq!(normalize_value(config_key("appName").unwrap(), "1"), "1");
    }
}
