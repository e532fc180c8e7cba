//! Seller lists: import, merge by id or by name within a district, export and back.

use odop_domain::{EntityKind, Id, Seller};
use odop_exchange::{export_sellers, import_sellers, Fate, ImportOptions};
use odop_store::Store;

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.load_sample("test").unwrap();
    s
}

const HEADER: &str = "Name,Kind,State,District,LGD Code,Phone,GSTIN,Products,GeM,ONDC,Packaging\n";

#[test]
fn a_seller_list_imports_with_its_problems_flagged_by_column() {
    let mut s = store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sellers.csv");
    let text = format!(
        "{HEADER}\
         Meena Devi,weaver,Uttar Pradesh,Varanasi,187,9876543210,,Banarasi Silk Saree,,Onboarded,needed\n\
         Ravi Traders,trader,Uttar Pradesh,Varanasi,187,,,,,,\n\
         Bad Tax,msme,Uttar Pradesh,Varanasi,187,,09AAACK1234M1ZZ,,,,\n\
         Nowhere,msme,Uttar Pradesh,Varanasi,999,,,,,,\n\
         Lost Link,msme,Uttar Pradesh,Varanasi,187,,,Teapots,,,\n\
         Lalita Devi,weaver,Uttar Pradesh,Varanasi,187,+91 98390 44556,,Banarasi Silk Saree,In Progress,onboarded,needed\n"
    );
    std::fs::write(&path, text).unwrap();
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    let problems: Vec<Option<(&str, &str)>> = report
        .rows
        .iter()
        .map(|r| match &r.fate {
            Fate::Flagged { column, code, .. } => Some((column.as_deref()?, code.code())),
            _ => None,
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            None,
            Some(("Kind", "unknown_value")),
            Some(("GSTIN", "bad_format")),
            Some(("LGD Code", "unknown_code")),
            Some(("Products", "unknown_product")),
            None
        ]
    );
    assert!(matches!(report.rows[0].fate, Fate::Imported { .. }));
    // Lalita Devi is in the sample: her row merges into that record.
    match &report.rows[5].fate {
        Fate::Merged { id, .. } => assert_eq!(*id, Id::derived("sample", "s-lalita").to_string()),
        other => panic!("expected a merge, got {other:?}"),
    }
    let meena: Vec<Seller> = s.list(None, None, 100, 0).unwrap();
    let meena = meena.iter().find(|x| x.name == "Meena Devi").unwrap();
    assert_eq!(meena.products, vec![Id::derived("sample", "banarasi")]);
    assert_eq!(meena.onboarding.len(), 1);
}

#[test]
fn sellers_export_and_import_back_unchanged() {
    let mut s = store();
    let dir = tempfile::tempdir().unwrap();
    for file in ["sellers.csv", "sellers.xlsx"] {
        let path = dir.path().join(file);
        let n = export_sellers(&s, None, &path).unwrap();
        assert_eq!(n as u64, s.count(EntityKind::Seller).unwrap());
        let outbox = s.outbox(usize::MAX).unwrap().len();
        let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
        assert_eq!(
            report.summary.flagged,
            0,
            "{:?}",
            report.flagged().collect::<Vec<_>>()
        );
        assert_eq!(report.summary.merged, n);
        assert_eq!(report.summary.changed, 0);
        assert_eq!(s.outbox(usize::MAX).unwrap().len(), outbox);
    }
}
