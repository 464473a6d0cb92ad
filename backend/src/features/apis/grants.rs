//! Client grants on APIs: which clients may target an API (user-delegated and client access)
//! with which permissions, seen from the API (`/api/apis/{id}/clients`) and from the client
//! (`/api/api-access/{clientId}`).

use super::repo::{self, ClientFilter, ListFilter, Subject};
use super::service::{self, permission_ids};
use crate::db::entities::oidc_clients;
use crate::error::AppError;
use crate::list::ListParams;
use pocket_shared::api_resource::{
    ApiClientAccessDto, ApiClientAccessListResponse, ApiClientDto, ApiClientGrantDto,
    ApiClientListResponse, ApiListResponse, ClientApiGrantDto,
};
use sea_orm::{ConnectionTrait, Order, TransactionSession, TransactionTrait};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

fn client_not_found() -> AppError {
    AppError::NotFound("OIDC client")
}

async fn find_client(db: &impl ConnectionTrait, id: &str) -> Result<oidc_clients::Model, AppError> {
    crate::features::oidc::clients::repo::find(db, id)
        .await?
        .ok_or_else(client_not_found)
}

fn client_dto(c: &oidc_clients::Model) -> ApiClientDto {
    ApiClientDto {
        id: c.id.clone(),
        name: c.name.clone().unwrap_or_else(|| c.id.clone()),
        client_type: c.client_type.clone(),
        is_public: c.is_public,
        has_logo: c.image_type.is_some(),
        has_dark_logo: c.dark_image_type.is_some(),
    }
}

/// The grants of the access and permission rows, keyed by `key` (a client id or an API id).
fn collect<K: Ord + Clone>(
    access: &[repo::AccessRow],
    perms: &[repo::PermissionRow],
    key_of_access: impl Fn(&repo::AccessRow) -> K,
    key_of_perm: impl Fn(&repo::PermissionRow) -> K,
) -> BTreeMap<K, ApiClientGrantDto> {
    let mut out: BTreeMap<K, ApiClientGrantDto> = BTreeMap::new();
    for row in access {
        let g = out.entry(key_of_access(row)).or_default();
        match row.2 {
            Subject::User => g.user_delegated_access = true,
            Subject::Client => g.client_access = true,
        }
    }
    for row in perms {
        let g = out.entry(key_of_perm(row)).or_default();
        let id = row.2.to_string();
        match row.3 {
            Subject::User => g.user_delegated_permission_ids.push(id),
            Subject::Client => g.client_permission_ids.push(id),
        }
    }
    for g in out.values_mut() {
        g.user_delegated_permission_ids.sort();
        g.client_permission_ids.sort();
    }
    out
}

fn client_order(params: &ListParams) -> Result<Order, AppError> {
    // Clients are listed by name; `name` is the only sort column.
    let ((), order) = params.sort(&[("name", ())], ())?;
    Ok(order)
}

/// The clients with a grant on the API, each with its grant, one page at a time.
pub async fn list_clients(
    db: &impl ConnectionTrait,
    api: Uuid,
    params: &ListParams,
) -> Result<ApiClientAccessListResponse, AppError> {
    service::get(db, api).await?;
    let order = client_order(params)?;
    let access = repo::find_access(db, Some(api), None).await?;
    let perms = repo::find_granted_permissions(db, Some(api), None).await?;
    let grants = collect(&access, &perms, |r| r.0.clone(), |r| r.0.clone());
    let filter = ClientFilter {
        search: params.search.clone(),
        ids: Some(grants.keys().cloned().collect()),
        exclude_granted_on: None,
    };
    let total = repo::count_clients(db, &filter).await?;
    let (pagination, slice) = params.slice(total, ((), order));
    let page = repo::find_clients_page(db, &filter, slice).await?;
    Ok(ApiClientAccessListResponse {
        data: page
            .iter()
            .map(|c| ApiClientAccessDto {
                client: client_dto(c),
                grant: grants.get(&c.id).cloned().unwrap_or_default(),
                cimd_granted_access: false,
                cimd_granted_permission_ids: Vec::new(),
            })
            .collect(),
        pagination,
    })
}

/// The clients without a grant on the API yet, one page at a time.
pub async fn assignable_clients(
    db: &impl ConnectionTrait,
    api: Uuid,
    params: &ListParams,
) -> Result<ApiClientListResponse, AppError> {
    service::get(db, api).await?;
    let order = client_order(params)?;
    let filter = ClientFilter {
        search: params.search.clone(),
        ids: None,
        exclude_granted_on: Some(api),
    };
    let total = repo::count_clients(db, &filter).await?;
    let (pagination, slice) = params.slice(total, ((), order));
    let page = repo::find_clients_page(db, &filter, slice).await?;
    Ok(ApiClientListResponse {
        data: page.iter().map(client_dto).collect(),
        pagination,
    })
}

/// Replaces one client's grant on one API (its grants on other APIs stay). A permission
/// implies access for its subject; public clients cannot use client credentials, so their
/// client access is dropped. Returns what was stored.
pub async fn set_grant(
    db: &impl TransactionTrait,
    api: Uuid,
    client_id: &str,
    req: ApiClientGrantDto,
) -> Result<ApiClientGrantDto, AppError> {
    let txn = db.begin().await?;
    // The first statement writes, so SQLite takes its write lock before reading.
    repo::delete_grants(&txn, api, client_id).await?;
    service::get(&txn, api).await?;
    let client = find_client(&txn, client_id).await?;
    let known = repo::find_permissions(&txn, vec![api]).await?;
    let mut errors = Vec::new();
    let user = permission_ids(
        "userDelegatedPermissionIds",
        &req.user_delegated_permission_ids,
        &known,
    )
    .unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    let machine = permission_ids("clientPermissionIds", &req.client_permission_ids, &known)
        .unwrap_or_else(|e| {
            errors.extend(e);
            Vec::new()
        });
    crate::error::validated(errors)?;
    let machine = if client.is_public {
        Vec::new()
    } else {
        machine
    };
    let user_access = req.user_delegated_access || !user.is_empty();
    let client_access = !client.is_public && (req.client_access || !machine.is_empty());
    let access: Vec<Subject> = [
        (user_access, Subject::User),
        (client_access, Subject::Client),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect();
    let rows: Vec<(Uuid, Subject)> = user
        .iter()
        .map(|p| (*p, Subject::User))
        .chain(machine.iter().map(|p| (*p, Subject::Client)))
        .collect();
    repo::insert_grants(&txn, api, client_id, &access, &rows).await?;
    txn.commit().await?;
    Ok(ApiClientGrantDto {
        user_delegated_access: user_access,
        client_access,
        user_delegated_permission_ids: user.iter().map(Uuid::to_string).collect(),
        client_permission_ids: machine.iter().map(Uuid::to_string).collect(),
    })
}

/// Removes every grant of one client on one API.
pub async fn remove_grant(
    db: &impl TransactionTrait,
    api: Uuid,
    client_id: &str,
) -> Result<(), AppError> {
    let txn = db.begin().await?;
    repo::delete_grants(&txn, api, client_id).await?;
    service::get(&txn, api).await?;
    find_client(&txn, client_id).await?;
    txn.commit().await?;
    Ok(())
}

/// Every API the client may reach, by name, with its grant.
pub async fn client_apis(
    db: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Vec<ClientApiGrantDto>, AppError> {
    find_client(db, client_id).await?;
    let access = repo::find_access(db, None, Some(client_id)).await?;
    let perms = repo::find_granted_permissions(db, None, Some(client_id)).await?;
    let grants = collect(&access, &perms, |r| r.1, |r| r.1);
    let list = repo::find_many(db, grants.keys().copied().collect()).await?;
    let views = service::dtos(db, &list).await?;
    let by_id: HashMap<String, _> = grants
        .into_iter()
        .map(|(k, g)| (k.to_string(), g))
        .collect();
    Ok(views
        .into_iter()
        .map(|api| ClientApiGrantDto {
            grant: by_id.get(&api.id).cloned().unwrap_or_default(),
            api,
            cimd_granted_access: false,
            cimd_granted_permission_ids: Vec::new(),
        })
        .collect())
}

/// The APIs the client has no grant on yet, one page at a time.
pub async fn assignable_apis(
    db: &impl ConnectionTrait,
    client_id: &str,
    params: &ListParams,
) -> Result<ApiListResponse, AppError> {
    find_client(db, client_id).await?;
    service::list_filtered(
        db,
        params,
        ListFilter {
            search: None,
            assignable_to: Some(client_id.to_owned()),
        },
    )
    .await
}
