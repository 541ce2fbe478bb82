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
        // Every commit is on disk before the app hears "done": with NORMAL, a power cut could
        // lose a bag or order commit the app already saw confirmed (it never sends it again).
        .synchronous(SqliteSynchronous::Full)
        // No checkpoint inside a commit: it fsyncs, for milliseconds, while the writer holds its
        // turn and every bag write queues behind it. The server checkpoints on its own instead
        // (`Writer::checkpoint_regularly`); SQLite still checkpoints when the last connection
        // closes.
        .pragma("wal_autocheckpoint", "0")
        // When the log starts over, its file is cut back to 64 MiB, so the disk use stays bounded.
        .pragma("journal_size_limit", "67108864")
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

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Log size (in pages, 4 KiB each: 64 MiB) above which the checkpoint pauses writers once so that
/// the log can start over — about every 15 s at 1000 bag operations a second.
const WAL_RESET_FRAMES: i64 = 16_384;

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

    /// Copies the write-ahead log back into the database file every second, until dropped.
    ///
    /// PASSIVE never waits for anyone, so this runs while writes go on and does all the copying and
    /// the fsyncs off the write path. Under steady writes it never quite catches up, though, and
    /// only a fully copied log is started over by the next write; so when the log has grown past
    /// `WAL_RESET_FRAMES`, one more pass runs holding the writers' turn (a short pause for the
    /// few pages written meanwhile, but it does fsync) and the log starts over.
    pub async fn checkpoint_regularly(self) {
        let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(frames) = self.checkpoint().await else {
                continue;
            };
            if frames > WAL_RESET_FRAMES {
                let _turn = self.turn.lock().await;
                self.checkpoint().await;
            }
        }
    }

    /// One PASSIVE checkpoint; returns how many frames the log holds.
    async fn checkpoint(&self) -> Option<i64> {
        match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&self.pool)
            .await
        {
            Ok((_busy, frames, _copied)) => Some(frames),
            Err(error) => {
                tracing::warn!(%error, "checkpoint failed; the next one tries again");
                None
            }
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

    /// Commits after `result` is Ok, else rolls back; a failed commit becomes the error.
    pub async fn finish<T, E: From<sqlx::Error>>(self, result: Result<T, E>) -> Result<T, E> {
        match result {
            Ok(value) => {
                self.commit().await?;
                Ok(value)
            }
            Err(error) => {
                self.rollback().await;
                Err(error)
            }
        }
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
