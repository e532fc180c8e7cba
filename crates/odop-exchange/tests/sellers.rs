//! Seller lists: import, merge by id or by name within a district, export and back.

use odop_domain::{EntityKind, Id, Onboarding, OnboardingStatus, Platform, Seller, SellerMark};
use odop_exchange::{export_sellers, import_sellers, Fate, ImportOptions};
use odop_store::Store;

mod support;
use support::{flag_of, sample};

const HEADER: &str = "Name,Kind,State,District,LGD Code,Phone,GSTIN,Products,GeM,ONDC,Packaging\n";

#[test]
fn a_seller_list_imports_with_its_problems_flagged_by_column() {
    let mut s = sample();
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
    let mut s = sample();
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

/// A sample seller with something in every part a short list might leave out.
fn lalita_filled_in(s: &mut Store) -> Seller {
    let id = Id::derived("sample", "s-lalita");
    let mut lalita: Seller = s.get(id).unwrap().unwrap();
    lalita.contact.email = Some("lalita@example.org".into());
    lalita.contact.address = Some("Lallapura, Varanasi".into());
    lalita.udyam = Some("UDYAM-UP-74-0012345".parse().unwrap());
    lalita.onboarding = vec![
        Onboarding {
            platform: Platform::Ondc,
            status: OnboardingStatus::Onboarded,
            listing_url: Some("https://ondc.example.org/lalita".into()),
        },
        Onboarding {
            platform: Platform::Gem,
            status: OnboardingStatus::InProgress,
            listing_url: None,
        },
    ];
    let mut edit = s.edit("test").unwrap();
    edit.put(&lalita).unwrap();
    edit.commit().unwrap();
    lalita
}

#[test]
fn a_list_without_some_columns_leaves_those_parts_of_a_seller_as_they_were() {
    let mut s = sample();
    let before = lalita_filled_in(&mut s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("phones.csv");
    std::fs::write(
        &path,
        "Name,Kind,State,District,LGD Code,Phone,ONDC\n\
         Lalita Devi,weaver,Uttar Pradesh,Varanasi,187,+91 90000 11111,onboarded\n",
    )
    .unwrap();
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    assert_eq!(report.summary.merged, 1, "{:?}", report.rows);
    let after: Seller = s.get(before.id).unwrap().unwrap();
    assert_eq!(after.contact.phone.as_deref(), Some("+91 90000 11111"));
    // Everything the file has no column for is as it was, the ONDC listing address included.
    assert_eq!(
        Seller {
            contact: odop_domain::Contact {
                phone: before.contact.phone.clone(),
                ..after.contact.clone()
            },
            ..after
        },
        before
    );
}

#[test]
fn an_empty_cell_under_a_present_column_clears_the_value() {
    let mut s = sample();
    let before = lalita_filled_in(&mut s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clear.csv");
    std::fs::write(
        &path,
        "Name,Kind,State,District,LGD Code,Email,GeM\n\
         Lalita Devi,weaver,Uttar Pradesh,Varanasi,187,,\n",
    )
    .unwrap();
    import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    let after: Seller = s.get(before.id).unwrap().unwrap();
    assert_eq!(after.contact.email, None);
    assert_eq!(after.contact.address, before.contact.address);
    let platforms: Vec<Platform> = after.onboarding.iter().map(|o| o.platform).collect();
    assert_eq!(platforms, vec![Platform::Ondc]);
}

#[test]
fn listing_addresses_travel_with_an_export_to_another_desk() {
    let mut s = sample();
    let lalita = lalita_filled_in(&mut s);
    let dir = tempfile::tempdir().unwrap();
    for file in ["sellers.csv", "sellers.xlsx"] {
        let path = dir.path().join(file);
        export_sellers(&s, None, &path).unwrap();
        let mut other = sample();
        let report = import_sellers(&mut other, &path, ImportOptions::new("test")).unwrap();
        assert_eq!(report.summary.flagged, 0, "{:?}", report.rows);
        // The other desk's Lalita keeps her platforms in the order it had them.
        let by_platform = |mut s: Seller| {
            s.onboarding.sort_by_key(|o| o.platform.to_string());
            s
        };
        let copied: Seller = other.get(lalita.id).unwrap().unwrap();
        assert_eq!(by_platform(copied), by_platform(lalita.clone()), "{file}");
    }
}

/// A desk that holds the server's LGD lists flags a row whose district they lack, naming the
/// column, and imports the rest: the server would refuse that row at the next sync.
#[test]
fn a_row_in_a_district_the_servers_lgd_list_lacks_is_flagged_and_the_rest_imported() {
    let mut s = sample();
    let places = odop_domain::Places {
        states: [9].into(),
        districts: [(187, 9)].into(),
    };
    s.keep_server_places(&places.tag(), &places).unwrap();
    let (_dir, path) = sheet(&format!(
        "{HEADER}\
         Meena Devi,weaver,Uttar Pradesh,Varanasi,187,,,,,,\n\
         Terracotta Guild,artisan,Uttar Pradesh,Gorakhpur,148,,,,,,\n"
    ));
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    assert!(matches!(report.rows[0].fate, Fate::Imported { .. }));
    match &report.rows[1].fate {
        Fate::Flagged {
            column,
            code,
            reason,
            detail,
        } => {
            assert_eq!(column.as_deref(), Some("LGD Code"));
            assert_eq!(code.code(), "off_server_list");
            assert_eq!(
                reason,
                "district 148 is not in the server's LGD list; the server would refuse this record"
            );
            assert_eq!(
                detail,
                &Some(serde_json::json!({"problem": "server_unknown_district", "district": 148}))
            );
        }
        other => panic!("expected a flag, got {other:?}"),
    }
    assert_eq!((report.summary.imported, report.summary.flagged), (1, 1));
}

#[test]
fn a_listing_address_without_its_platform_status_is_flagged() {
    let mut s = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("urls.csv");
    std::fs::write(
        &path,
        "Name,Kind,State,District,LGD Code,GeM,GeM URL\n\
         Asha Weavers,weaver,Uttar Pradesh,Varanasi,187,,https://gem.example.org/asha\n",
    )
    .unwrap();
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    match &report.rows[0].fate {
        Fate::Flagged { column, reason, .. } => {
            assert_eq!(column.as_deref(), Some("GeM URL"));
            assert!(reason.contains("GeM column"), "{reason}");
        }
        other => panic!("expected a flag, got {other:?}"),
    }
}

/// A seller list in a file of its own.
fn sheet(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sellers.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Importing the file once more adds, changes and records nothing.
fn imports_again_unchanged(s: &mut Store, path: &std::path::Path) {
    let history = s.history(None, usize::MAX).unwrap().len();
    let again = import_sellers(s, path, ImportOptions::new("test")).unwrap();
    assert_eq!((again.summary.imported, again.summary.changed), (0, 0));
    assert_eq!(s.history(None, usize::MAX).unwrap().len(), history);
}

#[test]
fn a_second_row_for_the_same_seller_id_is_flagged_and_the_file_imports_again_unchanged() {
    // A sheet kept by hand: Lalita's row copied, and one copy renamed by mistake.
    let mut s = sample();
    let lalita = Id::derived("sample", "s-lalita");
    let (_dir, path) = sheet(&format!(
        "ID,{HEADER}\
         {lalita},Lalita Devi Weaves,weaver,Uttar Pradesh,Varanasi,187,,,,,,,\n\
         {lalita},Lalita Devi,weaver,Uttar Pradesh,Varanasi,187,,,,,,,\n"
    ));
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    let (column, code, reason) = flag_of(&report.rows[1].fate);
    assert_eq!((column, code), (Some("ID"), "duplicate"));
    assert!(reason.contains("line 2"), "{reason}");
    let seller: Seller = s.get(lalita).unwrap().unwrap();
    assert_eq!(seller.name, "Lalita Devi Weaves", "the first row stands");
    imports_again_unchanged(&mut s, &path);
}

#[test]
fn renaming_a_seller_to_a_name_another_seller_of_the_district_has_is_flagged() {
    let mut s = sample();
    let lalita = Id::derived("sample", "s-lalita");
    let (_dir, path) = sheet(&format!(
        "ID,{HEADER}\
         {lalita},Kashi Silk Weavers Cooperative,weaver,Uttar Pradesh,Varanasi,187,,,,,,,\n"
    ));
    let history = s.history(None, usize::MAX).unwrap().len();
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    let (column, code, reason) = flag_of(&report.rows[0].fate);
    assert_eq!((column, code), (Some("Name"), "duplicate"));
    let kashi = Id::derived("sample", "s-weavers").to_string();
    assert!(reason.contains(&kashi), "{reason} should name {kashi}");
    assert_eq!(s.history(None, usize::MAX).unwrap().len(), history);
}

#[test]
fn a_renamed_seller_is_not_found_again_by_its_old_name_in_the_same_file() {
    // Lalita's row renames her; a later row with her old name and no id is someone new, as it
    // would be on the next import of the file.
    let mut s = sample();
    let lalita = Id::derived("sample", "s-lalita");
    let (_dir, path) = sheet(&format!(
        "ID,{HEADER}\
         {lalita},Lalita Devi Weaves,weaver,Uttar Pradesh,Varanasi,187,,,,,,,\n\
         ,Lalita Devi,weaver,Uttar Pradesh,Varanasi,187,,,,,,,\n"
    ));
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    let fates = (&report.rows[0].fate, &report.rows[1].fate);
    assert!(
        matches!(fates, (Fate::Merged { .. }, Fate::Imported { .. })),
        "{report:?}"
    );
    imports_again_unchanged(&mut s, &path);
}

#[test]
fn a_seller_sharing_a_gstin_or_phone_with_another_is_imported_and_pointed_out() {
    let mut s = sample();
    let kashi: Seller = s.get(Id::derived("sample", "s-weavers")).unwrap().unwrap();
    let gstin = kashi.gstin.as_ref().unwrap().as_str().to_owned();
    // The cooperative's second registration in the state: its PAN, another GSTIN.
    let second = format!("{}2Z", &gstin[..12]);
    let second = format!(
        "{second}{}",
        odop_domain::Gstin::check_char(second.as_bytes()).unwrap()
    );
    // The cooperative again under another name, its phone written another way; two rows of
    // this file with one phone; Lalita Devi's phone on a seller of another state; and the
    // cooperative's second unit.
    let (_dir, path) = sheet(&format!(
        "{HEADER}\
         Kashi Silk Weavers Co-op Society,cooperative,Uttar Pradesh,Varanasi,187,094150 11223,{gstin},,,,\n\
         Meena Devi,weaver,Uttar Pradesh,Varanasi,187,9876543210,,,,,\n\
         Meena Weaves,weaver,Uttar Pradesh,Varanasi,187,+91 98765 43210,,,,,\n\
         Ravi Kumar,artisan,Karnataka,Ramanagara,631,+91 98390 44556,,,,,\n\
         Kashi Silk Weavers Unit 2,cooperative,Uttar Pradesh,Varanasi,187,,{second},,,,\n"
    ));
    let dry = import_sellers(
        &mut s,
        &path,
        ImportOptions {
            dry_run: true,
            ..ImportOptions::new("test")
        },
    )
    .unwrap();
    let report = import_sellers(&mut s, &path, ImportOptions::new("test")).unwrap();
    assert_eq!(dry.rows, report.rows, "a dry run warns as the import does");
    assert_eq!(report.summary.imported, 5, "a shared mark stops no row");
    assert_eq!(report.duplicates, 3);
    let warnings: Vec<&[String]> = report.rows.iter().map(|r| r.warnings.as_slice()).collect();
    let weavers = Id::derived("sample", "s-weavers").to_string();
    // The same GSTIN is said once, not again as its PAN.
    assert_eq!(warnings[0].len(), 2, "{:?}", warnings[0]);
    assert!(warnings[0][0].starts_with(&format!("GSTIN {gstin} is also seller {weavers}'s")));
    assert!(warnings[0][0].contains("Kashi Silk Weavers Cooperative"));
    assert!(warnings[0][1].starts_with("phone number 9415011223 is also"));
    assert!(warnings[1].is_empty());
    assert_eq!(warnings[2].len(), 1);
    assert!(warnings[2][0].contains("“Meena Devi”"), "{:?}", warnings[2]);
    assert!(
        warnings[3].is_empty(),
        "another state's seller: {:?}",
        warnings[3]
    );
    assert_eq!(warnings[4].len(), 1, "{:?}", warnings[4]);
    assert!(
        warnings[4][0].starts_with(&format!(
            "PAN {} is also seller {weavers}'s, in its GSTIN {gstin}",
            &gstin[2..12]
        )),
        "{:?}",
        warnings[4]
    );
    // The import merged nothing: every record stands until a person merges them. The PAN's
    // set holds the three records of its two GSTINs.
    let sets = s.duplicate_sellers(None).unwrap();
    let marks: Vec<(SellerMark, usize)> = sets.iter().map(|d| (d.mark, d.sellers.len())).collect();
    assert_eq!(
        marks,
        [
            (SellerMark::Gstin, 2),
            (SellerMark::Pan, 3),
            (SellerMark::Phone, 2),
            (SellerMark::Phone, 2)
        ]
    );
}

#[test]
fn a_drives_list_is_written_in_its_order_and_imports_back_unchanged() {
    use odop_store::SellerQuery;

    let mut s = sample();
    let dir = tempfile::tempdir().unwrap();
    // Uttar Pradesh's sellers needing packaging, and every state's not yet on GeM.
    for (name, query) in [
        (
            "needed.csv",
            SellerQuery {
                state: Some(odop_domain::StateCode(9)),
                packaging: Some("needed".to_owned()),
                ..SellerQuery::default()
            },
        ),
        (
            "not-on-gem.xlsx",
            SellerQuery {
                platform: Some("gem".to_owned()),
                onboarded: Some(false),
                ..SellerQuery::default()
            },
        ),
    ] {
        let path = dir.path().join(name);
        let written = odop_exchange::export_seller_list(&s, &query, &path).unwrap();
        let listed = s
            .seller_page(&SellerQuery {
                limit: 1000,
                ..query.clone()
            })
            .unwrap();
        assert!(written > 0, "{name}");
        assert_eq!(written as u64, listed.total, "{name}");
        // The sheet's rows are the list's, in its order.
        let exported = dir.path().join(format!("{name}.again.csv"));
        let ids: Vec<String> = listed.rows.iter().map(|r| r.id.clone()).collect();
        if name.ends_with(".csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            let in_sheet: Vec<&str> = text
                .lines()
                .skip(1)
                .map(|l| l.split(',').next().unwrap())
                .collect();
            assert_eq!(in_sheet, ids, "{name}");
            assert!(
                text.lines().skip(1).all(|l| l.contains(",needed,")),
                "{text}"
            );
        }
        imports_again_unchanged(&mut s, &path);
        // Written again after that import, it is the same sheet.
        odop_exchange::export_seller_list(&s, &query, &exported).unwrap();
        if name.ends_with(".csv") {
            assert_eq!(
                std::fs::read_to_string(&exported).unwrap(),
                std::fs::read_to_string(&path).unwrap()
            );
        }
    }
    // A filter nobody matches writes the header alone.
    let path = dir.path().join("nobody.csv");
    let nobody = SellerQuery {
        state: Some(odop_domain::StateCode(24)),
        packaging: Some("needed".to_owned()),
        ..SellerQuery::default()
    };
    assert_eq!(
        odop_exchange::export_seller_list(&s, &nobody, &path).unwrap(),
        0
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 1);
}
