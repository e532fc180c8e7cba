//! The `odop-server` command line: values refused as given exit 3 with the reason, said once.

use std::process::{Command, Output};

fn server(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_odop-server"))
        .arg("--db")
        .arg(format!("sqlite:{}", db.display()))
        .args(args)
        .output()
        .expect("odop-server runs")
}

#[test]
fn a_value_refused_as_given_exits_3_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite3");
    let added = server(
        &db,
        &["user", "add", "--name", "dpiit", "--role", "central"],
    );
    assert_eq!(added.status.code(), Some(0), "{added:?}");
    for (args, says) in [
        (
            &["user", "add", "--name", "x", "--role", "state-editor"][..],
            "--state",
        ),
        (&["user", "add", "--name", "y", "--role", "boss"], "--role"),
        (
            &["user", "add", "--name", "dpiit", "--role", "central"],
            "already exists",
        ),
        (&["user", "revoke", "nobody"], "nobody"),
    ] {
        let out = server(&db, args);
        let msg = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {msg}");
        assert!(msg.contains(says), "{args:?}: {msg}");
    }
    let wrong_db = Command::new(env!("CARGO_BIN_EXE_odop-server"))
        .args(["--db", "mysql://x", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(wrong_db.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&wrong_db.stderr).contains("--db must be"));
}

#[test]
fn a_ledger_that_cannot_be_opened_exits_1_saying_why_once() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the ledger's file should be.
    let out = server(dir.path(), &["user", "list"]);
    let msg = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
    let first = msg.lines().next().unwrap_or_default();
    let words: Vec<&str> = first.split(": ").collect();
    let mut unique = words.clone();
    unique.dedup();
    assert_eq!(words, unique, "a cause said twice: {msg}");
}
