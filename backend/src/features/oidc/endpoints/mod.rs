//! The HTTP endpoints of the provider, one file per endpoint (or pair of related ones): each
//! parses the request, calls the protocol rules, grants and store, and writes the response.

pub mod authorize;
pub mod device;
pub mod discovery;
pub mod end_session;
pub mod interactions;
pub mod introspection;
pub mod par;
pub mod token;
pub mod userinfo;
