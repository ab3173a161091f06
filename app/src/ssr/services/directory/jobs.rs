//! Imports running in this process, so the import page can poll their progress.
use std::collections::HashMap;
use std::future::Future;
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

use super::{ImportPlan, ImportReport, ImportService};
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;

/// A running or finished import; `present::import_status` hands it to the page that polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub job_id: u64,
    /// rows to write and rows written so far
    pub total: u64,
    pub done: u64,
    /// how it ended, once it has: what was written, or why it failed (`Internal` also when the
    /// import task panicked)
    pub outcome: Option<Result<ImportReport, AppError>>,
}

struct Job {
    user_id: i32,
    started: Instant,
    progress: ImportJob,
}

static JOBS: LazyLock<Mutex<HashMap<u64, Job>>> = LazyLock::new(Default::default);
const KEEP: Duration = Duration::from_secs(3600);

/// The registry, even after a panic elsewhere left its lock poisoned (the map stays consistent:
/// every change to it is a single insert or field update).
fn jobs() -> MutexGuard<'static, HashMap<u64, Job>> {
    JOBS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn update(job_id: u64, change: impl FnOnce(&mut ImportJob)) {
    if let Some(job) = jobs().get_mut(&job_id) {
        change(&mut job.progress);
    }
}

/// Starts writing `plan` in the background and returns the job's id at once.
pub fn start(db: DatabaseConnection, actor: CurrentUser, plan: ImportPlan) -> u64 {
    let total = plan.writes();
    run(actor.id, total, move |job_id| async move {
        ImportService::write(&db, &actor, plan, |done, total| {
            update(job_id, |p| {
                p.done = done;
                p.total = total;
            })
        })
        .await
    })
}

/// Registers a job and runs `write` in its own task. A second task waits for it and records how
/// it ended — also when it panicked, so the page that polls is told it failed instead of
/// waiting for a job that died (the import's transaction is dropped, so nothing was written).
fn run<W, F>(user_id: i32, total: u64, write: W) -> u64
where
    W: FnOnce(u64) -> F,
    F: Future<Output = Result<ImportReport, AppError>> + Send + 'static,
{
    let job_id = rand::random::<u64>() >> 11; // fits a JavaScript number
    {
        let mut jobs = jobs();
        jobs.retain(|_, job| job.started.elapsed() < KEEP);
        jobs.insert(
            job_id,
            Job {
                user_id,
                started: Instant::now(),
                progress: ImportJob {
                    job_id,
                    total,
                    done: 0,
                    outcome: None,
                },
            },
        );
    }
    let task = tokio::spawn(write(job_id));
    tokio::spawn(async move {
        let result = match task.await {
            Ok(result) => result,
            Err(err) => {
                tracing::error!(job_id, user_id, error = %err, "import task panicked");
                Err(AppError::Internal)
            }
        };
        if let Err(err) = &result {
            tracing::warn!(job_id, error = %err, "import failed");
        }
        update(job_id, |p| p.outcome = Some(result));
    });
    job_id
}

/// The progress of one of the user's own imports.
pub fn progress(actor: &CurrentUser, job_id: u64) -> Result<ImportJob, AppError> {
    match jobs().get(&job_id) {
        Some(job) if job.user_id == actor.id => Ok(job.progress.clone()),
        _ => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn someone(id: i32) -> CurrentUser {
        CurrentUser {
            id,
            name: "m".into(),
            email: "m@x.example".into(),
            role: Role::Marketing,
        }
    }

    async fn finished(actor: &CurrentUser, job_id: u64) -> Result<ImportReport, AppError> {
        for _ in 0..500 {
            if let Some(outcome) = progress(actor, job_id).unwrap().outcome {
                return outcome;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the job never finished");
    }

    async fn a_writer_that_panics(_job_id: u64) -> Result<ImportReport, AppError> {
        panic!("the writer broke on purpose");
    }

    #[tokio::test]
    async fn an_import_whose_writer_panics_is_reported_as_failed() {
        let actor = someone(7);
        let job_id = run(actor.id, 3, a_writer_that_panics);
        assert_eq!(finished(&actor, job_id).await, Err(AppError::Internal));
        // the registry still answers afterwards
        assert_eq!(progress(&someone(8), job_id), Err(AppError::NotFound));
    }

    #[tokio::test]
    async fn an_import_that_fails_says_why() {
        let actor = someone(9);
        let job_id = run(actor.id, 3, |_| async {
            Err(AppError::Conflict(msg!("import-added-meanwhile")))
        });
        assert_eq!(
            finished(&actor, job_id).await,
            Err(AppError::Conflict(msg!("import-added-meanwhile")))
        );
    }
}
