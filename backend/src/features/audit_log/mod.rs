//! The audit log: events written where they happen (sign-ins, passkey changes, ...).

pub mod service;
