//! The `odop` process killed with SIGKILL at each point of a sync round, then run again: no
//! local edit is lost, nothing is applied twice, and the outbox drains within two rounds.

mod support;

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;

use odop_domain::{Entity, EntityKind, Id, Product};
use odop_ledger::{Account, Ledger, Token};
use odop_protocol::{Change, Role};
use odop_store::Store;
use serde_json::Value;

fn places(store: &mut Store) {
    support::places(store, &[(187, "District 187"), (188, "District 188")]);
}

fn product(name: &str) -> Product {
    let mut f = odop_domain::Fields::new();
    f.insert("id".into(), Value::from(Id::new().to_string()));
    f.insert("state".into(), Value::from(9));
    f.insert("district".into(), Value::from(187));
    f.insert("rank".into(), Value::from("secondary"));
    f.insert("sector".into(), Value::from("handicraft"));
    f.insert("name".into(), Value::from(name));
    Product::from_fields(f).unwrap()
}

fn odop(dir: &Path, crash_at: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_odop"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("ODOP_USER", "desk");
    match crash_at {
        Some(at) => cmd.env("ODOP_CRASH_AT", at),
        None => cmd.env_remove("ODOP_CRASH_AT"),
    };
    cmd.output().unwrap()
}

/// Server rows by id, with their version.
fn server_rows(ledger: &dyn Ledger, who: &Account) -> BTreeMap<String, (u64, Value)> {
    let mut rows = BTreeMap::new();
    let (mut cursor, mut horizon) = (0, 0);
    loop {
        let page = ledger.pull(who, cursor, horizon, 1000).unwrap();
        for c in page.changes {
            match c {
                Change::Row {
                    id,
                    version,
                    fields,
                    ..
                } => {
                    rows.insert(id, (version, Value::Object(fields)));
                }
                Change::Tombstone { id, .. } | Change::Departed { id, .. } => {
                    rows.remove(&id);
                }
                Change::Conflict { .. } => {}
            }
        }
        (cursor, horizon) = (page.cursor, page.horizon);
        if !page.more {
            return rows;
        }
    }
}

#[test]
fn a_sync_killed_at_any_point_loses_nothing_and_repeats_nothing() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for point in ["before_push", "push_answered", "mid_pull", "before_cursor"] {
        let dir = tempfile::tempdir().unwrap();
        let (ledger, url) = support::server(&runtime, dir.path());
        let account = Account::new("up", Role::StateEditor, Some(9)).unwrap();
        let token = Token::generate().unwrap();
        ledger.insert_account(&account, &token.hash()).unwrap();

        // Another desk's work, so that the crashing desk has a pull to apply.
        let other = dir.path().join("other");
        let desk = dir.path().join("desk");
        for d in [&other, &desk] {
            std::fs::create_dir_all(d).unwrap();
            places(&mut Store::open(&d.join("odop.sqlite3")).unwrap());
            let out = odop(d, None, &["login", "--server", &url, "--token", &token.0]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        {
            let mut store = Store::open(&other.join("odop.sqlite3")).unwrap();
            let mut edit = store.edit("other").unwrap();
            for n in 0..10 {
                edit.put(&product(&format!("Other {n}"))).unwrap();
            }
            edit.commit().unwrap();
        }
        // Both desks share the account but are separate installations.
        assert!(odop(&other, None, &["sync"]).status.success());

        // The crashing desk: 20 creates, then 3 updates of each of 5 rows.
        let mut updates: BTreeMap<String, u64> = BTreeMap::new();
        {
            let mut store = Store::open(&desk.join("odop.sqlite3")).unwrap();
            let made: Vec<Product> = (0..20).map(|n| product(&format!("Desk {n}"))).collect();
            let mut edit = store.edit("desk").unwrap();
            for p in &made {
                edit.put(p).unwrap();
            }
            edit.commit().unwrap();
            for p in made.iter().take(5) {
                for round in 1..=3 {
                    let mut changed = p.clone();
                    changed.description = format!("Revision {round}");
                    let mut edit = store.edit("desk").unwrap();
                    edit.put(&changed).unwrap();
                    edit.commit().unwrap();
                    *updates.entry(p.id.to_string()).or_default() += 1;
                }
            }
        }
        let before = odop_store_view(&desk);

        let crashed = odop(&desk, Some(point), &["sync"]);
        assert_eq!(
            crashed.status.signal(),
            Some(9),
            "{point}: the process should have been killed; stderr: {}",
            String::from_utf8_lossy(&crashed.stderr)
        );
        // Nothing of this desk's was lost by the kill.
        let after_kill = odop_store_view(&desk);
        for (id, fields) in &before {
            assert_eq!(
                after_kill.get(id),
                Some(fields),
                "{point}: {id} changed by the kill"
            );
        }

        for round in 1..=2 {
            let out = odop(&desk, None, &["sync", "--json"]);
            assert!(
                out.status.success(),
                "{point} round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let store = Store::open(&desk.join("odop.sqlite3")).unwrap();
        assert_eq!(
            store.sync_counts().unwrap().pending,
            0,
            "{point}: the outbox drained in two rounds"
        );
        let server = server_rows(&*ledger, &account);
        assert_eq!(server.len(), 30, "{point}: every row exactly once");
        for (id, fields) in &before {
            let (version, on_server) = &server[id];
            assert_eq!(
                on_server, fields,
                "{point}: {id} reached the server as edited"
            );
            let expected = 1 + updates.get(id).copied().unwrap_or(0);
            assert_eq!(*version, expected, "{point}: {id} applied once per edit");
        }
        let local = odop_store_view(&desk);
        let server_fields: BTreeMap<String, Value> =
            server.into_iter().map(|(id, (_, f))| (id, f)).collect();
        assert_eq!(local, server_fields, "{point}: the desk equals the server");
    }
}

fn odop_store_view(dir: &Path) -> BTreeMap<String, Value> {
    let store = Store::open(&dir.join("odop.sqlite3")).unwrap();
    store
        .versions(EntityKind::Product)
        .unwrap()
        .into_iter()
        .filter_map(|(id, _)| {
            let fields = store.fields(EntityKind::Product, &id).unwrap()?;
            Some((id, Value::Object(fields)))
        })
        .collect()
}
