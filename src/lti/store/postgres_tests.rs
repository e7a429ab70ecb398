//! [`PgStore`] against a real PostgreSQL server (one per test, see `test_system`): the
//! shared behaviour tests, the SQLite store's tables and columns in PostgreSQL's types, and two store instances on
//! one database racing for the same state, nonce and score.

use super::PgStore;
use crate::lti::store::test_system::PgServer;
use crate::lti::store::{LoginState, Store, conformance};
use crate::lti::testkit;
use std::collections::BTreeSet;
use std::sync::Barrier;

#[test]
fn behaves_like_every_store() {
    let server = PgServer::start();
    conformance::run(&|| Box::new(PgStore::open(&server.create_database()).unwrap()));
}

#[test]
fn keeps_the_sqlite_tables_and_columns() {
    let server = PgServer::start();
    let url = server.create_database();
    drop(PgStore::open(&url).unwrap());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let rows = client
        .query(
            "SELECT table_name::TEXT, column_name::TEXT, data_type::TEXT
             FROM information_schema.columns
             WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap();
    let pg: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let types: BTreeSet<(String, String)> = rows.iter().map(|r| (r.get(1), r.get(2))).collect();
    for wanted in [("active", "boolean"), ("der", "bytea"), ("id", "bigint")] {
        assert!(
            types.contains(&(wanted.0.into(), wanted.1.into())),
            "{types:?}"
        );
    }
    assert!(types.iter().all(|(_, t)| t != "integer"), "{types:?}");
    let sqlite = rusqlite::Connection::open_in_memory().unwrap();
    sqlite.execute_batch(super::super::sqlite::SCHEMA).unwrap();
    let lite: Vec<(String, String)> = sqlite
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' ORDER BY m.name, p.cid",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pg, lite);
}

/// Runs `f(store, thread)` on 8 threads at once, alternating between the two stores.
fn race<T: Send>(stores: [&PgStore; 2], f: impl Fn(&PgStore, usize) -> T + Sync) -> Vec<T> {
    const THREADS: usize = 8;
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|i| {
                let (barrier, f) = (&barrier, &f);
                scope.spawn(move || {
                    barrier.wait();
                    f(stores[i % 2], i)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn two_instances_on_one_database_race_safely() {
    let server = PgServer::start();
    let url = server.create_database();
    let (a, b) = (PgStore::open(&url).unwrap(), PgStore::open(&url).unwrap());
    let reg = a.put_registration(&testkit::registration(), true).unwrap();
    assert_eq!(
        b.put_registration(&testkit::registration(), true).unwrap(),
        reg
    );

    for round in 0..10 {
        let state = format!("state-{round}");
        a.put_state(&LoginState {
            state: state.clone(),
            nonce: "n".into(),
            registration_id: reg,
            target_link_uri: "http://127.0.0.1/lti/launch".into(),
            expires: 100,
        })
        .unwrap();
        let taken = race([&a, &b], |s, _| s.take_state(&state).unwrap().is_some());
        assert_eq!(taken.iter().filter(|t| **t).count(), 1, "round {round}");

        let nonce = format!("nonce-{round}");
        let fresh = race([&a, &b], |s, _| s.use_nonce(reg, &nonce, 100).unwrap());
        assert_eq!(fresh.iter().filter(|f| **f).count(), 1, "round {round}");
    }

    let item = "http://127.0.0.1:9001/ags/lineitems/1/lineitem";
    let stamps = race([&a, &b], |s, _| {
        let job = s.queue_score(reg, item, "u1", 1_000).unwrap().unwrap();
        job.timestamp_ms
    });
    let distinct: BTreeSet<i64> = stamps.iter().copied().collect();
    assert_eq!(
        distinct,
        (1_000..1_008).collect(),
        "each queueing stamped once, one after the other: {stamps:?}"
    );
    let last = b.score(reg, item, "u1").unwrap().unwrap();
    assert_eq!(last.timestamp_ms, 1_007);
}
