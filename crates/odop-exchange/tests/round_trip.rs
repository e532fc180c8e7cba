//! Export then import gives back the same products and sellers, for any text the domain accepts.

use odop_domain::{
    canonical_ministry, Contact, DistrictCode, GiStatus, Id, Lang, LocalText, Onboarding,
    OnboardingStatus, PackagingStatus, Platform, Product, Rank, Sector, Seller, SellerKind,
    StateCode,
};
use odop_exchange::{
    export_products, export_sellers, import_national, import_sellers, ImportOptions,
};
use odop_store::{ProductFilter, Store};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    // Any script, no control characters; the importer trims cell ends, so generate trimmed text.
    "[\\PC&&[^\u{2028}\u{2029}]]{1,40}".prop_map(|s| s.trim().to_owned())
}

/// Text for an optional field: an empty cell reads back as no value, so `Some` is never empty.
fn some_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text().prop_filter("not empty", |s| !s.is_empty()))
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
        // Every sector of the built-in list.
        prop::sample::select(vec![
            "agriculture",
            "handicraft",
            "handloom",
            "textile",
            "food-processing",
            "marine",
            "manufacturing",
            "dairy",
            "services",
            "others",
        ]),
        (any::<bool>(), some_text()),
        prop::sample::select(vec![(9u16, 187u32), (9, 179), (29, 545), (33, 578)]),
        (some_text(), prop::sample::select(Lang::ALL.to_vec())),
        // A photo is a path or an address: the import drops any space in it.
        (
            some_text().prop_map(|p| {
                p.map(|p| p.split_whitespace().collect::<String>())
                    .filter(|p| !p.is_empty())
            }),
            // A ministry is read in its canonical spelling, so only those come back unchanged.
            some_text().prop_filter("a canonical ministry", |m| {
                m.as_ref()
                    .is_none_or(|m| canonical_ministry(m).as_deref() == Some(m.as_str()))
            }),
        ),
    )
        .prop_map(
            move |(
                name,
                description,
                rank,
                sector,
                (gi, registry_name),
                (state, district),
                (local, lang),
                (photo, ministry),
            )| Product {
                id: Id::new(),
                state: StateCode(state),
                district: DistrictCode(district),
                rank,
                sector: Sector::from_slug(sector),
                // A suffix keeps names unique within a district, as the national list requires.
                name: format!("{name} #{i}"),
                local_name: local.map(|text| LocalText { lang, text }),
                description: description.unwrap_or_default(),
                gi: GiStatus {
                    registered: gi,
                    registry_name,
                },
                photo,
                ministry,
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

fn seller(i: usize) -> impl Strategy<Value = Seller> {
    let onboarding = prop::collection::vec(
        (
            prop::sample::select(OnboardingStatus::ALL.to_vec()),
            prop::option::of("https://[a-z]{1,12}\\.example\\.org/[a-z0-9]{0,20}"),
        ),
        Platform::ALL.len(),
    )
    .prop_flat_map(|entries| {
        // Each platform at most once, in column order, as the import lists them.
        prop::collection::vec(any::<bool>(), Platform::ALL.len()).prop_map(move |keep| {
            Platform::ALL
                .iter()
                .zip(&entries)
                .zip(keep)
                .filter(|(_, keep)| *keep)
                .map(|((platform, (status, url)), _)| Onboarding {
                    platform: *platform,
                    status: *status,
                    listing_url: url.clone(),
                })
                .collect::<Vec<_>>()
        })
    });
    (
        text().prop_filter("a name", |s| !s.is_empty()),
        prop::sample::select(SellerKind::ALL.to_vec()),
        prop::sample::select(vec![(9u16, 187u32), (9, 179), (29, 545), (33, 578)]),
        (some_text(), some_text()),
        (
            prop::option::of("\\+91 [6-9][0-9]{4} [0-9]{5}"),
            prop::option::of("[a-z]{1,10}@[a-z]{1,10}\\.(in|org)"),
        ),
        prop::sample::select(PackagingStatus::ALL.to_vec()),
        onboarding,
    )
        .prop_map(
            move |(
                name,
                kind,
                (state, district),
                (person, address),
                (phone, email),
                packaging,
                onboarding,
            )| {
                Seller {
                    id: Id::new(),
                    state: StateCode(state),
                    district: DistrictCode(district),
                    name: format!("{name} #{i}"),
                    kind,
                    contact: Contact {
                        person,
                        phone,
                        email,
                        address,
                    },
                    gstin: None,
                    udyam: None,
                    products: vec![],
                    onboarding,
                    packaging,
                }
            },
        )
}

fn sellers() -> impl Strategy<Value = Vec<Seller>> {
    (1usize..12).prop_flat_map(|n| (0..n).map(seller).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn export_then_import_gives_the_same_sellers(records in sellers(), xlsx in any::<bool>()) {
        let mut source = places_only();
        let mut edit = source.edit("test").unwrap();
        for s in &records {
            edit.put(s).unwrap();
        }
        edit.commit().unwrap();

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(if xlsx { "sellers.xlsx" } else { "sellers.csv" });
        export_sellers(&source, None, &file).unwrap();
        let mut copy = places_only();
        let report = import_sellers(&mut copy, &file, ImportOptions::new("test")).unwrap();
        prop_assert_eq!(report.summary.flagged, 0, "{:?}", report.flagged().collect::<Vec<_>>());
        let all = |s: &Store| {
            let mut v: Vec<Seller> = s.list(None, None, usize::MAX, 0).unwrap();
            v.sort_by_key(|s| s.id);
            v
        };
        prop_assert_eq!(all(&copy), all(&source));

        // Importing the export into the database it came from changes nothing.
        let again = import_sellers(&mut source, &file, ImportOptions::new("test")).unwrap();
        prop_assert_eq!(again.summary.changed + again.summary.imported, 0);
    }
}
