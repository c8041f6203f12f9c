//! Kaifang's commerce domain: the shop data behind the open API.
//!
//! One module per bounded context, the same names as the tables and the API families:
//! [`items`] (category tree, items, SKUs, stock), [`orders`] (the order status machine,
//! shipping, notes, the order queries), [`refunds`] (after-sales), [`logistics`] (carrier
//! codes, return addresses), [`vault`] (consignee data sealed at rest, desensitised and
//! encrypted forms, the decrypt rules), [`outbox`] (the event declarations and the outbox every
//! change writes to in its own transaction). [`demo`] and [`seed`] fill shops with data.
//!
//! Every function takes the acting merchant's (seller's) account id and checks ownership;
//! errors are [`Error`]s that carry the catalogued [`kaifang_wire::errors::ApiError`] and a
//! message saying what to fix. Money is in fen, times in ms from the injected clock.

pub mod demo;
pub mod error;
pub mod ids;
pub mod items;
pub mod logistics;
pub mod orders;
pub mod outbox;
pub mod refunds;
pub mod seed;
pub mod vault;

pub use error::{Error, Result};
