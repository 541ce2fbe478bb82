//! Opens (and on first start creates) the database, SQLite or PostgreSQL as its URL says, and
//! brings its schema up to date; gives writers their turn.
//!
//! Every query is written once, in the SQL both engines read (`$1` placeholders, `ON CONFLICT`,
//! `RETURNING`, integers for flags), and runs through sqlx's `Any` driver. What differs is here:
//! the migrations (one folder per engine, same versions, same meaning), SQLite's pragmas and
//! checkpoints, and how a writer takes its turn.

use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, AnyConnection, AnyPool, Arguments, Encode, Executor, FromRow, Transaction, Type};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Debug)]
pub enum DbError {
    Sqlx(sqlx::Error),
    Migrate(sqlx::migrate::MigrateError),
    Io(std::io::Error),
    Url(String),
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlx(e) => write!(f, "database: {e}"),
            DbError::Migrate(e) => write!(f, "migrations: {e}"),
            DbError::Io(e) => write!(f, "database directory: {e}"),
            DbError::Url(url) => write!(
                f,
                "database URL {url:?}: expected sqlite://<file> or postgres://<user>@<host>/<database>"
            ),
        }
    }
}

impl std::error::Error for DbError {}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        DbError::Sqlx(e)
    }
}

/// The database engines the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// One file, one machine: the default, and the README's two commands.
    Sqlite,
    /// Shared by several server replicas.
    Postgres,
}

impl Engine {
    /// The engine a database URL names.
    pub fn of(url: &str) -> Result<Engine, DbError> {
        match url.split_once(':').map(|(scheme, _)| scheme) {
            Some("sqlite") => Ok(Engine::Sqlite),
            Some("postgres" | "postgresql") => Ok(Engine::Postgres),
            _ => Err(DbError::Url(url.to_string())),
        }
    }

    /// The engine of an open pool.
    pub fn of_pool(pool: &AnyPool) -> Engine {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Engine::Sqlite,
            _ => Engine::Postgres,
        }
    }
}

/// Every SQLite connection's settings (sqlx's `Any` options carry only the URL).
const SQLITE_PRAGMAS: &str = "
    -- WAL lets readers go on while the seed or a bag write holds the write lock.
    PRAGMA journal_mode = WAL;
    -- Every commit is on disk before the app hears 'done': with NORMAL, a power cut could lose a
    -- bag or order commit the app already saw confirmed (it never sends it again).
    PRAGMA synchronous = FULL;
    -- No checkpoint inside a commit: it fsyncs, for milliseconds, while the writer holds its turn
    -- and every bag write queues behind it. The server checkpoints on its own instead
    -- (`Writer::checkpoint_regularly`); SQLite still checkpoints when the last connection closes.
    PRAGMA wal_autocheckpoint = 0;
    -- When the log starts over, its file is cut back to 64 MiB, so the disk use stays bounded.
    PRAGMA journal_size_limit = 67108864;
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = 5000;
";

/// Opens the database at `url` (creating a SQLite file and its directory), then runs the
/// migrations. Several servers may start at once on one PostgreSQL database: the migrations and
/// the seed each take a lock.
pub async fn open(url: &str) -> Result<AnyPool, DbError> {
    sqlx::any::install_default_drivers();
    let engine = Engine::of(url)?;
    let url = match engine {
        Engine::Sqlite => sqlite_url(url)?,
        Engine::Postgres => url.to_string(),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(match engine {
            Engine::Sqlite => 8,
            Engine::Postgres => 16,
        })
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    conn.execute(SQLITE_PRAGMAS).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    match engine {
        Engine::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await,
        Engine::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await,
    }
    .map_err(DbError::Migrate)?;
    Ok(pool)
}

/// A SQLite URL that creates its file when missing (`mode=rwc`, unless it names a mode), whose
/// directory is made here.
fn sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| DbError::Url(url.to_string()))?;
    let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = file.is_empty() || file == ":memory:";
    if !in_memory {
        if let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(DbError::Io)?;
        }
    }
    let names_a_mode = query.split('&').any(|p| p.starts_with("mode="));
    Ok(match (names_a_mode, query.is_empty()) {
        (true, _) => url.to_string(),
        (false, true) => format!("{url}?mode=rwc"),
        (false, false) => format!("{url}&mode=rwc"),
    })
}

/// Opens a transaction that holds the database's one write turn from its first statement.
///
/// SQLite: `BEGIN IMMEDIATE`, so the read-check-write of a bag batch or an order holds the write
/// lock from its first read, even against another process on the same file (a deferred
/// transaction that reads and then writes can also fail to upgrade with `SQLITE_BUSY`).
/// PostgreSQL: a transaction-scoped advisory lock that every replica takes, so writes from all
/// of them run one at a time, exactly as on SQLite, and each sees all the writes before it (read
/// committed, after the lock). Reads never wait for it.
pub async fn begin_writing(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match Engine::of_pool(pool) {
        Engine::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Engine::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
                .bind(WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// The advisory lock key of the write turn on PostgreSQL ("shopbag" in ASCII).
const WRITE_LOCK: i64 = 0x73686f70626167;

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Log size (in pages, 4 KiB each: 64 MiB) above which the checkpoint pauses writers once so that
/// the log can start over — about every 15 s at 1000 bag operations a second.
const WAL_RESET_FRAMES: i64 = 16_384;

/// Gives this server's writers their turn one at a time, in arrival order.
///
/// The database has one write turn anyway ([`begin_writing`]). Queueing here first keeps waiting
/// writers off SQLite's busy handler, which polls with sleeps of up to 100 ms and would ruin the
/// tail latency, and on PostgreSQL keeps one connection per replica, not all of them, waiting
/// for the lock.
#[derive(Clone)]
pub struct Writer {
    pool: AnyPool,
    turn: Arc<Mutex<()>>,
}

impl Writer {
    pub fn new(pool: AnyPool) -> Self {
        Writer {
            pool,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// Copies SQLite's write-ahead log back into the database file every second, until dropped
    /// (PostgreSQL checkpoints on its own: this returns at once).
    ///
    /// PASSIVE never waits for anyone, so this runs while writes go on and does all the copying and
    /// the fsyncs off the write path. Under steady writes it never quite catches up, though, and
    /// only a fully copied log is started over by the next write; so when the log has grown past
    /// `WAL_RESET_FRAMES`, one more pass runs holding the writers' turn (a short pause for the
    /// few pages written meanwhile, but it does fsync) and the log starts over.
    pub async fn checkpoint_regularly(self) {
        if Engine::of_pool(&self.pool) != Engine::Sqlite {
            return;
        }
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

    /// Waits for the turn, then opens a writing transaction.
    pub async fn begin(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = self.turn.clone().lock_owned().await;
        let tx = begin_writing(&self.pool).await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

/// A write transaction that holds the writer's turn until it ends.
pub struct WriteTx {
    // Declared first so it is dropped (rolled back) before the turn passes on.
    tx: Transaction<'static, Any>,
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
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// A statement with as many values as a list or a batch holds, numbered `$1, $2, …` as both
/// engines read them (sqlx's `QueryBuilder` writes `?` through the `Any` driver, which PostgreSQL
/// does not read).
pub struct Statement<'a> {
    sql: String,
    args: AnyArguments<'a>,
}

impl<'a> Statement<'a> {
    pub fn new(head: &str) -> Self {
        Statement {
            sql: head.to_string(),
            args: AnyArguments::default(),
        }
    }

    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds `value` where its placeholder is written.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        // Only a value that fails to encode errs, and `Any` encodes every type it takes.
        self.args.add(value).expect("a value the Any driver takes");
        self.sql.push('$');
        self.sql.push_str(&self.args.len().to_string());
        self
    }

    /// `(v1, v2, …)`, for `IN`.
    pub fn list<T>(&mut self, values: impl IntoIterator<Item = T>) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self.push(")")
    }

    /// `VALUES (…), (…)`: one row per item, its values bound by `row`.
    pub fn values<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut row: impl FnMut(&mut Row<'_, 'a>, T),
    ) -> &mut Self {
        self.push(" VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            self.push(if i > 0 { ", (" } else { "(" });
            row(
                &mut Row {
                    statement: self,
                    first: true,
                },
                item,
            );
            self.push(")");
        }
        self
    }

    /// The query to run; the statement keeps its text, its values go with the query.
    pub fn build(&mut self) -> Query<'_, Any, AnyArguments<'_>> {
        sqlx::query_with(&self.sql, std::mem::take(&mut self.args))
    }

    /// [`Statement::build`], its rows read as `T`.
    pub fn build_query_as<T>(&mut self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        sqlx::query_as_with(&self.sql, std::mem::take(&mut self.args))
    }
}

/// One row of [`Statement::values`].
pub struct Row<'s, 'a> {
    statement: &'s mut Statement<'a>,
    first: bool,
}

impl<'a> Row<'_, 'a> {
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'a + Encode<'a, Any> + Type<Any>,
    {
        if !std::mem::take(&mut self.first) {
            self.statement.push(", ");
        }
        self.statement.bind(value);
        self
    }
}
