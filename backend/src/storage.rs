//! Uploaded files (profile pictures, logos): on the filesystem under `UPLOAD_PATH`, or in the
//! `storage` table with `FILE_BACKEND=database` (which every instance shares).

use crate::config::FileBackend;
use crate::db::entities::storage;
use crate::error::AppError;
use crate::state::AppState;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

/// The stored bytes at `path` (e.g. `profile-pictures/<id>.png`), if any.
pub async fn read(state: &AppState, path: &str) -> Result<Option<Vec<u8>>, AppError> {
    match state.config.file_backend {
        FileBackend::Database => Ok(storage::Entity::find_by_id(path)
            .one(&state.db)
            .await?
            .map(|f| f.data)),
        FileBackend::Filesystem => match tokio::fs::read(state.config.upload_path.join(path)).await
        {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(AppError::internal(e)),
        },
    }
}

/// Stores `data` at `path`, replacing what was there (atomically on the filesystem).
pub async fn write(state: &AppState, path: &str, data: Vec<u8>) -> Result<(), AppError> {
    let now = state.clock.now();
    match state.config.file_backend {
        FileBackend::Database => {
            let _ = storage::Entity::delete_by_id(path).exec(&state.db).await?;
            storage::ActiveModel {
                path: Set(path.to_owned()),
                size: Set(data.len() as i64),
                data: Set(data),
                mod_time: Set(now),
                created_at: Set(now),
            }
            .insert(&state.db)
            .await?;
            Ok(())
        }
        FileBackend::Filesystem => {
            let target = state.config.upload_path.join(path);
            if let Some(dir) = target.parent() {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(AppError::internal)?;
            }
            let tmp = target.with_extension(format!("{}-tmp", uuid::Uuid::new_v4().simple()));
            tokio::fs::write(&tmp, &data)
                .await
                .map_err(AppError::internal)?;
            tokio::fs::rename(&tmp, &target)
                .await
                .map_err(AppError::internal)
        }
    }
}

/// Removes the file at `path`; absent is fine.
pub async fn delete(state: &AppState, path: &str) -> Result<(), AppError> {
    match state.config.file_backend {
        FileBackend::Database => {
            storage::Entity::delete_by_id(path).exec(&state.db).await?;
            Ok(())
        }
        FileBackend::Filesystem => {
            match tokio::fs::remove_file(state.config.upload_path.join(path)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(AppError::internal(e)),
                _ => Ok(()),
            }
        }
    }
}
