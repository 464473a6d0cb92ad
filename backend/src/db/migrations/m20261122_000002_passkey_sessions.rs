//! Passkey sign-in state: the serialized WebAuthn ceremony of each challenge session and the
//! verified passkey of each credential, login codes and rate-limit buckets.

use super::schema::{Ty, add_column, create_tables, def, execute_all, opt};
use super::tables::{ONE_TIME_ACCESS_TOKENS, RATE_LIMITS};

migration!(|db, backend| {
    let statements = [
        // Which ceremony, whose (registration only) and its server-side state (webauthn-rs).
        add_column(
            "webauthn_sessions",
            &def("kind", Ty::Text, "'authentication'"),
            backend,
        ),
        add_column("webauthn_sessions", &opt("user_id", Ty::Uuid), backend),
        add_column(
            "webauthn_sessions",
            &def("state", Ty::Json, "'{}'"),
            backend,
        ),
        // The full verified credential (COSE key, sign counter, flags) as webauthn-rs keeps it;
        // `public_key` keeps the bare COSE key as Pocket ID does.
        add_column("webauthn_credentials", &opt("passkey", Ty::Json), backend),
        add_column(
            "webauthn_credentials",
            &opt("last_used_at", Ty::Timestamp),
            backend,
        ),
    ];
    execute_all(db, statements).await?;
    create_tables(db, backend, &[ONE_TIME_ACCESS_TOKENS, RATE_LIMITS]).await
});
