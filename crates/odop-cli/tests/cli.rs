//! The `odop` binary as a script or a person uses it, on a temporary data directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Odop {
    dir: tempfile::TempDir,
}

impl Odop {
    fn new() -> Odop {
        Odop {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_odop"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env_remove("ODOP_DATA_DIR")
            .env("ODOP_USER", "cli-test")
            .output()
            .unwrap()
    }

    /// Runs with `--json` and expects success.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "odop {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Imports the LGD lists from `../shared/data`; returns the report.
    fn import_lgd(&self) -> Value {
        self.json(&[
            "import",
            "lgd",
            "--states",
            data("lgd_states_2022-02.csv").to_str().unwrap(),
            "--districts",
            data("lgd_districts_2022-12.csv").to_str().unwrap(),
        ])
    }
}

/// This package's folder, asked of cargo at run time: a test built from another checkout that
/// shares the target directory would otherwise read that checkout's files.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn data(name: &str) -> PathBuf {
    let p = manifest_dir().join("../../../shared/data").join(name);
    assert!(p.exists(), "missing shared data file {}", p.display());
    p
}

#[test]
fn a_department_officers_day_from_the_command_line() {
    let odop = Odop::new();
    let init = odop.json(&["init", "--sample"]);
    assert_eq!(init["sample_records"], 30);

    let lgd = odop.import_lgd();
    assert_eq!(lgd["districts_read"], 763);

    let report_path = odop.dir.path().join("report.json");
    let report = odop.json(&[
        "import",
        "national",
        data("odop_products_v31_20250707.csv").to_str().unwrap(),
        "--report",
        report_path.to_str().unwrap(),
    ]);
    assert_eq!(report["summary"]["rows"], 1241);
    let written: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    assert_eq!(written["rows"].as_array().unwrap().len(), 1241);

    // Search in English and Hindi.
    let hits = odop.json(&["search", "chikan"]);
    assert!(hits
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["title"].as_str().unwrap().contains("Chikankari")));
    let hits = odop.json(&["search", "बनारसी"]);
    assert!(!hits.as_array().unwrap().is_empty());

    // Add a seller, then an edit that records only the changed field.
    let added = odop.json(&[
        "add",
        "seller",
        "district=187",
        "name=Asha Weavers SHG",
        "kind=SHG",
        "contact.phone=+91 98765 43210",
        "onboarding.ondc=onboarded",
    ]);
    let id = added["record"]["id"].as_str().unwrap().to_owned();
    assert_eq!(added["record"]["state"], 9);
    let edited = odop.json(&["edit", "seller", &id, "packaging=needed"]);
    assert_eq!(
        edited["outcome"]["fields"],
        serde_json::json!(["packaging"])
    );
    let history = odop.json(&["history", &id]);
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["who"], "cli-test");
    // The state's history starts with the same two changes; another state's has neither.
    let up = odop.json(&["history", "--state", "9", "--limit", "2"]);
    assert_eq!(up, history);
    let gujarat = odop.json(&["history", "--state", "24"]);
    assert!(!gujarat.as_array().unwrap().is_empty());
    assert!(gujarat
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["state"] == 24 && e["row_id"] != id.as_str()));
    // An unknown state is refused as `stats --state` refuses it.
    let unknown = odop.run(&["history", "--state", "99"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("99"));

    let stats = odop.json(&["stats", "--state", "9"]);
    assert!(stats["products"].as_u64().unwrap() > 100);
    assert_eq!(
        stats["sellers"], 5,
        "four sample sellers of Uttar Pradesh and the new one"
    );
    // Every seller is at one stage of packaging, the work needed first.
    let packaging = stats["sellers_packaging"].as_array().unwrap();
    let counted: u64 = packaging.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, 5);
    assert_eq!(packaging[0]["key"], "needed");
    // Every state side by side: the rows add up to the country's figures.
    let country = odop.json(&["stats"]);
    let rows = odop.json(&["stats", "--by-state", "--today", "2027-02-01"]);
    let rows = rows.as_array().unwrap();
    assert!(rows.len() > 30, "{} states", rows.len());
    let sum = |key: &str| rows.iter().map(|r| r[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("products"), country["products"].as_u64().unwrap());
    assert_eq!(sum("sellers"), country["sellers"].as_u64().unwrap());
    let up = rows.iter().find(|r| r["state"] == 9).unwrap();
    assert_eq!(
        (&up["sellers"], &up["products"]),
        (&stats["sellers"], &stats["products"])
    );
    assert_eq!(up["overdue_actions"], 1, "the sample's packaging action");
    let table = String::from_utf8(odop.run(&["stats", "--by-state"]).stdout).unwrap();
    let line = table
        .lines()
        .find(|l| l.starts_with("Uttar Pradesh"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(line.ends_with("notified"), "{line}");
    assert!(
        table
            .lines()
            .rfind(|l| !l.is_empty())
            .unwrap()
            .starts_with(&format!("{} states", rows.len())),
        "{table}"
    );
    let refused = odop.run(&["stats", "--by-state", "--state", "9"]);
    assert_eq!(refused.status.code(), Some(2), "one state or all, not both");
    // One state's districts side by side: every LGD district of it, adding up to its figures.
    let districts = odop.json(&[
        "stats",
        "--state",
        "9",
        "--by-district",
        "--today",
        "2027-02-01",
    ]);
    let districts = districts.as_array().unwrap();
    let all = odop.json(&["list", "districts", "--state", "9", "--limit", "1000"]);
    assert_eq!(districts.len(), all.as_array().unwrap().len());
    let sum = |key: &str| {
        districts
            .iter()
            .map(|r| r[key].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(sum("products"), stats["products"].as_u64().unwrap());
    assert_eq!(sum("sellers"), 5);
    assert_eq!(sum("overdue_actions"), 1, "the sample's packaging action");
    let varanasi = districts.iter().find(|r| r["name"] == "Varanasi").unwrap();
    assert_eq!(varanasi["has_primary"], true);
    let table =
        String::from_utf8(odop.run(&["stats", "--state", "9", "--by-district"]).stdout).unwrap();
    assert!(table.starts_with("district"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("Varanasi")), "{table}");
    let refused = odop.run(&["stats", "--by-district"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a state's districts: which state?"
    );
    let sheet = odop.dir.path().join("districts.csv");
    let wrote = odop.json(&[
        "export",
        "districts",
        sheet.to_str().unwrap(),
        "--state",
        "9",
    ]);
    assert_eq!(wrote["rows"].as_u64().unwrap(), districts.len() as u64);
    let text = std::fs::read_to_string(&sheet).unwrap();
    assert!(text.starts_with("District,District LGD Code,"), "{text}");
    let refused = odop.run(&["export", "districts", "x.csv"]);
    assert_eq!(refused.status.code(), Some(2), "which state's districts?");
    // The same rows as a spreadsheet to pass on.
    let sheet = odop.dir.path().join("states.xlsx");
    let wrote = odop.json(&["export", "states", sheet.to_str().unwrap()]);
    assert_eq!(wrote["rows"].as_u64().unwrap(), rows.len() as u64);
    assert!(sheet.exists());
    let refused = odop.run(&["export", "states", "x.csv", "--state", "9"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "every state or the records of one"
    );
    let refused = odop.run(&["export", "products", "x.csv", "--today", "2027-01-01"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a record export judges no day"
    );

    // Export and import back: nothing changes.
    let file = odop.dir.path().join("products.xlsx");
    let exported = odop.json(&["export", "products", file.to_str().unwrap()]);
    let rows = exported["rows"].as_u64().unwrap();
    let again = odop.json(&["import", "national", file.to_str().unwrap()]);
    assert_eq!(again["summary"]["rows"].as_u64().unwrap(), rows);
    assert_eq!(again["summary"]["changed"], 0);
    assert_eq!(again["summary"]["imported"], 0);

    let deleted = odop.json(&["delete", "seller", &id]);
    assert_eq!(deleted["deleted"], id.as_str());

    // Every other kind goes out to a workbook and comes back unchanged.
    for what in ["workshops", "stories", "gaps", "actions", "policies"] {
        let file = odop.dir.path().join(format!("{what}.xlsx"));
        let exported = odop.json(&["export", what, file.to_str().unwrap()]);
        assert!(exported["rows"].as_u64().unwrap() > 0, "{what}");
        let again = odop.json(&["import", what, file.to_str().unwrap()]);
        assert_eq!(again["summary"]["merged"], exported["rows"], "{what}");
        assert_eq!(again["summary"]["changed"], 0, "{what}");
    }
}

#[test]
fn errors_name_the_problem_and_exit_with_a_code_scripts_can_act_on() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);

    let bad_gstin = odop.run(&[
        "add",
        "seller",
        "district=187",
        "name=Broken",
        "kind=msme",
        "gstin=09AAACK1234M1ZZ",
    ]);
    assert_eq!(bad_gstin.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&bad_gstin.stderr);
    assert!(
        msg.contains("gstin") && msg.contains("check character"),
        "{msg}"
    );

    let missing = odop.run(&["show", "product", "01937b3c-0000-7000-8000-000000000000"]);
    assert_eq!(missing.status.code(), Some(4));

    let not_an_id = odop.run(&["--json", "show", "product", "nope"]);
    assert_eq!(not_an_id.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&not_an_id.stderr).unwrap();
    assert_eq!(err["error"]["code"], "invalid");

    let no_file = odop.run(&["import", "national", "/nonexistent/odop.csv"]);
    assert_eq!(no_file.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&no_file.stderr);
    assert!(msg.contains("/nonexistent/odop.csv"), "{msg}");
    // Each cause is said once, though the error's own message already names it.
    assert_eq!(msg.matches("No such file").count(), 1, "{msg}");
    let control = odop.run(&[
        "add",
        "seller",
        "district=187",
        "kind=msme",
        "name=Bell\u{7}",
    ]);
    let msg = String::from_utf8_lossy(&control.stderr);
    assert_eq!(msg.matches("control character").count(), 1, "{msg}");

    // A key the record does not have is a typo to be told of, not a change to drop.
    let typo = odop.run(&[
        "add",
        "seller",
        "district=187",
        "kind=msme",
        "name=Typo",
        "nmae=X",
    ]);
    assert_eq!(typo.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&typo.stderr);
    assert!(msg.contains("nmae") && msg.contains("not a field"), "{msg}");

    // Exported to standard output, the rows arrive alone, as a script piping them expects.
    let piped = odop.run(&["export", "sellers", "/dev/stdout"]);
    assert_eq!(piped.status.code(), Some(0));
    let rows = String::from_utf8_lossy(&piped.stdout);
    assert!(rows.starts_with("ID,Name,"), "{rows}");
    assert_eq!(
        rows.lines().count(),
        7,
        "a header and the six sellers: {rows}"
    );
    assert!(String::from_utf8_lossy(&piped.stderr).contains("wrote 6 rows"));

    // A server address that is no web address is the person's to fix, not the machine's.
    let ftp = odop.run(&["login", "--server", "ftp://odop.example", "--token", "t"]);
    assert_eq!(ftp.status.code(), Some(3));
    let msg = String::from_utf8_lossy(&ftp.stderr);
    assert!(
        msg.contains("server: \"ftp://odop.example\" is not an http"),
        "{msg}"
    );

    // A mistyped place code is an error, not an empty answer.
    for args in [
        &["stats", "--state", "99"][..],
        &["list", "products", "--district", "99999"],
        &["export", "products", "/dev/null", "--state", "99"],
    ] {
        let wrong = odop.run(args);
        assert_eq!(wrong.status.code(), Some(3), "{args:?}");
        let msg = String::from_utf8_lossy(&wrong.stderr);
        assert!(
            msg.contains("99") && msg.contains("not in the LGD"),
            "{args:?}: {msg}"
        );
    }

    let usage = odop.run(&["frobnicate"]);
    assert_eq!(usage.status.code(), Some(2));

    // Nothing above changed the database.
    let stats = odop.json(&["stats"]);
    assert_eq!(stats["sellers"], 6);
}

#[test]
fn a_database_from_a_newer_release_is_refused() {
    let odop = Odop::new();
    odop.json(&["init"]);
    let db = odop.dir.path().join("odop.sqlite3");
    bump_user_version(&db);
    let out = odop.run(&["stats"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer ODOP Desk"));
}

/// Sets SQLite's user_version (a big-endian u32 at byte 60 of the header) past this build's.
fn bump_user_version(db: &Path) {
    let mut bytes = std::fs::read(db).unwrap();
    assert!(bytes.len() >= 100, "not a SQLite file");
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(db, bytes).unwrap();
    // The WAL may still hold the header page; remove it so the file's header is what counts.
    let _ = std::fs::remove_file(db.with_extension("sqlite3-wal"));
}

#[test]
fn every_kind_is_added_edited_shown_and_deleted_through_the_form_path() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);
    let gaps = odop.json(&["list", "gaps", "--state", "9"]);
    let gap = gaps[0]["id"].as_str().unwrap().to_owned();

    // An action takes its gap's state when none is given, as in the app's form.
    let action = odop.json(&[
        "add",
        "action",
        &format!("gap={gap}"),
        "kind=packaging",
        "owner=District Industries Centre, Varanasi",
        "due=2027-01-31",
    ]);
    assert_eq!(action["record"]["state"], gaps[0]["state"]);
    let action_id = action["record"]["id"].as_str().unwrap().to_owned();

    let workshop = odop.json(&[
        "add",
        "workshop",
        "district=187",
        "date=2026-11-20",
        "venue=[Provisional] Trade Facilitation Centre",
        "attendance=85",
    ]);
    let workshop_id = workshop["record"]["id"].as_str().unwrap().to_owned();
    // Text that starts with a bracket is text, not JSON.
    assert_eq!(
        workshop["record"]["venue"],
        "[Provisional] Trade Facilitation Centre"
    );
    let story = odop.json(&[
        "add",
        "story",
        "district=187",
        "title=Looms that sell online",
        "text.en=Forty weavers now list on ONDC.",
        "text.hi=चालीस बुनकर अब ओएनडीसी पर बेचते हैं।",
    ]);
    let story_id = story["record"]["id"].as_str().unwrap().to_owned();
    let found = odop.json(&["search", "बुनकर", "--kind", "story"]);
    assert_eq!(found[0]["id"], story_id.as_str());

    for (kind, id, field) in [
        ("action", &action_id, "status=in_progress"),
        ("workshop", &workshop_id, "attendance=90"),
        ("story", &story_id, "title=Looms that sell on ONDC"),
    ] {
        let edited = odop.json(&["edit", kind, id, field]);
        let (key, _) = field.split_once('=').unwrap();
        assert_eq!(
            edited["outcome"]["fields"],
            serde_json::json!([key]),
            "{kind}"
        );
        let shown = odop.json(&["show", kind, id]);
        assert_eq!(shown["id"], id.as_str());
    }
    for (kind, id) in [
        ("action", &action_id),
        ("story", &story_id),
        ("workshop", &workshop_id),
    ] {
        odop.json(&["delete", kind, id]);
        assert_eq!(
            odop.run(&["show", kind, id]).status.code(),
            Some(4),
            "{kind}"
        );
    }
}

#[test]
fn product_lists_page_with_offset() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);
    let first_four = odop.json(&["list", "products", "--limit", "4"]);
    let next_two = odop.json(&["list", "products", "--limit", "2", "--offset", "2"]);
    assert_eq!(first_four.as_array().unwrap().len(), 4);
    assert_eq!(next_two[0]["id"], first_four[2]["id"]);
    assert_eq!(next_two[1]["id"], first_four[3]["id"]);
}

#[test]
fn sellers_are_listed_for_an_onboarding_drive() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);
    let all = odop.json(&["list", "sellers"]);
    let all = all.as_array().unwrap();
    let onboarded = |s: &Value, platform: &str| {
        s["onboarding"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["platform"] == platform && o["status"] == "onboarded")
    };
    let names = |list: &Value| -> Vec<String> {
        let mut names: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };
    let expect = |keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let mut names: Vec<String> = all
            .iter()
            .filter(|s| keep(s))
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect();
        names.sort();
        names
    };

    // Who in Uttar Pradesh is not on GeM yet, who is on ONDC, and the weavers.
    let not_on_gem = odop.json(&["list", "sellers", "--state", "9", "--not-on", "gem"]);
    assert_eq!(
        names(&not_on_gem),
        expect(&|s| s["state"] == 9 && !onboarded(s, "gem"))
    );
    assert!(!names(&not_on_gem).is_empty());
    let on_ondc = odop.json(&["list", "sellers", "--on", "ondc"]);
    assert_eq!(names(&on_ondc), expect(&|s| onboarded(s, "ondc")));
    assert!(!names(&on_ondc).is_empty());
    let weavers = odop.json(&["list", "sellers", "--kind", "weaver"]);
    assert_eq!(names(&weavers), expect(&|s| s["kind"] == "weaver"));
    // A packaging drive's list: who needs help with packaging, in one state and in all.
    for state in [None, Some(9u16)] {
        let code = state.map(|s| s.to_string());
        let mut args = vec!["list", "sellers", "--packaging", "needed"];
        args.extend(code.iter().flat_map(|c| ["--state", c.as_str()]));
        let needed = odop.json(&args);
        assert_eq!(
            names(&needed),
            expect(&|s| s["packaging"] == "needed" && state.is_none_or(|st| s["state"] == st))
        );
        assert!(!names(&needed).is_empty());
    }

    // A product's sellers, with the product's id as `show` gives it.
    let product = all
        .iter()
        .find_map(|s| s["products"].as_array().unwrap().first().cloned())
        .unwrap();
    let product = product.as_str().unwrap();
    let makers = odop.json(&["list", "sellers", "--product", product]);
    assert_eq!(
        names(&makers),
        expect(&|s| s["products"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == product))
    );

    // The same drive's list saved as a sheet: the listed sellers, in the list's order.
    let sheet = odop.dir.path().join("not-on-gem.csv");
    let sheet_arg = sheet.to_str().unwrap();
    odop.json(&[
        "export", "sellers", sheet_arg, "--state", "9", "--not-on", "gem",
    ]);
    let text = std::fs::read_to_string(&sheet).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let listed = odop.json(&["list", "sellers", "--state", "9", "--not-on", "gem"]);
    let mut listed_ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    let mut sorted_ids = ids.clone();
    sorted_ids.sort_unstable();
    listed_ids.sort_unstable();
    assert_eq!(sorted_ids, listed_ids);
    // Seller filters on another kind's export are a wrong command line; a wrong word, bad input.
    let wrong = odop.run(&["export", "products", sheet_arg, "--packaging", "needed"]);
    assert_eq!(wrong.status.code(), Some(2));
    let wrong = odop.run(&["export", "sellers", sheet_arg, "--packaging", "wrapped"]);
    assert_eq!(wrong.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrapped"));

    // A wrong word is refused by its option and its name, and nothing is listed.
    for (flag, word) in [
        ("--on", "gemm"),
        ("--not-on", "gemm"),
        ("--kind", "potter"),
        ("--packaging", "wrapped"),
    ] {
        let wrong = odop.run(&["list", "sellers", flag, word]);
        assert_eq!(wrong.status.code(), Some(3), "{flag}");
        let said = String::from_utf8_lossy(&wrong.stderr);
        assert!(said.starts_with(&format!("error: {flag}: ")), "{said}");
        assert!(said.contains(word), "{said}");
        assert!(wrong.stdout.is_empty());
    }
    // A malformed id, or two platform filters at once, is a wrong command line.
    let wrong = odop.run(&["list", "sellers", "--product", "not-an-id"]);
    assert_eq!(wrong.status.code(), Some(2));
    let wrong = odop.run(&["list", "sellers", "--on", "gem", "--not-on", "ondc"]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn overdue_actions_and_open_gaps_are_listed_for_a_follow_up() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);
    // The sample's one action is in progress and due on 2027-01-31.
    let overdue = |today: &str| {
        odop.json(&["list", "actions", "--overdue", "--today", today])
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(overdue("2027-01-31"), 0);
    assert_eq!(overdue("2027-02-01"), 1);
    let in_progress = odop.json(&["list", "actions", "--status", "in_progress"]);
    assert_eq!(in_progress.as_array().unwrap().len(), 1);
    assert_eq!(in_progress[0]["status"], "in_progress");
    assert_eq!(
        odop.json(&["list", "actions", "--status", "done", "--state", "9"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let bad = odop.run(&["list", "actions", "--status", "finished"]);
    assert_eq!(bad.status.code(), Some(3), "{bad:?}");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("finished"),
        "{bad:?}"
    );

    let open = odop.json(&["list", "gaps", "--open", "true"]);
    assert_eq!(open.as_array().unwrap().len(), 2);
    assert!(open.as_array().unwrap().iter().all(|g| g["open"] == true));
    // By kind, as the dashboard counts open gaps, and actions likewise.
    let packaging = odop.json(&["list", "gaps", "--open", "true", "--kind", "packaging"]);
    assert_eq!(packaging.as_array().unwrap().len(), 1, "{packaging}");
    assert_eq!(packaging[0]["kind"], "packaging");
    let actions = odop.json(&["list", "actions", "--kind", "packaging"]);
    assert_eq!(actions.as_array().unwrap().len(), 1, "{actions}");
    assert!(odop
        .json(&["list", "actions", "--kind", "state_policy"])
        .as_array()
        .unwrap()
        .is_empty());
    let bad = odop.run(&["list", "gaps", "--kind", "shipping"]);
    assert_eq!(bad.status.code(), Some(3), "{bad:?}");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("shipping"),
        "{bad:?}"
    );
    assert_eq!(
        odop.json(&["list", "gaps", "--open", "false"])
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // One owner's actions, however the owner is written: the sample's action belongs to
    // "District Industries Centre, Varanasi".
    let gap = format!("gap={}", packaging[0]["id"].as_str().unwrap());
    odop.json(&[
        "add",
        "action",
        &gap,
        "kind=packaging",
        "owner=DIC Varanasi",
        "status=open",
    ]);
    let owners = odop.json(&["list", "owners", "--state", "9"]);
    let owners = owners.as_array().unwrap();
    assert_eq!(owners.len(), 1, "{owners:?}");
    assert_eq!(owners[0]["name"], "DIC Varanasi");
    assert_eq!(
        (&owners[0]["to_do"], &owners[0]["actions"]),
        (&2.into(), &2.into())
    );
    let theirs = odop.json(&[
        "list",
        "actions",
        "--owner",
        "Varanasi district industry center",
    ]);
    assert_eq!(theirs.as_array().unwrap().len(), 2, "{theirs}");
    let nobody = odop.json(&["list", "actions", "--owner", "DIC Agra"]);
    assert!(nobody.as_array().unwrap().is_empty(), "{nobody}");
    let table = String::from_utf8(odop.run(&["list", "owners"]).stdout).unwrap();
    assert!(table.contains("     2      2  DIC Varanasi"), "{table}");
}

#[test]
fn a_report_or_export_that_cannot_be_written_exits_1_and_changes_nothing() {
    let odop = Odop::new();
    odop.json(&["init"]);
    odop.import_lgd();
    let nowhere = odop.dir.path().join("no-such-folder/report.json");
    let out = odop.run(&[
        "import",
        "national",
        data("odop_products_v31_20250707.csv").to_str().unwrap(),
        "--report",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("report.json"));
    assert_eq!(odop.json(&["stats"])["products"], 0);

    let out = odop.run(&[
        "export",
        "products",
        odop.dir
            .path()
            .join("no-such-folder/p.csv")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_gi_registry_names_the_products_the_national_list_only_marks() {
    let odop = Odop::new();
    // Before the registry is loaded, the check says how to load it.
    odop.import_lgd();
    let empty = odop.run(&["gi"]);
    assert!(empty.status.success());
    let said = String::from_utf8_lossy(&empty.stdout);
    assert!(said.contains("odop import gi FILE"), "{said}");

    odop.json(&[
        "import",
        "national",
        data("odop_products_v31_20250707.csv").to_str().unwrap(),
    ]);
    let loaded = odop.json(&[
        "import",
        "gi",
        data("gi_registered_india_2025-10.csv").to_str().unwrap(),
    ]);
    assert_eq!(loaded["summary"]["rows"], 696);
    assert_eq!(loaded["summary"]["flagged_by"]["unknown_state_name"], 39);

    // Jammu and Kashmir (LGD state 1): Kani Shawls is GI-tagged in the list, unnamed.
    let check = odop.json(&["gi", "--state", "1"]);
    let findings = check["check"]["findings"].as_array().unwrap();
    let kani = findings
        .iter()
        .find(|f| f["name"] == "Kani Shawls")
        .unwrap();
    assert_eq!(kani["issue"], "unnamed");
    assert_eq!(kani["candidates"][0]["name"], "Kani Shawl");
    let id = kani["product"].as_str().unwrap().to_owned();

    let people = odop.run(&["gi", "--state", "1"]);
    let said = String::from_utf8_lossy(&people.stdout);
    assert!(said.contains("Kani Shawls, Budgam"), "{said}");
    assert!(said.contains("[clear]"), "{said}");

    let list = odop.dir.path().join("gi-check.xlsx");
    let saved = odop.json(&["gi", "--state", "1", "--out", list.to_str().unwrap()]);
    assert_eq!(saved["rows"].as_u64(), Some(findings.len() as u64));
    assert!(list.is_file());

    let named = odop.json(&["gi", "--state", "1", "--name-them"]);
    let settled = named["named"].as_array().unwrap();
    assert!(settled.iter().any(|f| f["product"] == id.as_str()));
    // Only the state asked for was changed.
    assert!(settled.iter().all(|f| f["state"] == 1));
    let shown = odop.json(&["show", "product", &id]);
    assert_eq!(shown["gi"]["registry_name"], "Kani Shawl");
    assert_eq!(shown["sync"], "pending");
    let history = odop.json(&["history", &id]);
    assert!(history.as_array().unwrap().len() >= 2);

    let unknown = odop.run(&["gi", "--state", "99"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("99"));
}

#[test]
fn a_file_given_alone_is_imported_as_the_list_its_header_says() {
    let odop = Odop::new();
    odop.import_lgd();
    let national = data("odop_products_v31_20250707.csv");
    let out = odop.run(&["import", national.to_str().unwrap(), "--dry-run"]);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("national ODOP layout"), "{said}");
    let report = odop.json(&["import", national.to_str().unwrap()]);
    assert_eq!(report["summary"]["rows"], 1241);
    assert_eq!(report["summary"]["flagged"], 27);

    // One LGD list alone is not enough, and a file of no list is named.
    let states = data("lgd_states_2022-02.csv");
    let alone = odop.run(&["import", states.to_str().unwrap()]);
    assert_eq!(alone.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&alone.stderr).contains("--districts"));
    let other = odop.dir.path().join("colours.csv");
    std::fs::write(&other, "Colour,Size\nred,4\n").unwrap();
    let unknown = odop.run(&["import", other.to_str().unwrap()]);
    assert_eq!(unknown.status.code(), Some(3));
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains("colours.csv") && said.contains("cannot tell"),
        "{said}"
    );
}

#[test]
fn a_seller_recorded_twice_is_found_and_merged() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);
    let none = odop.run(&["duplicates"]);
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stdout).starts_with("no two sellers"));
    let sellers = odop.json(&["list", "sellers", "--state", "9"]);
    let first = sellers
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Kashi Silk Weavers Cooperative")
        .unwrap();
    let first_id = first["id"].as_str().unwrap().to_owned();
    let gstin = first["gstin"].as_str().unwrap().to_owned();

    // Another office's list brings the cooperative again, under another name.
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("sellers.csv");
    std::fs::write(
        &list,
        format!(
            "Name,Kind,State,District,LGD Code,Phone,GSTIN,Email\n\
             Kashi Silk Weavers Co-op Society,cooperative,Uttar Pradesh,Varanasi,187,,{gstin},kashi@example.in\n"
        ),
    )
    .unwrap();
    let imported = odop.run(&["import", "sellers", list.to_str().unwrap()]);
    assert!(imported.status.success());
    let said = String::from_utf8_lossy(&imported.stdout);
    assert!(
        said.contains(&format!("GSTIN {gstin} is also seller {first_id}'s")),
        "{said}"
    );
    assert!(said.contains("`odop duplicates` lists them"), "{said}");

    let found = odop.json(&["duplicates", "--state", "9"]);
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["mark"], "gstin");
    assert_eq!(found[0]["value"], gstin.as_str());
    let ids: Vec<&str> = found[0]["sellers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    let second_id = *ids.iter().find(|id| **id != first_id).unwrap();
    let listed = String::from_utf8_lossy(&odop.run(&["duplicates"]).stdout).into_owned();
    assert!(
        listed.contains(&format!("GSTIN {gstin} (state 9): 2 sellers")),
        "{listed}"
    );

    // The sample's record goes into the new one, which takes its products and platforms.
    let merged = odop.json(&["merge", "seller", &first_id, "--into", second_id]);
    assert_eq!(merged["kept"], second_id);
    assert_eq!(merged["gone"], first_id.as_str());
    let taken: Vec<&str> = merged["taken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        taken.contains(&"products") && taken.contains(&"contact.phone"),
        "{taken:?}"
    );
    assert!(!merged["renamed"].as_array().unwrap().is_empty());
    let kept = odop.json(&["show", "seller", second_id]);
    assert_eq!(kept["contact"]["email"], "kashi@example.in");
    assert_eq!(kept["products"], first["products"]);
    assert_eq!(odop.json(&["duplicates"]), serde_json::json!([]));

    // Merged once, the record is gone; a seller is never merged with itself or across states.
    let again = odop.run(&["merge", "seller", &first_id, "--into", second_id]);
    assert_eq!(again.status.code(), Some(4));
    let itself = odop.run(&["merge", "seller", second_id, "--into", second_id]);
    assert_eq!(itself.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&itself.stderr).contains("the same record"));
    let all = odop.json(&["list", "sellers"]);
    let far = all
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["state"] != 9)
        .unwrap();
    let across = odop.run(&[
        "merge",
        "seller",
        far["id"].as_str().unwrap(),
        "--into",
        second_id,
    ]);
    assert_eq!(across.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&across.stderr).contains("different states"));
    assert!(odop
        .run(&["show", "seller", far["id"].as_str().unwrap()])
        .status
        .success());

    // A seller added by hand with a phone another seller has is pointed out on stderr, and
    // the record still goes to stdout whole.
    let phone = kept["contact"]["phone"].as_str().unwrap();
    let added = odop.run(&[
        "--json",
        "add",
        "seller",
        "district=187",
        "name=Kashi Silk House",
        "kind=msme",
        &format!("contact.phone={phone}"),
    ]);
    assert!(added.status.success());
    let note = String::from_utf8_lossy(&added.stderr);
    assert!(
        note.starts_with("note: this seller shares its phone number ")
            && note.contains(&format!(
                "with Kashi Silk Weavers Co-op Society ({second_id})"
            )),
        "{note}"
    );
    let record: Value = serde_json::from_slice(&added.stdout).unwrap();
    assert_eq!(record["record"]["name"], "Kashi Silk House", "{record}");
}

#[test]
fn a_workshop_s_outcome_names_its_sellers_gaps_and_overdue_actions() {
    let odop = Odop::new();
    odop.json(&["init", "--sample"]);
    let workshops = odop.json(&["list", "workshops"]);
    let id = workshops[0]["id"].as_str().unwrap().to_owned();
    let outcome = odop.json(&["outcome", &id, "--today", "2027-02-01"]);
    assert_eq!(outcome["workshop"]["id"], id.as_str());
    assert_eq!(outcome["sellers_met"].as_array().unwrap().len(), 2);
    let gaps = outcome["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 2);
    let overdue: Vec<&Value> = gaps
        .iter()
        .flat_map(|g| g["actions"].as_array().unwrap())
        .filter(|a| a["overdue"] == true)
        .collect();
    assert_eq!(overdue.len(), 1);
    let text =
        String::from_utf8(odop.run(&["outcome", &id, "--today", "2027-02-01"]).stdout).unwrap();
    assert!(text.contains("gaps heard (2, 2 open)"), "{text}");
    assert!(text.contains("OVERDUE"), "{text}");
    assert!(text.contains("no action yet"), "{text}");
    // The day before the action fell due it is not overdue.
    let before =
        String::from_utf8(odop.run(&["outcome", &id, "--today", "2027-01-31"]).stdout).unwrap();
    assert!(!before.contains("OVERDUE"), "{before}");
    // The same gaps and actions through the lists.
    let gaps = odop.json(&["list", "gaps", "--workshop", &id]);
    assert_eq!(gaps.as_array().unwrap().len(), 2);
    let actions = odop.json(&["list", "actions", "--workshop", &id]);
    assert_eq!(actions.as_array().unwrap().len(), 1);
    let elsewhere = odop.json(&[
        "list",
        "gaps",
        "--workshop",
        "0193aaaa-0000-7000-8000-000000000000",
    ]);
    assert_eq!(elsewhere.as_array().unwrap().len(), 0);
    let bad = odop.run(&["list", "gaps", "--workshop", "not-an-id"]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("workshop"));
    let unknown = odop.run(&["outcome", "0193aaaa-0000-7000-8000-000000000000"]);
    assert_eq!(unknown.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no workshop has id"));
}
