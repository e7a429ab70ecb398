//! The behaviour every [`Store`] must have, run against each implementation: registrations
//! round-trip and update, approval and removal, single-use states and nonces, and the score
//! outbox's strictly increasing stamps and once-only delivery.

use super::{LoginState, ScoreState, Store, StoredKey};
use crate::lti::testkit;

/// Runs every check on fresh stores from `make`.
pub(crate) fn run(make: &dyn Fn() -> Box<dyn Store>) {
    registrations_round_trip_and_update(make().as_ref());
    registrations_are_approved_and_removed(make().as_ref());
    states_and_nonces_are_single_use(make().as_ref());
    keys_are_kept_newest_first(make().as_ref());
    scores_are_stamped_strictly_increasing_and_delivered_once(make().as_ref());
}

fn registrations_round_trip_and_update(store: &dyn Store) {
    let mut reg = testkit::registration();
    let id = store.put_registration(&reg, true).unwrap();
    reg.deployments.push("deploy-2".into());
    assert_eq!(store.put_registration(&reg, true).unwrap(), id);
    let found = store.registrations_for(&reg.issuer).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].registration, reg);
    assert!(found[0].active);
    assert!(store.registrations_for("https://other").unwrap().is_empty());
    assert_eq!(store.registration(id).unwrap().unwrap().registration, reg);
    assert_eq!(store.registration(id + 100).unwrap(), None);
}

fn registrations_are_approved_and_removed(store: &dyn Store) {
    let first = store
        .put_registration(&testkit::registration(), true)
        .unwrap();
    let mut other = testkit::registration();
    other.client_id = "dynamic-2".into();
    let pending = store.put_registration(&other, false).unwrap();
    let all = store.all_registrations().unwrap();
    assert_eq!(
        all.iter().map(|r| (r.id, r.active)).collect::<Vec<_>>(),
        [(first, true), (pending, false)]
    );
    assert!(store.set_active(pending, true).unwrap());
    assert!(store.registration(pending).unwrap().unwrap().active);
    assert!(!store.set_active(pending + 100, true).unwrap());
    assert!(store.delete_registration(first).unwrap());
    assert!(!store.delete_registration(first).unwrap());
    assert_eq!(store.all_registrations().unwrap().len(), 1);
}

fn states_and_nonces_are_single_use(store: &dyn Store) {
    let state = LoginState {
        state: "s".into(),
        nonce: "n".into(),
        registration_id: 1,
        target_link_uri: "http://127.0.0.1/lti/launch".into(),
        expires: 100,
    };
    store.put_state(&state).unwrap();
    assert_eq!(store.take_state("s").unwrap(), Some(state));
    assert_eq!(store.take_state("s").unwrap(), None);
    assert!(store.use_nonce(1, "n", 100).unwrap());
    assert!(!store.use_nonce(1, "n", 100).unwrap());
    assert!(
        store.use_nonce(2, "n", 100).unwrap(),
        "nonces are per registration"
    );
    store.purge(101).unwrap();
    assert!(store.use_nonce(1, "n", 200).unwrap());
}

fn keys_are_kept_newest_first(store: &dyn Store) {
    let key = |kid: &str, created| StoredKey {
        kid: kid.into(),
        der: vec![1, 2, 3],
        created,
        retired: None,
    };
    store.put_key(&key("old", 10)).unwrap();
    store.put_key(&key("new", 20)).unwrap();
    store.retire_key("old", 25).unwrap();
    let keys = store.keys().unwrap();
    assert_eq!(keys[0], key("new", 20));
    assert_eq!(keys[1].retired, Some(25));
    store.delete_key("old").unwrap();
    assert_eq!(store.keys().unwrap().len(), 1);
}

fn scores_are_stamped_strictly_increasing_and_delivered_once(store: &dyn Store) {
    let reg = store
        .put_registration(&testkit::registration(), true)
        .unwrap();
    let item = "http://127.0.0.1:9001/ags/lineitems/1/lineitem?type_id=1";
    let first = store.queue_score(reg, item, "u1", 5_000).unwrap().unwrap();
    assert_eq!(
        (first.timestamp_ms, first.next_try, first.state),
        (5_000, 5, ScoreState::Pending)
    );
    // A clock that went back, or two instances in the same millisecond: still increasing.
    let again = store.queue_score(reg, item, "u1", 4_000).unwrap().unwrap();
    assert_eq!(again.timestamp_ms, 5_001);
    assert_eq!(
        store
            .queue_score(reg, item, "u2", 4_000)
            .unwrap()
            .unwrap()
            .timestamp_ms,
        4_000,
        "stamps are per learner"
    );
    assert!(store.due_scores(3).unwrap().is_empty());
    assert_eq!(
        store.due_scores(4).unwrap().len(),
        2,
        "both due at the last queueing"
    );

    let mut failed_once = again.clone();
    failed_once.attempts = 1;
    failed_once.next_try = 60;
    failed_once.last_error = Some("503".into());
    store.update_score(&failed_once).unwrap();
    assert_eq!(
        store.score(reg, item, "u1").unwrap(),
        Some(failed_once.clone())
    );
    assert_eq!(
        store.due_scores(59).unwrap().len(),
        1,
        "u1 waits for its retry"
    );

    let delivered = super::ScoreJob {
        state: ScoreState::Delivered,
        last_error: None,
        ..failed_once
    };
    store.update_score(&delivered).unwrap();
    assert_eq!(store.queue_score(reg, item, "u1", 9_000).unwrap(), None);
    assert_eq!(store.score(reg, item, "u1").unwrap(), Some(delivered));
    assert!(store.due_scores(100).unwrap().iter().all(|j| j.sub == "u2"));
    assert_eq!(store.score(reg, item, "nobody").unwrap(), None);
}
