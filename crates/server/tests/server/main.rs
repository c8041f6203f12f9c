//! The server's integration tests, one module per area, linked into one test binary: every
//! test binary links the whole platform, and one link instead of thirteen keeps a clean build
//! fast and small on disk. Run one area with `cargo test -p kaifang-server --test server oauth::`.

mod common;
mod push_support;

mod apps;
mod backoffice;
mod cli;
mod commerce_sandbox;
mod console_tools;
mod docs;
mod gateway;
mod gateway_commerce;
mod merchant_pages;
mod notifications;
mod oauth;
mod onboarding;
mod push_crash;
mod push_flow;
mod push_isolation;
mod push_lifecycle;
mod push_poison;
mod push_retry;
mod push_tls;
