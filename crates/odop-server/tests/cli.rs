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

/// A command's exit code, and what it printed on both streams.
fn said(db: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = server(db, args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// LGD lists of Uttar Pradesh and Bihar with a district each, and `more` district rows.
fn lgd_lists(dir: &std::path::Path, more: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let states = dir.join("states.csv");
    let districts = dir.join("districts.csv");
    std::fs::write(
        &states,
        "State Code,State Name,State or UT\n9,UTTAR PRADESH,S\n10,BIHAR,S\n",
    )
    .unwrap();
    std::fs::write(
        &districts,
        format!("State Code,District Code,District Name\n9,187,VARANASI\n10,230,ARARIA\n{more}"),
    )
    .unwrap();
    (states, districts)
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

#[test]
fn a_loaded_lgd_list_checks_the_state_of_a_new_account() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite3");
    let (states, districts) = lgd_lists(dir.path(), "99,1,NOWHERE\n");
    let say = |args: &[&str]| said(&db, args);
    let state_editor = |name: &str, state: &str| {
        let args = ["user", "add", "--name", name, "--role", "state-editor"];
        say(&[&args[..], &["--state", state]].concat())
    };

    // With no list, a state is taken unchecked, and the person is told so.
    let (code, text) = state_editor("early", "999");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("was not checked"), "{text}");

    // Two records, one in a district the lists will lack.
    {
        use odop_ledger::protocol::{Mutation, PushRequest, Role};
        use odop_ledger::{Account, Ledger, Token};
        let ledger = odop_ledger_sqlite::SqliteLedger::open(&db).unwrap();
        let dpiit = Account::new("dpiit", Role::Central, None).unwrap();
        ledger
            .insert_account(&dpiit, &Token::generate().unwrap().hash())
            .unwrap();
        let product = |seq: u64, district: u32| {
            let id = format!("01930000-0000-7000-8000-{seq:012}");
            let fields: [(&str, serde_json::Value); 6] = [
                ("id", id.clone().into()),
                ("state", 9.into()),
                ("district", district.into()),
                ("rank", "primary".into()),
                ("sector", "handloom".into()),
                ("name", format!("Product {seq}").into()),
            ];
            Mutation::create(seq, "product", &id, fields)
        };
        let request = PushRequest {
            client: "c-dpiit".into(),
            mutations: vec![product(1, 187), product(2, 188)],
        };
        ledger.push(&dpiit, &request).unwrap();
    }

    let import = |dry: bool| {
        let (s, d) = (states.to_str().unwrap(), districts.to_str().unwrap());
        let mut args = vec!["places", "import", "--states", s, "--districts", d];
        if dry {
            args.push("--dry-run");
        }
        say(&args)
    };
    let (code, text) = import(true);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("would hold 2 states and 2 districts"),
        "{text}"
    );
    assert!(
        text.contains("districts.csv line 4 (NOWHERE)") && text.contains("state 99"),
        "the row left out is named by file and line: {text}"
    );
    assert!(say(&["places", "show"]).1.contains("not checked"));

    let (code, text) = import(false);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("holds 2 states and 2 districts"), "{text}");
    assert!(
        text.contains("desks take the new lists at their next sync"),
        "{text}"
    );
    let shown = say(&["places", "show"]).1;
    assert!(
        shown
            .trim()
            .starts_with("2 states and 2 districts (tag 2s2d-"),
        "{shown}"
    );

    let (code, text) = state_editor("nowhere", "999");
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains("--state 999 is not in the server's LGD list"),
        "{text}"
    );
    let (code, text) = state_editor("bihar", "10");
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("not checked"), "{text}");
    let listed = say(&["user", "list"]).1;
    assert!(
        !listed.contains("nowhere") && listed.contains("bihar"),
        "{listed}"
    );

    // A file that is no list at all is refused naming it, and changes nothing.
    let garbage = dir.path().join("garbage.xlsx");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 255, 0, 7]).unwrap();
    let (code, text) = say(&[
        "places",
        "import",
        "--states",
        garbage.to_str().unwrap(),
        "--districts",
        districts.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("garbage.xlsx"), "{text}");
    assert_eq!(say(&["places", "show"]).1, shown, "nothing changed");

    // A file that gives no state changes nothing.
    std::fs::write(&states, "State Code,State Name\nx,NOWHERE\n").unwrap();
    let (code, text) = import(false);
    assert_eq!(code, Some(3), "{text}");
    assert_eq!(say(&["places", "show"]).1, shown, "nothing changed");

    let (code, text) = say(&["places", "clear"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(say(&["places", "show"]).1.contains("not checked"));
}

#[test]
fn the_gi_registry_is_loaded_on_the_server_against_its_lgd_lists() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite3");
    let say = |args: &[&str]| said(&db, args);
    let list = dir.path().join("gi.csv");
    std::fs::write(
        &list,
        "S.No,Geographical Indications,Goods,State,State 2\n\
         2,Banaras Brocades and Sarees,Handicraft,Uttar Pradesh,\n\
         17,Basmati,Agricultural,Uttar Predesh,Bihar\n\
         18,Basmati,Agricultural,Bihar,\n\
         40,Champagne,Foodstuff,France,\n",
    )
    .unwrap();
    let file = list.to_str().unwrap();

    // The states are matched by name, so the LGD lists come first.
    let (code, text) = say(&["gi", "import", file]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("odop-server places import"), "{text}");
    assert!(say(&["gi", "show"]).1.contains("no GI registry is held"));

    let (states, districts) = lgd_lists(dir.path(), "");
    let (s, d) = (states.to_str().unwrap(), districts.to_str().unwrap());
    let (code, text) = say(&["places", "import", "--states", s, "--districts", d]);
    assert_eq!(code, Some(0), "{text}");

    let (code, text) = say(&["gi", "import", file, "--dry-run"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("would hold 2 GI registry entries in 2 states and UTs, in place of 0: 4 rows read, 1 listing a GI again (kept once), 1 left out"),
        "{text}"
    );
    assert!(
        text.contains("line 5 (Champagne, France), column \"State\": France is no state or UT"),
        "{text}"
    );
    assert!(say(&["gi", "show"]).1.contains("no GI registry is held"));

    let (code, text) = say(&["gi", "import", file]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("desks take it at their next sync"), "{text}");
    let ledger = odop_ledger_sqlite::SqliteLedger::open(&db).unwrap();
    use odop_ledger::Ledger;
    let held = ledger.gi_registry().unwrap();
    let basmati = held.iter().find(|e| e.name == "Basmati").unwrap();
    assert_eq!(
        basmati.states,
        [odop_domain::StateCode(9), odop_domain::StateCode(10)]
    );
    let shown = say(&["gi", "show"]).1;
    assert!(
        shown.starts_with(&format!(
            "2 GI registry entries in 2 states and UTs (tag {}",
            odop_ledger::gi_tag(&held)
        )),
        "{shown}"
    );

    // A list of foreign GIs alone is refused, and the registry stays.
    std::fs::write(
        &list,
        "S.No,Geographical Indications,Goods,State\n40,Champagne,Foodstuff,France\n",
    )
    .unwrap();
    let (code, text) = say(&["gi", "import", file]);
    assert_eq!(code, Some(3), "{text}");
    assert!(text.contains("names no GI of a state or UT"), "{text}");
    assert_eq!(say(&["gi", "show"]).1, shown);
}
