//! Arguments and rows that mean the same on both backends.

use sqlx::Row as _;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::Result;

/// One bound argument. Nulls carry their type because PostgreSQL checks it.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// An integer (also times in ms and booleans as 0/1).
    I64(i64),
    /// Text.
    Text(String),
    /// Raw bytes (ciphertext, uploads).
    Bytes(Vec<u8>),
    /// A null integer.
    NullI64,
    /// A null text.
    NullText,
    /// A null byte string.
    NullBytes,
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::I64(v)
    }
}
impl From<i32> for Arg {
    fn from(v: i32) -> Self {
        Arg::I64(v.into())
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::I64(v.into())
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(v.to_owned())
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(v)
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(v.clone())
    }
}
impl From<Vec<u8>> for Arg {
    fn from(v: Vec<u8>) -> Self {
        Arg::Bytes(v)
    }
}
impl From<&[u8]> for Arg {
    fn from(v: &[u8]) -> Self {
        Arg::Bytes(v.to_vec())
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Arg::NullI64, Arg::I64)
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        v.map_or(Arg::NullText, Arg::Text)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Arg::NullText, |s| Arg::Text(s.to_owned()))
    }
}
impl From<Option<Vec<u8>>> for Arg {
    fn from(v: Option<Vec<u8>>) -> Self {
        v.map_or(Arg::NullBytes, Arg::Bytes)
    }
}

/// Builds an array of [`Arg`]s from values of mixed types: `args![id, "name", Some(3)]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { [$($crate::Arg::from($v)),*] };
}

/// A result row from either backend, read by column name.
pub enum Row {
    /// From SQLite.
    Sqlite(SqliteRow),
    /// From PostgreSQL.
    Pg(PgRow),
}

macro_rules! getter {
    ($name:ident, $ty:ty) => {
        /// Reads the named column.
        pub fn $name(&self, col: &str) -> Result<$ty> {
            Ok(match self {
                Row::Sqlite(r) => r.try_get::<$ty, _>(col)?,
                Row::Pg(r) => r.try_get::<$ty, _>(col)?,
            })
        }
    };
}

impl Row {
    getter!(i64, i64);
    getter!(opt_i64, Option<i64>);
    getter!(text, String);
    getter!(opt_text, Option<String>);
    getter!(bytes, Vec<u8>);
    getter!(opt_bytes, Option<Vec<u8>>);

    /// Reads a 0/1 integer column as a boolean.
    pub fn bool(&self, col: &str) -> Result<bool> {
        Ok(self.i64(col)? != 0)
    }
}
