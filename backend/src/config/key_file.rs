//! The encryption key: from `ENCRYPTION_KEY`/`_FILE`, else (SQLite only) a key file beside the
//! database, generated owner-only on the first run.

use super::source::{ConfigError, Reader, Secret, invalid};
use super::{Database, KeyOrigin};
use std::path::Path;

/// Name of the key file written next to the SQLite database on a first local run.
pub const GENERATED_KEY_FILE: &str = ".encryption-key";

/// Minimum length of `ENCRYPTION_KEY` and `STATIC_API_KEY`, in bytes.
pub const MIN_SECRET_LEN: usize = 16;

/// `ENCRYPTION_KEY` (or `_FILE`), else for SQLite a key file beside the database, generated on
/// the first run. PostgreSQL deployments may run several instances, which must share one key,
/// so there the variable is required.
pub(super) fn resolve_encryption_key(
    r: &Reader<'_>,
    db: &Database,
) -> Result<(Secret, KeyOrigin), ConfigError> {
    if let Some(key) = r.secret("ENCRYPTION_KEY", "ENCRYPTION_KEY_FILE")? {
        if key.expose().len() < MIN_SECRET_LEN {
            return Err(invalid(
                "ENCRYPTION_KEY",
                format!("must be at least {MIN_SECRET_LEN} bytes long"),
            ));
        }
        return Ok((key, KeyOrigin::Environment));
    }
    let Database::Sqlite { path } = db else {
        return Err(invalid(
            "ENCRYPTION_KEY",
            "is required with PostgreSQL (every instance must use the same key); generate one with `openssl rand -base64 32`",
        ));
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    load_or_generate_key(&dir.join(GENERATED_KEY_FILE))
}

fn load_or_generate_key(file: &Path) -> Result<(Secret, KeyOrigin), ConfigError> {
    let var = "ENCRYPTION_KEY";
    match std::fs::read_to_string(file) {
        Ok(content) => {
            let key = content.trim().to_owned();
            if key.len() < MIN_SECRET_LEN {
                return Err(invalid(
                    var,
                    format!("not set, and the key file {} is too short", file.display()),
                ));
            }
            Ok((Secret(key), KeyOrigin::KeyFile(file.to_owned())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = crate::crypto::random_token(32);
            write_private_file(file, &key).map_err(|e| {
                invalid(
                    var,
                    format!(
                        "not set, and a key could not be written to {}: {e}",
                        file.display()
                    ),
                )
            })?;
            Ok((Secret(key), KeyOrigin::Generated(file.to_owned())))
        }
        Err(e) => Err(invalid(
            var,
            format!(
                "not set, and the key file {} cannot be read: {e}",
                file.display()
            ),
        )),
    }
}

/// Creates `file` (and its folder) readable by the owner only; fails if it already exists.
fn write_private_file(file: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)?;
    f.write_all(content.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}
