//! A launched page's completion report (`POST /lti/score`): the page's session is checked,
//! the line item the link's grade goes to is found (or made), the score is queued and its
//! first delivery attempted. The answer tells the page where its grade stands.

use super::ags::SCORE_SCOPE;
use super::lineitems::{self, Target};
use super::store::ScoreState;
use super::{Tool, now, now_millis, outbox, session};

/// What the page is told: HTTP status, `status` code and `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `delivered`, `queued`, `refused`, `not_graded`, `unavailable` or `unauthorized`.
    pub code: &'static str,
    /// What happened, in words.
    pub detail: String,
}

fn answer(status: u16, code: &'static str, detail: impl Into<String>) -> Answer {
    Answer {
        status,
        code,
        detail: detail.into(),
    }
}

/// Handles the report of the page whose session is `bearer`; `title` names a hosted lesson.
pub fn report(
    tool: &Tool,
    bearer: Option<&str>,
    title: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<Answer> {
    let Some(bearer) = bearer else {
        return Ok(answer(
            401,
            "unauthorized",
            "no session: open the lesson from the course",
        ));
    };
    let session = match session::verify(tool.store.as_ref(), &tool.config.base_url, bearer, now()) {
        Ok(session) => session,
        Err(message) => return Ok(answer(401, "unauthorized", message)),
    };
    let not_graded = |why: &str| {
        answer(
            200,
            "not_graded",
            format!("{why}, so there is no grade to set"),
        )
    };
    let Some(grades) = &session.grades else {
        return Ok(not_graded(
            "the platform offered no grade service for this link",
        ));
    };
    if !grades.scopes.iter().any(|s| s == SCORE_SCOPE) {
        return Ok(not_graded(
            "the platform does not take scores from this tool",
        ));
    }
    let Some(registration) = tool.store.registration(session.reg)?.filter(|r| r.active) else {
        return Ok(not_graded(
            "the platform's registration was removed or suspended",
        ));
    };
    let title = title(&session.lesson).unwrap_or_else(|| session.lesson.clone());
    let target = lineitems::target(
        tool,
        &registration,
        grades,
        &session.rl,
        (&session.lesson, &title),
    );
    let lineitem = match target {
        Ok(Target::Lineitem(lineitem)) => lineitem,
        Ok(Target::NotGraded(why)) => return Ok(not_graded(&why)),
        Err(e) => return Ok(answer(503, "unavailable", format!("will retry: {e}"))),
    };
    let Some(job) = tool
        .store
        .queue_score(session.reg, &lineitem, &session.sub, now_millis())?
    else {
        return Ok(answer(
            200,
            "delivered",
            "the completion was already recorded",
        ));
    };
    let job = outbox::deliver(tool, job)?;
    outbox::log(&job);
    let error = job.last_error.unwrap_or_default();
    Ok(match job.state {
        ScoreState::Delivered => answer(200, "delivered", "the completion is in the gradebook"),
        ScoreState::Pending => answer(202, "queued", format!("will retry: {error}")),
        ScoreState::Failed => answer(502, "refused", error),
    })
}
