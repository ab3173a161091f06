//! Imports running in this process, so the import page can poll their progress.
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;

use super::{ImportPlan, ImportService};
use crate::api::dto::ImportJobStatus;
use crate::error::AppError;
use crate::ssr::auth::CurrentUser;

struct Job {
    user_id: i32,
    started: Instant,
    progress: ImportJobStatus,
}

static JOBS: LazyLock<Mutex<HashMap<u64, Job>>> = LazyLock::new(Default::default);
const KEEP: Duration = Duration::from_secs(3600);

fn update(job_id: u64, change: impl FnOnce(&mut ImportJobStatus)) {
    if let Ok(mut jobs) = JOBS.lock() {
        if let Some(job) = jobs.get_mut(&job_id) {
            change(&mut job.progress);
        }
    }
}

/// Starts writing `plan` in the background and returns the job's id at once.
pub fn start(db: DatabaseConnection, actor: CurrentUser, plan: ImportPlan) -> u64 {
    let job_id = rand::random::<u64>() >> 11; // fits a JavaScript number
    let total = plan.writes();
    if let Ok(mut jobs) = JOBS.lock() {
        jobs.retain(|_, job| job.started.elapsed() < KEEP);
        jobs.insert(
            job_id,
            Job {
                user_id: actor.id,
                started: Instant::now(),
                progress: ImportJobStatus {
                    job_id,
                    total,
                    done: 0,
                    finished: false,
                    failed: false,
                    result: None,
                },
            },
        );
    }
    tokio::spawn(async move {
        let result = ImportService::write(&db, &actor, plan, |done, total| {
            update(job_id, |p| {
                p.done = done;
                p.total = total;
            })
        })
        .await;
        update(job_id, |p| {
            p.finished = true;
            match result {
                Ok(preview) => p.result = Some(preview),
                Err(err) => {
                    tracing::warn!(error = %err, "import failed");
                    p.failed = true;
                }
            }
        });
    });
    job_id
}

/// The progress of one of the user's own imports.
pub fn progress(actor: &CurrentUser, job_id: u64) -> Result<ImportJobStatus, AppError> {
    let jobs = JOBS.lock().map_err(|_| AppError::Internal)?;
    match jobs.get(&job_id) {
        Some(job) if job.user_id == actor.id => Ok(job.progress.clone()),
        _ => Err(AppError::NotFound),
    }
}
