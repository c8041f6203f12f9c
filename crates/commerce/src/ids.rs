//! Ids that look like the platform's.
//!
//! | object | digits | shape | example |
//! |---|---|---|---|
//! | order (`oid`) | 16 | `26` + 14 random digits | `2607602240240301` |
//! | refund (`refundId`) | 16 | `27` + 14 random digits | `2712345678901234` |
//! | item (`kwaiItemId`) | 11 | `2` + 10 random digits | `20000000001` |
//! | SKU (`kwaiSkuId`) | 11 | `3` + 10 random digits | `30000000001` |
//!
//! Random rather than sequential so that ids do not reveal order volume; a collision (one in
//! 10^14 per pair) fails the insert's primary key and the caller retries with a new id.

/// A fresh order id.
pub fn order_id() -> i64 {
    2_600_000_000_000_000 + fastrand::i64(0..100_000_000_000_000)
}

/// A fresh refund id.
pub fn refund_id() -> i64 {
    2_700_000_000_000_000 + fastrand::i64(0..100_000_000_000_000)
}

/// A fresh item id.
pub fn item_id() -> i64 {
    20_000_000_000 + fastrand::i64(0..10_000_000_000)
}

/// A fresh SKU id.
pub fn sku_id() -> i64 {
    30_000_000_000 + fastrand::i64(0..10_000_000_000)
}

/// How often an insert retries after a primary-key collision of a random id.
pub const ID_ATTEMPTS: usize = 3;
