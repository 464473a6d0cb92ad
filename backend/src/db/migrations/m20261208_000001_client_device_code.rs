//! The device authorization grant per client (beyond Pocket ID, where every client may use it):
//! off unless an administrator enables it, so a public client's id cannot be used to phish
//! users with device codes (RFC 8628 5.4). Existing clients start with it off too.

use super::schema::{Ty, add_column, def, execute_all};

migration!(|db, backend| {
    let statements = [add_column(
        "oidc_clients",
        &def("device_code_enabled", Ty::Bool, "false"),
        backend,
    )];
    execute_all(db, statements).await
});
