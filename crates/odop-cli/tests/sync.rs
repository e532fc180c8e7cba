//! `odop login`, `sync`, `status`, `conflicts` and `refused` against a real server.

mod support;

use std::path::Path;
use std::process::Command;

use odop_ledger::{Account, Token};
use odop_protocol::Role;
use odop_store::Store;
use serde_json::Value;

fn odop(dir: &Path, user: &str, args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_odop"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .env("ODOP_USER", user)
        .env_remove("ODOP_CRASH_AT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        value,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn desk(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut store = Store::open(&dir.join("odop.sqlite3")).unwrap();
    support::places(&mut store, &[(187, "Varanasi")]);
}

/// A real server with one state editor's account, and a desk in `root/<name>` logged in to it.
struct LoggedIn {
    // The server runs on it; dropped with the test.
    _runtime: tokio::runtime::Runtime,
    ledger: std::sync::Arc<dyn odop_ledger::Ledger>,
    url: String,
    token: String,
    dir: std::path::PathBuf,
}

fn logged_in(root: &Path, name: &str, state: u16) -> LoggedIn {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (ledger, url) = support::server(&runtime, root);
    let token = Token::generate().unwrap();
    ledger
        .insert_account(
            &Account::new(name, Role::StateEditor, Some(state)).unwrap(),
            &token.hash(),
        )
        .unwrap();
    let dir = root.join(name);
    desk(&dir);
    let (ok, _, err) = odop(
        &dir,
        name,
        &["login", "--server", &url, "--token", &token.0],
    );
    assert!(ok, "{err}");
    LoggedIn {
        _runtime: runtime,
        ledger,
        url,
        token: token.0,
        dir,
    }
}

impl LoggedIn {
    /// Another account on the same server; gives its token.
    fn account(&self, name: &str, role: Role, state: Option<u16>) -> String {
        let token = Token::generate().unwrap();
        self.ledger
            .insert_account(&Account::new(name, role, state).unwrap(), &token.hash())
            .unwrap();
        token.0
    }

    /// Who the server says last wrote the row `id`, if it holds the row.
    fn author(&self, id: &str) -> Option<String> {
        let everyone = Account::new("reader", Role::Central, None).unwrap();
        let page = self.ledger.pull(&everyone, 0, 0, 1000).unwrap();
        page.changes.iter().find_map(|c| match c {
            odop_protocol::Change::Row { id: i, author, .. } if i == id => Some(author.clone()),
            _ => None,
        })
    }
}

/// Adds a handloom product in Varanasi from the command line as `who`; gives its id.
fn add_product(dir: &Path, who: &str, name: &str) -> String {
    let (ok, added, err) = odop(
        dir,
        who,
        &[
            "add",
            "product",
            "district=187",
            &format!("name={name}"),
            "rank=other",
            "sector=handloom",
        ],
    );
    assert!(ok, "{err}");
    added["record"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn two_desks_meet_a_conflict_and_settle_it_from_the_command_line() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let root = tempfile::tempdir().unwrap();
    let (ledger, url) = support::server(&runtime, root.path());
    let mut tokens = Vec::new();
    for (name, role, state) in [
        ("up-a", Role::StateEditor, Some(9)),
        ("dpiit", Role::Central, None),
    ] {
        let token = Token::generate().unwrap();
        ledger
            .insert_account(&Account::new(name, role, state).unwrap(), &token.hash())
            .unwrap();
        tokens.push(token.0);
    }
    let a = root.path().join("a");
    let b = root.path().join("b");
    desk(&a);
    desk(&b);

    // Before login, sync says what to do.
    let (ok, _, err) = odop(&a, "up-a", &["sync"]);
    assert!(!ok && err.contains("odop login"), "{err}");
    let (ok, who, err) = odop(
        &a,
        "up-a",
        &["login", "--server", &url, "--token", &tokens[0]],
    );
    assert!(ok, "{err}");
    assert_eq!(
        (who["name"].as_str(), who["state"].as_u64()),
        (Some("up-a"), Some(9))
    );
    let (ok, _, err) = odop(
        &b,
        "dpiit",
        &["login", "--server", &url, "--token", "odop_wrong"],
    );
    assert!(!ok && err.contains("unknown or revoked"), "{err}");
    assert!(
        odop(
            &b,
            "dpiit",
            &["login", "--server", &url, "--token", &tokens[1]]
        )
        .0
    );

    let (ok, added, err) = odop(
        &a,
        "up-a",
        &[
            "add",
            "product",
            "district=187",
            "name=Banarasi Saree",
            "rank=primary",
            "sector=handloom",
        ],
    );
    assert!(ok, "{err}");
    let id = added["record"]["id"].as_str().unwrap().to_owned();
    let (_, status, _) = odop(&a, "up-a", &["status"]);
    assert_eq!(status["counts"]["pending"], 1);
    assert_eq!(status["server_places"]["tag"], serde_json::Value::Null);
    assert!(odop(&a, "up-a", &["sync"]).0);
    // The server has no LGD lists loaded, and the desk now knows it.
    let (_, status, _) = odop(&a, "up-a", &["status"]);
    assert_eq!(
        status["server_places"],
        serde_json::json!({"tag": "none", "states": 0, "districts": 0})
    );
    assert!(odop(&b, "dpiit", &["sync"]).0);
    // Both change the rank offline; A syncs first.
    assert!(odop(&a, "up-a", &["edit", "product", &id, "rank=secondary"]).0);
    assert!(odop(&b, "dpiit", &["edit", "product", &id, "rank=tertiary"]).0);
    assert!(odop(&a, "up-a", &["sync"]).0);
    let (ok, report, err) = odop(&b, "dpiit", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(report["conflicts"], 1);
    let (_, list, _) = odop(&b, "dpiit", &["conflicts", "list"]);
    let conflict = list[0]["conflict"]["id"].as_str().unwrap().to_owned();
    assert_eq!(list[0]["mine"], "tertiary");
    assert_eq!(list[0]["theirs"], "secondary");
    assert_eq!(list[0]["title"], "Banarasi Saree");
    let (ok, _, err) = odop(&b, "dpiit", &["conflicts", "resolve", &conflict]);
    assert!(
        !ok && err.contains("--mine"),
        "a resolution needs a choice: {err}"
    );
    assert!(odop(&b, "dpiit", &["conflicts", "resolve", &conflict, "--mine"]).0);
    let (ok, _, err) = odop(
        &b,
        "dpiit",
        &["conflicts", "resolve", &conflict, "--theirs"],
    );
    assert!(!ok && err.contains("already settled"), "{err}");
    assert!(odop(&b, "dpiit", &["sync"]).0);
    assert!(odop(&a, "up-a", &["sync"]).0);
    let (_, shown, _) = odop(&a, "up-a", &["show", "product", &id]);
    assert_eq!(
        shown["rank"], "tertiary",
        "DPIIT's settlement reached the state"
    );
    assert_eq!(shown["sync"], "synced");
    let (_, all, _) = odop(&a, "up-a", &["conflicts", "list", "--all"]);
    assert_eq!(all[0]["conflict"]["resolved_by"], "dpiit");

    // A desk of UP that writes outside its state is refused, and can give the write up.
    assert!(odop(&a, "up-a", &["edit", "product", &id, "name=Renamed"]).0);
    ledger.revoke("up-a").unwrap();
    let (ok, _, err) = odop(&a, "up-a", &["sync"]);
    assert!(!ok && err.contains("unknown or revoked"), "{err}");
    let (_, status, _) = odop(&a, "up-a", &["status"]);
    assert_eq!(
        status["counts"]["pending"], 1,
        "nothing lost while refused at the door"
    );
    let (_, shown, _) = odop(&a, "up-a", &["show", "product", &id]);
    assert_eq!(shown["sync"], "pending");
    let (_, refused, _) = odop(&a, "up-a", &["refused", "list"]);
    assert_eq!(refused, serde_json::json!([]));
}

#[test]
fn a_refused_write_is_sent_again_from_the_command_line() {
    let root = tempfile::tempdir().unwrap();
    let desk = logged_in(root.path(), "bihar", 10);
    // The rest of `desk`, the server's runtime, lives to the end of the test.
    let dir = desk.dir;
    let (ok, _, err) = odop(
        &dir,
        "bihar",
        &[
            "add",
            "product",
            "district=187",
            "name=Banarasi Saree",
            "rank=primary",
            "sector=handloom",
        ],
    );
    assert!(ok, "{err}");
    let (_, report, _) = odop(&dir, "bihar", &["sync"]);
    assert_eq!(report["refused"], 1);
    let (_, refused, _) = odop(&dir, "bihar", &["refused", "list"]);
    assert_eq!(refused[0]["title"], "Banarasi Saree");
    let seq = refused[0]["seq"].as_i64().unwrap().to_string();

    let (ok, _, err) = odop(&dir, "bihar", &["refused", "resend", "999"]);
    assert!(!ok && err.contains("no refused write"), "{err}");
    let (ok, answer, err) = odop(&dir, "bihar", &["refused", "resend", &seq]);
    assert!(ok, "{err}");
    assert_eq!(answer["resent"].to_string(), seq);
    let (_, status, _) = odop(&dir, "bihar", &["status"]);
    assert_eq!(
        (&status["counts"]["pending"], &status["counts"]["refused"]),
        (&Value::from(1), &Value::from(0))
    );
    // The reason stands (Bihar still may not write Uttar Pradesh), so it is refused again.
    let (_, report, _) = odop(&dir, "bihar", &["sync"]);
    assert_eq!(
        (&report["pushed"], &report["refused"]),
        (&Value::from(1), &Value::from(1))
    );
}

#[test]
fn a_desk_restored_from_its_backup_gets_back_what_the_server_took_since() {
    back_to_a_backup(false);
}

/// A desk whose database file was copied back by hand knows nothing of it until the server,
/// asked to take other changes under numbers it answered, tells it that its history diverged.
#[test]
fn a_database_file_copied_back_by_hand_loses_no_change_made_after_it() {
    back_to_a_backup(true);
}

/// A desk goes back to a copy of its database taken with a change still unsent, after more
/// changes were synced; four more are made before it syncs again. Then every change is on
/// the server once, and the desk holds what the server holds. `by_hand`: the copy is the
/// database file itself, put back without `odop restore`.
fn back_to_a_backup(by_hand: bool) {
    let root = tempfile::tempdir().unwrap();
    let server = logged_in(root.path(), "up-a", 9);
    let a = server.dir.clone();
    let add = |name: &str| add_product(&a, "up-a", name);
    let kept = add("Kept Then Edited");
    let dropped = add("Deleted After The Backup");
    assert!(odop(&a, "up-a", &["sync"]).0);
    let unsent = add("Unsent At The Backup");

    let backup = root.path().join("monday.sqlite3");
    if by_hand {
        // No process has the database open: the last one to close it folded its log in.
        std::fs::copy(a.join("odop.sqlite3"), &backup).unwrap();
    } else {
        let (ok, taken, err) = odop(&a, "up-a", &["backup", backup.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert_eq!(taken["waiting"], 1, "{taken}");
    }

    // A day's work after the backup, all of it synced.
    assert!(odop(&a, "up-a", &["sync"]).0);
    let later = add("Added After The Backup");
    assert!(odop(&a, "up-a", &["edit", "product", &kept, "rank=secondary"]).0);
    assert!(odop(&a, "up-a", &["delete", "product", &dropped]).0);
    assert!(odop(&a, "up-a", &["sync"]).0);

    if by_hand {
        std::fs::copy(&backup, a.join("odop.sqlite3")).unwrap();
    } else {
        let (ok, restored, err) = odop(&a, "up-a", &["restore", backup.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert_eq!(restored["resync"], true);
        let before = restored["kept"]["path"].as_str().unwrap();
        assert!(Path::new(before).is_file(), "{restored}");
        let (_, status, _) = odop(&a, "up-a", &["status"]);
        assert_eq!(status["point"]["resync"], "rewound");
    }
    let (_, status, _) = odop(&a, "up-a", &["status"]);
    assert_eq!(status["counts"]["pending"], 1, "the backup's unsent change");
    let (_, shown, _) = odop(&a, "up-a", &["show", "product", &kept]);
    assert_eq!(shown["rank"], "other", "the desk is as the backup was");
    // Work goes on before the next sync. Numbered after the backup's last change, these
    // changes take numbers the server already answered for the changes made after the backup:
    // answered as replays, they would be dropped.
    for i in 1..=4 {
        add(&format!("Added After The Restore {i}"));
    }

    let (ok, report, err) = odop(&a, "up-a", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(report["resync"], "rewound", "{report}");
    assert_eq!(report["conflicts"], 0, "{report}");
    assert_eq!(report["refused"], 0, "{report}");
    let (_, shown, _) = odop(&a, "up-a", &["show", "product", &kept]);
    assert_eq!(
        shown["rank"], "secondary",
        "the edit after the backup came back"
    );
    assert_eq!(shown["sync"], "synced");
    assert!(odop(&a, "up-a", &["show", "product", &later]).0);
    assert!(odop(&a, "up-a", &["show", "product", &unsent]).0);
    let (found, _, _) = odop(&a, "up-a", &["show", "product", &dropped]);
    assert!(!found, "a record deleted after the backup stays deleted");
    let (_, status, _) = odop(&a, "up-a", &["status"]);
    assert_eq!(status["counts"]["pending"], 0);
    assert_eq!(status["point"]["resync"], Value::Null);

    // Nothing was taken twice or lost: a second desk pulls exactly these rows.
    let b = root.path().join("b");
    desk(&b);
    assert!(
        odop(
            &b,
            "up-a",
            &["login", "--server", &server.url, "--token", &server.token]
        )
        .0
    );
    assert!(odop(&b, "up-a", &["sync"]).0);
    let (_, on_b, _) = odop(&b, "up-a", &["list", "products"]);
    assert_eq!(on_b.as_array().map(Vec::len), Some(7), "{on_b}");
    let (_, listed, _) = odop(&a, "up-a", &["list", "products"]);
    let mut names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "Added After The Backup",
            "Added After The Restore 1",
            "Added After The Restore 2",
            "Added After The Restore 3",
            "Added After The Restore 4",
            "Kept Then Edited",
            "Unsent At The Backup"
        ]
    );
}

/// A desk restores only its own state's backups unless told to take another's work over; the
/// account it syncs as is learnt at login, or at the sync of a desk that never logged in.
#[test]
fn another_states_backup_is_refused_until_the_desk_takes_it_over() {
    let root = tempfile::tempdir().unwrap();
    let up = logged_in(root.path(), "up-a", 9);
    let bihar_token = up.account("bihar", Role::StateEditor, Some(10));
    let (_, status, _) = odop(&up.dir, "up-a", &["status"]);
    assert_eq!(status["account"]["state"], 9, "{status}");
    assert_eq!(status["account_state"], "Uttar Pradesh", "{status}");
    let said = Command::new(env!("CARGO_BIN_EXE_odop"))
        .arg("--data-dir")
        .arg(&up.dir)
        .arg("status")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(
        said.contains("syncs for: Uttar Pradesh (9) (account \"up-a\")\n"),
        "{said}"
    );

    // The Bihar desk never logs in: its first sync names the account.
    let bihar = root.path().join("bihar");
    desk(&bihar);
    let (ok, _, err) = odop(
        &bihar,
        "bihar",
        &["sync", "--server", &up.url, "--token", &bihar_token],
    );
    assert!(ok, "{err}");
    let (_, status, _) = odop(&bihar, "bihar", &["status"]);
    assert_eq!(status["account"]["name"], "bihar", "{status}");
    let backup = root.path().join("bihar-friday.sqlite3");
    assert!(odop(&bihar, "bihar", &["backup", backup.to_str().unwrap()]).0);

    let (_, before, _) = odop(&up.dir, "up-a", &["list", "products"]);
    let out = Command::new(env!("CARGO_BIN_EXE_odop"))
        .arg("--data-dir")
        .arg(&up.dir)
        .args(["restore", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "refused input");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("bihar-friday.sqlite3"), "{said}");
    assert!(said.contains("state 10 (account \"bihar\")"), "{said}");
    assert!(said.contains("Uttar Pradesh (9)"), "{said}");
    assert!(
        said.contains("hint: ") && said.contains("--take-over"),
        "{said}"
    );
    assert!(
        !up.dir.join("backups").exists(),
        "a refused restore keeps nothing, for it replaced nothing"
    );
    assert_eq!(odop(&up.dir, "up-a", &["list", "products"]).1, before);

    let (ok, restored, err) = odop(
        &up.dir,
        "up-a",
        &["restore", "--take-over", backup.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert_eq!(restored["from"]["account"]["state"], 10, "{restored}");
    let (_, status, _) = odop(&up.dir, "up-a", &["status"]);
    assert_eq!(
        status["account"]["name"], "up-a",
        "the desk goes on syncing as its own account"
    );
}

/// One desk, handed from one officer to another of the same state and then to DPIIT: each
/// login starts over with the server as a new client, so the desk's waiting change goes up
/// under the new account and the desk ends up holding what the new account reads.
#[test]
fn a_desk_handed_to_another_account_syncs_as_that_account() {
    let root = tempfile::tempdir().unwrap();
    let up = logged_in(root.path(), "up-a", 9);
    let tokens = [
        up.account("up-b", Role::StateEditor, Some(9)),
        up.account("dpiit", Role::Central, None),
    ];
    let add = |who: &str, name: &str| add_product(&up.dir, who, name);
    let first = add("up-a", "Synced By The First Officer");
    assert!(odop(&up.dir, "up-a", &["sync"]).0);
    let waiting = add("up-a", "Waiting When The Desk Changed Hands");

    let (ok, login, err) = odop(
        &up.dir,
        "up-b",
        &["login", "--server", &up.url, "--token", &tokens[0]],
    );
    assert!(ok, "{err}");
    assert_eq!(
        (&login["name"], &login["starts_over"]),
        (&Value::from("up-b"), &Value::from(true)),
        "{login}"
    );
    let again = odop(
        &up.dir,
        "up-b",
        &["login", "--server", &up.url, "--token", &tokens[0]],
    );
    assert_eq!(
        again.1["starts_over"], false,
        "the same account logging in again"
    );
    let later = add("up-b", "Added By The Second Officer");
    let (ok, report, err) = odop(&up.dir, "up-b", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(report["refused"], 0, "{report}");
    let (_, status, _) = odop(&up.dir, "up-b", &["status"]);
    assert_eq!(status["counts"]["pending"], 0, "{status}");
    assert_eq!(status["account"]["name"], "up-b", "{status}");
    assert_eq!(up.author(&first).as_deref(), Some("up-a"));
    assert_eq!(up.author(&waiting).as_deref(), Some("up-b"));
    assert_eq!(up.author(&later).as_deref(), Some("up-b"));

    // Handed to DPIIT with a change waiting that was made for Uttar Pradesh: the login says so
    // and changes nothing, until told to take the change over.
    let for_up = add("up-b", "Waiting When DPIIT Logged In");
    let login_dpiit = |extra: &[&str]| {
        let mut args = vec!["login", "--server", &up.url, "--token", &tokens[1]];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_odop"))
            .arg("--data-dir")
            .arg(&up.dir)
            .args(&args)
            .output()
            .unwrap()
    };
    let refused = login_dpiit(&[]);
    assert_eq!(refused.status.code(), Some(3));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("1 change(s) not yet sent")
            && said.contains("Uttar Pradesh (9) (account \"up-b\")")
            && said.contains("every state (account \"dpiit\")")
            && said.contains("--take-over"),
        "{said}"
    );
    let (_, status, _) = odop(&up.dir, "up-b", &["status"]);
    assert_eq!(
        status["account"]["name"], "up-b",
        "nothing changed: {status}"
    );
    assert!(login_dpiit(&["--take-over"]).status.success());
    let (ok, report, err) = odop(&up.dir, "dpiit", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(
        (&report["refused"], &report["resync"]),
        (&Value::from(0), &Value::from("rewound")),
        "{report}"
    );
    assert_eq!(up.author(&for_up).as_deref(), Some("dpiit"));
}

/// A desk whose database does not know the account it synced as (a login by an older
/// release), then given another account's token: its next round asks the server who the token
/// is and starts over as a new client, instead of failing on a client id another account holds.
#[test]
fn a_desk_that_changed_hands_unnoticed_starts_over_at_its_next_sync() {
    let root = tempfile::tempdir().unwrap();
    let up = logged_in(root.path(), "up-a", 9);
    let token = up.account("up-b", Role::StateEditor, Some(9));
    let add = |name: &str| add_product(&up.dir, "up-b", name);
    add("Synced By The First Officer");
    assert!(odop(&up.dir, "up-a", &["sync"]).0);
    let waiting = add("Waiting Unnoticed");
    // What an older release left behind: settings for the new account, no account noted.
    rusqlite::Connection::open(up.dir.join("odop.sqlite3"))
        .unwrap()
        .execute("DELETE FROM meta WHERE key = 'desk_account'", [])
        .unwrap();
    let mut settings = odop_sync::Settings::load(&up.dir).unwrap().unwrap();
    settings.token = token;
    settings.save(&up.dir).unwrap();

    let (ok, report, err) = odop(&up.dir, "up-b", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(report["resync"], "rewound", "{report}");
    let (_, status, _) = odop(&up.dir, "up-b", &["status"]);
    assert_eq!(status["counts"]["pending"], 0, "{status}");
    assert_eq!(status["account"]["name"], "up-b", "{status}");
    assert_eq!(up.author(&waiting).as_deref(), Some("up-b"));
}

/// A desk that synced with one server, logged in to another: refused, naming both, until told
/// to move its work there; moved, it sends that server every record it lacks, as its new
/// account's, and keeps its own records.
#[test]
fn a_desk_moves_its_work_to_another_server_only_when_told() {
    let root = tempfile::tempdir().unwrap();
    let first = logged_in(root.path(), "up-a", 9);
    let synced = add_product(&first.dir, "up-a", "Synced With The First Server");
    assert!(odop(&first.dir, "up-a", &["sync"]).0);
    let waiting = add_product(&first.dir, "up-a", "Waiting At The Move");

    let elsewhere = root.path().join("second-server");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let (ledger, url) = support::server(&first._runtime, &elsewhere);
    let token = Token::generate().unwrap();
    ledger
        .insert_account(
            &Account::new("up-new", Role::StateEditor, Some(9)).unwrap(),
            &token.hash(),
        )
        .unwrap();
    let login = |extra: &[&str]| {
        let mut args = vec!["login", "--server", &url, "--token", &token.0];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_odop"))
            .arg("--data-dir")
            .arg(&first.dir)
            .args(&args)
            .output()
            .unwrap()
    };
    let refused = login(&[]);
    assert_eq!(refused.status.code(), Some(3));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains(&format!("this desk synced with {}", first.url))
            && said.contains(&format!("logged in to {url}"))
            && said.contains("--take-over"),
        "{said}"
    );
    let (_, status, _) = odop(&first.dir, "up-a", &["status"]);
    assert_eq!(
        (&status["server"], &status["account"]["name"]),
        (&Value::from(first.url.as_str()), &Value::from("up-a")),
        "a refused login changed nothing: {status}"
    );

    assert!(login(&["--take-over"]).status.success());
    let (ok, report, err) = odop(&first.dir, "up-new", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(report["resync"], "restored", "{report}");
    assert_eq!(report["refused"], 0, "{report}");
    for id in [&synced, &waiting] {
        assert!(
            odop(&first.dir, "up-new", &["show", "product", id]).0,
            "{id} left the desk"
        );
    }
    let everyone = Account::new("reader", Role::Central, None).unwrap();
    let there = ledger.pull(&everyone, 0, 0, 1000).unwrap().changes;
    for id in [&synced, &waiting] {
        assert!(
            there.iter().any(|c| matches!(
                c,
                odop_protocol::Change::Row { id: i, author, .. } if i == id && author == "up-new"
            )),
            "{id} did not reach the second server"
        );
    }
}

/// `odop` without `--json`, as a person reads it: (ok, stdout, stderr).
fn odop_text(dir: &Path, user: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_odop"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("ODOP_USER", user)
        .env_remove("ODOP_CRASH_AT")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn dpiits_desk_loads_the_gi_registry_and_a_state_desk_takes_it_at_sync() {
    let root = tempfile::tempdir().unwrap();
    let up = logged_in(root.path(), "up", 9);
    let token = up.account("dpiit", Role::Central, None);
    let dpiit = root.path().join("dpiit");
    desk(&dpiit);
    let (ok, _, err) = odop(
        &dpiit,
        "dpiit",
        &["login", "--server", &up.url, "--token", &token],
    );
    assert!(ok, "{err}");

    let list = root.path().join("gi.csv");
    std::fs::write(
        &list,
        "S.No,Geographical Indications,Goods,State\n\
         2,Banaras Brocades and Sarees,Handicraft,Uttar Pradesh\n\
         17,Basmati,Agricultural,Uttar Pradesh\n",
    )
    .unwrap();
    let (ok, _, said) = odop_text(&dpiit, "dpiit", &["import", "gi", list.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert!(
        said.contains("the next sync sends this registry to the server"),
        "{said}"
    );
    let (_, status, _) = odop_text(&dpiit, "dpiit", &["status"]);
    assert!(
        status.contains("GI registry: 2 entries, loaded here, sent to the server at the next sync"),
        "{status}"
    );
    let (ok, sent, err) = odop(&dpiit, "dpiit", &["sync"]);
    assert!(ok, "{err}");
    assert_eq!(sent["gi"][0]["did"], "sent", "{sent}");
    assert_eq!(sent["gi"][0]["entries"], 2, "{sent}");
    assert_eq!(up.ledger.gi_registry().unwrap().len(), 2);

    let (ok, took, err) = odop_text(&up.dir, "up", &["sync"]);
    assert!(ok, "{err}");
    assert!(
        took.contains("took DPIIT's GI registry from the server (2 entries)"),
        "{took}"
    );
    let (_, status, _) = odop_text(&up.dir, "up", &["status"]);
    assert!(status.contains("GI registry: 2 entries\n"), "{status}");
    let (ok, check, err) = odop(&up.dir, "up", &["gi", "--state", "9"]);
    assert!(ok, "{err}");
    assert_eq!(check["check"]["registry_loaded"], true, "{check}");
    assert_eq!(check["check"]["entries"], 2, "{check}");
    assert_eq!(check["check"]["held"]["source"], "server", "{check}");
    let (_, said, _) = odop_text(&up.dir, "up", &["gi", "--state", "9"]);
    assert!(
        said.contains("the registry is DPIIT's, from the server, since 20"),
        "{said}"
    );

    // A shorter list says what it would leave out, before anything changes.
    std::fs::write(
        &list,
        "S.No,Geographical Indications,Goods,State\n17,Basmati,Agricultural,Uttar Pradesh\n",
    )
    .unwrap();
    let (ok, said, err) = odop_text(
        &dpiit,
        "dpiit",
        &["import", "gi", list.to_str().unwrap(), "--dry-run"],
    );
    assert!(ok, "{err}");
    assert!(
        said.contains(
            "the registry held 2 entries; this list leaves out 1 of them: Banaras Brocades and Sarees\n"
        ),
        "{said}"
    );
}

#[test]
fn a_new_desk_that_only_logs_in_and_syncs_can_list_its_states_districts() {
    let root = tempfile::tempdir().unwrap();
    let up = logged_in(root.path(), "up", 9);
    add_product(&up.dir, "up", "Zari Zardozi");
    let (ok, _, err) = odop(&up.dir, "up", &["sync"]);
    assert!(ok, "{err}");
    up.ledger
        .set_named_places(
            &odop_ledger::Places {
                states: [9].into(),
                districts: [(187, 9), (188, 9)].into(),
            },
            &odop_ledger::PlaceNames {
                states: [(
                    9,
                    ("UTTAR PRADESH".to_owned(), odop_ledger::StateKind::State),
                )]
                .into(),
                districts: [(187, "VARANASI".to_owned()), (188, "BHADOHI".to_owned())].into(),
            },
        )
        .unwrap();

    // Another officer of the state, on a new computer: no LGD lists, only the server.
    let token = up.account("up-2", Role::StateEditor, Some(9));
    let fresh = root.path().join("fresh");
    let (ok, _, err) = odop(
        &fresh,
        "up-2",
        &["login", "--server", &up.url, "--token", &token],
    );
    assert!(ok, "{err}");
    let (ok, said, err) = odop_text(&fresh, "up-2", &["sync"]);
    assert!(ok, "{err}");
    assert!(
        said.contains("3 states and districts this desk's LGD lists lacked were added"),
        "{said}"
    );
    let (ok, districts, err) = odop(&fresh, "up-2", &["list", "districts", "--state", "9"]);
    assert!(ok, "{err}");
    let names: Vec<&str> = districts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(names, ["Bhadohi", "Varanasi"], "{districts}");
    let (ok, products, err) = odop(&fresh, "up-2", &["list", "products", "--state", "9"]);
    assert!(ok, "{err}");
    assert_eq!(products[0]["name"], "Zari Zardozi", "{products}");
    // The first desk, whose own list held Varanasi alone, learns Bhadohi.
    let (ok, _, err) = odop(&up.dir, "up", &["sync"]);
    assert!(ok, "{err}");
    let (_, districts, _) = odop(&up.dir, "up", &["list", "districts", "--state", "9"]);
    assert_eq!(districts.as_array().unwrap().len(), 2, "{districts}");
}
