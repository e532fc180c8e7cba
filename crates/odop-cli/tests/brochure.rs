//! `odop brochure` as a person or a script runs it, on the built-in sample.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn odop(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_odop"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ODOP_DATA_DIR")
        .env("ODOP_USER", "cli-test")
        .output()
        .unwrap()
}

fn ok_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = odop(dir, &all);
    assert!(
        out.status.success(),
        "odop {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pdf_text(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn brochures_of_a_product_a_district_and_a_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_json(d, &["init", "--sample"]);
    let products = ok_json(d, &["list", "products", "--district", "187"]);
    let banarasi = products
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Banarasi Silk Saree")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let file = d.join("banarasi.pdf");
    let done = ok_json(
        d,
        &[
            "brochure",
            "--product",
            &banarasi,
            "--lang",
            "both",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(done["pages"], 1);
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-"));
    let text = pdf_text(&file);
    for want in [
        "Banarasi Silk Saree",
        "बनारसी साड़ी",
        "हथकरघा",
        "Lalita Devi",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }

    let file = d.join("varanasi.pdf");
    let out = odop(
        d,
        &[
            "brochure",
            "--district",
            "187",
            "--lang",
            "hi",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 pages"));
    assert!(pdf_text(&file).contains("लकड़ी के खिलौने"));

    // A state by name as well as by code.
    let file = d.join("up.pdf");
    let done = ok_json(
        d,
        &[
            "brochure",
            "--state",
            "Uttar Pradesh",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(done["pages"], 10);
    assert!(pdf_text(&file).contains("Contents"));
}

#[test]
fn brochure_errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_json(d, &["init", "--sample"]);
    let out_file = d.join("x.pdf");
    let out = out_file.to_str().unwrap();

    let unknown = odop(d, &["brochure", "--district", "999999", "--out", out]);
    assert_eq!(unknown.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("999999"));

    let no_subject = odop(d, &["brochure", "--out", out]);
    assert_eq!(no_subject.status.code(), Some(2));
    let bad_lang = odop(
        d,
        &["brochure", "--state", "9", "--lang", "fr", "--out", out],
    );
    assert_eq!(bad_lang.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_lang.stderr).contains("en, hi or both"));

    // A department's template with a mistake: refused, with the file and line, and no PDF.
    std::fs::write(d.join("brochure.typ"), "= Brochure\n\n#nonexistent()\n").unwrap();
    let broken = odop(d, &["--json", "brochure", "--state", "9", "--out", out]);
    assert_eq!(broken.status.code(), Some(3));
    let err: Value = serde_json::from_slice(&broken.stderr).unwrap();
    assert_eq!(err["error"]["code"], "template");
    let msg = err["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("brochure.typ") && msg.contains("line 3"),
        "{msg}"
    );
    assert!(!out_file.exists());
}

/// Prints with `odop brochure ARGS` (the last being `--out FILE`): one page holding every
/// `wanted` text, which is returned.
fn one_page(dir: &Path, args: &[&str], wanted: &[&str]) -> String {
    let mut all = vec!["brochure"];
    all.extend_from_slice(args);
    let done = ok_json(dir, &all);
    assert_eq!(done["pages"], 1);
    let text = pdf_text(Path::new(args[args.len() - 1]));
    for want in wanted {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    text
}

#[test]
fn a_workshops_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_json(d, &["init", "--sample"]);
    let workshops = ok_json(d, &["list", "workshops"]);
    let id = workshops[0]["id"].as_str().unwrap().to_owned();
    let file = d.join("report.pdf");
    let out = file.to_str().unwrap();

    let text = one_page(
        d,
        &["--workshop", &id, "--today", "2026-12-01", "--out", out],
        &[
            "ODOP Sampark workshop report",
            "Trade Facilitation Centre, Varanasi",
            "Sellers met (2)",
            "Gaps heard (2)",
            "Design a shared folding box",
            "As it stands on 1 December 2026",
        ],
    );
    assert!(!text.contains("Overdue"), "{text}");

    // The day after the packaging action fell due; a restyled brochure does not touch it.
    std::fs::write(d.join("brochure.typ"), "#nonexistent()\n").unwrap();
    let done = ok_json(
        d,
        &[
            "brochure",
            "--workshop",
            &id,
            "--lang",
            "hi",
            "--today",
            "2027-02-01",
            "--out",
            out,
        ],
    );
    assert_eq!(done["pages"], 1);
    let text = pdf_text(&file);
    assert!(text.contains("समय बीती"), "{text}");

    // A department's own report template is found beside its data.
    std::fs::write(
        d.join("workshop.typ"),
        "#let data = json(\"/data.json\")\n#set text(font: sys.inputs.fonts)\n\
         Minutes: #data.workshop.figures.sellers_met sellers\n",
    )
    .unwrap();
    ok_json(d, &["brochure", "--workshop", &id, "--out", out]);
    assert!(pdf_text(&file).contains("Minutes: 2 sellers"));

    let unknown = odop(
        d,
        &[
            "brochure",
            "--workshop",
            "0190a000-0000-7000-8000-000000000000",
            "--out",
            out,
        ],
    );
    assert_eq!(unknown.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no workshop has id"));
    let malformed = odop(d, &["brochure", "--workshop", "w-1", "--out", out]);
    assert_eq!(malformed.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&malformed.stderr).contains("w-1"));
}

#[test]
fn a_states_actions_to_review_and_stories() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_json(d, &["init", "--sample"]);
    let file = d.join("review.pdf");
    let out = file.to_str().unwrap();
    one_page(
        d,
        &[
            "--actions",
            "Uttar Pradesh",
            "--today",
            "2027-02-01",
            "--out",
            out,
        ],
        &[
            "Actions to review",
            "District Industries Centre, Varanasi (1, 1 overdue)",
            "Individual weavers ship sarees",
            "Overdue",
        ],
    );
    // One owner's review, asked for by its short name; an owner none of the actions names is
    // refused by that name.
    one_page(
        d,
        &["--actions", "9", "--owner", "DIC Varanasi", "--out", out],
        &["District Industries Centre, Varanasi (1"],
    );
    let nobody = odop(
        d,
        &[
            "brochure",
            "--actions",
            "9",
            "--owner",
            "DIC Agra",
            "--out",
            out,
        ],
    );
    assert_eq!(nobody.status.code(), Some(4), "not found");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("DIC Agra"));
    let alone = odop(
        d,
        &[
            "brochure", "--state", "9", "--owner", "DIC Agra", "--out", out,
        ],
    );
    assert_eq!(
        alone.status.code(),
        Some(2),
        "--owner goes with --actions alone"
    );
    // The state's success stories, and a state with none.
    one_page(
        d,
        &["--stories", "9", "--lang", "both", "--out", out],
        &["From the loom to ONDC", "Kashi Silk Weavers Cooperative"],
    );
    let none = odop(d, &["brochure", "--stories", "Gujarat", "--out", out]);
    assert_eq!(none.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no success stories"));
    let unknown = odop(d, &["brochure", "--actions", "Atlantis", "--out", out]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Atlantis"));
}

#[test]
fn progress_reports_of_a_state_and_of_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok_json(d, &["init", "--sample"]);
    let file = d.join("figures.pdf");
    let out = file.to_str().unwrap();
    // The figures, then the districts side by side.
    let up = ok_json(
        d,
        &[
            "brochure",
            "--figures",
            "Uttar Pradesh",
            "--today",
            "2027-02-01",
            "--out",
            out,
        ],
    );
    assert_eq!(up["pages"], 2, "{up}");
    let text = pdf_text(&file);
    for want in [
        "ODOP progress report",
        "Uttar Pradesh",
        "Sellers onboarded, by platform",
        "Notified",
        "The districts side by side",
        "Varanasi",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    // No state: every state's, on a second, landscape page side by side.
    let all = ok_json(d, &["brochure", "--figures", "--out", out]);
    assert_eq!(all["pages"], 2, "{all}");
    let text = pdf_text(&file);
    assert!(
        text.contains("The states side by side") && text.contains("West Bengal"),
        "{text}"
    );
    // An owner belongs to a review alone; a state nobody knows is named.
    let owner = odop(
        d,
        &["brochure", "--figures", "9", "--owner", "DIC", "--out", out],
    );
    assert_eq!(owner.status.code(), Some(2));
    let unknown = odop(d, &["brochure", "--figures", "Atlantis", "--out", out]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Atlantis"));
}
