//! Reading raw values: the environment (or a map in tests), `*_FILE` secrets, strict booleans,
//! and the one-line [`ConfigError`].

use std::collections::HashMap;
use std::fmt;

/// A configuration problem, reported as one line naming the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

pub(super) fn invalid(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

/// A secret string: never printed by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub(super) String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The secret value; call only where it is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Where configuration values come from: the process environment or, in tests, a map.
pub trait EnvSource {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment (after `.env` has been loaded into it).
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl EnvSource for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

pub(super) struct Reader<'a> {
    pub(super) env: &'a dyn EnvSource,
}

impl Reader<'_> {
    /// A plain variable; empty counts as unset.
    pub(super) fn get(&self, name: &str) -> Option<String> {
        self.env
            .var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A variable that may also be given as `<NAME>_FILE` (trimmed file content).
    pub(super) fn secret(
        &self,
        name: &'static str,
        file_var: &'static str,
    ) -> Result<Option<Secret>, ConfigError> {
        match (self.get(name), self.get(file_var)) {
            (Some(_), Some(_)) => Err(invalid(
                name,
                format!("set either {name} or {file_var}, not both"),
            )),
            (Some(v), None) => Ok(Some(Secret(v))),
            (None, Some(path)) => {
                let content = std::fs::read_to_string(&path)
                    .map_err(|e| invalid(file_var, format!("cannot read {path}: {e}")))?;
                let value = content.trim().to_owned();
                if value.is_empty() {
                    return Err(invalid(file_var, format!("{path} is empty")));
                }
                Ok(Some(Secret(value)))
            }
            (None, None) => Ok(None),
        }
    }

    pub(super) fn bool(&self, name: &'static str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => parse_bool(&v)
                .ok_or_else(|| invalid(name, format!("must be true or false (got \"{v}\")"))),
        }
    }
}

pub(super) fn parse_bool(v: &str) -> Option<bool> {
    // Go's strconv.ParseBool spellings, which Pocket ID accepts.
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}
