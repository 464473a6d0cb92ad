//! `/settings/*`: the signed-in user's pages.

pub mod account;
