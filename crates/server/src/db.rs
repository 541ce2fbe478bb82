//! Opens (and on first start creates) the SQLite database and brings its schema up to date.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug)]
pub enum DbError {
    Sqlx(sqlx::Error),
    Migrate(sqlx::migrate::MigrateError),
    Io(std::io::Error),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlx(e) => write!(f, "database: {e}"),
            DbError::Migrate(e) => write!(f, "migrations: {e}"),
            DbError::Io(e) => write!(f, "database directory: {e}"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError::Sqlx(e)
    }
}

/// Opens the database at `url`, creating the file and its directory, then runs the migrations.
pub async fn open(url: &str) -> Result<SqlitePool, DbError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        // WAL lets readers go on while the seed or a bag write holds the write lock.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let file = options.get_filename();
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if file.as_os_str() != ":memory:" {
            std::fs::create_dir_all(dir).map_err(DbError::Io)?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .map_err(DbError::Migrate)?;
    Ok(pool)
}

/// Gives writers their turn one at a time, in arrival order.
///
/// SQLite has one writer anyway. Queueing here first keeps waiting writers off SQLite's busy
/// handler, which polls with sleeps of up to 100 ms and would ruin the tail latency; the
/// transaction itself is still `BEGIN IMMEDIATE`, so the read-check-write of a bag batch or an
/// order holds the write lock from its first read, even against another process on the same file
/// (a deferred transaction that reads and then writes can also fail to upgrade with `SQLITE_BUSY`).
#[derive(Clone)]
pub struct Writer {
    pool: SqlitePool,
    turn: Arc<Mutex<()>>,
}

impl Writer {
    pub fn new(pool: SqlitePool) -> Self {
        Writer {
            pool,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// Waits for the turn, then opens an immediate transaction.
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = self.turn.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

/// A write transaction that holds the writer's turn until it ends.
pub struct WriteTx {
    // Declared first so it is dropped (rolled back) before the turn passes on.
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Rolls back before the next writer starts, so it does not find the lock still held. A
    /// failure here is only logged: the caller is already answering with the error that caused it.
    pub async fn rollback(self) {
        if let Err(error) = self.tx.rollback().await {
            tracing::error!(%error, "rollback failed");
        }
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}
