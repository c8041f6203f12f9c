//! The pool and transaction types, each with the same small query surface.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use tokio::sync::watch;

use crate::row::{Arg, Row};
use crate::scan::Readers;
use crate::{Backend, Error, Result};

/// A connection pool on SQLite or PostgreSQL. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub(crate) pool: Pool,
    commits: Arc<watch::Sender<u64>>,
}

/// The backend's pool.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    /// The embedded default.
    Sqlite(SqliteDb),
    /// PostgreSQL, for several nodes sharing one database.
    Pg(PgPool),
}

/// An SQLite file: sqlx's pool, and the read connections of [`Db::scan`] (none for a bulk load).
#[derive(Clone, Debug)]
pub(crate) struct SqliteDb {
    pub(crate) pool: SqlitePool,
    pub(crate) readers: Option<Arc<Readers>>,
}

/// Read connections [`Db::scan`] keeps per SQLite file: one per core of this kind of machine
/// and a spare; a scan finding all busy borrows one of the pool's.
const READERS: usize = 4;

/// An open transaction; dropped without [`Tx::commit`] it rolls back, so a failed request leaves
/// nothing half-written.
pub struct Tx {
    pub(crate) conn: TxConn,
    commits: Arc<watch::Sender<u64>>,
    announce: bool,
}

/// The backend's transaction.
pub(crate) enum TxConn {
    /// On SQLite.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// On PostgreSQL.
    Pg(sqlx::Transaction<'static, Postgres>),
}

impl Db {
    fn new(pool: Pool) -> Db {
        Db {
            pool,
            commits: Arc::new(watch::channel(0).0),
        }
    }

    /// Opens an SQLite file (created if missing) in WAL mode.
    pub async fn open_sqlite(path: &Path) -> Result<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        // The pool's first connection has created the file and set WAL mode.
        let readers = Some(Arc::new(Readers::open(path, READERS)?));
        Ok(Db::new(Pool::Sqlite(SqliteDb { pool, readers })))
    }

    /// Opens an SQLite file for a one-off bulk load such as `kaifang seed`: one connection, a
    /// 256 MB page cache, temporary tables in memory and no fsync (`synchronous = OFF`). WAL is
    /// kept, so a crash can lose the load but not what was committed before it, and a server
    /// opening the file afterwards finds it as usual.
    pub async fn open_sqlite_bulk(path: &Path) -> Result<Db> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Off)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("cache_size", "-262144")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        Ok(Db::new(Pool::Sqlite(SqliteDb {
            pool,
            readers: None,
        })))
    }

    /// Connects to PostgreSQL with a `postgres://` URL.
    pub async fn open_postgres(url: &str) -> Result<Db> {
        let opts = PgConnectOptions::from_str(url).map_err(|_| Error::Url(redact(url)))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Db::new(Pool::Pg(pool)))
    }

    /// Opens `url` when it is a PostgreSQL URL, else the SQLite file `sqlite_path`.
    pub async fn open(url: Option<&str>, sqlite_path: &Path) -> Result<Db> {
        Self::open_for(url, sqlite_path, false).await
    }

    /// As [`Db::open`]; with `bulk`, an SQLite file opens as [`Db::open_sqlite_bulk`] does
    /// (PostgreSQL is the same either way).
    pub async fn open_for(url: Option<&str>, sqlite_path: &Path, bulk: bool) -> Result<Db> {
        let sqlite = |path: &Path| {
            let path = path.to_path_buf();
            async move {
                if bulk {
                    Db::open_sqlite_bulk(&path).await
                } else {
                    Db::open_sqlite(&path).await
                }
            }
        };
        match url {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                Db::open_postgres(u).await
            }
            Some(u) if u.starts_with("sqlite://") => {
                sqlite(Path::new(u.trim_start_matches("sqlite://"))).await
            }
            Some(u) => Err(Error::Url(redact(u))),
            None => sqlite(sqlite_path).await,
        }
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Pg(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        crate::migrate::run(self).await
    }

    /// Starts a write transaction. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`), so a read-then-write transaction never fails halfway on a busy database.
    pub async fn begin(&self) -> Result<Tx> {
        let conn = match &self.pool {
            Pool::Sqlite(s) => TxConn::Sqlite(s.pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Pg(p) => TxConn::Pg(p.begin().await?),
        };
        Ok(Tx {
            conn,
            commits: self.commits.clone(),
            announce: false,
        })
    }

    /// Watches the commits of transactions that asked to be announced
    /// ([`Tx::announce_commit`]): the value changes after each, so a task can sleep until a
    /// writer of what it consumes commits instead of polling. Only this process's commits are
    /// seen (another node sharing a PostgreSQL database is not).
    pub fn announced_commits(&self) -> watch::Receiver<u64> {
        self.commits.subscribe()
    }

    /// Connections in use and idle, for the metrics page.
    pub fn pool_usage(&self) -> (u32, usize) {
        match &self.pool {
            Pool::Sqlite(s) => (s.pool.size(), s.pool.num_idle()),
            Pool::Pg(p) => (p.size(), p.num_idle()),
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(s) => s.pool.close().await,
            Pool::Pg(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Makes the transaction's writes durable, then announces it if asked.
    pub async fn commit(self) -> Result<()> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Pg(t) => t.commit().await?,
        }
        if self.announce {
            self.commits.send_modify(|n| *n = n.wrapping_add(1));
        }
        Ok(())
    }

    /// Asks that this transaction's commit be announced to [`Db::announced_commits`] (a
    /// rollback announces nothing).
    pub fn announce_commit(&mut self) {
        self.announce = true;
    }
}

/// Hides the password of a connection string before it reaches an error or a log line.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_str()),
                Arg::Bytes(v) => q.bind(v.as_slice()),
                Arg::NullI64 => q.bind(None::<i64>),
                Arg::NullText => q.bind(None::<&str>),
                Arg::NullBytes => q.bind(None::<&[u8]>),
            };
        }
        q
    }};
}

/// The query surface, the same on [`Db`] (`&self`) and [`Tx`] (`&mut self`).
macro_rules! query_surface {
    ($ty:ty, $field:ident: $variant:ident, $sq:expr, $pg:expr, [$($amp:tt)+] $s:tt) => {
        impl $ty {
            /// Runs a statement; returns the number of rows it changed.
            pub async fn execute($($amp)+ $s, sql: &'static str, args: &[Arg]) -> Result<u64> {
                let n = match $($amp)+ $s.$field {
                    $variant::Sqlite(c) => bind_all!(sqlx::query(sql), args)
                        .execute($sq(c)).await.map(|r| r.rows_affected()),
                    $variant::Pg(c) => bind_all!(sqlx::query(sql), args)
                        .execute($pg(c)).await.map(|r| r.rows_affected()),
                };
                n.map_err(Error::classify)
            }

            /// Runs a query and returns every row.
            pub async fn fetch_all($($amp)+ $s, sql: &'static str, args: &[Arg]) -> Result<Vec<Row>> {
                Ok(match $($amp)+ $s.$field {
                    $variant::Sqlite(c) => bind_all!(sqlx::query(sql), args)
                        .fetch_all($sq(c)).await?.into_iter().map(Row::Sqlite).collect(),
                    $variant::Pg(c) => bind_all!(sqlx::query(sql), args)
                        .fetch_all($pg(c)).await?.into_iter().map(Row::Pg).collect(),
                })
            }

            /// Runs a query and returns its first row, if any.
            pub async fn fetch_optional($($amp)+ $s, sql: &'static str, args: &[Arg]) -> Result<Option<Row>> {
                Ok(match $($amp)+ $s.$field {
                    $variant::Sqlite(c) => bind_all!(sqlx::query(sql), args)
                        .fetch_optional($sq(c)).await.map_err(Error::classify)?.map(Row::Sqlite),
                    $variant::Pg(c) => bind_all!(sqlx::query(sql), args)
                        .fetch_optional($pg(c)).await.map_err(Error::classify)?.map(Row::Pg),
                })
            }

            /// Runs a query that must return a row (an `INSERT … RETURNING`, a count).
            pub async fn fetch_one($($amp)+ $s, sql: &'static str, args: &[Arg]) -> Result<Row> {
                Ok(match $($amp)+ $s.$field {
                    $variant::Sqlite(c) => Row::Sqlite(bind_all!(sqlx::query(sql), args)
                        .fetch_one($sq(c)).await.map_err(Error::classify)?),
                    $variant::Pg(c) => Row::Pg(bind_all!(sqlx::query(sql), args)
                        .fetch_one($pg(c)).await.map_err(Error::classify)?),
                })
            }

            /// Runs a query whose first column of the first row is an integer (`RETURNING id`,
            /// `SELECT COUNT(*)`).
            pub async fn scalar($($amp)+ $s, sql: &'static str, args: &[Arg]) -> Result<i64> {
                Ok(match $($amp)+ $s.$field {
                    $variant::Sqlite(c) => bind_all!(sqlx::query_scalar::<_, i64>(sql), args)
                        .fetch_one($sq(c)).await.map_err(Error::classify)?,
                    $variant::Pg(c) => bind_all!(sqlx::query_scalar::<_, i64>(sql), args)
                        .fetch_one($pg(c)).await.map_err(Error::classify)?,
                })
            }
        }
    };
}

fn pool_sqlite(s: &SqliteDb) -> &SqlitePool {
    &s.pool
}
fn pool_pg(p: &PgPool) -> &PgPool {
    p
}
fn tx_sqlite<'a>(t: &'a mut sqlx::Transaction<'static, Sqlite>) -> &'a mut sqlx::SqliteConnection {
    t
}
fn tx_pg<'a>(t: &'a mut sqlx::Transaction<'static, Postgres>) -> &'a mut sqlx::PgConnection {
    t
}

query_surface!(Db, pool: Pool, pool_sqlite, pool_pg, [&] self);
query_surface!(Tx, conn: TxConn, tx_sqlite, tx_pg, [&mut] self);

/// Texts of [`Tx::insert_rows`] statements, one per backend, table, columns and row count.
/// Leaked on purpose: a bulk load uses a handful of shapes, each for the whole run.
type InsertKey = (Backend, &'static str, &'static [&'static str], usize);
static INSERT_TEXTS: LazyLock<Mutex<HashMap<InsertKey, &'static str>>> =
    LazyLock::new(Default::default);

/// `INSERT INTO table (cols) VALUES (…), (…)` for `rows` rows. PostgreSQL numbers its
/// placeholders (`$1`); SQLite gets plain `?`, because sqlx looks up the name of every `$N`
/// parameter and SQLite finds it by walking its list of names, so binding the n parameters of
/// one statement costs n²/2 steps: 90% of a bulk load's time with a few thousand per statement.
fn insert_text(
    backend: Backend,
    table: &'static str,
    columns: &'static [&'static str],
    rows: usize,
) -> &'static str {
    let key = (backend, table, columns, rows);
    let mut texts = INSERT_TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    texts.entry(key).or_insert_with(|| {
        let mut s = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for r in 0..rows {
            s.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..columns.len() {
                if c > 0 {
                    s.push_str(", ");
                }
                n += 1;
                match backend {
                    Backend::Postgres => {
                        s.push('$');
                        s.push_str(&n.to_string());
                    }
                    Backend::Sqlite => s.push('?'),
                }
            }
            s.push(')');
        }
        Box::leak(s.into_boxed_str())
    })
}

impl Tx {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self.conn {
            TxConn::Sqlite(_) => Backend::Sqlite,
            TxConn::Pg(_) => Backend::Postgres,
        }
    }

    /// Inserts rows in one statement, for bulk loads (`kaifang seed`): `values` holds one
    /// value per column for each row, row after row. The store writes the statement text,
    /// in each backend's own placeholder style (see [`insert_text`]). Returns the rows
    /// inserted. Keep `values` under 30 000 (SQLite's limit is 32 766 per statement).
    pub async fn insert_rows(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        values: &[Arg],
    ) -> Result<u64> {
        if columns.is_empty() || !values.len().is_multiple_of(columns.len()) {
            return Err(Error::Arguments(format!(
                "{} values do not make whole rows of the {} columns of {table}",
                values.len(),
                columns.len()
            )));
        }
        let rows = values.len() / columns.len();
        if rows == 0 {
            return Ok(0);
        }
        let sql = insert_text(self.backend(), table, columns, rows);
        let n = match &mut self.conn {
            TxConn::Sqlite(c) => bind_all!(sqlx::query(sql), values)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected()),
            TxConn::Pg(c) => bind_all!(sqlx::query(sql), values)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected()),
        };
        n.map_err(Error::classify)
    }
}

impl Db {
    /// Runs SQL text built at run time (no arguments). Only for statements that cannot take
    /// placeholders, such as `CREATE DATABASE` in test set-up; never with user input.
    pub async fn execute_raw(&self, sql: &str) -> Result<()> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.pool {
            Pool::Sqlite(s) => sqlx::raw_sql(sql).execute(&s.pool).await.map(drop)?,
            Pool::Pg(p) => sqlx::raw_sql(sql).execute(p).await.map(drop)?,
        }
        Ok(())
    }
}
