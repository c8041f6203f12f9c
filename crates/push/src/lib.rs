//! Kaifang's message push (protocol-notes §4): every change in a shop writes an event into the
//! outbox in its own transaction; this crate turns each event into one message per app that
//! should receive it and delivers it to the app's push URL, encrypted, at least once.
//!
//! One job per module: [`settings`] (push switch, URL, subscriptions), [`fanout`] (outbox →
//! messages, with K4001's five filters), [`delivery`] (one encrypted POST and its receipt),
//! [`retry`] (the schedule), [`heartbeat`] (pause and resume a URL), [`log`] (the message log,
//! re-push, daily success rate), [`ssrf`] (which addresses a push URL may reach), [`tls`]
//! (https with rustls and ring), [`worker`] (the tasks that run it all, claiming and batching)
//! and [`probe`] (the message test tool).

pub mod batch;
pub mod delivery;
pub mod fanout;
pub mod heartbeat;
pub mod log;
pub mod probe;
pub mod retry;
pub mod settings;
pub mod ssrf;
pub mod tls;
pub mod worker;

pub use worker::Worker;
