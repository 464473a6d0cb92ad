//! OIDC client administration DTOs (`/api/oidc/clients`, secrets, allowed groups).
