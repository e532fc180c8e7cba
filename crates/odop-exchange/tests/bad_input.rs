//! Bad files give a clear error naming the problem, and the database stays as it was.

use std::path::{Path, PathBuf};

use odop_domain::{EntityKind, Id, Product};
use odop_exchange::{
    export_products, import_lgd, import_national, ExchangeError, Fate, ImportOptions, Problem,
};
use odop_store::{ProductFilter, Store};

mod support;
use support::{flag_of, sample};

const HEADER: &str = "State,Product,District,LGD Code,Category,Sector,Description,GI Status,Photo,Ministry/ Department\n";
const ROW: &str = "Uttar Pradesh,Gulabi Meenakari,Varanasi,187,Tertiary,Handicraft,Enamel on silver,No,,DC Handicraft\n";

/// What must not change when an import fails.
fn fingerprint(s: &Store) -> (u64, usize, usize) {
    (
        s.count(EntityKind::Product).unwrap(),
        s.outbox(usize::MAX).unwrap().len(),
        s.history(None, usize::MAX).unwrap().len(),
    )
}

fn import_bytes(
    s: &mut Store,
    name: &str,
    bytes: &[u8],
) -> Result<odop_exchange::ImportReport, ExchangeError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    import_national(s, &path, ImportOptions::new("test"))
}

fn refused(bytes: &[u8], name: &str, expect: &[&str]) {
    let mut s = sample();
    let before = fingerprint(&s);
    let err = import_bytes(&mut s, name, bytes).unwrap_err();
    let msg = err.to_string();
    for e in expect {
        assert!(msg.contains(e), "{msg:?} should mention {e:?}");
    }
    assert_eq!(err.code(), "bad_file");
    assert_eq!(fingerprint(&s), before, "the database changed");
}

#[test]
fn an_empty_file() {
    refused(b"", "empty.csv", &["empty.csv"]);
}

#[test]
fn a_truncated_file() {
    let text =
        format!("{HEADER}{ROW}Uttar Pradesh,Zari,Varanasi,187,Primary,Textile,\"Woven with gold");
    refused(text.as_bytes(), "cut.csv", &["cut.csv", "line 3"]);
}

#[test]
fn binary_garbage() {
    let mut bytes = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes.push(x as u8);
    }
    refused(&bytes, "garbage.csv", &["garbage.csv"]);
}

#[test]
fn a_truncated_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    let s = sample();
    export_products(&s, &ProductFilter::default(), &good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    refused(&bytes[..bytes.len() / 2], "half.xlsx", &["half.xlsx"]);
}

#[test]
fn wrong_columns() {
    refused(
        b"Name,Age,City\nAsha,30,Pune\n",
        "people.csv",
        &["people.csv", "State", "LGD Code"],
    );
}

#[test]
fn a_one_megabyte_cell_flags_its_row_and_keeps_the_others() {
    let mut s = sample();
    let huge = "x".repeat(1 << 20);
    let text =
        format!("{HEADER}{ROW}Uttar Pradesh,Zardozi,Varanasi,187,Other,Handicraft,{huge},No,,\n");
    let report = import_bytes(&mut s, "huge.csv", text.as_bytes()).unwrap();
    assert_eq!(report.summary.imported, 1);
    assert_eq!(report.summary.flagged, 1);
    let Fate::Flagged {
        column,
        code,
        reason,
        ..
    } = &report.rows[1].fate
    else {
        panic!("the huge row was not flagged: {:?}", report.rows[1])
    };
    assert_eq!(column.as_deref(), Some("Description"));
    assert_eq!(*code, Problem::TooLong);
    assert!(reason.contains("1048576 characters"), "{reason}");
    assert_eq!(report.rows[1].line, 3);
}

#[test]
fn rows_with_bad_values_are_flagged_by_column_and_the_rest_imported() {
    let mut s = sample();
    let text = format!(
        "{HEADER}{ROW}\
         Uttar Pradesh,Sitar,Varanasi,18x7,Primary,Handicraft,,No,,\n\
         Uttar Pradesh,Sitar,Varanasi,187,Best,Handicraft,,No,,\n\
         Uttar Pradesh,Sitar,Varanasi,187,Primary,Space,,No,,\n\
         Uttar Pradesh,Sitar,Varanasi,187,Primary,Handicraft,,Maybe,,\n\
         Uttar Pradesh,Sitar,Bhadohi,187,Primary,Handicraft,,No,,\n\
         Karnataka,Sitar,Varanasi,187,Primary,Handicraft,,No,,\n\
         Uttar Pradesh,,Varanasi,187,Primary,Handicraft,,No,,\n\
         Uttar Pradesh,Gulabi  meenakari,Varanasi,187,Tertiary,Handicraft,,No,,\n"
    );
    let report = import_bytes(&mut s, "mixed.csv", text.as_bytes()).unwrap();
    let problems: Vec<Option<(String, &str)>> = report
        .rows
        .iter()
        .map(|r| match &r.fate {
            Fate::Flagged { column, code, .. } => Some((column.clone()?, code.code())),
            _ => None,
        })
        .collect();
    let p = |column: &str, code| Some((column.to_owned(), code));
    assert_eq!(
        problems,
        vec![
            None,
            p("LGD Code", "bad_format"),
            p("Category", "unknown_value"),
            p("Sector", "unknown_value"),
            p("GI Status", "unknown_value"),
            p("LGD Code", "code_name_mismatch"),
            p("LGD Code", "code_in_other_state"),
            p("Product", "missing"),
            p("Product", "duplicate"),
        ]
    );
    assert_eq!(report.summary.flagged, 8);
    assert_eq!(report.summary.flagged_by["unknown_value"], 3);
    assert_eq!(report.summary.flagged_by.values().sum::<usize>(), 8);
    let Fate::Flagged { reason, .. } = &report.rows[8].fate else {
        unreachable!()
    };
    assert!(reason.contains("duplicate: line 2"), "{reason}");
    assert_eq!(report.summary.imported, 1);
}

#[test]
fn utf8_devanagari_beside_windows_1252_bytes_is_refused() {
    // A Hindi row saved as UTF-8, pasted into a sheet that Excel saved as Windows-1252.
    let mut bytes = format!("{HEADER}{ROW}").into_bytes();
    bytes.extend_from_slice(
        "Uttar Pradesh,बनारसी साड़ी,Varanasi,187,Other,Textile,,No,,\n".as_bytes(),
    );
    bytes.extend_from_slice(
        b"Uttar Pradesh,Caf\xe9 Masala,Varanasi,187,Other,Food Processing,,No,,\n",
    );
    refused(
        &bytes,
        "mixed.csv",
        &[
            "mixed.csv",
            "mixes text encodings",
            "line 3 is UTF-8",
            "line 4",
        ],
    );
}

#[test]
fn ascii_with_windows_1252_bytes_is_read_as_windows_1252_without_loss_of_rows() {
    let mut s = sample();
    // Text with one Windows-1252 byte (0xE9, é) cannot be UTF-8 as a whole.
    let mut bytes = format!("{HEADER}{ROW}").into_bytes();
    bytes.extend_from_slice(
        b"Uttar Pradesh,Caf\xe9 Masala,Varanasi,187,Other,Food Processing,,No,,\n",
    );
    let report = import_bytes(&mut s, "mixed.csv", &bytes).unwrap();
    assert_eq!(report.encoding, "windows-1252");
    assert_eq!(report.summary.imported, 2);
    let names: Vec<String> = s
        .products(&ProductFilter::default())
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(names.contains(&"Café Masala".to_owned()), "{names:?}");
}

#[test]
fn formula_strings_are_inert_in_exports_and_come_back_unchanged() {
    let mut s = sample();
    let hostile = [
        "=HYPERLINK(\"http://example.invalid\",\"click\")",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "<script>alert(1)</script>",
        "{{ product.name }} #set($x = 1)",
        "\u{202E}gnirts desrever",
    ];
    let mut edit = s.edit("test").unwrap();
    let mut ids = Vec::new();
    for (i, name) in hostile.iter().enumerate() {
        let p = Product {
            id: Id::new(),
            state: odop_domain::StateCode(9),
            district: odop_domain::DistrictCode(187),
            rank: odop_domain::Rank::Other,
            sector: odop_domain::Sector::from_slug("others"),
            name: (*name).to_owned(),
            local_name: None,
            description: format!("hostile {i}: {name}"),
            gi: Default::default(),
            photo: None,
            ministry: None,
        };
        ids.push(p.id);
        edit.put(&p).unwrap();
    }
    edit.commit().unwrap();

    let dir = tempfile::tempdir().unwrap();
    for file in ["out.csv", "out.xlsx"] {
        let path = dir.path().join(file);
        export_products(&s, &ProductFilter::default(), &path).unwrap();
        if file.ends_with(".csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.contains("'=HYPERLINK"),
                "the formula is not defused in the CSV"
            );
            assert!(!text.contains(",=HYPERLINK"), "a cell starts with =");
        }
        let mut copy = sample();
        let report =
            import_national(&mut copy, Path::new(&path), ImportOptions::new("test")).unwrap();
        assert_eq!(
            report.summary.flagged,
            0,
            "{file}: {:?}",
            report.flagged().collect::<Vec<_>>()
        );
        for id in &ids {
            assert_eq!(
                copy.get::<Product>(*id).unwrap(),
                s.get::<Product>(*id).unwrap(),
                "{file}"
            );
        }
    }
}

#[test]
fn a_second_row_for_the_same_product_id_is_flagged_and_the_file_imports_again_unchanged() {
    let mut s = sample();
    let terracotta = "7532954f-5ad4-5cab-910a-24bb8daed800";
    assert!(s
        .get::<Product>(terracotta.parse().unwrap())
        .unwrap()
        .is_some());
    let row = |name: &str| {
        format!("{terracotta},Uttar Pradesh,{name},Gorakhpur,148,Primary,Handicraft,Clay,No,,\n")
    };
    let text = format!(
        "ID,{HEADER}{}{}",
        row("Terracotta Horses"),
        row("Terracotta")
    );
    let report = import_bytes(&mut s, "twice.csv", text.as_bytes()).unwrap();
    let (column, code, reason) = flag_of(&report.rows[1].fate);
    assert_eq!((column, code), (Some("ID"), "duplicate"));
    assert!(reason.contains("line 2"), "{reason}");
    let product: Product = s.get(terracotta.parse().unwrap()).unwrap().unwrap();
    assert_eq!(product.name, "Terracotta Horses", "the first row stands");

    let before = fingerprint(&s);
    let again = import_bytes(&mut s, "twice.csv", text.as_bytes()).unwrap();
    assert_eq!((again.summary.imported, again.summary.changed), (0, 0));
    assert_eq!(fingerprint(&s), before);
}

#[test]
fn moving_a_product_onto_the_name_another_product_of_that_district_has_is_flagged() {
    // Metal Craft of Moradabad, by its ID, renamed and moved to Lucknow, whose Chikankari exists.
    let mut s = sample();
    let metal_craft = "fae14236-62f8-5c50-8ead-208b082a787d";
    let chikankari = "255141f6-5c7d-5db1-ba65-6a82f2992907";
    let text = format!(
        "ID,{HEADER}{metal_craft},Uttar Pradesh,Chikankari,Lucknow,162,Primary,Textile,,No,,\n"
    );
    let before = fingerprint(&s);
    let report = import_bytes(&mut s, "moved.csv", text.as_bytes()).unwrap();
    let (column, code, reason) = flag_of(&report.rows[0].fate);
    assert_eq!((column, code), (Some("Product"), "duplicate"));
    assert!(
        reason.contains(chikankari),
        "{reason} should name {chikankari}"
    );
    assert_eq!(fingerprint(&s), before);
}

/// The LGD state and district lists with these rows under their headers, written in `dir`.
fn lgd_lists(dir: &Path, states: &str, districts: &str) -> (PathBuf, PathBuf) {
    let paths = (dir.join("states.csv"), dir.join("districts.csv"));
    let states = format!("State Code,State Name,State or UT\n{states}");
    std::fs::write(&paths.0, states).unwrap();
    let districts = format!("State Code,District Code,District Name\n{districts}");
    std::fs::write(&paths.1, districts).unwrap();
    paths
}

#[test]
fn lgd_lists_giving_a_code_twice_keep_the_first_row_and_import_again_unchanged() {
    let mut s = sample();
    let dir = tempfile::tempdir().unwrap();
    let (states, districts) = lgd_lists(
        dir.path(),
        "9,Uttar Pradesh,S\n9,U.P.,S\n",
        "9,143,Firozabad\n9,187,Varanasi\n9,143,Firozabad Nagar\n",
    );
    let report = import_lgd(&mut s, &states, &districts, "test", false).unwrap();
    let flagged: Vec<(usize, Option<&str>, &str)> = report
        .flagged
        .iter()
        .map(|r| {
            let (column, code, _) = flag_of(&r.fate);
            (r.line, column, code)
        })
        .collect();
    assert_eq!(
        flagged,
        vec![
            (3, Some("State Code"), "duplicate"),
            (4, Some("District Code"), "duplicate"),
        ]
    );
    let gazetteer = s.gazetteer().unwrap();
    let firozabad = gazetteer.district(odop_domain::DistrictCode(143)).unwrap();
    assert_eq!(firozabad.name, "Firozabad", "the first row stands");

    let again = import_lgd(&mut s, &states, &districts, "test", false).unwrap();
    let counts = again.counts;
    assert_eq!(
        (counts.states_changed, counts.districts_changed),
        (0, 0),
        "{counts:?}"
    );
}

/// A district whose records would be left in another state's district keeps its state, whether
/// the LGD lists or a direct write try to move it; one without records moves.
#[test]
fn a_district_holding_records_keeps_its_state() {
    let mut s = sample();
    let dir = tempfile::tempdir().unwrap();
    let states_csv = "9,Uttar Pradesh,S\n19,West Bengal,S\n";
    let (states, districts) = lgd_lists(dir.path(), states_csv, "19,999,Empty District\n");
    import_lgd(&mut s, &states, &districts, "test", false).unwrap();

    lgd_lists(
        dir.path(),
        states_csv,
        "9,319,Murshidabad\n9,999,Empty District\n",
    );
    let report = import_lgd(&mut s, &states, &districts, "test", false).unwrap();
    let [row] = &report.flagged[..] else {
        panic!("one row flagged: {report:?}");
    };
    let (column, code, reason) = flag_of(&row.fate);
    assert_eq!(
        (row.line, column, code),
        (2, Some("State Code"), "still_referred")
    );
    assert!(
        reason.contains("district 319") && reason.contains("product "),
        "{reason}"
    );
    assert_eq!(report.counts.districts_changed, 1, "{:?}", report.counts);
    let gazetteer = s.gazetteer().unwrap();
    let state_of = |code| {
        gazetteer
            .district(odop_domain::DistrictCode(code))
            .unwrap()
            .state
            .0
    };
    assert_eq!((state_of(319), state_of(999)), (19, 9));

    let mut murshidabad = gazetteer
        .district(odop_domain::DistrictCode(319))
        .unwrap()
        .clone();
    murshidabad.state = odop_domain::StateCode(9);
    let mut edit = s.edit("test").unwrap();
    let err = edit.put_places(&[], &[murshidabad]).unwrap_err();
    assert_eq!(err.code(), "still_referred", "{err}");
}
