//! Multi-row statements, so that a batch of N outcomes costs N/64 statements instead of 2N.
//!
//! The store takes SQL as `&'static str` (one text for both dialects); these texts are built
//! once, for a few fixed row counts, and live for the whole process. Id lists are padded by
//! repeating the last id (harmless inside `IN (...)`); inserts use the largest size that fits.

use std::sync::LazyLock;

/// Rows per statement, largest first.
pub const SIZES: [usize; 4] = [64, 16, 4, 1];

/// Rows per message insert, largest first: 13 columns a row, and SQLite's driver looks every
/// parameter's name up in a list as long as the statement's parameters (quadratic), so wide
/// statements stay at 16 rows (208 parameters).
pub const MESSAGE_SIZES: [usize; 3] = [16, 4, 1];

fn placeholders(first: usize, rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..cols)
                .map(|c| format!("${}", first + r * cols + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn id_list(first: usize, n: usize) -> String {
    (0..n)
        .map(|i| format!("${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `INSERT INTO push_attempts` of `SIZES[i]` rows (message_id, at, http_status, latency_ms, ok, reason).
pub static INSERT_ATTEMPTS: LazyLock<[String; 4]> = LazyLock::new(|| {
    SIZES.map(|n| {
        format!(
            "INSERT INTO push_attempts (message_id, at, http_status, latency_ms, ok, reason) VALUES {}",
            placeholders(1, n, 6)
        )
    })
});

/// `INSERT INTO push_messages` of `MESSAGE_SIZES[i]` rows, returning `id, outbox_id, app_id`.
pub static INSERT_MESSAGES: LazyLock<[String; 3]> = LazyLock::new(|| {
    MESSAGE_SIZES.map(|n| {
        format!(
            "INSERT INTO push_messages (app_id, outbox_id, event_id, event, biz_id, seller_id, payload, status,
                drop_reason, next_attempt_at, lease_until, created_at, updated_at) VALUES {} RETURNING id, outbox_id, app_id",
            placeholders(1, n, 13)
        )
    })
});

/// Marks 64 messages (ids `$2..$65`) delivered at `$1`.
pub static MARK_DELIVERED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE push_messages SET status = 'delivered', attempts = attempts + 1, step = 0, delivered_at = $1,
            next_attempt_at = NULL, lease_until = NULL, last_error = NULL, updated_at = $1 WHERE id IN ({})",
        id_list(2, SIZES[0])
    )
});

/// Marks 64 outbox rows (ids `$2..$65`) dispatched at `$1`.
pub static MARK_DISPATCHED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE outbox SET dispatched_at = $1 WHERE id IN ({})",
        id_list(2, SIZES[0])
    )
});

/// Splits `n` rows into statement sizes: indexes into [`SIZES`], largest first.
pub fn plan(n: usize) -> Vec<usize> {
    plan_in(&SIZES, n)
}

/// Splits `n` rows into message-insert sizes: indexes into [`MESSAGE_SIZES`], largest first.
pub fn plan_messages(n: usize) -> Vec<usize> {
    plan_in(&MESSAGE_SIZES, n)
}

fn plan_in(sizes: &[usize], mut n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, size) in sizes.iter().enumerate() {
        while n >= *size {
            out.push(i);
            n -= size;
        }
    }
    out
}

/// `ids` in chunks of exactly 64, the last padded with its last id.
pub fn padded_chunks(ids: &[i64]) -> Vec<Vec<i64>> {
    ids.chunks(SIZES[0])
        .map(|c| {
            let mut v = c.to_vec();
            let last = *v.last().unwrap_or(&0);
            v.resize(SIZES[0], last);
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_and_texts() {
        assert_eq!(plan(0), Vec::<usize>::new());
        assert_eq!(plan(85), vec![0, 1, 2, 3]);
        assert_eq!(plan(3), vec![3, 3, 3]);
        assert_eq!(plan_messages(37), vec![0, 0, 1, 2]);
        assert!(INSERT_MESSAGES[0].contains("$208)"));
        assert!(INSERT_ATTEMPTS[3].ends_with("VALUES ($1, $2, $3, $4, $5, $6)"));
        assert!(INSERT_ATTEMPTS[2].ends_with("($19, $20, $21, $22, $23, $24)"));
        assert!(MARK_DELIVERED.ends_with("$64, $65)"));
        let c = padded_chunks(&[1, 2, 3]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), 64);
        assert_eq!(c[0][63], 3);
    }
}
