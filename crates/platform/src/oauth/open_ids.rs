//! open_id: a user's identifier as one developer sees it (protocol-notes §3.5).
//!
//! Random (32 hex characters), created the first time a developer's app gets a token for the
//! account, then stable. Two developers see the same account under two unrelated open_ids, so
//! apps of different developers cannot correlate users. It identifies the account that
//! consented: a staff account has its own open_id, apart from its merchant's.

use kaifang_store::{Tx, args};

use crate::Result;
use crate::crypto::random_hex;

/// The open_id of `account_id` for `developer_id`, created if missing (inside the caller's
/// transaction; concurrent first uses agree through the unique key).
pub async fn ensure(tx: &mut Tx, developer_id: i64, account_id: i64, now: i64) -> Result<String> {
    tx.execute(
        "INSERT INTO oauth_open_ids (developer_id, account_id, open_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (developer_id, account_id) DO NOTHING",
        &args![developer_id, account_id, random_hex(32), now],
    )
    .await?;
    let r = tx
        .fetch_one(
            "SELECT open_id FROM oauth_open_ids WHERE developer_id = $1 AND account_id = $2",
            &args![developer_id, account_id],
        )
        .await?;
    Ok(r.text("open_id")?)
}
