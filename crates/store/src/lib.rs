//! Storage for Kaifang: one SQL text for SQLite and PostgreSQL.
//!
//! `sqlx::Any` cannot carry booleans, timestamps or `$N` placeholders to both backends, so this
//! crate keeps the two native pools behind [`Db`] and gives them one small surface: statements
//! with `$1, $2, …` placeholders, arguments as [`Arg`], rows as [`Row`]. Every column the
//! platform stores is an integer, text or bytes (times are milliseconds since the epoch, booleans
//! are 0/1), which both backends read and write the same way.
//!
//! Write `LIMIT ($N + 0)` rather than `LIMIT $N` in statements run often: SQLite re-prepares a
//! statement whose LIMIT is a bare parameter whenever it is bound with a new value (it plans
//! with the value), which cost a fifth of an order page's CPU.

mod db;
mod migrate;
mod row;
mod scan;
pub mod testing;

pub use db::{Db, Tx};
pub use row::{Arg, Row};
pub use scan::ScanRow;

/// A storage failure. The message names what failed; it never carries bound values.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database answered with an error.
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// A unique constraint was violated; the caller usually turns this into a "conflict".
    #[error("unique constraint violated: {0}")]
    Unique(String),
    /// A migration could not be applied.
    #[error("migration {version} failed: {source}")]
    Migration {
        /// The migration that failed.
        version: i64,
        /// Why.
        source: sqlx::Error,
    },
    /// The connection string is not understood.
    #[error("unsupported database url {0:?}: use a path for SQLite or postgres://… for PostgreSQL")]
    Url(String),
    /// SQLite answered a call of [`Db::scan`] with an error.
    #[error("database error: {0}")]
    Sqlite(String),
    /// A call's arguments do not fit its statement (a programming error).
    #[error("bad statement arguments: {0}")]
    Arguments(String),
}

/// Result alias for storage calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether this is a unique-constraint violation.
    pub fn is_unique(&self) -> bool {
        matches!(self, Error::Unique(_))
    }

    pub(crate) fn classify(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            return Error::Unique(db.message().to_string());
        }
        Error::Sqlx(e)
    }
}

/// Which backend a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An SQLite file (the embedded default).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}
