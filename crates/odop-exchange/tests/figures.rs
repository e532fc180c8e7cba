//! Figures side by side, every state's or one state's districts, written as sheets to pass on.

use calamine::{open_workbook, Data, Reader, Xlsx};
use odop_domain::{Date, DistrictCode, Policy, PolicyStatus, State, StateCode, StateKind};
use odop_exchange::{
    export_district_figures, export_state_figures, DISTRICT_FIGURE_COLUMNS, STATE_FIGURE_COLUMNS,
};
use odop_store::Store;

fn sample() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.load_sample("tester").unwrap();
    store
}

fn today() -> Date {
    "2027-02-01".parse().unwrap()
}

#[test]
fn each_state_is_a_row_whose_figures_add_up_in_the_sheet() {
    let store = sample();
    let figures = store.state_figures(today()).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let csv = dir.path().join("states.csv");
    assert_eq!(export_state_figures(&store, today(), &csv).unwrap(), 5);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), STATE_FIGURE_COLUMNS.join(","));
    let up = lines.find(|l| l.starts_with("Uttar Pradesh,")).unwrap();
    let row = figures.iter().find(|r| r.state == StateCode(9)).unwrap();
    assert_eq!(
        up,
        format!(
            "Uttar Pradesh,9,{},{},{},{},{},{},{},{},{},{},{},{},Notified",
            row.districts,
            row.districts_covered,
            row.without_primary,
            row.products,
            row.gi_products,
            row.sellers,
            row.sellers_onboarded,
            row.packaging_needed,
            row.workshops,
            row.stories,
            row.open_gaps,
            row.overdue_actions
        )
    );
    assert_eq!(row.overdue_actions, 1, "judged on the day given");

    let xlsx = dir.path().join("states.xlsx");
    assert_eq!(export_state_figures(&store, today(), &xlsx).unwrap(), 5);
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("States").unwrap();
    let products = STATE_FIGURE_COLUMNS
        .iter()
        .position(|c| *c == "Products")
        .unwrap();
    let mut sum = 0.0;
    for r in 1..=5 {
        match sheet.get_value((r, products as u32)) {
            Some(Data::Float(n)) => sum += n,
            other => panic!("row {r}'s products are {other:?}, not a number"),
        }
        assert!(matches!(sheet.get_value((r, 0)), Some(Data::String(_))));
        assert!(matches!(sheet.get_value((r, 1)), Some(Data::String(_))));
    }
    assert_eq!(sum as u64, store.stats(None).unwrap().products);
}

#[test]
fn a_hostile_state_name_is_written_as_text() {
    let mut store = sample();
    let code = StateCode(10);
    let mut edit = store.edit("tester").unwrap();
    edit.put_places(
        &[State {
            code,
            name: "=HYPERLINK(\"http://x.test\",\"click\")".into(),
            local_name: None,
            kind: StateKind::State,
            aliases: vec![],
        }],
        &[odop_domain::District {
            code: DistrictCode(199),
            state: code,
            name: "Bhagalpur".into(),
            aliases: vec![],
        }],
    )
    .unwrap();
    edit.put(&Policy {
        id: Policy::id_for(code),
        state: code,
        status: PolicyStatus::Drafting,
        reference: None,
        notified_on: None,
        note: String::new(),
    })
    .unwrap();
    edit.commit().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("states.csv");
    assert_eq!(export_state_figures(&store, today(), &csv).unwrap(), 6);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("\"'=HYPERLINK(") && l.ends_with(",Being drafted")),
        "{text}"
    );
    let xlsx = dir.path().join("states.xlsx");
    export_state_figures(&store, today(), &xlsx).unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let formulas = book.worksheet_formula("States").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}

#[test]
fn each_district_of_a_state_is_a_row_whose_figures_add_up_in_the_sheet() {
    let mut store = sample();
    let up = StateCode(9);
    // A district of the LGD list without a product, named as a formula.
    let mut edit = store.edit("tester").unwrap();
    edit.put_places(
        &[],
        &[odop_domain::District {
            code: DistrictCode(150),
            state: up,
            name: "=HYPERLINK(\"http://x.test\",\"click\")".into(),
            aliases: vec![],
        }],
    )
    .unwrap();
    edit.commit().unwrap();
    let rows = store.district_figures(up, today()).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let csv = dir.path().join("districts.csv");
    assert_eq!(
        export_district_figures(&store, up, today(), &csv).unwrap(),
        rows.len()
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), DISTRICT_FIGURE_COLUMNS.join(","));
    let varanasi = rows.iter().find(|r| r.name == "Varanasi").unwrap();
    assert!(
        text.lines().any(|l| l
            == format!(
                "Varanasi,187,{},Yes,{},{},{},{},{},{},{}",
                varanasi.products,
                varanasi.gi_products,
                varanasi.sellers,
                varanasi.sellers_onboarded,
                varanasi.packaging_needed,
                varanasi.workshops,
                varanasi.open_gaps,
                varanasi.overdue_actions
            )),
        "{text}"
    );
    // The district without a product has nothing to rank, and its name stays text.
    assert!(
        text.lines()
            .any(|l| l.starts_with("\"'=HYPERLINK(") && l.contains(",150,0,,")),
        "{text}"
    );

    let xlsx = dir.path().join("districts.xlsx");
    export_district_figures(&store, up, today(), &xlsx).unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("Districts").unwrap();
    let sellers = DISTRICT_FIGURE_COLUMNS
        .iter()
        .position(|c| *c == "Sellers")
        .unwrap();
    let mut sum = 0.0;
    for r in 1..=rows.len() as u32 {
        match sheet.get_value((r, sellers as u32)) {
            Some(Data::Float(n)) => sum += n,
            other => panic!("row {r}'s sellers are {other:?}, not a number"),
        }
    }
    assert_eq!(sum as u64, store.stats(Some(up)).unwrap().sellers);
    let formulas = book.worksheet_formula("Districts").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
}
