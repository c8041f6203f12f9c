//! A read path for pages of many rows: the statement runs on SQLite's own C API on the calling
//! thread, and the caller reads each row in place.
//!
//! sqlx runs every SQLite connection on a thread of its own and hands each row over a channel
//! with a wake-up of the reading task. For a page of 51 rows of 1.6 kB (`open.order.cursor.list`)
//! those hand-overs, the context switches behind them and a copy of every value cost about
//! three times the query itself; on two cores they capped the page rate at ~2 800/s.
//!
//! So [`Readers`] keeps a few read connections of its own (SQLite's multi-thread mode: one
//! thread at a time per connection, which a mutex per connection ensures), each with its
//! prepared statements, and [`Db::scan`] steps through the rows on the calling thread: no
//! hand-over, no parse per call, no copy of a value the caller only appends to its output. Every
//! statement is reset when the scan ends, so no read snapshot outlives it (WAL checkpoints are
//! never held back). When all are busy, a connection of sqlx's pool is borrowed instead, with
//! its worker parked by [`sqlx::sqlite::SqliteConnection::lock_handle`].
//!
//! PostgreSQL keeps the normal path ([`Db::fetch_all`]); the visitor sees the same rows.

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_int};
use std::marker::PhantomData;
use std::path::Path;
use std::ptr::{NonNull, null_mut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use libsqlite3_sys as ffi;
use sqlx::Row as _;

use crate::db::Pool;
use crate::{Arg, Db, Error, Result, Row};

/// One row of [`Db::scan`], read by column position. It borrows the statement: values are
/// valid only inside the visitor's call.
pub struct ScanRow<'a> {
    inner: Inner<'a>,
}

enum Inner<'a> {
    Sqlite(NonNull<ffi::sqlite3_stmt>, PhantomData<&'a ()>),
    Pg(&'a Row),
}

impl ScanRow<'_> {
    /// The integer in column `col` (0-based).
    pub fn i64(&self, col: usize) -> Result<i64> {
        match &self.inner {
            Inner::Sqlite(stmt, _) => {
                let c = column(*stmt, col)?;
                // SAFETY: the statement is positioned on a row (SQLITE_ROW) for the whole call
                // and `c` is one of its columns.
                unsafe {
                    if ffi::sqlite3_column_type(stmt.as_ptr(), c) != ffi::SQLITE_INTEGER {
                        return Err(Error::Arguments(format!("column {col} is not an integer")));
                    }
                    Ok(ffi::sqlite3_column_int64(stmt.as_ptr(), c))
                }
            }
            Inner::Pg(r) => Row::pg_i64(r, col),
        }
    }

    /// The text in column `col` (0-based) as stored, without copying or checking it: for
    /// values the platform wrote itself and only passes on (stored JSON).
    pub fn text_bytes(&self, col: usize) -> Result<&[u8]> {
        match &self.inner {
            Inner::Sqlite(stmt, _) => {
                let c = column(*stmt, col)?;
                // SAFETY: as in `i64`; the pointer SQLite returns stays valid until the next
                // step, and the borrow of `self` ends before it (the visitor's call).
                unsafe {
                    if ffi::sqlite3_column_type(stmt.as_ptr(), c) != ffi::SQLITE_TEXT {
                        return Err(Error::Arguments(format!("column {col} is not text")));
                    }
                    let ptr = ffi::sqlite3_column_text(stmt.as_ptr(), c);
                    let len = ffi::sqlite3_column_bytes(stmt.as_ptr(), c);
                    if ptr.is_null() || len <= 0 {
                        return Ok(&[]);
                    }
                    Ok(std::slice::from_raw_parts(ptr, len as usize))
                }
            }
            Inner::Pg(r) => Row::pg_str(r, col).map(str::as_bytes),
        }
    }
}

/// `col` as SQLite's column index, checked against the statement's width.
fn column(stmt: NonNull<ffi::sqlite3_stmt>, col: usize) -> Result<c_int> {
    // SAFETY: `stmt` is a live prepared statement.
    let width = unsafe { ffi::sqlite3_column_count(stmt.as_ptr()) };
    match c_int::try_from(col) {
        Ok(c) if c < width => Ok(c),
        _ => Err(Error::Arguments(format!(
            "column {col} is beyond the statement's {width} columns"
        ))),
    }
}

impl Row {
    fn pg_i64(&self, col: usize) -> Result<i64> {
        match self {
            Row::Pg(r) => Ok(r.try_get::<i64, _>(col)?),
            Row::Sqlite(r) => Ok(r.try_get::<i64, _>(col)?),
        }
    }

    fn pg_str(&self, col: usize) -> Result<&str> {
        match self {
            Row::Pg(r) => Ok(r.try_get::<&str, _>(col)?),
            Row::Sqlite(r) => Ok(r.try_get::<&str, _>(col)?),
        }
    }
}

impl Db {
    /// Runs a query and calls `visit` with each row in order, reading the rows in place (see
    /// the module docs). For reads of many rows on the hot path; everything else uses
    /// [`Db::fetch_all`].
    pub async fn scan(
        &self,
        sql: &'static str,
        args: &[Arg],
        mut visit: impl FnMut(&ScanRow<'_>) -> Result<()>,
    ) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(s) => {
                if let Some(mut reader) = s.readers.as_ref().and_then(|r| r.try_acquire()) {
                    return reader.run(sql, args, &mut visit);
                }
                let mut conn = s.pool.acquire().await?;
                let mut handle = conn.lock_handle().await?;
                let db = handle.as_raw_handle().as_ptr();
                // SAFETY: the handle is locked for this connection until `handle` drops, after
                // these synchronous calls: no other thread uses it meanwhile.
                unsafe {
                    let stmt = Statement(prepare(db, sql, 0)?);
                    step_all(db, stmt.0, args, &mut visit)
                }
            }
            Pool::Pg(_) => {
                for r in self.fetch_all(sql, args).await? {
                    visit(&ScanRow {
                        inner: Inner::Pg(&r),
                    })?;
                }
                Ok(())
            }
        }
    }
}

/// The read connections of one SQLite file, for [`Db::scan`].
pub(crate) struct Readers {
    slots: Vec<Mutex<Reader>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("slots", &self.slots.len())
            .finish()
    }
}

impl Readers {
    /// Opens `n` read connections to the SQLite file at `path` (already created, in WAL mode).
    pub(crate) fn open(path: &Path, n: usize) -> Result<Readers> {
        let slots = (0..n)
            .map(|_| Reader::open(path).map(Mutex::new))
            .collect::<Result<_>>()?;
        Ok(Readers {
            slots,
            next: AtomicUsize::new(0),
        })
    }

    /// A free connection, if any (trying each once, from a rotating start).
    fn try_acquire(&self) -> Option<MutexGuard<'_, Reader>> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..self.slots.len())
            .find_map(|i| self.slots[(start + i) % self.slots.len()].try_lock().ok())
    }
}

/// One read connection and its prepared statements, by statement text.
struct Reader {
    db: NonNull<ffi::sqlite3>,
    statements: HashMap<&'static str, NonNull<ffi::sqlite3_stmt>>,
}

// SAFETY: SQLite's multi-thread mode lets a connection move between threads as long as two never
// use it at once; a `Reader` is only used through its `Mutex`.
unsafe impl Send for Reader {}

impl Reader {
    fn open(path: &Path) -> Result<Reader> {
        let name = CString::new(path.to_string_lossy().as_bytes())
            .map_err(|_| Error::Arguments("the database path contains a NUL byte".into()))?;
        let mut raw = null_mut();
        // SAFETY: `name` is a NUL-terminated path; SQLite writes the new handle to `raw`, which
        // must be closed even when opening failed.
        let rc = unsafe {
            ffi::sqlite3_open_v2(
                name.as_ptr(),
                &mut raw,
                ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_NOMUTEX,
                std::ptr::null(),
            )
        };
        let Some(db) = NonNull::new(raw) else {
            return Err(Error::Sqlite(format!(
                "opening a read connection failed ({rc})"
            )));
        };
        let reader = Reader {
            db,
            statements: HashMap::new(),
        };
        if rc != ffi::SQLITE_OK {
            return Err(failure(db.as_ptr(), rc, "opening"));
        }
        // SAFETY: `db` is open and ours alone.
        unsafe {
            ffi::sqlite3_busy_timeout(db.as_ptr(), 10_000);
            let rc = ffi::sqlite3_exec(
                db.as_ptr(),
                c"PRAGMA query_only = 1".as_ptr(),
                None,
                null_mut(),
                null_mut(),
            );
            if rc != ffi::SQLITE_OK {
                return Err(failure(db.as_ptr(), rc, "configuring"));
            }
        }
        Ok(reader)
    }

    fn run(
        &mut self,
        sql: &'static str,
        args: &[Arg],
        visit: &mut impl FnMut(&ScanRow<'_>) -> Result<()>,
    ) -> Result<()> {
        let db = self.db.as_ptr();
        let stmt = match self.statements.get(sql) {
            Some(s) => *s,
            None => {
                // SAFETY: `db` is ours while `self` is borrowed (the mutex).
                let s = unsafe { prepare(db, sql, ffi::SQLITE_PREPARE_PERSISTENT)? };
                self.statements.insert(sql, s);
                s
            }
        };
        let _reset = Reset(stmt);
        // SAFETY: as above; `stmt` belongs to `db`.
        unsafe { step_all(db, stmt, args, visit) }
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        // SAFETY: the statements and the connection are ours; each is released once, here.
        unsafe {
            for s in self.statements.values() {
                ffi::sqlite3_finalize(s.as_ptr());
            }
            ffi::sqlite3_close(self.db.as_ptr());
        }
    }
}

/// Resets a cached statement and its bindings however a scan ends, ending its read snapshot.
struct Reset(NonNull<ffi::sqlite3_stmt>);

impl Drop for Reset {
    fn drop(&mut self) {
        // SAFETY: the statement is live (finalized only when its `Reader` drops).
        unsafe {
            ffi::sqlite3_reset(self.0.as_ptr());
            ffi::sqlite3_clear_bindings(self.0.as_ptr());
        }
    }
}

/// Finalizes a one-off statement however the scan ends.
struct Statement(NonNull<ffi::sqlite3_stmt>);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared for this scan and is finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.0.as_ptr());
        }
    }
}

/// Prepares `sql` on `db`.
///
/// # Safety
/// `db` must be an open connection no other thread uses during the call.
unsafe fn prepare(
    db: *mut ffi::sqlite3,
    sql: &str,
    flags: u32,
) -> Result<NonNull<ffi::sqlite3_stmt>> {
    let len =
        c_int::try_from(sql.len()).map_err(|_| Error::Arguments("statement too long".into()))?;
    let mut raw = null_mut();
    // SAFETY: the caller's contract; `sql` outlives the call.
    let rc = unsafe {
        ffi::sqlite3_prepare_v3(db, sql.as_ptr().cast(), len, flags, &mut raw, null_mut())
    };
    NonNull::new(raw).ok_or_else(|| failure(db, rc, "preparing"))
}

/// Binds `args` to `$1 …` of `stmt` and calls `visit` with each row.
///
/// # Safety
/// `db` must be an open connection no other thread uses during the call, and `stmt` one of its
/// statements, not running.
unsafe fn step_all(
    db: *mut ffi::sqlite3,
    stmt: NonNull<ffi::sqlite3_stmt>,
    args: &[Arg],
    visit: &mut impl FnMut(&ScanRow<'_>) -> Result<()>,
) -> Result<()> {
    let s = stmt.as_ptr();
    for (i, arg) in args.iter().enumerate() {
        let name = CString::new(format!("${}", i + 1))
            .map_err(|_| Error::Arguments("parameter name".into()))?;
        // SAFETY (this block and below): the caller's contract; every pointer handed to SQLite
        // points into memory that outlives the call using it (text and blobs are copied,
        // SQLITE_TRANSIENT).
        let idx = unsafe { ffi::sqlite3_bind_parameter_index(s, name.as_ptr()) };
        if idx == 0 {
            return Err(Error::Arguments(format!(
                "the statement has no parameter ${}",
                i + 1
            )));
        }
        let rc = unsafe {
            match arg {
                Arg::I64(v) => ffi::sqlite3_bind_int64(s, idx, *v),
                Arg::Text(t) => ffi::sqlite3_bind_text(
                    s,
                    idx,
                    t.as_ptr().cast(),
                    c_int::try_from(t.len()).unwrap_or(c_int::MAX),
                    ffi::SQLITE_TRANSIENT(),
                ),
                Arg::Bytes(b) => ffi::sqlite3_bind_blob(
                    s,
                    idx,
                    b.as_ptr().cast(),
                    c_int::try_from(b.len()).unwrap_or(c_int::MAX),
                    ffi::SQLITE_TRANSIENT(),
                ),
                Arg::NullI64 | Arg::NullText | Arg::NullBytes => ffi::sqlite3_bind_null(s, idx),
            }
        };
        if rc != ffi::SQLITE_OK {
            return Err(failure(db, rc, "binding"));
        }
    }
    loop {
        match unsafe { ffi::sqlite3_step(s) } {
            ffi::SQLITE_ROW => visit(&ScanRow {
                inner: Inner::Sqlite(stmt, PhantomData),
            })?,
            ffi::SQLITE_DONE => return Ok(()),
            rc => return Err(failure(db, rc, "reading")),
        }
    }
}

/// SQLite's own message for a failed call.
fn failure(db: *mut ffi::sqlite3, rc: c_int, doing: &str) -> Error {
    // SAFETY: `db` is open; sqlite3_errmsg returns a NUL-terminated string owned by SQLite,
    // copied here before any other call.
    let msg = unsafe {
        let m = ffi::sqlite3_errmsg(db);
        if m.is_null() {
            String::new()
        } else {
            CStr::from_ptr(m).to_string_lossy().into_owned()
        }
    };
    Error::Sqlite(format!("{doing} a statement failed ({rc}): {msg}"))
}

#[cfg(test)]
mod tests {
    use crate::args;
    use crate::testing::test_db;

    const PAGE: &str = "SELECT id, body FROM scan_t WHERE id > $1 ORDER BY id LIMIT ($2 + 0)";

    #[tokio::test]
    async fn rows_come_in_order_and_are_read_in_place() {
        let t = test_db().await.unwrap();
        let db = &t.db;
        db.execute(
            "CREATE TABLE scan_t (id BIGINT PRIMARY KEY, body TEXT NOT NULL)",
            &[],
        )
        .await
        .unwrap();
        for i in 1..=5i64 {
            db.execute(
                "INSERT INTO scan_t (id, body) VALUES ($1, $2)",
                &args![i, format!("{{\"n\":{i}}}")],
            )
            .await
            .unwrap();
        }
        // Twice with other values: the cached statement is reset and rebound each time.
        for (after, limit, want) in [(1, 3, vec![2, 3, 4]), (3, 10, vec![4, 5])] {
            let mut ids = Vec::new();
            let mut bodies = Vec::new();
            db.scan(PAGE, &args![after, limit], |r| {
                ids.push(r.i64(0)?);
                bodies.extend_from_slice(r.text_bytes(1)?);
                Ok(())
            })
            .await
            .unwrap();
            assert_eq!(ids, want);
            assert!(bodies.starts_with(format!("{{\"n\":{}}}", want[0]).as_bytes()));
        }
        // Wrong column kinds and positions are errors, not garbage.
        let err = db
            .scan(PAGE, &args![0, 1], |r| r.i64(1).map(drop))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("column 1"), "{err}");
        let err = db
            .scan(PAGE, &args![0, 1], |r| r.text_bytes(7).map(drop))
            .await
            .unwrap_err();
        // SQLite's message or sqlx's ("the index is 7") on PostgreSQL.
        assert!(err.to_string().contains('7'), "{err}");
        // A write right after a scan is not held back by it, and the scan sees it next time.
        db.execute("INSERT INTO scan_t (id, body) VALUES (6, '{}')", &[])
            .await
            .unwrap();
        let mut n = 0;
        db.scan(PAGE, &args![0, 100], |_| {
            n += 1;
            Ok(())
        })
        .await
        .unwrap();
        assert_eq!(n, 6);
    }

    #[tokio::test]
    async fn a_statement_with_a_missing_parameter_is_refused() {
        let t = test_db().await.unwrap();
        if t.url.is_some() {
            return; // PostgreSQL reports its own error through fetch_all.
        }
        let err =
            t.db.scan("SELECT $1 AS a", &args![1, 2], |_| Ok(()))
                .await
                .unwrap_err();
        assert!(err.to_string().contains("no parameter $2"), "{err}");
    }
}
