//! The store's behaviour through its public API, on the built-in sample.

use odop_domain::{
    DistrictCode, EntityKind, GiStatus, Id, Lang, LocalText, Policy, Product, Rank, Sector,
    StateCode,
};
use odop_store::{Outcome, ProductFilter, Store, StoreError};

mod support;
use support::account;

fn sample() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.load_sample("tester").unwrap();
    store
}

fn product(name: &str) -> Product {
    Product {
        id: Id::new(),
        state: StateCode(9),
        district: DistrictCode(187),
        rank: Rank::Tertiary,
        sector: Sector::from_slug("handicraft"),
        name: name.to_owned(),
        local_name: Some(LocalText {
            lang: Lang::Hi,
            text: "गुलाबी मीनाकारी".to_owned(),
        }),
        description: "Enamel work on silver.".to_owned(),
        gi: GiStatus::default(),
        photo: None,
        ministry: None,
    }
}

#[test]
fn a_write_appends_outbox_and_history_in_the_same_transaction() {
    let mut store = sample();
    let before = store.outbox(100_000).unwrap();
    let p = product("Gulabi Meenakari");
    let mut edit = store.edit("officer@up").unwrap();
    assert_eq!(edit.put(&p).unwrap(), Outcome::Created);
    edit.commit().unwrap();

    let outbox = store.outbox(100_000).unwrap();
    assert_eq!(outbox.len(), before.len() + 1);
    let last = outbox.last().unwrap();
    assert_eq!(
        last.seq,
        before.last().unwrap().seq + 1,
        "the sequence is dense"
    );
    assert_eq!(last.op, "create");
    assert_eq!(last.row_id, p.id.to_string());
    assert_eq!(last.fields["name"]["new"], "Gulabi Meenakari");
    let history = store.history(Some(&p.id.to_string()), 10).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].who, "officer@up");
    assert_eq!(history[0].op, "create");

    // An edit records only the fields that changed, with their old and new values.
    let mut changed = p.clone();
    changed.rank = Rank::Secondary;
    let mut edit = store.edit("officer@up").unwrap();
    assert_eq!(
        edit.put(&changed).unwrap(),
        Outcome::Updated {
            fields: vec!["rank".to_owned()]
        }
    );
    assert_eq!(edit.put(&changed).unwrap(), Outcome::Unchanged);
    edit.commit().unwrap();
    let last = store.outbox(100_000).unwrap().pop().unwrap();
    assert_eq!(last.op, "update");
    // Never synced: the edit is based on no server version.
    assert_eq!(last.base_version, 0);
    assert_eq!(
        last.fields,
        serde_json::json!({"rank": {"old": "tertiary", "new": "secondary"}})
    );
    assert_eq!(store.get::<Product>(p.id).unwrap().unwrap(), changed);
}

#[test]
fn an_edit_dropped_without_commit_changes_nothing() {
    let mut store = sample();
    let outbox = store.outbox(100_000).unwrap().len();
    let p = product("Rolled back");
    {
        let mut edit = store.edit("x").unwrap();
        edit.put(&p).unwrap();
    }
    assert!(store.get::<Product>(p.id).unwrap().is_none());
    assert_eq!(store.outbox(100_000).unwrap().len(), outbox);
    assert!(store.search("Rolled", &[], 10).unwrap().is_empty());
}

#[test]
fn bad_records_are_refused_with_the_reason() {
    let mut store = sample();
    let mut edit = store.edit("x").unwrap();

    let mut p = product("");
    let err = edit.put(&p).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("name is required"), "{err}");

    p.name = "Wrong state".into();
    p.state = StateCode(29);
    let err = edit.put(&p).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::DistrictInOtherState {
                district: 187,
                actual: 9,
                claimed: 29
            }
        ),
        "{err}"
    );

    p.state = StateCode(9);
    p.district = DistrictCode(99_999);
    assert!(matches!(
        edit.put(&p).unwrap_err(),
        StoreError::UnknownDistrict { code: 99_999 }
    ));

    p.district = DistrictCode(187);
    p.sector = Sector::from_slug("space");
    assert!(matches!(
        edit.put(&p).unwrap_err(),
        StoreError::UnknownSector(_)
    ));
}

#[test]
fn references_are_checked_and_protect_deletes() {
    let mut store = sample();
    let banarasi = Id::derived("sample", "banarasi");
    let mut seller: odop_domain::Seller = store
        .get(Id::derived("sample", "s-attar"))
        .unwrap()
        .unwrap();
    let mut edit = store.edit("x").unwrap();
    let err = edit.delete(EntityKind::Product, banarasi).unwrap_err();
    assert_eq!(err.code(), "in_use");
    assert!(
        err.to_string().contains("seller") && err.to_string().contains("(“Lalita Devi”)"),
        "{err}"
    );
    // As data, for an interface to say in its own language: each record, and its title.
    let detail = err.form_detail().expect("the records naming it, as data");
    let used_by = detail["used_by"].as_array().unwrap();
    assert!(!used_by.is_empty(), "{detail}");
    for r in used_by {
        let id = r.as_str().unwrap().split(' ').nth(1).unwrap();
        assert!(
            detail["named"][id].is_string(),
            "{id} has no title: {detail}"
        );
    }

    seller.products.push(Id::new());
    let err = edit.put(&seller).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::MissingReference {
                field: "products",
                ..
            }
        ),
        "{err}"
    );

    let lonely = product("Lonely");
    edit.put(&lonely).unwrap();
    assert_eq!(
        edit.delete(EntityKind::Product, lonely.id).unwrap(),
        Outcome::Deleted
    );
    assert!(matches!(
        edit.delete(EntityKind::Product, lonely.id).unwrap_err(),
        StoreError::NotFound { .. }
    ));
    edit.commit().unwrap();
    let last = store.outbox(100_000).unwrap().pop().unwrap();
    assert_eq!(last.op, "delete");
    assert_eq!(last.fields["name"]["old"], "Lonely");
}

#[test]
fn a_reference_must_be_in_the_record_own_state_except_a_seller_product() {
    let mut store = sample();
    let id = |key: &str| Id::derived("sample", key);
    let mut action: odop_domain::Action = store.get(id("a-packaging")).unwrap().unwrap();
    let mut malli: odop_domain::Seller = store.get(id("s-malli")).unwrap().unwrap();
    let mut edit = store.edit("x").unwrap();

    // A Tamil Nadu action on an Uttar Pradesh gap.
    action.state = StateCode(33);
    let err = edit.put(&action).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::ReferenceInOtherState {
                field: "gap",
                kind: EntityKind::Gap,
                actual: 9,
                claimed: 33,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.code(), "reference_in_other_state");
    assert_eq!(err.form_key().as_deref(), Some("gap"));

    // A Tamil Nadu story about an Uttar Pradesh seller.
    let mut story: odop_domain::Story = edit.get(id("st-weavers")).unwrap().unwrap();
    story.state = StateCode(33);
    story.district = None;
    story.product = None;
    let err = edit.put(&story).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::ReferenceInOtherState {
                field: "seller",
                ..
            }
        ),
        "{err}"
    );

    // A Tamil Nadu trader may sell Banarasi sarees.
    malli.products.push(id("banarasi"));
    assert!(matches!(edit.put(&malli).unwrap(), Outcome::Updated { .. }));
    edit.commit().unwrap();
}

#[test]
fn an_action_moved_to_a_gap_follows_it_to_its_state() {
    let mut store = sample();
    let action = Id::derived("sample", "a-packaging");
    let tn_gap = store
        .save_form(
            EntityKind::Gap,
            None,
            &[
                ("district".to_owned(), "578".to_owned()),
                ("kind".to_owned(), "packaging".to_owned()),
                (
                    "description".to_owned(),
                    "Jasmine wilts before it reaches buyers.".to_owned(),
                ),
            ],
            "x",
        )
        .unwrap();
    let gap = tn_gap.id;
    store
        .save_form(
            EntityKind::Action,
            Some(action),
            &[("gap".to_owned(), gap.clone())],
            "x",
        )
        .unwrap();
    let moved: odop_domain::Action = store.get(action).unwrap().unwrap();
    assert_eq!(moved.state, StateCode(33));
    assert_eq!(moved.gap.to_string(), gap);

    // A state given by hand must be the gap's.
    let err = store
        .save_form(
            EntityKind::Action,
            Some(action),
            &[("state".to_owned(), "9".to_owned())],
            "x",
        )
        .unwrap_err();
    assert_eq!(err.code(), "reference_in_other_state");
}

/// Records that must share a state with what they name (an action with its gap, a gap with its
/// workshop, product and seller) keep a record from moving away from them; a seller's products
/// may be anywhere, so they do not.
#[test]
fn a_record_named_by_others_of_its_state_cannot_move_away_from_them() {
    let mut store = sample();
    let id = |key: &str| Id::derived("sample", key);
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let to_tamil_nadu = |extra: &[(String, String)]| {
        let mut pairs = vec![pair("district", "578")];
        pairs.extend_from_slice(extra);
        pairs
    };
    let history = store.history(None, usize::MAX).unwrap().len();
    let gap = id("g-packaging");
    let unhook = [
        pair("workshop", ""),
        pair("product", ""),
        pair("seller", ""),
    ];
    let err = store
        .save_form(EntityKind::Gap, Some(gap), &to_tamil_nadu(&unhook), "x")
        .unwrap_err();
    assert_eq!(err.code(), "still_referred", "{err}");
    assert_eq!(err.form_key().as_deref(), Some("district"));
    let message = err.to_string();
    assert!(
        message.contains("state 33") && message.contains(&id("a-packaging").to_string()),
        "{message}"
    );
    let kept: odop_domain::Gap = store.get(gap).unwrap().unwrap();
    assert_eq!(kept.state, StateCode(9));
    assert!(
        kept.workshop.is_some(),
        "nothing of the refused edit was kept"
    );

    // A product that UP's story and gaps name stays; its sellers do not hold it back.
    let err = store
        .save_form(
            EntityKind::Product,
            Some(id("banarasi")),
            &to_tamil_nadu(&[]),
            "x",
        )
        .unwrap_err();
    assert_eq!(err.code(), "still_referred", "{err}");
    assert!(!err.to_string().contains("seller "), "{err}");
    assert_eq!(store.history(None, usize::MAX).unwrap().len(), history);

    // Once its action is gone, the gap may move.
    store
        .delete_record(EntityKind::Action, id("a-packaging"), "x")
        .unwrap();
    store
        .save_form(EntityKind::Gap, Some(gap), &to_tamil_nadu(&unhook), "x")
        .unwrap();
    let moved: odop_domain::Gap = store.get(gap).unwrap().unwrap();
    assert_eq!(moved.state, StateCode(33));
}

/// A form key the record has no field for is refused by name, at the top or inside a group;
/// keys the record has, lists by platform and empty values all go in.
#[test]
fn a_form_key_the_record_lacks_is_refused_by_name() {
    let mut store = sample();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let seller = |extra: (String, String)| {
        vec![
            pair("district", "187"),
            pair("name", "Keys"),
            pair("kind", "shg"),
            extra,
        ]
    };
    for key in ["colour", "contact.fax", "nmae"] {
        let err = store
            .save_form(EntityKind::Seller, None, &seller(pair(key, "x")), "x")
            .unwrap_err();
        assert_eq!(err.form_key().as_deref(), Some(key), "{err}");
        assert_eq!(err.form_message(), "is not a field of this kind of record");
    }
    for given in [
        pair("onboarding.gem", "onboarded"),
        pair("contact.phone", "9876543210"),
        pair("products", "[]"),
        pair("colour", ""),
    ] {
        store
            .save_form(EntityKind::Seller, None, &seller(given.clone()), "x")
            .unwrap_or_else(|e| panic!("{given:?}: {e}"));
    }
    let workshop = [
        pair("district", "187"),
        pair("date", "2026-11-02"),
        pair("venue", "Town hall"),
        pair("media", "[]"),
        pair("sellers_met", "[]"),
    ];
    store
        .save_form(EntityKind::Workshop, None, &workshop, "x")
        .unwrap();
}

/// An add names a record that is not there yet: given the id of one that is (or, for a policy,
/// a state that has one), it is refused rather than put over it with the form's defaults.
#[test]
fn an_add_over_an_existing_record_is_refused_and_changes_nothing() {
    let mut store = sample();
    let banarasi = Id::derived("sample", "banarasi");
    let before: Product = store.get(banarasi).unwrap().unwrap();
    let history = store.history(None, usize::MAX).unwrap().len();
    let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let err = store
        .save_form(
            EntityKind::Product,
            None,
            &[
                pair("id", &banarasi.to_string()),
                pair("district", "187"),
                pair("name", "Overwritten"),
                pair("rank", "primary"),
                pair("sector", "handloom"),
            ],
            "x",
        )
        .unwrap_err();
    assert_eq!(err.code(), "exists", "{err}");
    assert!(err.to_string().contains(&banarasi.to_string()), "{err}");
    assert_eq!(store.get::<Product>(banarasi).unwrap().unwrap(), before);

    let policy = Policy::id_for(StateCode(9));
    let kept: Policy = store.get(policy).unwrap().unwrap();
    let err = store
        .save_form(
            EntityKind::Policy,
            None,
            &[pair("state", "9"), pair("status", "drafting")],
            "x",
        )
        .unwrap_err();
    // Said beside the state, with no id a person never typed.
    assert_eq!(err.form_key().as_deref(), Some("state"), "{err}");
    assert!(
        err.to_string()
            .contains("state 9 already has its policy record"),
        "{err}"
    );
    assert!(!err.to_string().contains(&policy.to_string()), "{err}");
    assert_eq!(store.get::<Policy>(policy).unwrap().unwrap(), kept);
    assert_eq!(store.history(None, usize::MAX).unwrap().len(), history);

    // A new id given by hand is still taken, and a state without a policy may add one.
    let given = Id::derived("test", "given");
    let saved = store
        .save_form(
            EntityKind::Product,
            None,
            &[
                pair("id", &given.to_string()),
                pair("district", "187"),
                pair("name", "Given"),
                pair("rank", "secondary"),
                pair("sector", "handloom"),
            ],
            "x",
        )
        .unwrap();
    assert_eq!(saved.id, given.to_string());
    store
        .save_form(
            EntityKind::Policy,
            None,
            &[pair("state", "33"), pair("status", "drafting")],
            "x",
        )
        .unwrap();
    store
        .save_form(
            EntityKind::Policy,
            None,
            &[pair("state", "19"), pair("status", "none")],
            "x",
        )
        .unwrap();
    // Policies, one per state, are listed by their state's name, not as they were added.
    let query = odop_store::RecordQuery {
        limit: 10,
        ..Default::default()
    };
    let listed: Vec<String> = store
        .record_page(EntityKind::Policy, &query)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.state_name.unwrap_or_default())
        .collect();
    assert_eq!(listed, ["Tamil Nadu", "Uttar Pradesh", "West Bengal"]);
}

#[test]
fn search_finds_words_in_any_script_by_prefix() {
    let store = sample();
    let titles = |q: &str| -> Vec<String> {
        store
            .search(q, &[], 20)
            .unwrap()
            .into_iter()
            .map(|h| h.title)
            .collect()
    };
    assert!(titles("banarasi")
        .iter()
        .any(|t| t.starts_with("Banarasi Silk Saree")));
    assert!(titles("chikan").iter().any(|t| t.contains("Chikankari")));
    // Devanagari with a conjunct and vowel signs, whole and as a prefix.
    assert!(
        titles("बनारसी").iter().any(|t| t.contains("बनारसी साड़ी")),
        "{:?}",
        titles("बनारसी")
    );
    assert!(titles("साड़ी").iter().any(|t| t.contains("Banarasi")));
    assert!(titles("हस्तनि").iter().any(|t| t.contains("Carpet")));
    assert!(titles("ಚನ್ನಪಟ್ಟಣ").iter().any(|t| t.contains("Channapatna")));
    assert!(titles("மதுரை").iter().any(|t| t.contains("Malli")));
    // Story text in Hindi is searchable too.
    let hits = store.search("बुनकरों", &[EntityKind::Story], 5).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, EntityKind::Story);
    // Query syntax in the input is plain text, never an error.
    for hostile in [
        "\"",
        "NEAR(a b)",
        "a OR",
        "*",
        "-x",
        "title:foo",
        "'; DROP TABLE products; --",
    ] {
        store.search(hostile, &[], 5).unwrap();
    }
    assert!(titles("zzzzqqq").is_empty());
}

#[test]
fn statistics_on_the_sample() {
    let store = sample();
    let all = store.stats(None).unwrap();
    assert_eq!(all.products, 18);
    assert_eq!(all.districts_covered, 17);
    assert!(all.without_primary.is_empty());
    assert_eq!(all.gi_products, 15);
    assert!((all.gi_share - 15.0 / 18.0).abs() < 1e-9);
    let ondc = all
        .sellers_onboarded
        .iter()
        .find(|c| c.key == "ondc")
        .unwrap();
    assert_eq!(ondc.count, 6);
    let gem = all
        .sellers_onboarded
        .iter()
        .find(|c| c.key == "gem")
        .unwrap();
    assert_eq!(gem.count, 2);
    assert_eq!(all.open_gaps_by_kind.len(), 2);
    // The sample's five states: Uttar Pradesh has notified its policy, the others have none.
    let policies: Vec<(&str, u64)> = all
        .policies
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(policies, [("none", 4), ("notified", 1)]);
    let up = store.stats(Some(StateCode(9))).unwrap();
    assert_eq!(up.policies.len(), 1);
    assert_eq!(
        (up.policies[0].key.as_str(), up.policies[0].count),
        ("notified", 1)
    );
    assert_eq!(up.products, 8);
    assert_eq!(up.districts, 7);
    // A state's sellers and their platforms, counted from its records one by one.
    let up_sellers: Vec<odop_domain::Seller> =
        store.list(Some(StateCode(9)), None, 1000, 0).unwrap();
    assert!(up_sellers.len() < all.sellers as usize);
    assert_eq!(up.sellers, up_sellers.len() as u64);
    let mut onboarded = std::collections::BTreeMap::<String, u64>::new();
    for s in &up_sellers {
        for o in &s.onboarding {
            if o.status == odop_domain::OnboardingStatus::Onboarded {
                *onboarded.entry(o.platform.as_str().to_owned()).or_default() += 1;
            }
        }
    }
    assert!(!onboarded.is_empty());
    let counted: std::collections::BTreeMap<String, u64> = up
        .sellers_onboarded
        .iter()
        .map(|c| (c.key.clone(), c.count))
        .collect();
    assert_eq!(counted, onboarded);
    let handicraft = up
        .products_by_sector
        .iter()
        .find(|c| c.key == "Handicraft")
        .unwrap();
    assert_eq!(handicraft.count, 4);
}

#[test]
fn a_district_without_a_primary_product_is_reported() {
    let mut store = sample();
    let mut p = store
        .products(&ProductFilter {
            district: Some(DistrictCode(162)),
            ..ProductFilter::default()
        })
        .unwrap()
        .remove(0);
    p.rank = Rank::Secondary;
    let mut edit = store.edit("x").unwrap();
    edit.put(&p).unwrap();
    edit.commit().unwrap();
    let stats = store.stats(None).unwrap();
    assert_eq!(stats.without_primary.len(), 1);
    assert_eq!(stats.without_primary[0].name, "Lucknow");
}

#[test]
fn district_summaries_name_the_primary_product() {
    let store = sample();
    let list = store.district_summaries().unwrap();
    assert_eq!(list.len(), 17);
    let varanasi = list.iter().find(|d| d.code == 187).unwrap();
    assert_eq!(varanasi.products, 2);
    assert_eq!(varanasi.primary.as_deref(), Some("Banarasi Silk Saree"));
    assert_eq!(varanasi.state_name, "Uttar Pradesh");
}

#[test]
fn a_database_from_a_newer_release_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odop.sqlite3");
    {
        let mut store = Store::open(&path).unwrap();
        store.load_sample("x").unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", odop_store::SCHEMA_VERSION + 5)
            .unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    assert_eq!(err.code(), "newer_database");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 18);

    // A rollback-journal file, which opening for WAL would rewrite, is left byte for byte.
    let path = dir.path().join("newer.sqlite3");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("newer.sqlite3-wal").exists());
}

/// A pull writes the server's rows with no outbox or history entry, indexes them for search,
/// replaces the search entry of a row it updates, and keeps the fields an unpushed edit touched.
#[test]
fn a_pulled_page_writes_rows_indexes_them_and_keeps_unpushed_edits() {
    use odop_domain::Entity;
    use odop_store::Incoming;

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("odop.sqlite3")).unwrap();
    store.load_sample("tester").unwrap();
    let mine = product("Gulabi Meenakari");
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&mine).unwrap();
    edit.commit().unwrap();
    let mut renamed = mine.clone();
    renamed.name = "Pink Enamel".to_owned();
    renamed.description = "Enamel on silver, from the server.".to_owned();
    let theirs = product("Zardozi Embroidery");
    let outbox = store.outbox(100_000).unwrap().len();

    let page = [
        Incoming::Row {
            kind: EntityKind::Product,
            id: mine.id.to_string(),
            version: 3,
            fields: renamed.to_fields(),
        },
        Incoming::Row {
            kind: EntityKind::Product,
            id: theirs.id.to_string(),
            version: 4,
            fields: theirs.to_fields(),
        },
    ];
    let applied = store
        .apply_incoming(&page, 7, 0, "epoch", &mut |_| {})
        .unwrap();
    assert_eq!((applied.written, applied.merged), (1, 1));
    assert_eq!(store.outbox(100_000).unwrap().len(), outbox);
    assert_eq!(store.sync_point().unwrap().cursor, 7);
    // The unpushed create touched every field, so the local values stay.
    assert_eq!(store.get::<Product>(mine.id).unwrap().unwrap(), mine);
    assert_eq!(store.get::<Product>(theirs.id).unwrap().unwrap(), theirs);
    let hits = store.search("zardozi", &[EntityKind::Product], 10).unwrap();
    assert!(
        hits.iter().any(|h| h.id == theirs.id.to_string()),
        "{hits:?}"
    );

    // The server's row changes again: its search entry is replaced, not doubled.
    let mut again = theirs.clone();
    again.name = "Xylowood Inlay".to_owned();
    let page = [Incoming::Row {
        kind: EntityKind::Product,
        id: theirs.id.to_string(),
        version: 5,
        fields: again.to_fields(),
    }];
    store
        .apply_incoming(&page, 8, 0, "epoch", &mut |_| {})
        .unwrap();
    assert!(store
        .search("zardozi", &[EntityKind::Product], 10)
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .search("xylowood", &[EntityKind::Product], 10)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .version_of(EntityKind::Product, &theirs.id.to_string())
            .unwrap(),
        Some(5)
    );
}

/// A pulled page keeps the server's horizon beside the cursor it moved, plain or in a resync,
/// and starting over with the server forgets both.
#[test]
fn a_pulled_page_keeps_its_horizon_beside_its_cursor() {
    let mut store = Store::open_in_memory().unwrap();
    let point = |s: &Store| {
        let p = s.sync_point().unwrap();
        (p.cursor, p.horizon, p.epoch)
    };
    assert_eq!(point(&store), (0, 0, None));
    store
        .apply_incoming(&[], 7, 5, "epoch", &mut |_| {})
        .unwrap();
    assert_eq!(point(&store), (7, 5, Some("epoch".to_owned())));
    store
        .apply_resync_page("desk", &[], 12, 8, "epoch", &mut |_| {})
        .unwrap();
    assert_eq!(point(&store), (12, 8, Some("epoch".to_owned())));
    store.restart_sync("client").unwrap();
    assert_eq!(point(&store), (0, 0, None));
}

/// A change answered as applied moves the base of the changes made on top of it, which a later
/// push sends: a delete behind its own create is then not a delete racing an edit.
#[test]
fn an_applied_change_rebases_the_changes_behind_it() {
    use odop_domain::Entity;
    use odop_store::Verdict;

    let mut store = sample();
    let p = product("Gulabi Meenakari");
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&p).unwrap();
    edit.commit().unwrap();
    let mut edit = store.edit("officer@up").unwrap();
    edit.delete(EntityKind::Product, p.id()).unwrap();
    edit.commit().unwrap();
    let mine = |store: &Store| -> Vec<(i64, String, i64)> {
        store
            .pending(100_000)
            .unwrap()
            .into_iter()
            .filter(|w| w.id == p.id.to_string())
            .map(|w| (w.seq, w.op, w.base_version))
            .collect()
    };
    let waiting = mine(&store);
    assert_eq!(
        waiting
            .iter()
            .map(|w| (w.1.as_str(), w.2))
            .collect::<Vec<_>>(),
        [("create", 0), ("delete", 0)]
    );
    let create = waiting[0].0;
    let before: Vec<_> = store
        .pending(100_000)
        .unwrap()
        .into_iter()
        .filter(|w| w.seq < create)
        .collect();
    let mut verdicts: Vec<_> = before
        .iter()
        .map(|w| (w.seq, Verdict::Applied { version: 1 }))
        .collect();
    verdicts.push((create, Verdict::Applied { version: 1 }));
    store.settle(&verdicts, create).unwrap();
    let waiting = mine(&store);
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].1.as_str(), waiting[0].2), ("delete", 1));
}

/// The seller list's filters by product and platform, and the statistics' platform counts,
/// follow a seller's record however it is written: a create, an edit, a pulled row, a pulled
/// change, a pulled deletion and a local deletion. Each is checked against the records
/// themselves.
#[test]
fn seller_filters_follow_the_record_however_it_is_written() {
    use odop_domain::{Entity, Onboarding, OnboardingStatus, PackagingStatus, Platform, Seller};
    use odop_store::{Incoming, SellerQuery};

    let mut store = sample();
    let sellers: Vec<Seller> = store.list(None, None, 1000, 0).unwrap();
    let products: Vec<Product> = store.list(None, None, 1000, 0).unwrap();
    let (p1, p2) = (products[0].id, products[1].id);
    let on = |platform: Platform, status: OnboardingStatus| Onboarding {
        platform,
        status,
        listing_url: None,
    };

    // Every filter the list offers, against the records read back one by one.
    let agrees = |store: &Store, moment: &str| {
        let all: Vec<Seller> = store.list(None, None, 1000, 0).unwrap();
        let ids = |q: SellerQuery| -> Vec<String> {
            let page = store
                .seller_page(&SellerQuery { limit: 1000, ..q })
                .unwrap();
            assert_eq!(page.total, page.rows.len() as u64, "{moment}");
            let mut ids: Vec<String> = page.rows.into_iter().map(|r| r.id).collect();
            ids.sort();
            ids
        };
        let expect = |keep: &dyn Fn(&Seller) -> bool| -> Vec<String> {
            let mut ids: Vec<String> = all
                .iter()
                .filter(|s| keep(s))
                .map(|s| s.id.to_string())
                .collect();
            ids.sort();
            ids
        };
        for p in [p1, p2] {
            assert_eq!(
                ids(SellerQuery {
                    product: Some(p),
                    ..SellerQuery::default()
                }),
                expect(&|s| s.products.contains(&p)),
                "{moment}: the sellers of {p}"
            );
        }
        let stats = store.stats(None).unwrap();
        for platform in [Platform::Gem, Platform::Ondc, Platform::Amazon] {
            let onboarded = |s: &Seller| {
                s.onboarding
                    .iter()
                    .any(|o| o.platform == platform && o.status == OnboardingStatus::Onboarded)
            };
            for want in [true, false] {
                assert_eq!(
                    ids(SellerQuery {
                        platform: Some(platform.as_str().to_owned()),
                        onboarded: Some(want),
                        ..SellerQuery::default()
                    }),
                    expect(&|s| onboarded(s) == want),
                    "{moment}: on {platform:?}: {want}"
                );
            }
            let counted = stats
                .sellers_onboarded
                .iter()
                .find(|c| c.key == platform.as_str())
                .map_or(0, |c| c.count);
            assert_eq!(
                counted,
                all.iter().filter(|s| onboarded(s)).count() as u64,
                "{moment}: {platform:?} counted"
            );
        }
        // Packaging, in every state and in one, listed and counted in the order of the work.
        for state in [None, Some(StateCode(9))] {
            let in_state = |s: &Seller| state.is_none_or(|st| s.state == st);
            let counted = store.stats(state).unwrap().sellers_packaging;
            let mut order = Vec::new();
            for status in [
                PackagingStatus::Needed,
                PackagingStatus::InProgress,
                PackagingStatus::Done,
                PackagingStatus::NotAssessed,
            ] {
                let want = expect(&|s| in_state(s) && s.packaging == status);
                assert_eq!(
                    ids(SellerQuery {
                        state,
                        packaging: Some(status.as_str().to_owned()),
                        ..SellerQuery::default()
                    }),
                    want,
                    "{moment}: packaging {status:?} in {state:?}"
                );
                if !want.is_empty() {
                    order.push((status.as_str().to_owned(), want.len() as u64));
                }
            }
            let counted: Vec<(String, u64)> =
                counted.into_iter().map(|c| (c.key, c.count)).collect();
            assert_eq!(counted, order, "{moment}: packaging counted in {state:?}");
        }
    };
    agrees(&store, "the sample");

    let mut mine = sellers[0].clone();
    mine.id = Id::new();
    mine.name = "Shri Ganesh Zari Udyog".to_owned();
    mine.gstin = None;
    mine.udyam = None;
    mine.products = vec![p1];
    mine.onboarding = vec![
        on(Platform::Gem, OnboardingStatus::Onboarded),
        on(Platform::Ondc, OnboardingStatus::InProgress),
    ];
    mine.packaging = PackagingStatus::Needed;
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&mine).unwrap();
    edit.commit().unwrap();
    agrees(&store, "after a create");

    mine.products = vec![p2, p1];
    mine.onboarding = vec![
        on(Platform::Gem, OnboardingStatus::Suspended),
        on(Platform::Ondc, OnboardingStatus::Onboarded),
        on(Platform::Amazon, OnboardingStatus::Onboarded),
    ];
    mine.packaging = PackagingStatus::InProgress;
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&mine).unwrap();
    edit.commit().unwrap();
    agrees(&store, "after an edit");

    let mut theirs = sellers[1].clone();
    theirs.id = Id::new();
    theirs.name = "Kashi Weavers Collective".to_owned();
    theirs.products = vec![p2];
    theirs.onboarding = vec![on(Platform::Amazon, OnboardingStatus::Onboarded)];
    theirs.packaging = PackagingStatus::Done;
    let pulled = |store: &mut Store, s: &Seller, version: i64, cursor: u64| {
        let page = [Incoming::Row {
            kind: EntityKind::Seller,
            id: s.id.to_string(),
            version,
            fields: s.to_fields(),
        }];
        store
            .apply_incoming(&page, cursor, 0, "epoch", &mut |_| {})
            .unwrap();
    };
    pulled(&mut store, &theirs, 3, 5);
    agrees(&store, "after a pulled row");

    theirs.products = vec![p1];
    theirs.onboarding = vec![on(Platform::Gem, OnboardingStatus::Onboarded)];
    theirs.packaging = PackagingStatus::Needed;
    pulled(&mut store, &theirs, 4, 6);
    agrees(&store, "after a pulled change");

    let gone = [Incoming::Gone {
        kind: EntityKind::Seller,
        id: theirs.id.to_string(),
    }];
    store
        .apply_incoming(&gone, 7, 0, "epoch", &mut |_| {})
        .unwrap();
    assert!(store.get::<Seller>(theirs.id).unwrap().is_none());
    agrees(&store, "after a pulled deletion");

    let mut edit = store.edit("officer@up").unwrap();
    edit.delete(EntityKind::Seller, mine.id).unwrap();
    edit.commit().unwrap();
    agrees(&store, "after a deletion");
}

/// Sellers onboarded on any platform, each once, from their records one by one.
fn onboarded(sellers: &[odop_domain::Seller]) -> u64 {
    sellers
        .iter()
        .filter(|s| {
            s.onboarding
                .iter()
                .any(|o| o.status == odop_domain::OnboardingStatus::Onboarded)
        })
        .count() as u64
}

/// Sellers needing help with packaging, from their records one by one.
fn needing_packaging(sellers: &[odop_domain::Seller]) -> u64 {
    sellers
        .iter()
        .filter(|s| s.packaging == odop_domain::PackagingStatus::Needed)
        .count() as u64
}

#[test]
fn each_state_s_row_agrees_with_its_own_dashboard() {
    let mut store = sample();
    // Karnataka drafts a policy; the day after the sample's packaging action fell due.
    let karnataka = Policy {
        id: Policy::id_for(StateCode(29)),
        state: StateCode(29),
        status: odop_domain::PolicyStatus::Drafting,
        reference: None,
        notified_on: None,
        note: String::new(),
    };
    let mut edit = store.edit("x").unwrap();
    edit.put(&karnataka).unwrap();
    edit.commit().unwrap();
    let today: odop_domain::Date = "2027-02-01".parse().unwrap();

    let rows = store.state_figures(today).unwrap();
    let all = store.stats(None).unwrap();
    assert_eq!(rows.len(), 5, "{rows:?}");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "rows come in the order of their names");
    for row in &rows {
        let one = store.stats(Some(row.state)).unwrap();
        let name = &row.name;
        assert_eq!(row.districts, one.districts, "{name}");
        assert_eq!(row.districts_covered, one.districts_covered, "{name}");
        assert_eq!(
            row.without_primary,
            one.without_primary.len() as u64,
            "{name}"
        );
        assert_eq!(row.products, one.products, "{name}");
        assert_eq!(row.gi_products, one.gi_products, "{name}");
        assert_eq!(row.sellers, one.sellers, "{name}");
        assert_eq!(row.workshops, one.workshops, "{name}");
        assert_eq!(row.stories, one.stories, "{name}");
        let open: u64 = one.open_gaps_by_kind.iter().map(|c| c.count).sum();
        assert_eq!(row.open_gaps, open, "{name}");
        assert_eq!(row.policy, one.policies[0].key, "{name}");
        // Onboarded anywhere counts each seller once; needing packaging as its dashboard too.
        let sellers: Vec<odop_domain::Seller> = store.list(Some(row.state), None, 1000, 0).unwrap();
        assert_eq!(row.sellers_onboarded, onboarded(&sellers), "{name}");
        assert_eq!(row.packaging_needed, needing_packaging(&sellers), "{name}");
        let counted = one
            .sellers_packaging
            .iter()
            .find(|c| c.key == "needed")
            .map_or(0, |c| c.count);
        assert_eq!(row.packaging_needed, counted, "{name}");
        let overdue = store
            .record_page(
                EntityKind::Action,
                &odop_store::RecordQuery {
                    state: Some(row.state),
                    overdue: true,
                    today: Some(today),
                    limit: 0,
                    ..Default::default()
                },
            )
            .unwrap()
            .total;
        assert_eq!(row.overdue_actions, overdue, "{name}");
    }
    let sum = |f: fn(&odop_store::StateFigures) -> u64| rows.iter().map(f).sum::<u64>();
    assert_eq!(sum(|r| r.products), all.products);
    assert_eq!(sum(|r| r.sellers), all.sellers);
    assert_eq!(sum(|r| r.districts), all.districts);
    assert_eq!(sum(|r| r.overdue_actions), 1, "the packaging action");
    assert!(
        sum(|r| r.packaging_needed) > 0,
        "the sample's weavers need packaging"
    );
    let up = rows.iter().find(|r| r.state == StateCode(9)).unwrap();
    assert_eq!(
        (up.name.as_str(), up.policy.as_str()),
        ("Uttar Pradesh", "notified")
    );
    assert!(up.sellers_onboarded > 0 && up.sellers_onboarded <= up.sellers);
    let ka = rows.iter().find(|r| r.state == StateCode(29)).unwrap();
    assert_eq!(ka.policy, "drafting");

    // The day before it fell due, nothing is overdue.
    let before = store.state_figures("2027-01-31".parse().unwrap()).unwrap();
    assert!(before.iter().all(|r| r.overdue_actions == 0));
}

#[test]
fn each_district_s_row_agrees_with_its_records() {
    let mut store = sample();
    let up = StateCode(9);
    // A district of the LGD list with no record yet, and a gap of the whole state.
    let mut edit = store.edit("x").unwrap();
    edit.put_places(
        &[],
        &[odop_domain::District {
            code: DistrictCode(150),
            state: up,
            name: "Jhansi".into(),
            aliases: vec![],
        }],
    )
    .unwrap();
    edit.put(&odop_domain::Gap {
        id: Id::new(),
        state: up,
        district: None,
        workshop: None,
        product: None,
        seller: None,
        kind: odop_domain::ActionKind::StatePolicy,
        description: "No state ODOP portal yet".into(),
        open: true,
    })
    .unwrap();
    edit.commit().unwrap();
    let today: odop_domain::Date = "2027-02-01".parse().unwrap();

    let rows = store.district_figures(up, today).unwrap();
    let places = store.gazetteer().unwrap();
    let lgd = places.districts().filter(|d| d.state == up).count();
    assert_eq!(rows.len(), lgd, "every LGD district of the state is a row");
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "rows come in the order of their names");
    for row in &rows {
        let district = DistrictCode(row.district);
        let name = &row.name;
        let products = store
            .products(&ProductFilter {
                district: Some(district),
                ..ProductFilter::default()
            })
            .unwrap();
        assert_eq!(row.products, products.len() as u64, "{name}");
        assert_eq!(
            row.has_primary,
            products.iter().any(|p| p.rank == Rank::Primary),
            "{name}"
        );
        let gi = products.iter().filter(|p| p.gi.registered).count() as u64;
        assert_eq!(row.gi_products, gi, "{name}");
        let sellers: Vec<odop_domain::Seller> =
            store.list(Some(up), Some(district), 1000, 0).unwrap();
        assert_eq!(row.sellers, sellers.len() as u64, "{name}");
        assert_eq!(row.sellers_onboarded, onboarded(&sellers), "{name}");
        assert_eq!(row.packaging_needed, needing_packaging(&sellers), "{name}");
        let workshops: Vec<odop_domain::Workshop> =
            store.list(Some(up), Some(district), 1000, 0).unwrap();
        assert_eq!(row.workshops, workshops.len() as u64, "{name}");
        let gaps: Vec<odop_domain::Gap> = store.list(Some(up), Some(district), 1000, 0).unwrap();
        let open = gaps.iter().filter(|g| g.open).count() as u64;
        assert_eq!(row.open_gaps, open, "{name}");
    }
    let jhansi = rows.iter().find(|r| r.name == "Jhansi").unwrap();
    assert_eq!((jhansi.products, jhansi.has_primary), (0, false));
    // The gap of the whole state is in no district's row; overdue actions are all of a
    // district's gaps here, as the state's row counts them.
    let state_row = store
        .state_figures(today)
        .unwrap()
        .into_iter()
        .find(|r| r.state == up)
        .unwrap();
    let sum = |of: fn(&odop_store::DistrictFigures) -> u64| rows.iter().map(of).sum::<u64>();
    assert_eq!(sum(|r| r.open_gaps), state_row.open_gaps - 1);
    assert_eq!(sum(|r| r.overdue_actions), state_row.overdue_actions);
    assert!(
        state_row.overdue_actions > 0,
        "the sample's packaging action"
    );
    assert_eq!(sum(|r| r.sellers), state_row.sellers);
    // Jhansi is the one district no product names, for the state and for the country.
    let without = store.districts_without_products(Some(up)).unwrap();
    assert_eq!(
        without.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["Jhansi"]
    );
    let everywhere = store.districts_without_products(None).unwrap();
    assert_eq!(
        everywhere, without,
        "the sample's other districts all have products"
    );
    assert_eq!(
        store.stats(Some(up)).unwrap().without_products,
        without.len() as u64
    );
}

#[test]
fn a_state_with_only_a_policy_still_gets_a_row() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(
        store.state_figures("2027-01-01".parse().unwrap()).unwrap(),
        vec![]
    );
    store.load_sample("tester").unwrap();
    // Bihar, added to the LGD list with one district and no record yet: its policy makes it
    // a row of its own.
    let other = StateCode(10);
    let mut edit = store.edit("x").unwrap();
    edit.put_places(
        &[odop_domain::State {
            code: other,
            name: "Bihar".into(),
            local_name: None,
            kind: odop_domain::StateKind::State,
            aliases: vec![],
        }],
        &[odop_domain::District {
            code: DistrictCode(199),
            state: other,
            name: "Bhagalpur".into(),
            aliases: vec![],
        }],
    )
    .unwrap();
    edit.commit().unwrap();
    let before = store.state_figures("2027-01-01".parse().unwrap()).unwrap();
    assert!(before.iter().all(|r| r.state != other), "no record, no row");
    let mut edit = store.edit("x").unwrap();
    edit.put(&Policy {
        id: Policy::id_for(other),
        state: other,
        status: odop_domain::PolicyStatus::Notified,
        reference: Some("G.O. 12/2026".into()),
        notified_on: Some("2026-11-02".parse().unwrap()),
        note: String::new(),
    })
    .unwrap();
    edit.commit().unwrap();
    let rows = store.state_figures("2027-01-01".parse().unwrap()).unwrap();
    let row = rows.iter().find(|r| r.state == other).unwrap();
    assert_eq!(
        (
            row.name.as_str(),
            row.products,
            row.sellers,
            row.policy.as_str()
        ),
        ("Bihar", 0, 0, "notified")
    );
    assert_eq!(
        row.districts, 1,
        "its districts are counted from the LGD list"
    );
}

#[test]
fn a_workshop_s_outcome_is_its_sellers_gaps_and_their_actions() {
    let mut store = sample();
    let workshops: Vec<odop_domain::Workshop> = store.list(None, None, 10, 0).unwrap();
    let varanasi = workshops[0].clone();
    let gaps: Vec<odop_domain::Gap> = store.list(None, None, 100, 0).unwrap();
    let heard = gaps
        .iter()
        .find(|g| g.workshop == Some(varanasi.id))
        .unwrap()
        .clone();
    // A gap heard elsewhere, with an action of its own: neither belongs to the workshop.
    let elsewhere = odop_domain::Gap {
        id: Id::new(),
        workshop: None,
        description: "No cold storage near the mandi.".into(),
        ..heard
    };
    let action = odop_domain::Action {
        id: Id::new(),
        state: StateCode(9),
        gap: elsewhere.id,
        kind: elsewhere.kind,
        owner: "DIC Varanasi".into(),
        status: odop_domain::ActionStatus::Open,
        due: None,
        note: String::new(),
    };
    let mut edit = store.edit("x").unwrap();
    edit.put(&elsewhere).unwrap();
    edit.put(&action).unwrap();
    edit.commit().unwrap();

    let today: odop_domain::Date = "2027-02-01".parse().unwrap();
    let outcome = store.workshop_outcome(varanasi.id, today).unwrap();
    assert_eq!(outcome.workshop.id, varanasi.id.to_string());
    let met: Vec<&str> = outcome
        .sellers_met
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(met, ["Kashi Silk Weavers Cooperative", "Lalita Devi"]);
    let at_workshop = gaps
        .iter()
        .filter(|g| g.workshop == Some(varanasi.id))
        .count();
    assert_eq!(outcome.gaps.len(), at_workshop);
    assert!(outcome
        .gaps
        .iter()
        .all(|g| g.gap.id != elsewhere.id.to_string()));
    let actions: Vec<&odop_store::RecordRow> =
        outcome.gaps.iter().flat_map(|g| &g.actions).collect();
    assert_eq!(actions.len(), 1, "the sample's packaging action only");
    assert!(actions[0].overdue, "due 2027-01-31, still in progress");
    // Each gap's row names its workshop as the workshop's own title does; one heard elsewhere
    // names none.
    use odop_domain::Entity as _;
    let gap_rows = store
        .record_page(
            EntityKind::Gap,
            &odop_store::RecordQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .unwrap()
        .rows;
    for row in &gap_rows {
        let expected = (row.id != elsewhere.id.to_string()).then(|| varanasi.title());
        assert_eq!(row.workshop, expected, "{}", row.title);
    }
    for g in &outcome.gaps {
        assert_eq!(g.gap.workshop, Some(varanasi.title()));
        for a in &g.actions {
            assert_eq!(a.fields["gap"], g.gap.id.as_str());
        }
        let tally = g.gap.actions.unwrap();
        assert_eq!(tally.all as usize, g.actions.len());
    }

    let unknown = store.workshop_outcome(Id::new(), today).unwrap_err();
    assert!(
        matches!(unknown, StoreError::NotFound { .. }),
        "{unknown:?}"
    );
}

#[test]
fn a_states_history_holds_its_own_changes_deleted_records_too() {
    let mut store = sample();
    let p = product("Gulabi Meenakari");
    let mut elsewhere = product("Ajrakh Print");
    elsewhere.state = StateCode(24);
    elsewhere.district = DistrictCode(449);
    let mut edit = store.edit("officer@up").unwrap();
    edit.put(&p).unwrap();
    edit.put(&elsewhere).unwrap();
    let mut renamed = p.clone();
    renamed.name = "Gulabi Meenakari of Kashi".to_owned();
    edit.put(&renamed).unwrap();
    edit.delete(EntityKind::Product, p.id).unwrap();
    edit.commit().unwrap();

    let up = store.state_history(Some(StateCode(9)), 3).unwrap();
    let ops: Vec<(&str, &str)> = up
        .iter()
        .map(|e| (e.op.as_str(), e.title.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            ("delete", "Gulabi Meenakari of Kashi"),
            ("update", "Gulabi Meenakari of Kashi"),
            ("create", "Gulabi Meenakari"),
        ]
    );
    assert!(up.iter().all(|e| e.state == Some(9)));
    // Every entry of the state, the sample's own and its places' among them, and no other's.
    let all_up = store.state_history(Some(StateCode(9)), usize::MAX).unwrap();
    assert!(all_up.iter().any(|e| e.entity == "district"));
    assert!(all_up.iter().all(|e| e.row_id != elsewhere.id.to_string()));
    let gujarat = store.state_history(Some(StateCode(24)), 1).unwrap();
    assert_eq!(gujarat[0].row_id, elsewhere.id.to_string());
    assert_eq!(gujarat[0].state, Some(24));
    // Every state's entries together are the whole history but the GI registry's.
    let everything = store.history(None, usize::MAX).unwrap();
    let states: std::collections::BTreeSet<u16> =
        everything.iter().filter_map(|e| e.state).collect();
    let by_state: usize = states
        .iter()
        .map(|s| {
            store
                .state_history(Some(StateCode(*s)), usize::MAX)
                .unwrap()
                .len()
        })
        .sum();
    let registry = everything
        .iter()
        .filter(|e| e.entity == "gi_registry")
        .count();
    assert_eq!(by_state + registry, everything.len());
}

#[test]
fn a_desk_works_on_its_accounts_state_else_the_one_its_records_lie_in() {
    // The sample holds five states' records, so no one state is the desk's.
    let store = sample();
    assert_eq!(store.desk_state().unwrap(), None);

    // A desk holding one state's records works on that state.
    let mut one = Store::open_in_memory().unwrap();
    assert_eq!(one.desk_state().unwrap(), None, "a desk with no records");
    let sample = sample();
    let places = sample.gazetteer().unwrap();
    let mut edit = one.edit("test").unwrap();
    edit.put_places(
        places.states(),
        &places.districts().cloned().collect::<Vec<_>>(),
    )
    .unwrap();
    edit.put(&product("Gulabi Meenakari")).unwrap();
    edit.commit().unwrap();
    assert_eq!(one.desk_state().unwrap(), Some(StateCode(9)));

    // Another state's seller beside it: two states, each alone in its own table.
    let sellers: Vec<odop_domain::Seller> = sample.list(None, None, 1000, 0).unwrap();
    let mut other = sellers
        .into_iter()
        .find(|s| s.state != StateCode(9))
        .expect("the sample has sellers outside Uttar Pradesh");
    other.products.clear();
    let mut edit = one.edit("test").unwrap();
    edit.put(&other).unwrap();
    edit.commit().unwrap();
    assert_eq!(
        one.desk_state().unwrap(),
        None,
        "{:?} beside 9",
        other.state
    );
    let mut edit = one.edit("test").unwrap();
    edit.delete(EntityKind::Seller, other.id).unwrap();
    edit.commit().unwrap();
    assert_eq!(one.desk_state().unwrap(), Some(StateCode(9)));

    // An account decides: a state's, whatever the records; a central one, none.
    sample.set_account(&account("desk", Some(24))).unwrap();
    assert_eq!(sample.desk_state().unwrap(), Some(StateCode(24)));
    one.set_account(&account("desk", None)).unwrap();
    assert_eq!(one.desk_state().unwrap(), None);
}

#[test]
fn a_whole_list_is_read_past_a_pages_ten_thousand_rows() {
    let mut store = sample();
    let mut edit = store.edit("test").unwrap();
    for n in 0..10_005 {
        edit.put(&odop_domain::Story {
            id: Id::new(),
            state: StateCode(9),
            district: None,
            seller: None,
            product: None,
            title: format!("Story {n}"),
            texts: vec![LocalText {
                lang: Lang::En,
                text: "Sold online.".to_owned(),
            }],
        })
        .unwrap();
    }
    edit.commit().unwrap();
    let q = odop_store::RecordQuery {
        state: Some(StateCode(9)),
        limit: usize::MAX,
        ..odop_store::RecordQuery::default()
    };
    let page = store.record_page(EntityKind::Story, &q).unwrap();
    assert_eq!(page.total, 10_006, "the sample's story and the new ones");
    assert_eq!(page.rows.len(), 10_000, "a page is capped");
    let all = store.record_rows(EntityKind::Story, &q).unwrap();
    assert_eq!(all.len(), 10_006);
    let ids: std::collections::HashSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "a row read twice");
}

#[test]
fn an_owners_actions_are_found_however_its_name_is_written() {
    use odop_domain::{Action, ActionKind, ActionStatus};
    use odop_store::{ActionOwner, RecordQuery};

    let mut store = sample();
    let id = |key: &str| Id::derived("sample", key);
    let action = |key: &str, owner: &str, status| Action {
        id: id(key),
        state: StateCode(9),
        gap: id("g-gem"),
        kind: ActionKind::EcommerceOnboarding,
        owner: owner.to_owned(),
        status,
        due: None,
        note: String::new(),
    };
    let mut edit = store.edit("officer@up").unwrap();
    // The sample's "District Industries Centre, Varanasi" written twice more, short; and
    // another owner.
    for a in [
        action("a-dic-1", "DIC Varanasi", ActionStatus::Open),
        action("a-dic-2", "DIC, Varanasi", ActionStatus::Done),
        action("a-gem", "GeM State Cell", ActionStatus::Open),
    ] {
        edit.put(&a).unwrap();
    }
    edit.commit().unwrap();

    let owners = store.action_owners(Some(StateCode(9))).unwrap();
    assert_eq!(
        owners,
        [
            ActionOwner {
                name: "DIC Varanasi".to_owned(),
                to_do: 2,
                actions: 3,
            },
            ActionOwner {
                name: "GeM State Cell".to_owned(),
                to_do: 1,
                actions: 1,
            },
        ]
    );
    assert_eq!(store.action_owners(None).unwrap(), owners);
    assert_eq!(store.action_owners(Some(StateCode(24))).unwrap(), []);

    // One owner's actions, with the list's other filters.
    let of = |owner: &str, status: Option<ActionStatus>| {
        store
            .record_page(
                EntityKind::Action,
                &RecordQuery {
                    owner: Some(owner.to_owned()),
                    status,
                    limit: 100,
                    ..RecordQuery::default()
                },
            )
            .unwrap()
    };
    // Any of its spellings lists all its actions; no other owner's.
    for written in [
        "District Industries Centre, Varanasi",
        "DIC Varanasi",
        "varanasi d.i.c.",
    ] {
        let page = of(written, None);
        assert_eq!(page.total, 3, "{written}");
        let ids: Vec<&str> = page.rows.iter().map(|r| r.id.as_str()).collect();
        assert!(ids.contains(&id("a-packaging").to_string().as_str()));
        assert!(!ids.contains(&id("a-gem").to_string().as_str()));
    }
    assert_eq!(of("DIC Varanasi", Some(ActionStatus::Open)).total, 1);
    // An owner nobody names lists nothing, and a hostile name is only text.
    for nobody in ["DIC Agra", "'); DROP TABLE actions; --", ""] {
        assert_eq!(of(nobody, None).total, 0, "{nobody:?}");
    }
}
