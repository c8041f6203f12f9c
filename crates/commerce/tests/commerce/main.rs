//! The commerce integration tests against a real database, one module per area, linked into
//! one test binary. Run one area with `cargo test -p kaifang-commerce --test commerce orders::`.

mod common;

mod cursor;
mod decrypt;
mod demo;
mod items;
mod orders;
mod refunds;
