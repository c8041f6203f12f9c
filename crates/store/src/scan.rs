//! A read path for pages of many rows: the statement runs on SQLite's own C API on the calling
//! thread, and the caller reads each row in place.
//!
//! sqlx runs every SQLite connection on a thread of its own and hands each row over a channel
//! with a wake-up of the reading task. For a page of 51 rows of 1.6 kB (`open.order.cursor.list`)
//! those hand-overs, the context switches behind them and a copy of every value cost about
//! three times the query itself; on two cores they capped the page rate at ~2 800/s. Here the
//! connection is taken from sqlx's pool, its worker thread is parked by
//! [`sqlx::sqlite::SqliteConnection::lock_handle`] (the documented way to use the raw handle),
//! and the rows are stepped through directly: one hand-over per statement instead of per row,
//! and no copy of a value the caller only appends to its output.
//!
//! PostgreSQL keeps the normal path ([`Db::fetch_all`]); the visitor sees the same rows.

use std::ffi::{CStr, CString, c_int};
use std::marker::PhantomData;
use std::ptr::{NonNull, null_mut};

use libsqlite3_sys as ffi;
use sqlx::Row as _;

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
        match self {
            Db::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                let mut handle = conn.lock_handle().await?;
                let db = handle.as_raw_handle();
                // SAFETY: the handle is locked for this connection until `handle` drops, after
                // this synchronous call: no other thread uses it meanwhile.
                unsafe { run(db, sql, args, &mut visit) }
            }
            Db::Pg(_) => {
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

/// Finalizes the statement however [`run`] ends.
struct Statement(NonNull<ffi::sqlite3_stmt>);

impl Drop for Statement {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared by `run` and is finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.0.as_ptr());
        }
    }
}

/// Prepares, binds and steps `sql` on `db`.
///
/// # Safety
/// `db` must be an open connection no other thread uses during the call.
unsafe fn run(
    db: NonNull<ffi::sqlite3>,
    sql: &str,
    args: &[Arg],
    visit: &mut impl FnMut(&ScanRow<'_>) -> Result<()>,
) -> Result<()> {
    let db = db.as_ptr();
    let len =
        c_int::try_from(sql.len()).map_err(|_| Error::Arguments("statement too long".into()))?;
    let mut raw = null_mut();
    // SAFETY (this block and below): `db` is exclusively ours (the caller's contract); every
    // pointer handed to SQLite points into memory that outlives the call using it.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut raw, null_mut()) };
    let Some(stmt) = NonNull::new(raw) else {
        return Err(failure(db, rc, "preparing"));
    };
    let stmt = Statement(stmt);
    for (i, arg) in args.iter().enumerate() {
        let name =
            CString::new(format!("${}", i + 1)).map_err(|_| Error::Arguments("name".into()))?;
        let idx = unsafe { ffi::sqlite3_bind_parameter_index(stmt.0.as_ptr(), name.as_ptr()) };
        if idx == 0 {
            return Err(Error::Arguments(format!(
                "the statement has no parameter ${}",
                i + 1
            )));
        }
        let s = stmt.0.as_ptr();
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
        match unsafe { ffi::sqlite3_step(stmt.0.as_ptr()) } {
            ffi::SQLITE_ROW => visit(&ScanRow {
                inner: Inner::Sqlite(stmt.0, PhantomData),
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
