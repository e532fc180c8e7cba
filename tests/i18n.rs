//! The interface's two languages say the same things: the same keys, the same placeholders,
//! Hindi written in Devanagari, and every key the UI asks for present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use odop_domain::{Action, Entity, Gap, Policy, Product, Seller, Story, Workshop};
use odop_e2e::repo_root;
use odop_store::Store;

fn dictionary(lang: &str) -> BTreeMap<String, String> {
    let path = repo_root().join(format!("ui/i18n/{lang}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `{name}` places in a string.
fn placeholders(text: &str) -> BTreeSet<&str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn without_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in text.chars() {
        match c {
            '{' => inside = true,
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn english_and_hindi_have_the_same_keys_and_placeholders() {
    let en = dictionary("en");
    let hi = dictionary("hi");
    let en_keys: BTreeSet<_> = en.keys().collect();
    // States' names are Hindi's alone: English shows the names of the LGD list the desk holds.
    let hi_keys: BTreeSet<_> = hi.keys().filter(|k| !k.starts_with("state.")).collect();
    assert_eq!(
        en_keys.symmetric_difference(&hi_keys).collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "keys in one language only"
    );
    assert!(
        !en.keys().any(|k| k.starts_with("state.")),
        "English names states as the LGD list does"
    );
    for (key, english) in &en {
        let hindi = &hi[key];
        assert!(
            !english.trim().is_empty() && !hindi.trim().is_empty(),
            "{key} is empty"
        );
        assert_eq!(
            placeholders(english),
            placeholders(hindi),
            "{key}: placeholders differ"
        );
    }
}

#[test]
fn hindi_is_written_in_devanagari() {
    for (key, hindi) in dictionary("hi") {
        let letters: Vec<char> = without_placeholders(&hindi)
            .chars()
            .filter(|c| c.is_alphabetic())
            .collect();
        if letters.is_empty() {
            continue;
        }
        assert!(
            letters
                .iter()
                .any(|c| ('\u{0900}'..='\u{097F}').contains(c)),
            "{key}: {hindi:?} has no Devanagari"
        );
    }
}

/// Keys the UI names literally: `t("key"` and `said("key"` in scripts and `data-i18n*="key"` in
/// the page.
fn keys_in(path: &Path, out: &mut BTreeSet<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for marker in [
        "t(\"",
        "said(\"",
        "data-i18n=\"",
        "data-i18n-placeholder=\"",
        "data-i18n-aria=\"",
        "[\"col.",
    ] {
        for (at, _) in text.match_indices(marker) {
            // `t(` alone, not the end of `select(` or `closest(`.
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &text[at + marker.len()..];
            let key: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
                .collect();
            if key.is_empty() {
                continue;
            }
            out.insert(if marker == "[\"col." {
                format!("col.{key}")
            } else {
                key
            });
        }
    }
}

fn scripts(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scripts(&path, out);
        } else if path.extension().is_some_and(|e| e == "js" || e == "html") {
            out.push(path);
        }
    }
}

#[test]
fn every_key_the_interface_asks_for_exists() {
    let en = dictionary("en");
    let mut files = Vec::new();
    scripts(&repo_root().join("ui"), &mut files);
    let mut keys = BTreeSet::new();
    for file in &files {
        keys_in(file, &mut keys);
    }
    assert!(
        keys.len() > 100,
        "only {} keys found: the scan is broken",
        keys.len()
    );
    let missing: Vec<_> = keys.iter().filter(|k| !en.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys used but not translated: {missing:?}"
    );
}

/// The string literals after each `=> ` in the body of the first `fn code(&self)` of a file.
fn codes_in(path: &str, out: &mut BTreeSet<String>) {
    codes_after(path, "", out);
}

/// The string literals after each `=> ` in the body of the first `fn code(&self)` after `marker`.
fn codes_after(path: &str, marker: &str, out: &mut BTreeSet<String>) {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    let (_, after) = text
        .split_once(marker)
        .unwrap_or_else(|| panic!("{path} has no {marker}"));
    let (_, body) = after
        .split_once("fn code(&self)")
        .unwrap_or_else(|| panic!("{path} has no fn code after {marker:?}"));
    let body = &body[..body.find("\n    }\n").expect("the end of fn code")];
    for arm in body.split("=> \"").skip(1) {
        out.insert(arm.split('"').next().unwrap().to_owned());
    }
}

/// The first string literal after each `marker` in a file.
fn literals_after(path: &Path, marker: &str, out: &mut BTreeSet<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    for (at, _) in text.match_indices(marker) {
        let rest = text[at + marker.len()..].trim_start();
        if let Some(rest) = rest.strip_prefix('"') {
            out.insert(rest.split('"').next().unwrap().to_owned());
        }
    }
}

#[test]
fn every_error_code_the_app_can_show_has_a_headline() {
    let en = dictionary("en");
    let mut codes = BTreeSet::new();
    for path in [
        "crates/odop-store/src/error.rs",
        "crates/odop-exchange/src/error.rs",
        "crates/odop-sync/src/error.rs",
        "crates/odop-brochure/src/error.rs",
    ] {
        codes_in(path, &mut codes);
    }
    for entry in std::fs::read_dir(repo_root().join("src-tauri/src")).unwrap() {
        let path = entry.unwrap().path();
        literals_after(&path, "CommandError::new(", &mut codes);
        literals_after(&path, "code: ", &mut codes);
    }
    assert!(
        codes.len() > 30,
        "only {} codes found: the scan is broken",
        codes.len()
    );
    let missing: Vec<_> = codes
        .iter()
        .filter(|c| !en.contains_key(&format!("error.code.{c}")))
        .collect();
    assert!(missing.is_empty(), "codes with no headline: {missing:?}");

    // What the server answers when it refuses a write.
    let mut refusals = BTreeSet::new();
    let push = repo_root().join("crates/odop-ledger/src/push.rs");
    literals_after(&push, "Refused::new(", &mut refusals);
    literals_after(&push, "Refused::named_by(", &mut refusals);
    literals_after(&push, "code: ", &mut refusals);
    // A place the server's LGD list lacks is refused with the code the place check gives.
    codes_in("crates/odop-domain/src/places.rs", &mut refusals);
    assert!(
        refusals.len() >= 5,
        "only {refusals:?} found: the scan is broken"
    );
    let missing: Vec<_> = refusals
        .iter()
        .filter(|c| !en.contains_key(&format!("sync.refusal.{c}")))
        .collect();
    assert!(
        missing.is_empty(),
        "refusal codes with no headline: {missing:?}"
    );
}

/// The strings under `prefix` are exactly one per code: none missing, and none left for a code
/// that is gone (`also` names keys that belong to no code, such as a sentence's parts).
fn one_string_per_code(prefix: &str, codes: &BTreeSet<String>, also: &[&str]) {
    let en = dictionary("en");
    let missing: Vec<_> = codes
        .iter()
        .filter(|c| !en.contains_key(&format!("{prefix}{c}")))
        .collect();
    assert!(missing.is_empty(), "{prefix}: no string for {missing:?}");
    let stale: Vec<_> = en
        .keys()
        .filter_map(|k| k.strip_prefix(prefix))
        .filter(|c| !also.contains(c) && !codes.contains(*c))
        .collect();
    assert!(stale.is_empty(), "{prefix}: strings for no code: {stale:?}");
}

#[test]
fn every_problem_an_import_can_flag_has_a_headline() {
    let mut codes = BTreeSet::new();
    codes_in("crates/odop-exchange/src/report.rs", &mut codes);
    assert!(
        codes.len() >= 15,
        "only {codes:?} found: the scan is broken"
    );
    // And no headline is left for a problem that no longer exists.
    one_string_per_code("import.problem.", &codes, &[]);
}

/// Every problem a form field can be refused for, and every rule a value can break, has a
/// sentence, so the form says it in the chosen language; and no sentence is left for a code that
/// is gone.
#[test]
fn every_field_problem_and_rule_has_a_sentence() {
    let mut problems = BTreeSet::new();
    codes_after(
        "crates/odop-domain/src/invalid.rs",
        "impl Invalid {",
        &mut problems,
    );
    literals_after(
        &repo_root().join("crates/odop-store/src/error.rs"),
        "\"problem\": ",
        &mut problems,
    );
    // A place the server's LGD lists lack, as a desk holding them says it: the place check's
    // code behind `server_` (`StoreError::form_detail`).
    let mut places = BTreeSet::new();
    codes_in("crates/odop-domain/src/places.rs", &mut places);
    problems.extend(places.iter().map(|c| format!("server_{c}")));
    let mut rules = BTreeSet::new();
    codes_after(
        "crates/odop-domain/src/invalid.rs",
        "impl Rule {",
        &mut rules,
    );
    assert!(
        problems.len() >= 12 && rules.len() >= 20,
        "only {problems:?} and {rules:?} found: the scan is broken"
    );
    one_string_per_code("field.problem.", &problems, &[]);
    one_string_per_code("field.rule.", &rules, &[]);
}

/// Every kind of disagreement with LGD an import reports has a sentence, so the report says it
/// in the chosen language; and no sentence is left for a kind that is gone.
#[test]
fn every_place_problem_has_a_sentence() {
    let text = std::fs::read_to_string(repo_root().join("crates/odop-domain/src/geo.rs")).unwrap();
    let (_, body) = text.split_once("pub enum PlaceProblem {").unwrap();
    let body = &body[..body.find("\n}\n").unwrap()];
    // The serialised kinds: the variants' names in snake case.
    let kinds: BTreeSet<String> = body
        .lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| {
            let name: String = l.chars().take_while(char::is_ascii_alphanumeric).collect();
            let mut kind = String::new();
            for c in name.chars() {
                if c.is_ascii_uppercase() && !kind.is_empty() {
                    kind.push('_');
                }
                kind.push(c.to_ascii_lowercase());
            }
            kind
        })
        .collect();
    assert!(kinds.len() >= 4, "only {kinds:?} found: the scan is broken");
    // `name_is_code` is the hint a name mismatch ends with.
    one_string_per_code("import.place.", &kinds, &["name_is_code"]);
}

/// Every field a sync conflict can name (a record's top-level field) has a label, so that the
/// Sync screen names it in the reader's language: the fields of the built-in sample's records
/// of every kind.
#[test]
fn every_field_a_conflict_can_name_has_a_label() {
    fn fields<E: Entity>(store: &Store, out: &mut BTreeSet<String>) -> usize {
        let records = store.list::<E>(None, None, 100_000, 0).unwrap();
        for r in &records {
            out.extend(r.to_fields().keys().cloned());
        }
        records.len()
    }
    let mut store = Store::open_in_memory().unwrap();
    store.load_sample("test").unwrap();
    let mut names = BTreeSet::new();
    let counts = [
        fields::<Product>(&store, &mut names),
        fields::<Seller>(&store, &mut names),
        fields::<Workshop>(&store, &mut names),
        fields::<Story>(&store, &mut names),
        fields::<Gap>(&store, &mut names),
        fields::<Action>(&store, &mut names),
        fields::<Policy>(&store, &mut names),
    ];
    assert!(
        counts.iter().all(|&n| n > 0),
        "the sample lacks a kind: {counts:?}"
    );
    names.remove("id");
    let en = dictionary("en");
    let missing: Vec<&String> = names
        .iter()
        .filter(|f| !en.contains_key(&format!("field.{f}")))
        .collect();
    assert!(missing.is_empty(), "fields without a label: {missing:?}");
}

/// Every state and union territory of the LGD list, as the desk's own import reads it, has its
/// name in Hindi, and Hindi names no code the list does not have.
#[test]
fn every_lgd_state_has_a_hindi_name() {
    let data = odop_e2e::shared_data();
    let mut store = Store::open_in_memory().unwrap();
    odop_exchange::import_lgd(
        &mut store,
        &data.join("lgd_states_2022-02.csv"),
        &data.join("lgd_districts_2022-12.csv"),
        "test",
        false,
    )
    .unwrap();
    let lgd: BTreeSet<String> = store
        .gazetteer()
        .unwrap()
        .states()
        .iter()
        .map(|s| format!("state.{}", s.code.0))
        .collect();
    assert!(lgd.len() >= 36, "{} states read", lgd.len());
    let hi = dictionary("hi");
    let named: BTreeSet<String> = hi
        .keys()
        .filter(|k| k.starts_with("state."))
        .cloned()
        .collect();
    assert_eq!(
        lgd.symmetric_difference(&named).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "states named in Hindi against the LGD list"
    );
}

#[test]
fn every_reason_to_compare_everything_has_a_sentence() {
    let reasons: BTreeSet<String> = odop_store::Resync::ALL
        .iter()
        .map(|r| {
            serde_json::to_value(r)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    one_string_per_code("sync.resync.", &reasons, &[]);
}

/// The app names the states in Hindi from its dictionary, the printed documents from the
/// domain's table: the two give every state the same name.
#[test]
fn the_app_and_the_documents_name_the_states_alike_in_hindi() {
    let hi = dictionary("hi");
    let mut named = 0;
    for (key, name) in &hi {
        let Some(code) = key
            .strip_prefix("state.")
            .and_then(|c| c.parse::<u16>().ok())
        else {
            continue;
        };
        assert_eq!(
            odop_domain::StateCode(code).hindi_name(),
            Some(name.as_str()),
            "{key}"
        );
        named += 1;
    }
    assert_eq!(
        named, 36,
        "the app names {named} states, not the LGD list's 36"
    );
    // And none the app lacks.
    for code in 1..=40u16 {
        if odop_domain::StateCode(code).hindi_name().is_some() {
            assert!(hi.contains_key(&format!("state.{code}")), "state {code}");
        }
    }
}
