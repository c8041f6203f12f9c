//! A fresh, empty database for each test, on the backend the environment names.
//!
//! `KAIFANG_TEST_DATABASE_URL=postgres://…` runs the suite on PostgreSQL: each test gets its own
//! database, created here, so tests run in parallel without seeing each other's rows. Without it
//! each test gets its own SQLite file in a temporary folder.

use std::path::PathBuf;

use crate::{Db, Result};

/// The environment variable that selects PostgreSQL for tests.
pub const TEST_DATABASE_URL: &str = "KAIFANG_TEST_DATABASE_URL";

/// A new migrated database and, for SQLite, the folder holding it (deleted when dropped).
pub struct TestDb {
    /// The pool.
    pub db: Db,
    /// The PostgreSQL URL of the test's own database, if on PostgreSQL.
    pub url: Option<String>,
    /// The data folder of the test.
    pub dir: TempDir,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates a unique folder under the system temp dir.
    pub fn new() -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!("kaifang-test-{}", unique()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("the OS random source works");
    hex::encode(b)
}

/// The URL of a fresh, empty PostgreSQL database when the suite runs on PostgreSQL.
pub async fn fresh_postgres_url() -> Result<Option<String>> {
    let Ok(base) = std::env::var(TEST_DATABASE_URL) else {
        return Ok(None);
    };
    let name = format!("kaifang_t_{}", unique());
    let admin = Db::open_postgres(&base).await?;
    admin
        .execute_raw(&format!("CREATE DATABASE {name}"))
        .await?;
    admin.close().await;
    let url = match base.rfind('/') {
        Some(i) if base[..i].contains("://") && i > base.find("://").unwrap_or(0) + 2 => {
            let query = base[i..].find('?').map(|q| &base[i + q..]).unwrap_or("");
            format!("{}/{name}{query}", &base[..i])
        }
        _ => format!("{base}/{name}"),
    };
    Ok(Some(url))
}

/// A migrated database for one test.
pub async fn test_db() -> Result<TestDb> {
    let dir = TempDir::new().map_err(|e| crate::Error::Sqlx(sqlx::Error::Io(e)))?;
    let url = fresh_postgres_url().await?;
    let db = Db::open(url.as_deref(), &dir.0.join("kaifang.db")).await?;
    db.migrate().await?;
    Ok(TestDb { db, url, dir })
}
