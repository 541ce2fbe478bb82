//! Bag batches committed in groups. With `synchronous=FULL` every commit waits for the disk, and
//! one commit at a time would make every batch wait for all the fsyncs queued before it; instead,
//! the batches that arrive while a commit is on its way share the next one — one transaction,
//! one fsync. Each still applies all or nothing: it runs in its own savepoint, and a refused
//! batch rolls back to it without touching the others. Its answer is sent only once the whole
//! group is on disk.

use crate::bag::{self, BagKey};
use crate::db::Writer;
use crate::error::AppError;
use shopbag_api::bag::{BagState, Op};
use sqlx::AnyConnection;
use tokio::sync::{mpsc, oneshot};

/// Most batches in one transaction: enough to absorb a burst, few enough that the first of them
/// does not wait long for the last.
const MOST_PER_COMMIT: usize = 64;

/// Batches waiting for the writer; cheap to clone.
#[derive(Clone)]
pub struct BagCommits {
    jobs: mpsc::Sender<Job>,
}

struct Job {
    bag: BagKey,
    batch: Vec<Op>,
    now: i64,
    done: oneshot::Sender<Result<BagState, AppError>>,
}

impl BagCommits {
    /// Starts the task that commits them (it ends when the last `BagCommits` is dropped).
    pub fn start(writer: Writer) -> BagCommits {
        let (jobs, queue) = mpsc::channel(1024);
        tokio::spawn(run(writer, queue));
        BagCommits { jobs }
    }

    /// Applies `batch` (already checked and clamped to `now`) to `bag`, durably.
    pub async fn apply(&self, bag: BagKey, batch: Vec<Op>, now: i64) -> Result<BagState, AppError> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            bag,
            batch,
            now,
            done,
        };
        self.jobs.send(job).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

fn gone() -> AppError {
    tracing::error!("the bag's commit task has stopped");
    AppError::internal()
}

async fn run(writer: Writer, mut queue: mpsc::Receiver<Job>) {
    let mut group = Vec::with_capacity(MOST_PER_COMMIT);
    while queue.recv_many(&mut group, MOST_PER_COMMIT).await > 0 {
        commit(&writer, std::mem::take(&mut group)).await;
    }
}

/// One transaction for the group; every answer waits for its commit.
async fn commit(writer: &Writer, group: Vec<Job>) {
    let mut tx = match writer.begin().await {
        Ok(tx) => tx,
        Err(error) => {
            let error = AppError::from(error);
            for job in group {
                let _ = job.done.send(Err(error.clone()));
            }
            return;
        }
    };
    let mut answers = Vec::with_capacity(group.len());
    for job in group {
        let result = in_savepoint(&mut tx, &job).await;
        answers.push((job.done, result));
    }
    match tx.commit().await {
        Ok(()) => {
            for (done, result) in answers {
                let _ = done.send(result);
            }
        }
        Err(error) => {
            let error = AppError::from(error);
            for (done, _) in answers {
                let _ = done.send(Err(error.clone()));
            }
        }
    }
}

async fn in_savepoint(conn: &mut AnyConnection, job: &Job) -> Result<BagState, AppError> {
    sqlx::query("SAVEPOINT batch").execute(&mut *conn).await?;
    let result = bag::apply_in(conn, &job.bag, &job.batch, job.now).await;
    if result.is_err() {
        sqlx::query("ROLLBACK TO batch").execute(&mut *conn).await?;
    }
    sqlx::query("RELEASE batch").execute(&mut *conn).await?;
    result
}
