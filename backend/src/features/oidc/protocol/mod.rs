//! The protocol rules the endpoints and grants share: parameter parsing, authorization-request
//! validation and responses, redirect-URI matching, PKCE, resource indicators (RFC 8707), client
//! policy (lifetimes, allowed users) and client authentication.

pub mod client;
pub mod client_auth;
pub mod params;
pub mod pkce;
pub mod redirect;
pub mod request;
pub mod resource;
