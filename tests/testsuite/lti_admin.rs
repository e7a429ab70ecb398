//! `lessonpack lti …`: the LTI tool's administration commands on a real database file:
//! listing, approving, suspending and removing registrations (exit 1 naming an unknown id),
//! rotating and listing the tool's keys, and exit 2 for bad usage, an unreadable or invalid
//! config, or no database. (Approval reaching a running `serve` is proven end to end in
//! `lti.rs`, scenario `dynamic_registration`.)

use assert_cmd::Command;
use lessonpack::lti::config::Registration;
use lessonpack::lti::keys;
use lessonpack::lti::store::{SqliteStore, Store};
use std::path::Path;

/// `serve.rs`'s `lti.toml`, with the database `tool.sqlite`.
fn config() -> String {
    crate::serve::CONFIG.replacen('\n', "\ndatabase = \"tool.sqlite\"\n", 1)
}

fn registration(client_id: &str, deployment: &str) -> Registration {
    Registration {
        issuer: "http://127.0.0.1:9001".into(),
        client_id: client_id.into(),
        auth_login_url: "http://127.0.0.1:9001/auth".into(),
        token_url: "http://127.0.0.1:9001/token".into(),
        jwks_url: "http://127.0.0.1:9001/.well-known/jwks.json".into(),
        deployments: vec![deployment.into()],
    }
}

/// `lessonpack lti <args>` in `dir`: exit code, stdout, stderr.
fn lti(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("lessonpack")
        .unwrap()
        .arg("lti")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A folder with `lti.toml` and its database: the listed registration (active, id 1) and a
/// dynamic one (pending, id 2).
fn tool_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lti.toml"), config()).unwrap();
    let store = SqliteStore::open(&dir.path().join("tool.sqlite")).unwrap();
    assert_eq!(
        store
            .put_registration(&registration("test-client-1", "deploy-1"), true)
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .put_registration(&registration("dyn-client-1", "7"), false)
            .unwrap(),
        2
    );
    dir
}

#[test]
fn registrations_are_listed_approved_suspended_and_removed() {
    let dir = tool_folder();
    let at = dir.path();
    let with = |args: &[&str]| lti(at, &[args, &["--config", "lti.toml"]].concat());

    let (code, out, _) = with(&["registrations"]);
    assert_eq!(code, Some(0));
    let lines: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        ["id", "status", "issuer", "client", "id", "deployments"]
    );
    assert_eq!(
        lines[1],
        [
            "1",
            "active",
            "http://127.0.0.1:9001",
            "test-client-1",
            "deploy-1"
        ]
    );
    assert_eq!(
        lines[2],
        ["2", "pending", "http://127.0.0.1:9001", "dyn-client-1", "7"]
    );

    let (code, out, _) = with(&["approve", "2"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("approved registration 2"), "{out}");
    let (_, out, _) = with(&["registrations"]);
    assert!(out.lines().nth(2).unwrap().contains(" active "), "{out}");

    let (code, out, err) = with(&["suspend", "1"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("`lessonpack lti approve 1`"), "{out}");
    assert!(err.contains("`lti.toml` lists this registration"), "{err}");
    let (_, out, _) = with(&["registrations"]);
    assert!(out.lines().nth(1).unwrap().contains(" pending "), "{out}");

    let (code, out, err) = with(&["remove", "2"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("removed registration 2"), "{out}");
    assert!(err.is_empty(), "not in `lti.toml`: {err}");
    for command in ["approve", "suspend", "remove"] {
        let (code, _, err) = with(&[command, "2"]);
        assert_eq!(code, Some(1), "{command}");
        assert!(
            err.contains("there is no registration `2`; `lessonpack lti registrations` lists them"),
            "{err}"
        );
    }
    let (_, out, _) = with(&["registrations"]);
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn without_config_the_database_is_lti_sqlite_in_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = lti(dir.path(), &["registrations"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("there is no database `lti.sqlite`; pass the `--config`"),
        "{err}"
    );
    SqliteStore::open(&dir.path().join("lti.sqlite"))
        .unwrap()
        .put_registration(&registration("c", "d"), false)
        .unwrap();
    let (code, out, _) = lti(dir.path(), &["approve", "1"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("approved registration 1 (`http://127.0.0.1:9001`, client `c`)"));
}

#[test]
fn bad_usage_and_bad_configs_exit_2() {
    let dir = tool_folder();
    let at = dir.path();
    for args in [
        &["approve", "two", "--config", "lti.toml"][..],
        &["approve", "--config", "lti.toml"],
        &["launch", "--config", "lti.toml"],
    ] {
        assert_eq!(lti(at, args).0, Some(2), "{args:?}");
    }
    let (code, _, err) = lti(at, &["registrations", "--config", "missing.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read `missing.toml`"), "{err}");
    std::fs::write(at.join("bad.toml"), config().replace("database", "databse")).unwrap();
    let (code, _, err) = lti(at, &["registrations", "--config", "bad.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown key `databse`"), "{err}");
}

#[test]
fn rotate_key_stages_a_key_or_with_now_signs_with_it_at_once() {
    let dir = tool_folder();
    let at = dir.path();
    let database = at.join("tool.sqlite");
    let first = keys::ensure(
        &SqliteStore::open(&database).unwrap(),
        lessonpack::lti::now(),
    )
    .unwrap();
    let with = |args: &[&str]| lti(at, &[args, &["--config", "lti.toml"]].concat());
    let rows = |out: &str| -> Vec<Vec<String>> {
        out.lines()
            .skip(1)
            .map(|l| l.split_whitespace().map(str::to_string).collect())
            .collect()
    };
    let new_kid = |out: &str| {
        out.split('`')
            .nth(1)
            .expect("a kid in backticks")
            .to_string()
    };
    let published = || {
        let store = SqliteStore::open(&database).unwrap();
        keys::jwks(&store, lessonpack::lti::now())
            .unwrap()
            .to_string()
    };
    let signing = || {
        keys::current(&SqliteStore::open(&database).unwrap())
            .unwrap()
            .kid
    };

    let (code, out, _) = with(&["keys"]);
    assert_eq!(code, Some(0));
    let table = rows(&out);
    assert_eq!(table.len(), 1, "{out}");
    assert_eq!(
        (table[0][0].as_str(), table[0][1].as_str()),
        (first.as_str(), "current")
    );

    // Staged: published now, the first key still signs.
    let (code, out, err) = with(&["rotate-key"]);
    assert_eq!(code, Some(0), "{err}");
    let staged = new_kid(&out);
    assert!(
        out.contains("published in the JWKS now, signing from"),
        "{out}"
    );
    assert!(
        out.contains(&format!("the previous key `{first}` signs until ")),
        "{out}"
    );
    assert_eq!(signing(), first);
    assert!(published().contains(&staged) && published().contains(&first));
    let (_, out, _) = with(&["keys"]);
    let table = rows(&out);
    assert_eq!(
        (table[0][0].as_str(), table[0][1].as_str()),
        (staged.as_str(), "next")
    );
    assert_eq!(
        (table[1][0].as_str(), table[1][1].as_str()),
        (first.as_str(), "current")
    );
    let (code, _, err) = with(&["rotate-key"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("already staged"), "{err}");

    // At once: the new key signs, the others stay published for their grace period.
    let (code, out, err) = with(&["rotate-key", "--now"]);
    assert_eq!(code, Some(0), "{err}");
    let urgent = new_kid(&out);
    assert!(
        out.contains("tokens are signed with it from now on"),
        "{out}"
    );
    assert_eq!(signing(), urgent);
    let jwks = published();
    assert!(
        [&first, &staged, &urgent]
            .iter()
            .all(|k| jwks.contains(k.as_str()))
    );
    let (_, out, _) = with(&["keys"]);
    let states: Vec<(String, String)> = rows(&out)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert!(states.contains(&(urgent, "current".into())), "{out}");
    assert!(states.contains(&(staged, "retired".into())), "{out}");
    assert!(states.contains(&(first, "retired".into())), "{out}");
}

#[test]
fn help_names_every_command_and_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = lti(dir.path(), &["--help"]);
    assert_eq!(code, Some(0));
    for command in [
        "registrations",
        "approve",
        "suspend",
        "remove",
        "rotate-key",
        "keys",
        "--config",
    ] {
        assert!(out.contains(command), "{command}: {out}");
    }
    let (_, out, _) = lti(dir.path(), &["approve", "--help"]);
    assert!(
        out.contains("Exit status: 0 approved, 1 no registration has this id"),
        "{out}"
    );
    assert!(
        out.contains("as `lessonpack lti registrations` lists it"),
        "{out}"
    );
}
