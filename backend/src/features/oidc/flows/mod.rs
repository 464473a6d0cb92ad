//! The browser flows that span several requests: what happens between `/authorize` and the
//! code (interactions, consent, reauthentication).

pub mod authorize;
