//! Delivering completion scores: each is queued in the store first (so a crash, a restart or
//! a platform outage loses nothing), tried at once, and retried with backoff until the
//! platform takes it or refuses it for good.
//!
//! One attempt may make up to three calls: a 401 drops the cached access token and asks for
//! a new one (`token::send_authorized`: a platform restart or key change invalidates
//! tokens), a 409 restamps the score newer than the platform's last and posts again. No answer, a 429 or a 5xx schedule a
//! retry (30 s, doubling, at most an hour apart, [`MAX_ATTEMPTS`] in all); any other 4xx is
//! final and kept with its message (Moodle answers 400 for a user it cannot grade, such as
//! a teacher trying the link).

use super::ags::{self, Posted};
use super::store::{ScoreJob, ScoreState};
use super::{Tool, now, now_millis};

/// Attempts before a score is given up (about a day of retries).
pub const MAX_ATTEMPTS: u32 = 30;
/// The first retry's delay; each next one doubles, up to [`MAX_DELAY`].
pub const FIRST_DELAY: i64 = 30;
/// The longest delay between two attempts.
pub const MAX_DELAY: i64 = 3600;

/// Makes one delivery attempt of `job` and records its outcome; returns the updated job.
pub fn deliver(tool: &Tool, job: ScoreJob) -> anyhow::Result<ScoreJob> {
    let mut job = job;
    let outcome = attempt(tool, &mut job)?;
    job.attempts += 1;
    match outcome {
        Ok(()) => {
            job.state = ScoreState::Delivered;
            job.last_error = None;
        }
        Err(Failure::Final(message)) => {
            job.state = ScoreState::Failed;
            job.last_error = Some(message);
        }
        Err(Failure::Later(message)) if job.attempts >= MAX_ATTEMPTS => {
            job.state = ScoreState::Failed;
            job.last_error = Some(format!(
                "gave up after {} attempts: {message}",
                job.attempts
            ));
        }
        Err(Failure::Later(message)) => {
            job.state = ScoreState::Pending;
            job.next_try = now() + backoff(job.attempts);
            job.last_error = Some(message);
        }
    }
    tool.store.update_score(&job)?;
    Ok(job)
}

/// Delivers every score whose retry is due, one stderr line each.
pub fn deliver_due(tool: &Tool) -> anyhow::Result<()> {
    for job in tool.store.due_scores(now())? {
        log(&deliver(tool, job)?);
    }
    Ok(())
}

/// One line on stderr for an administrator: where a score stands.
pub fn log(job: &ScoreJob) {
    let error = job.last_error.as_deref().unwrap_or("");
    match job.state {
        ScoreState::Delivered => {
            eprintln!("serve: score delivered: `{}` on {}", job.sub, job.lineitem);
        }
        ScoreState::Pending => eprintln!(
            "serve: score queued (attempt {}): `{}` on {}: {error}",
            job.attempts, job.sub, job.lineitem
        ),
        ScoreState::Failed => eprintln!(
            "serve: score refused: `{}` on {}: {error}",
            job.sub, job.lineitem
        ),
    }
}

/// The delay before the attempt after the `attempts`-th.
pub fn backoff(attempts: u32) -> i64 {
    let doublings = attempts.saturating_sub(1).min(16);
    (FIRST_DELAY << doublings).min(MAX_DELAY)
}

enum Failure {
    Later(String),
    Final(String),
}

fn attempt(tool: &Tool, job: &mut ScoreJob) -> anyhow::Result<Result<(), Failure>> {
    let Some(registration) = tool
        .store
        .registration(job.registration_id)?
        .filter(|r| r.active)
    else {
        return Ok(Err(Failure::Final(
            "the registration was removed or suspended".into(),
        )));
    };
    let mut restamped = false;
    loop {
        let score = ags::completion_score(&job.sub, job.timestamp_ms);
        match ags::post_score(tool, &registration, &job.lineitem, &score) {
            Posted::Accepted => return Ok(Ok(())),
            Posted::Stale(_) if !restamped => {
                // The store stamps it newer than its last one.
                match tool.store.queue_score(
                    job.registration_id,
                    &job.lineitem,
                    &job.sub,
                    now_millis(),
                )? {
                    Some(fresh) => job.timestamp_ms = fresh.timestamp_ms,
                    None => return Ok(Ok(())),
                }
                restamped = true;
            }
            Posted::Unauthorized(m) | Posted::Stale(m) | Posted::Unavailable(m) => {
                return Ok(Err(Failure::Later(m)));
            }
            Posted::Refused(m) => return Ok(Err(Failure::Final(m))),
        }
    }
}
