//! Export then import gives back the same records, for any text the domain accepts.

use odop_domain::{DistrictCode, GiStatus, Id, Lang, LocalText, Product, Rank, Sector, StateCode};
use odop_exchange::{export_products, import_national, ImportOptions};
use odop_store::{ProductFilter, Store};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Any script, no control characters; the importer trims cell ends, so generate trimmed text.
    "[\\PC&&[^\u{2028}\u{2029}]]{1,40}".prop_map(|s| s.trim().to_owned())
}

fn product(i: usize) -> impl Strategy<Value = Product> {
    (
        text().prop_filter("a name", |s| !s.is_empty()),
        prop::option::of(text()),
        prop::sample::select(vec![
            Rank::Primary,
            Rank::Secondary,
            Rank::Tertiary,
            Rank::Other,
        ]),
        prop::sample::select(vec!["handloom", "handicraft", "food-processing", "dairy"]),
        any::<bool>(),
        prop::sample::select(vec![(9u16, 187u32), (9, 179), (29, 545), (33, 578)]),
        prop::option::of(text().prop_filter("a local name", |s| !s.is_empty())),
    )
        .prop_map(
            move |(name, description, rank, sector, gi, (state, district), local)| Product {
                id: Id::new(),
                state: StateCode(state),
                district: DistrictCode(district),
                rank,
                sector: Sector::from_slug(sector),
                // A suffix keeps names unique within a district, as the national list requires.
                name: format!("{name} #{i}"),
                local_name: local.map(|text| LocalText {
                    lang: Lang::Hi,
                    text,
                }),
                description: description.unwrap_or_default(),
                gi: GiStatus {
                    registered: gi,
                    registry_name: None,
                },
                photo: None,
                ministry: None,
            },
        )
}

fn products() -> impl Strategy<Value = Vec<Product>> {
    (1usize..12).prop_flat_map(|n| (0..n).map(product).collect::<Vec<_>>())
}

fn places_only() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.load_sample("test").unwrap();
    // Keep the places, drop the sample's products and what refers to them.
    let mut edit = s.edit("test").unwrap();
    for (kind, ids) in [
        (odop_domain::EntityKind::Action, vec!["a-packaging"]),
        (odop_domain::EntityKind::Gap, vec!["g-packaging", "g-gem"]),
        (odop_domain::EntityKind::Story, vec!["st-weavers"]),
        (odop_domain::EntityKind::Workshop, vec!["w-varanasi"]),
        (
            odop_domain::EntityKind::Seller,
            vec![
                "s-weavers",
                "s-lalita",
                "s-carpets",
                "s-attar",
                "s-toys",
                "s-malli",
            ],
        ),
    ] {
        for key in ids {
            edit.delete(kind, Id::derived("sample", key)).unwrap();
        }
    }
    edit.commit().unwrap();
    let all = s.products(&ProductFilter::default()).unwrap();
    let mut edit = s.edit("test").unwrap();
    for p in all {
        edit.delete(odop_domain::EntityKind::Product, p.id).unwrap();
    }
    edit.commit().unwrap();
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_gives_the_same_products(records in products(), xlsx in any::<bool>()) {
        let mut source = places_only();
        let mut edit = source.edit("test").unwrap();
        for p in &records {
            edit.put(p).unwrap();
        }
        edit.commit().unwrap();

        let dir = tempfile::tempdir().unwrap();
        let ext = if xlsx { "xlsx" } else { "csv" };
        let first = dir.path().join(format!("first.{ext}"));
        export_products(&source, &ProductFilter::default(), &first).unwrap();

        let mut copy = places_only();
        let report = import_national(&mut copy, &first, ImportOptions::new("test")).unwrap();
        prop_assert_eq!(report.summary.flagged, 0, "{:?}", report.flagged().collect::<Vec<_>>());
        prop_assert_eq!(
            copy.products(&ProductFilter::default()).unwrap(),
            source.products(&ProductFilter::default()).unwrap()
        );

        // Importing the export into the database it came from changes nothing.
        let again = import_national(&mut source, &first, ImportOptions::new("test")).unwrap();
        prop_assert_eq!(again.summary.changed + again.summary.imported, 0);

        if !xlsx {
            let second = dir.path().join("second.csv");
            export_products(&copy, &ProductFilter::default(), &second).unwrap();
            prop_assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap());
        }
    }
}
