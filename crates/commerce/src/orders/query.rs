//! Order queries in the wire shape of `open.order.cursor.list` and `open.order.detail`
//! (protocol-notes §5.1): camelCase field names, money in fen, times in ms, personal data only
//! as `encrypted*` tokens and `desensitise*` forms (plaintext `consignee`/`mobile`/`address`
//! are null, as on the platform since 2023-03-31).
//!
//! `buyerOpenId` / `sellerOpenId` depend on the calling developer; they are returned empty and
//! the API layer fills them in for its caller.
//!
//! The cursor list pages by keyset over `(create_time, id)` or `(update_time, id)` within one
//! seller (indexes `orders_seller_create` / `orders_seller_update`, which also hold the status
//! and cpsType filters), so any page of a million-order shop costs one index range scan joined
//! to the stored views of its orders (one statement per page, no count; see
//! [`view`](super::view)). The cursor is opaque: URL-safe Base64 of `v1:<time>:<id>` of the
//! last order sent; `""` asks for the first page and `"nomore"` comes back after the last.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kaifang_platform::Platform;
use kaifang_platform::clock::DAY;
use kaifang_store::{Row, args};
use kaifang_wire::errors::ApiError;
use serde::Deserialize;
use serde_json::Value;

use super::view_status_range;
use crate::{Error, Result};

/// The cursor after the last page.
pub const NO_MORE: &str = "nomore";
/// Largest `pageSize`.
pub const MAX_PAGE_SIZE: i64 = 50;
/// Longest `beginTime`..`endTime` range.
pub const MAX_RANGE: i64 = 7 * DAY;
/// How far back a query may reach.
pub const MAX_LOOKBACK: i64 = 90 * DAY;

/// `open.order.detail`: one of the merchant's orders; another's is rejected (21).
pub async fn order_detail(p: &Platform, seller_id: i64, oid: i64) -> Result<Value> {
    Ok(serde_json::from_slice(
        &order_detail_json(p, seller_id, oid).await?,
    )?)
}

/// [`order_detail`] as JSON bytes: the order's stored view.
pub async fn order_detail_json(p: &Platform, seller_id: i64, oid: i64) -> Result<Vec<u8>> {
    let row =
        p.db.fetch_optional(
            "SELECT o.seller_id, v.body FROM orders o JOIN order_views v ON v.order_id = o.id WHERE o.id = $1",
            &args![oid],
        )
        .await?;
    match row {
        Some(r) if r.i64("seller_id")? == seller_id => Ok(r.text("body")?.into_bytes()),
        _ => Err(Error::order_rejected(oid)),
    }
}

/// `open.order.cursor.list` parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CursorListParams {
    /// 1 all, 2 unpaid, 3 to ship, 4 shipped, 5 received, 6 success, 7 closed.
    pub order_view_status: i64,
    /// 1–50.
    pub page_size: i64,
    /// 1 newest first (default), 2 oldest first.
    #[serde(default)]
    pub sort: Option<i64>,
    /// 1 by create time (default), 2 by update time.
    #[serde(default)]
    pub query_type: Option<i64>,
    /// Range start, ms.
    pub begin_time: i64,
    /// Range end, ms.
    pub end_time: i64,
    /// 0 all (default), 1 normal, 2 distribution.
    #[serde(default)]
    pub cps_type: Option<i64>,
    /// `""` for the first page, then the returned cursor.
    #[serde(default)]
    pub cursor: String,
}

/// One page of the seller's orders (`$9` = page size + 1) with their stored views, in page
/// order; the index both finds and orders the page, so nothing is sorted.
macro_rules! page_sql {
    ($col:literal, $cmp:literal, $dir:literal) => {
        concat!(
            "SELECT o.id, o.", $col, " AS t, v.body FROM orders o JOIN order_views v ON v.order_id = o.id WHERE o.seller_id = $1 AND o.",
            $col, " >= $2 AND o.", $col, " <= $3 AND o.status BETWEEN $4 AND $5 AND ($6 = 0 OR o.cps_type = $6) AND (o.",
            $col, ", o.id) ", $cmp, " ($7, $8) ORDER BY o.", $col, " ", $dir, ", o.id ", $dir, " LIMIT ($9 + 0)"
        )
    };
}

const CREATE_DESC: &str = page_sql!("create_time", "<", "DESC");
const CREATE_ASC: &str = page_sql!("create_time", ">", "ASC");
const UPDATE_DESC: &str = page_sql!("update_time", "<", "DESC");
const UPDATE_ASC: &str = page_sql!("update_time", ">", "ASC");

/// Checks a `beginTime`..`endTime` window: end after begin (300003), at most 7 days (300004),
/// not starting more than 90 days ago (300005).
pub fn check_time_range(now: i64, begin: i64, end: i64) -> Result<()> {
    if end <= begin {
        return Err(Error::new(
            ApiError::RefundEndTimeBeforeBeginTime,
            format!("endTime {end} must be after beginTime {begin}"),
        ));
    }
    if end - begin > MAX_RANGE {
        return Err(Error::new(
            ApiError::RefundSearchRangeOver7Days,
            "beginTime to endTime spans more than 7 days: query at most 7 days per call and page through longer periods",
        ));
    }
    if begin < now - MAX_LOOKBACK {
        return Err(Error::new(
            ApiError::RefundSearchBefore90Days,
            "beginTime is more than 90 days ago: only the last 90 days can be searched",
        ));
    }
    Ok(())
}

/// Keyset paging over (time, id), shared by the order and refund lists: where a page starts,
/// which of the four statements (create/update time, descending/ascending) reads it, and the
/// cursor of the next page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Keyset {
    /// Page by update time rather than create time.
    pub by_update: bool,
    /// Newest first.
    pub desc: bool,
}

impl Keyset {
    /// The (time, id) a page starts after; the first page starts beyond either end.
    pub(crate) fn start(self, cursor: &str) -> Result<(i64, i64)> {
        Ok(decode_cursor(cursor)?.unwrap_or(if self.desc {
            (i64::MAX, i64::MAX)
        } else {
            (i64::MIN, i64::MIN)
        }))
    }

    /// The `beginTime`..`endTime` range narrowed to where a page starting after `start` can
    /// be. The row-value bound `(time, id) < (t, id)` alone does not bound SQLite's index range,
    /// so without this a page deep in a 7-day window scanned the index from the window's end:
    /// 5 ms instead of 0.03 ms per page halfway through a million-order shop.
    pub(crate) fn range(self, begin: i64, end: i64, start: (i64, i64)) -> (i64, i64) {
        if self.desc {
            (begin, end.min(start.0))
        } else {
            (begin.max(start.0), end)
        }
    }

    /// The statement for this order: `[create desc, create asc, update desc, update asc]`.
    pub(crate) fn pick(self, sql: [&'static str; 4]) -> &'static str {
        sql[usize::from(self.by_update) * 2 + usize::from(!self.desc)]
    }

    /// Splits `rows` (read with `page_size + 1`) into the page and the next cursor
    /// (`"nomore"` at the end).
    pub(crate) fn page(self, rows: &[Row], page_size: i64) -> Result<(&[Row], String)> {
        let size = usize::try_from(page_size).unwrap_or(0);
        let page = &rows[..rows.len().min(size)];
        let cursor = match page.last() {
            Some(last) if rows.len() > size => {
                let time = last.i64(if self.by_update {
                    "update_time"
                } else {
                    "create_time"
                })?;
                encode_cursor(time, last.i64("id")?)
            }
            _ => NO_MORE.to_string(),
        };
        Ok((page, cursor))
    }
}

pub(crate) fn encode_cursor(time: i64, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{time}:{id}"))
}

pub(crate) fn decode_cursor(cursor: &str) -> Result<Option<(i64, i64)>> {
    if cursor.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Error::invalid(
            "cursor is not one this API returned: send \"\" for the first page, then the cursor of the previous page",
        )
    };
    let text = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(text).map_err(|_| bad())?;
    let mut parts = text.split(':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("v1"), Some(t), Some(id), None) => Ok(Some((
            t.parse().map_err(|_| bad())?,
            id.parse().map_err(|_| bad())?,
        ))),
        _ => Err(bad()),
    }
}

/// `open.order.cursor.list`.
pub async fn order_cursor_list(
    p: &Platform,
    seller_id: i64,
    q: &CursorListParams,
) -> Result<Value> {
    Ok(serde_json::from_slice(
        &order_cursor_list_json(p, seller_id, q).await?,
    )?)
}

/// [`order_cursor_list`] as JSON bytes, written straight from the rows (the gateway sends them
/// as `data` without building a JSON tree).
pub async fn order_cursor_list_json(
    p: &Platform,
    seller_id: i64,
    q: &CursorListParams,
) -> Result<Vec<u8>> {
    let (lo, hi) = view_status_range(q.order_view_status)?;
    if !(1..=MAX_PAGE_SIZE).contains(&q.page_size) {
        return Err(Error::invalid("pageSize must be 1 to 50"));
    }
    let desc = match q.sort.unwrap_or(1) {
        1 => true,
        2 => false,
        _ => {
            return Err(Error::invalid(
                "sort must be 1 (newest first) or 2 (oldest first)",
            ));
        }
    };
    let by_update = match q.query_type.unwrap_or(1) {
        1 => false,
        2 => true,
        _ => {
            return Err(Error::invalid(
                "queryType must be 1 (create time) or 2 (update time)",
            ));
        }
    };
    let cps = q.cps_type.unwrap_or(0);
    if !(0..=2).contains(&cps) {
        return Err(Error::invalid(
            "cpsType must be 0 (all), 1 (normal) or 2 (distribution)",
        ));
    }
    check_time_range(p.now(), q.begin_time, q.end_time)?;
    if q.cursor == NO_MORE {
        return Ok(page_json(q, NO_MORE, b""));
    }
    let keyset = Keyset { by_update, desc };
    let (t, id) = keyset.start(&q.cursor)?;
    let (from, to) = keyset.range(q.begin_time, q.end_time, (t, id));
    let sql = keyset.pick([CREATE_DESC, CREATE_ASC, UPDATE_DESC, UPDATE_ASC]);
    // The page's views go straight from the database into the response (see kaifang_store's
    // `scan`); the one past the page only says that more follow.
    let size = usize::try_from(q.page_size).unwrap_or(0);
    let mut orders = Vec::with_capacity(size * 1700);
    let mut seen = 0usize;
    let mut last = (0, 0);
    let args = args![seller_id, from, to, lo, hi, cps, t, id, q.page_size + 1];
    p.db.scan(sql, &args, |r| {
        seen += 1;
        if seen <= size {
            if seen > 1 {
                orders.push(b',');
            }
            orders.extend_from_slice(r.text_bytes(2)?);
            last = (r.i64(1)?, r.i64(0)?);
        }
        Ok(())
    })
    .await?;
    let cursor = if seen > size {
        encode_cursor(last.0, last.1)
    } else {
        NO_MORE.to_string()
    };
    Ok(page_json(q, &cursor, &orders))
}

/// `data` of `open.order.cursor.list`: the page's fields around its stored order views
/// (`orders`: the views joined by commas).
fn page_json(q: &CursorListParams, cursor: &str, orders: &[u8]) -> Vec<u8> {
    // The cursor is Base64url or "nomore": nothing in it needs escaping.
    let head = format!(
        r#"{{"pageSize":{},"beginTime":{},"endTime":{},"cursor":"{cursor}","orderList":["#,
        q.page_size, q.begin_time, q.end_time
    );
    let mut out = Vec::with_capacity(head.len() + orders.len() + 2);
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(orders);
    out.extend_from_slice(b"]}");
    out
}
