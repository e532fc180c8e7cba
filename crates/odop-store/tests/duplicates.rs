//! Sellers recorded twice: found by what their records share, and merged, on the sample.

use odop_domain::{
    Contact, DistrictCode, EntityKind, Gap, Gstin, Id, Onboarding, OnboardingStatus,
    PackagingStatus, Platform, Seller, SellerKind, SellerMark, StateCode, Story, Workshop,
};
use odop_store::{Store, StoreError};

fn sample() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.load_sample("tester").unwrap();
    store
}

fn named(store: &Store, name: &str) -> Seller {
    let all: Vec<Seller> = store.list(None, None, usize::MAX, 0).unwrap();
    all.into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no seller named {name}"))
}

/// The sample's cooperative, recorded again by another office: its GSTIN and its phone written
/// another way, an email and a platform the first record lacks, and no products.
fn second_record(store: &Store) -> Seller {
    let first = named(store, "Kashi Silk Weavers Cooperative");
    Seller {
        id: Id::new(),
        state: StateCode(9),
        district: DistrictCode(187),
        name: "Kashi Silk Weavers Co-op Society".into(),
        kind: SellerKind::Cooperative,
        contact: Contact {
            phone: Some("094150-11223".into()),
            email: Some("kashi.silk@example.in".into()),
            ..Contact::default()
        },
        gstin: first.gstin,
        udyam: None,
        products: vec![],
        onboarding: vec![Onboarding {
            platform: Platform::Amazon,
            status: OnboardingStatus::Onboarded,
            listing_url: None,
        }],
        packaging: PackagingStatus::NotAssessed,
    }
}

#[test]
fn a_seller_recorded_twice_is_found_by_what_its_records_share() {
    let mut store = sample();
    assert_eq!(store.duplicate_sellers(None).unwrap(), vec![]);
    let twin = second_record(&store);
    // Lalita Devi's phone, on a seller of Karnataka: another state's seller is no twin.
    let lalita = named(&store, "Lalita Devi");
    let far = Seller {
        id: Id::new(),
        state: StateCode(29),
        district: DistrictCode(631),
        name: "Channapatna Lacquerware Unit".into(),
        kind: SellerKind::Artisan,
        contact: Contact {
            phone: lalita.contact.phone,
            ..Contact::default()
        },
        gstin: None,
        udyam: None,
        products: vec![],
        onboarding: vec![],
        packaging: PackagingStatus::NotAssessed,
    };
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&twin).unwrap();
    edit.put(&far).unwrap();
    edit.commit().unwrap();

    let found = store.duplicate_sellers(None).unwrap();
    let seen: Vec<(SellerMark, &str, u16, Vec<&str>)> = found
        .iter()
        .map(|d| {
            let names = d.sellers.iter().map(|s| s.name.as_str()).collect();
            (d.mark, d.value.as_str(), d.state, names)
        })
        .collect();
    let gstin = twin.gstin.as_ref().map(Gstin::as_str).unwrap();
    let both = vec![
        "Kashi Silk Weavers Co-op Society",
        "Kashi Silk Weavers Cooperative",
    ];
    assert_eq!(
        seen,
        vec![
            (SellerMark::Gstin, gstin, 9, both.clone()),
            (SellerMark::Phone, "9415011223", 9, both),
        ]
    );
    assert_eq!(
        found[0].sellers[0].district_name.as_deref(),
        Some("Varanasi")
    );
    assert_eq!(store.duplicate_sellers(Some(StateCode(9))).unwrap(), found);
    assert_eq!(
        store.duplicate_sellers(Some(StateCode(29))).unwrap(),
        vec![]
    );
}

#[test]
fn a_merge_renames_every_reference_and_keeps_what_the_kept_record_lacks() {
    let mut store = sample();
    let gone = named(&store, "Kashi Silk Weavers Cooperative");
    let keep = second_record(&store);
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&keep).unwrap();
    edit.commit().unwrap();
    // A workshop that met both records must list the seller once after the merge.
    let workshops: Vec<Workshop> = store.list(None, None, usize::MAX, 0).unwrap();
    let mut met = workshops
        .into_iter()
        .find(|w| w.sellers_met.contains(&gone.id))
        .expect("the sample's workshop met the cooperative");
    met.sellers_met.push(keep.id);
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&met).unwrap();
    edit.commit().unwrap();
    let naming_gaps = |store: &Store, id: Id| -> usize {
        let gaps: Vec<Gap> = store.list(None, None, usize::MAX, 0).unwrap();
        gaps.iter().filter(|g| g.seller == Some(id)).count()
    };
    let naming_stories = |store: &Store, id: Id| -> usize {
        let stories: Vec<Story> = store.list(None, None, usize::MAX, 0).unwrap();
        stories.iter().filter(|s| s.seller == Some(id)).count()
    };
    let named_before = naming_gaps(&store, gone.id) + naming_stories(&store, gone.id);
    assert!(
        named_before > 0,
        "the sample names the cooperative elsewhere"
    );
    let outbox_before = store.outbox(100_000).unwrap().len();

    let mut edit = store.edit("officer@up").unwrap();
    let merged = edit.merge_sellers(gone.id, keep.id).unwrap();
    edit.commit().unwrap();

    assert_eq!((merged.kept, merged.gone), (keep.id, gone.id));
    assert_eq!(merged.taken, ["products", "onboarding", "packaging"]);
    assert_eq!(merged.renamed.len(), 1 + named_before);
    let kept: Seller = store.get(keep.id).unwrap().unwrap();
    assert_eq!(kept.name, "Kashi Silk Weavers Co-op Society");
    assert_eq!(kept.contact.email.as_deref(), Some("kashi.silk@example.in"));
    assert_eq!(kept.products, gone.products);
    assert_eq!(kept.packaging, gone.packaging);
    // Its own platform's status stands; the merged record's other platforms follow it.
    let mut platforms = vec![(Platform::Amazon, OnboardingStatus::Onboarded)];
    platforms.extend(gone.onboarding.iter().map(|o| (o.platform, o.status)));
    let kept_platforms: Vec<_> = kept
        .onboarding
        .iter()
        .map(|o| (o.platform, o.status))
        .collect();
    assert_eq!(kept_platforms, platforms);
    assert!(store.get::<Seller>(gone.id).unwrap().is_none());
    let met_after: Workshop = store.get(met.id).unwrap().unwrap();
    let kept_times = met_after
        .sellers_met
        .iter()
        .filter(|s| **s == keep.id)
        .count();
    assert_eq!(kept_times, 1);
    assert!(!met_after.sellers_met.contains(&gone.id));
    assert_eq!(
        naming_gaps(&store, gone.id) + naming_stories(&store, gone.id),
        0
    );
    assert_eq!(
        naming_gaps(&store, keep.id) + naming_stories(&store, keep.id),
        named_before
    );
    assert_eq!(store.duplicate_sellers(None).unwrap(), vec![]);
    // Ordinary edits, in an order a server can take: the kept seller, those naming it, and
    // the deletion last, once nothing names the merged one.
    let outbox = store.outbox(100_000).unwrap();
    let written: Vec<(&str, &str)> = outbox[outbox_before..]
        .iter()
        .map(|e| (e.entity.as_str(), e.op.as_str()))
        .collect();
    assert_eq!(written.first(), Some(&("seller", "update")));
    assert_eq!(written.last(), Some(&("seller", "delete")));
    assert_eq!(written.len(), 2 + merged.renamed.len());
}

#[test]
fn a_merge_that_cannot_be_made_changes_nothing() {
    let mut store = sample();
    let weavers = named(&store, "Kashi Silk Weavers Cooperative");
    let toys = named(&store, "Channapatna Toy Makers SHG");
    let outbox = store.outbox(100_000).unwrap().len();
    let mut edit = store.edit("officer@up").unwrap();
    let same = edit.merge_sellers(weavers.id, weavers.id).unwrap_err();
    assert!(matches!(same, StoreError::Unmergeable { .. }), "{same}");
    assert!(same.to_string().contains("same record"), "{same}");
    let apart = edit.merge_sellers(toys.id, weavers.id).unwrap_err();
    assert_eq!(apart.code(), "unmergeable");
    assert!(
        apart.to_string().contains("different states (29 and 9)"),
        "{apart}"
    );
    let nobody = Id::new();
    let missing = edit.merge_sellers(nobody, weavers.id).unwrap_err();
    assert!(
        matches!(missing, StoreError::NotFound { id, .. } if id == nobody),
        "{missing}"
    );
    drop(edit);
    assert_eq!(store.outbox(100_000).unwrap().len(), outbox);
    assert!(store.get::<Seller>(toys.id).unwrap().is_some());
}

#[test]
fn a_merge_is_an_edit_like_any_other() {
    let mut store = sample();
    let gone = named(&store, "Lalita Devi");
    let keep = named(&store, "Kashi Silk Weavers Cooperative");
    let mut edit = store.edit("officer@up").unwrap();
    let merged = edit.merge_sellers(gone.id, keep.id).unwrap();
    // Dropped without a commit, nothing of it is kept.
    drop(edit);
    assert!(store.get::<Seller>(gone.id).unwrap().is_some());
    assert!(!merged.renamed.is_empty());
    let mut edit = store.edit("officer@up").unwrap();
    edit.merge_sellers(gone.id, keep.id).unwrap();
    edit.commit().unwrap();
    assert!(store.get::<Seller>(gone.id).unwrap().is_none());
    let history = store.history(Some(&gone.id.to_string()), 10).unwrap();
    assert_eq!(history[0].op, "delete");
    assert_eq!(history[0].who, "officer@up");
    let mut edit = store.edit("officer@up").unwrap();
    let again = edit.merge_sellers(gone.id, keep.id).unwrap_err();
    assert!(matches!(again, StoreError::NotFound { .. }), "{again}");
}

#[test]
fn a_seller_saved_from_a_form_says_whom_it_shares_a_mark_with() {
    let mut store = sample();
    let lalita = named(&store, "Lalita Devi");
    let pairs = |name: &str, phone: &str| -> Vec<(String, String)> {
        [
            ("district", "187"),
            ("name", name),
            ("kind", "weaver"),
            ("contact.phone", phone),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    };
    let apart = store
        .save_form(
            EntityKind::Seller,
            None,
            &pairs("Meena Devi", "9876543210"),
            "officer",
        )
        .unwrap();
    assert!(apart.shares.is_empty(), "{:?}", apart.shares);
    let phone = lalita.contact.phone.as_deref().unwrap();
    let twin = store
        .save_form(
            EntityKind::Seller,
            None,
            &pairs("Lalita Weaves", phone),
            "officer",
        )
        .unwrap();
    assert_eq!(twin.shares.len(), 1);
    assert_eq!(twin.shares[0].mark, SellerMark::Phone);
    let names: Vec<&str> = twin.shares[0]
        .sellers
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["Lalita Devi", "Lalita Weaves"]);
    // Another kind of record has nothing to share.
    let gap = store
        .save_form(
            EntityKind::Gap,
            None,
            &[
                ("district".to_owned(), "187".to_owned()),
                ("kind".to_owned(), "packaging".to_owned()),
                ("description".to_owned(), "Boxes break".to_owned()),
            ],
            "officer",
        )
        .unwrap();
    assert!(gap.shares.is_empty());
}
