//! Files told by their header: the real lists in `../shared/data`, and every kind's export read
//! back as the layout it was written in, then imported through that layout.

use odop_exchange::{export, import_layout, recognise, ImportOptions, Layout};

mod support;
use support::{data, sample};

#[test]
fn the_real_lists_are_told_apart() {
    for (file, layout) in [
        ("odop_products_v31_20250707.csv", Layout::National),
        ("gi_registered_india_2025-10.csv", Layout::Gi),
        ("lgd_states_2022-02.csv", Layout::LgdStates),
        ("lgd_districts_2022-12.csv", Layout::LgdDistricts),
    ] {
        assert_eq!(recognise(&data(file)).unwrap(), layout, "{file}");
    }
}

#[test]
fn every_export_is_told_as_its_own_layout_and_imports_back_unchanged() {
    let mut store = sample();
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let Some(kind) = layout.kind() else { continue };
        for extension in ["csv", "xlsx"] {
            let path = dir.path().join(format!("{}.{extension}", layout.word()));
            let rows = export(&store, kind, None, &path).unwrap();
            assert!(rows > 0, "{layout:?}");
            assert_eq!(recognise(&path).unwrap(), layout, "{}", path.display());
            let report =
                import_layout(&mut store, layout, &path, ImportOptions::new("test")).unwrap();
            assert_eq!(report.summary.merged, rows, "{}", path.display());
            assert_eq!(report.summary.changed, 0, "{}", path.display());
        }
    }
}

#[test]
fn an_lgd_list_alone_is_refused_naming_the_pair() {
    let mut store = sample();
    let path = data("lgd_states_2022-02.csv");
    let err = import_layout(
        &mut store,
        recognise(&path).unwrap(),
        &path,
        ImportOptions::new("test"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "lgd_alone");
    assert!(err.to_string().contains("--districts"), "{err}");
}
