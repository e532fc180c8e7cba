//! The app syncing with a real `odop-server` started by the test: log in from the sync screen,
//! send the sample, meet a conflict made by a second desk, and settle it in the UI, in English
//! and in Hindi; and a state's desk told, in both languages, why the server refused the records
//! of other states, and of stories about products deleted or moved meanwhile. Screenshots go to
//! `<target>/e2e-screenshots/sync/` and `sync-refusals/`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{ensure, Result};
use odop_e2e::{screenshot_dir, Harness, Window};
use odop_ledger::{Account, Ledger, Token};
use odop_ledger_sqlite::SqliteLedger;
use odop_protocol::{Change, FieldChange, Mutation, Op, Outcome, PushRequest, Role};
use odop_sync::{HttpRemote, Remote};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_syncs_and_a_person_settles_a_conflict() -> Result<()> {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_odop-desk"));
    let shots = screenshot_dir("sync")?;
    let central = Central::start(&[
        ("dpiit-desk", Role::Central, None),
        ("dpiit-other", Role::Central, None),
    ])
    .await?;
    let (ledger, url, tokens) = (&central.ledger, &central.url, &central.tokens);

    let harness = Harness::start(&app)?;
    let w = harness.open().await?;
    let run = async {
        w.find("first-run").await?;
        w.load_sample().await?;
        w.wait_until(
            "(document.querySelector('[data-testid=sync-status]')?.textContent ?? '').length > 0",
            "the sync status in the header",
        )
        .await?;
        w.go("sync").await?;
        w.find("sync-screen").await?;
        w.shot(&shots, "01-sync-offline").await?;
        w.type_into("sync-server", url).await?;
        w.type_into("sync-token", &tokens[0]).await?;
        w.click("sync-login").await?;
        // Logging in starts a round at once; the sample's records go up. The server is the
        // one to ask: the header's count may still show the moment before the sample.
        let mut products = Vec::new();
        for _ in 0..600 {
            let page = tokio::task::block_in_place(|| ledger.pull(&reader(), 0, 0, 1000))?;
            products = page
                .changes
                .iter()
                .filter_map(|c| match c {
                    Change::Row { kind, id, fields, .. } if kind == "product" => {
                        Some((id.clone(), fields["name"].as_str()?.to_owned()))
                    }
                    _ => None,
                })
                .collect();
            if products.len() >= 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        ensure!(products.len() >= 3, "the server has {} of the sample's products", products.len());
        let id = products[0].0.clone();
        w.wait_until(
            "document.querySelector('[data-testid=sync-status]')?.dataset.pending === '0'",
            "the sample to be sent",
        )
        .await?;
        w.go("sync").await?;
        w.find("sync-screen").await?;
        w.shot(&shots, "02-synced").await?;

        // A second desk renames the product on the server...
        let other = HttpRemote::new(url, &tokens[1])?;
        rename(&other, 1, &products[..1], "Renamed at DPIIT").await?;
        // ...while this desk renames it too, offline of that change.
        w.eval(&format!("location.hash = '#/product/{id}'"), vec![]).await?;
        w.click("edit-product").await?;
        w.find("form-product").await?;
        w.type_into("field-name", "Renamed at the state").await?;
        w.click("form-save").await?;
        w.wait_until("!document.getElementById('record-dialog').open", "the form to close").await?;
        // A round the open screen did not start, as a periodic one is, shows on it.
        w.go("sync").await?;
        w.eval("window.__TAURI__.core.invoke('sync_now'); return null;", vec![])
            .await?;
        w.wait_until(
            "!!document.querySelector('[data-testid=conflict-row]') && \
             document.querySelector('[data-testid=sync-conflict-count]')?.textContent === '1'",
            "the open sync screen to show the conflict",
        )
        .await?;
        let mine = w.text(".conflict-mine").await?;
        let theirs = w.text(".conflict-theirs").await?;
        ensure!(mine == "Renamed at the state" && theirs == "Renamed at DPIIT", "mine {mine:?}, theirs {theirs:?}");
        w.shot(&shots, "03-conflict").await?;
        // The product's own page says it is in conflict.
        w.eval(&format!("location.hash = '#/product/{id}'"), vec![]).await?;
        w.wait_until(
            "document.querySelector('[data-testid=product-sync]')?.dataset.state === 'conflict'",
            "the product's page to show the conflict",
        )
        .await?;
        w.shot(&shots, "03-product-in-conflict").await?;
        // So does its row on its district's page, and no other row there.
        w.eval(
            "document.querySelector('.crumbs a[href^=\"#/district/\"]').click(); return null;",
            vec![],
        )
        .await?;
        w.wait_until(
            &format!(
                "document.querySelector('[data-testid=product-row][data-id=\"{id}\"] [data-testid=row-sync]')\
                 ?.dataset.state === 'conflict' \
                 && document.querySelectorAll('[data-testid=product-row] [data-testid=row-sync]').length === 1"
            ),
            "the district's page to mark the product in conflict",
        )
        .await?;
        w.shot(&shots, "03-district-in-conflict").await?;
        w.go("sync").await?;
        w.find("conflict-row").await?;
        // In Hindi the same screen reads in Hindi.
        w.click("lang-hi").await?;
        w.find("conflict-row").await?;
        ensure!(w.text("keep-mine").await? == "मेरा रखें", "the conflict screen is not in Hindi");
        let field = w.text("conflict-field").await?;
        ensure!(field == "नाम", "the conflict's field reads {field:?} in Hindi");
        w.shot(&shots, "04-conflict-hi").await?;
        w.click("lang-en").await?;
        w.find("conflict-row").await?;
        // A periodic round while the person is typing a merged value keeps what they typed and
        // brings the summary up to date.
        w.type_into("conflict-merged", "Half-typed").await?;
        rename(&other, 2, &products[1..3], "Renamed again at DPIIT").await?;
        w.eval("window.__TAURI__.core.invoke('sync_now'); return null;", vec![])
            .await?;
        w.wait_until(
            "document.querySelector('[data-testid=sync-state]')?.textContent.includes(': 0 sent, 2 received, 0 in conflict')",
            "the summary to show the round",
        )
        .await?;
        let typed = w
            .eval("return document.querySelector('[data-testid=conflict-merged]').value;", vec![])
            .await?;
        ensure!(typed == "Half-typed", "the merged value became {typed}");
        w.shot(&shots, "05-merged-kept").await?;
        w.click("keep-mine").await?;
        w.wait_until(
            "!document.querySelector('[data-testid=conflict-row]') && document.querySelector('[data-testid=sync-pending]')?.textContent === '1'",
            "the conflict to be settled, waiting to be sent",
        )
        .await?;
        let said = w.text("notice").await?;
        ensure!(
            said == "Conflict settled; it is sent at the next sync.",
            "the notice says {said:?}"
        );
        w.click("sync-now").await?;
        w.wait_until(
            "document.querySelector('[data-testid=sync-pending]')?.textContent === '0'",
            "the settlement to be sent",
        )
        .await?;
        w.shot(&shots, "06-settled").await?;
        w.eval(&format!("location.hash = '#/product/{id}'"), vec![]).await?;
        w.wait_until(
            "!!document.querySelector('[data-testid=product-page]') && \
             !document.querySelector('[data-testid=product-sync]')",
            "the product's page to show nothing waiting",
        )
        .await?;
        let after = tokio::task::block_in_place(|| ledger.pull(&reader(), 0, 0, 1000))?;
        let settled = after.changes.iter().any(|c| {
            matches!(c, Change::Row { id: r, fields, .. } if *r == id && fields["name"] == "Renamed at the state")
        });
        ensure!(settled, "the server did not take the state's name");
        let resolved = after.changes.iter().any(|c| {
            matches!(c, Change::Conflict { record, .. } if record.row == id && record.resolved_by.as_deref() == Some("dpiit-desk"))
        });
        ensure!(resolved, "the conflict is not settled on the server");
        Ok(())
    }
    .await;
    central.finish(w, &shots, run).await
}

/// DPIIT's desk loads the sample and syncs with a server given LGD lists that lack Gorakhpur and
/// put Surat in West Bengal: the server refuses the records placed there, and the sync screen
/// says which district and why, in English and in Hindi. The desk now holds those lists: the
/// sync screen says so, and the seller form refuses Gorakhpur before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_is_told_which_places_the_servers_lgd_list_lacks() -> Result<()> {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_odop-desk"));
    let shots = screenshot_dir("sync-places")?;
    let central = Central::start(&[("dpiit-desk", Role::Central, None)]).await?;
    // The sample's places, as the server's lists have them.
    let places = odop_ledger::Places {
        states: [9, 29, 33, 19, 24].into(),
        districts: [
            (187, 9),
            (179, 9),
            (143, 9),
            (155, 9),
            (171, 9),
            (162, 9),
            (542, 29),
            (545, 29),
            (631, 29),
            (578, 33),
            (586, 33),
            (320, 19),
            (319, 19),
            (449, 24),
            (455, 24),
            (459, 19),
        ]
        .into(),
    };
    central.ledger.set_places(&places)?;
    // DPIIT's GI registry, which the desk takes in place of the sample's few entries.
    let registry: Vec<odop_ledger::GiEntry> = [
        (2, "Banaras Brocades and Sarees", 9),
        (11, "Mysore Silk", 29),
        (420, "Madurai Malli", 33),
    ]
    .iter()
    .map(|&(number, name, state)| odop_ledger::GiEntry {
        number,
        name: name.into(),
        goods: "Handicraft".into(),
        states: vec![odop_domain::StateCode(state)],
    })
    .collect();
    central.ledger.set_gi_registry(&registry)?;
    let (url, token) = (&central.url, &central.tokens[0]);

    let harness = Harness::start(&app)?;
    let w = harness.open().await?;
    let run = async {
        let reasons = sample_sent_and_refused(&w, url, token, "the misplaced records").await?;
        for said in [
            "District code 148 (Gorakhpur) is not in the server's LGD list. Choose a listed district, or ask \
             the server's administrator to load the current list.",
            "The server's LGD list puts district 459 (Surat) in West Bengal, not in Gujarat, the \
             record's state.",
        ] {
            ensure!(reasons.iter().any(|r| r == said), "{said:?} is not among {reasons:#?}");
        }
        let hindi = pictured_then_in_hindi(&w, &shots, "01-places-refused").await?;
        for said in [
            "ज़िला कोड 148 (Gorakhpur) सर्वर की LGD सूची में नहीं है। सूची का कोई ज़िला चुनें, या सर्वर के \
             प्रशासक से वर्तमान सूची लोड करने को कहें।",
            "सर्वर की LGD सूची में ज़िला 459 (Surat) पश्चिम बंगाल में है, रिकॉर्ड के राज्य गुजरात में नहीं।",
        ] {
            ensure!(hindi.iter().any(|r| r == said), "{said:?} is not among {hindi:#?}");
        }
        let held = w.text("sync-places").await?;
        ensure!(held.starts_with("सर्वर की LGD सूचियाँ:"), "{held:?}");
        w.shot(&shots, "02-places-refused-hi").await?;
        w.click("lang-en").await?;
        // The desk now holds the server's lists, and its forms check a new place against them.
        let held = w.text("sync-places").await?;
        ensure!(
            held == "The server's LGD lists: 5 states, 16 districts. Forms check a new place \
                     against them before it is sent.",
            "{held:?}"
        );
        // And DPIIT's GI registry, in place of the sample's.
        let gi = w.text("sync-gi").await?;
        ensure!(gi == "GI registry: 3 entries. Check products against it", "{gi:?}");
        let round = w.text("sync-state").await?;
        ensure!(
            round.contains("DPIIT's GI registry (3 entries) came from the server"),
            "{round:?}"
        );
        w.eval(
            "document.querySelector('[data-testid=sync-screen]').scrollIntoView({ block: 'start' }); return null;",
            vec![],
        )
        .await?;
        w.shot(&shots, "02a-gi-registry-taken").await?;
        w.go("sellers").await?;
        w.click("add-seller").await?;
        w.find("form-seller").await?;
        // The district list marks Gorakhpur, which the server's lacks, and Surat, which it puts
        // in another state (listed under Gujarat, then Uttar Pradesh).
        let marked = w
            .eval(
                "return [...document.querySelectorAll('[data-testid=field-district] option')]\
                 .filter((o) => o.textContent.includes('(')).map((o) => o.textContent);",
                vec![],
            )
            .await?;
        ensure!(
            marked
                == serde_json::json!([
                    "Surat (not in the server's LGD list)",
                    "Gorakhpur (not in the server's LGD list)"
                ]),
            "{marked}"
        );
        w.select("field-district", "148").await?;
        w.type_into("field-name", "Terracotta Guild").await?;
        w.select("field-kind", "artisan").await?;
        w.click("form-save").await?;
        let said = w.text("field-district-error").await?;
        ensure!(
            said == "District code 148 (Gorakhpur) is not in the server's LGD list, so the server \
                     would refuse this record. Choose a listed district, or ask the server's \
                     administrator to load the current list.",
            "{said:?}"
        );
        w.shot(&shots, "03-form-refuses-unlisted-district").await?;
        // Surat, which the server's list puts in West Bengal, likewise.
        w.select("field-district", "459").await?;
        w.click("form-save").await?;
        w.wait_until(
            "document.querySelector('[data-testid=field-district-error]').textContent.includes('459')",
            "Surat refused",
        )
        .await?;
        let said = w.text("field-district-error").await?;
        ensure!(
            said == "The server's LGD list puts district 459 (Surat) in West Bengal, not in the \
                     record's state, so the server would refuse this record here.",
            "{said:?}"
        );
        // A listed district is taken, and sent.
        w.select("field-district", "187").await?;
        w.click("form-save").await?;
        w.wait_until(
            "!document.getElementById('record-dialog').open",
            "the form to close",
        )
        .await?;

        // DPIIT's officer loads a newer GI list in the wizard: the wizard says the next sync
        // sends it, and after "sync now" the server holds it for every desk.
        let list = harness.scratch()?.join("gi-registry.csv");
        std::fs::write(
            &list,
            "S.No,Geographical Indications,Goods,State\n\
             2,Banaras Brocades and Sarees,Handicraft,Uttar Pradesh\n\
             11,Mysore Silk,Handicraft,Karnataka\n\
             66,Patan Patola,Handicraft,Gujarat\n\
             198,Kutch Embroidery,Handicraft,Gujarat\n",
        )?;
        w.go("import").await?;
        w.select("import-layout", "gi").await?;
        w.type_into("import-path", &list.to_string_lossy()).await?;
        w.click("import-check").await?;
        w.find("import-preview").await?;
        // The check says, before anything changes, what the list leaves out of the registry.
        let dropped = w.text("import-registry-dropped").await?;
        ensure!(
            dropped == "The registry held 3 entries; this list leaves out 1 of them: Madurai Malli",
            "{dropped:?}"
        );
        w.click("import-run").await?;
        w.find("import-report").await?;
        let fate = w.text("import-gi-fate").await?;
        ensure!(
            fate == "The next sync sends this registry to the server, and every desk takes it \
                     from there.",
            "{fate:?}"
        );
        w.shot(&shots, "04-gi-registry-to-be-sent").await?;
        w.go("sync").await?;
        let gi = w.text("sync-gi").await?;
        ensure!(
            gi.starts_with("GI registry: 4 entries, loaded here. The next sync sends it"),
            "{gi:?}"
        );
        w.click("sync-now").await?;
        w.wait_until(
            "document.querySelector('[data-testid=sync-state]')?.textContent.includes('went to the server')",
            "the registry to be sent",
        )
        .await?;
        let held = tokio::task::block_in_place(|| central.ledger.gi_registry())?;
        ensure!(
            held.iter().any(|e| e.name == "Patan Patola") && held.len() == 4,
            "the server holds {held:?}"
        );
        let gi = w.text("sync-gi").await?;
        ensure!(gi == "GI registry: 4 entries. Check products against it", "{gi:?}");
        // The GI check says which registry it checks against.
        // The GI check has no menu entry; the sync screen's GI line links to it.
        w.click("[data-testid=sync-gi] a").await?;
        let held = w.text("gi-held").await?;
        ensure!(held.starts_with("A registry list loaded on this desk on "), "{held:?}");
        Ok(())
    }
    .await;
    central.finish(w, &shots, run).await
}

/// A state officer's new desk, with nothing on it, is connected to the server from the first
/// screen: its first sync brings the state's products, the LGD lists with their names (so the
/// districts screen lists the state's districts) and DPIIT's GI registry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_desk_joins_its_server_from_the_first_screen() -> Result<()> {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_odop-desk"));
    let shots = screenshot_dir("sync-join")?;
    let central = Central::start(&[
        ("up-desk", Role::StateEditor, Some(9)),
        ("dpiit-elsewhere", Role::Central, None),
    ])
    .await?;
    let places = odop_ledger::Places {
        states: [9, 10].into(),
        districts: [(187, 9), (179, 9), (211, 10)].into(),
    };
    let names = odop_ledger::PlaceNames {
        states: [
            (
                9,
                ("UTTAR PRADESH".to_owned(), odop_ledger::StateKind::State),
            ),
            (10, ("BIHAR".to_owned(), odop_ledger::StateKind::State)),
        ]
        .into(),
        districts: [
            (187, "VARANASI".to_owned()),
            (179, "BHADOHI".to_owned()),
            (211, "PATNA".to_owned()),
        ]
        .into(),
    };
    central.ledger.set_named_places(&places, &names)?;
    central.ledger.set_gi_registry(&[odop_ledger::GiEntry {
        number: 2,
        name: "Banaras Brocades and Sarees".into(),
        goods: "Handicraft".into(),
        states: vec![odop_domain::StateCode(9)],
    }])?;
    let product = |seq: u64, state: u16, district: u32, name: &str| {
        let id = odop_domain::Id::new().to_string();
        Mutation::create(
            seq,
            "product",
            &id,
            [
                ("id", json!(id)),
                ("state", json!(state)),
                ("district", json!(district)),
                ("rank", json!("primary")),
                ("sector", json!("handloom")),
                ("name", json!(name)),
            ],
        )
    };
    central.push_as_dpiit(vec![
        product(1, 9, 187, "Banarasi Silk Saree"),
        product(2, 9, 179, "Hand-knotted Carpet"),
        product(3, 10, 211, "Madhubani Painting"),
    ])?;
    let (url, token) = (&central.url, &central.tokens[0]);

    let harness = Harness::start(&app)?;
    let w = harness.open().await?;
    let run = async {
        w.find("first-run").await?;
        w.shot(&shots, "01-first-run").await?;
        // Before the first sync the GI check has no registry, and says where one comes from.
        w.eval("location.hash = '#/gi'; return null;", vec![])
            .await?;
        let none = w.text("gi-no-registry").await?;
        ensure!(
            none.ends_with("or take DPIIT's from the server: Sync."),
            "{none:?}"
        );
        w.eval("location.hash = '#/welcome'; return null;", vec![])
            .await?;
        w.click("go-sync").await?;
        w.find("sync-screen").await?;
        w.type_into("sync-server", url).await?;
        w.type_into("sync-token", token).await?;
        w.click("sync-login").await?;
        w.wait_until(
            "(document.querySelector('[data-testid=sync-state]')?.textContent ?? '')\
             .includes('were added from the server')",
            "the first sync to bring the places",
        )
        .await?;
        let round = w.text("sync-state").await?;
        for said in [
            "5 states and districts this desk's LGD lists lacked were added from the server's",
            "DPIIT's GI registry (1 entry) came from the server",
        ] {
            ensure!(round.contains(said), "{said:?} is not in {round:?}");
        }
        w.shot(&shots, "02-first-sync").await?;
        // The state's districts, by name, each with its product; not Bihar's.
        w.go("districts").await?;
        w.wait_until(
            "document.querySelectorAll('[data-testid=district-row]').length > 0",
            "the districts",
        )
        .await?;
        let rows = w
            .eval(
                "return [...document.querySelectorAll('[data-testid=district-row]')]\
                 .map((r) => r.textContent);",
                vec![],
            )
            .await?;
        let rows: Vec<String> = serde_json::from_value(rows)?;
        ensure!(
            rows.iter()
                .any(|r| r.contains("Varanasi") && r.contains("Banarasi Silk Saree"))
                && rows
                    .iter()
                    .any(|r| r.contains("Bhadohi") && r.contains("Hand-knotted Carpet"))
                && !rows.iter().any(|r| r.contains("Madhubani")),
            "{rows:#?}"
        );
        w.shot(&shots, "03-districts-after-first-sync").await?;
        // A desk of one state: its dashboard sets that state's districts side by side, without
        // a state chosen.
        w.go("dashboard").await?;
        w.wait_until(
            "document.querySelectorAll('[data-testid=district-figures-row]').length === 2",
            "Uttar Pradesh's districts side by side",
        )
        .await?;
        let rows = w
            .eval(
                "return [...document.querySelectorAll('[data-testid=district-figures-row]')]\
                 .map((r) => [r.querySelector('th').textContent, \
                   r.querySelector('[data-column=products]').textContent]);",
                vec![],
            )
            .await?;
        let rows: Vec<(String, String)> = serde_json::from_value(rows)?;
        ensure!(
            rows == [
                ("Bhadohi".to_owned(), "1".to_owned()),
                ("Varanasi".to_owned(), "1".to_owned())
            ],
            "the desk's districts side by side: {rows:?}"
        );
        w.shot(&shots, "03a-dashboard-of-a-state-desk").await?;
        w.go("sync").await?;
        // The GI check has no menu entry; the sync screen's GI line links to it.
        w.click("[data-testid=sync-gi] a").await?;
        let held = w.text("gi-held").await?;
        ensure!(
            held.starts_with("DPIIT's registry, from the server, since "),
            "{held:?}"
        );
        w.shot(&shots, "04-gi-check-against-dpiits-registry")
            .await?;
        Ok(())
    }
    .await;
    central.finish(w, &shots, run).await
}

/// An Uttar Pradesh desk loads the sample, which holds five states' records, and syncs: the
/// server takes Uttar Pradesh's and refuses the rest, and the sync screen says why, naming the
/// states, in English and in Hindi.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_desk_is_told_why_other_states_records_were_refused() -> Result<()> {
    let app = PathBuf::from(env!("CARGO_BIN_EXE_odop-desk"));
    let shots = screenshot_dir("sync-refusals")?;
    let central = Central::start(&[
        ("up-desk", Role::StateEditor, Some(9)),
        ("dpiit-elsewhere", Role::Central, None),
    ])
    .await?;
    let (url, token) = (&central.url, &central.tokens[0]);

    let harness = Harness::start(&app)?;
    let w = harness.open().await?;
    let run = async {
        let reasons = sample_sent_and_refused(&w, url, token, "the other states' records").await?;
        let others = ["Karnataka", "Tamil Nadu", "West Bengal", "Gujarat"];
        ensure!(!reasons.is_empty(), "no refusal is listed");
        for reason in &reasons {
            let named = others.iter().find(|s| {
                *reason
                    == format!(
                        "This change would put the record in {s}; your account changes only \
                         Uttar Pradesh's records."
                    )
            });
            ensure!(named.is_some(), "the reason does not name the states: {reason:?}");
        }
        each_named(&reasons, &others)?;
        // Each refused write names its record as a person would, not by its id.
        let records = w
            .eval(
                "return [...document.querySelectorAll('[data-testid=refusal-row]')]\
                 .map((r) => r.cells[0].textContent);",
                vec![],
            )
            .await?;
        ensure!(
            records
                .as_array()
                .is_some_and(|rs| rs.iter().any(|r| r.as_str()
                    == Some("Added · Seller · Channapatna Toy Makers SHG"))),
            "the refused records as listed: {records}"
        );
        let hindi = pictured_then_in_hindi(&w, &shots, "01-refused").await?;
        ensure!(hindi.len() == reasons.len(), "{hindi:?}");
        for reason in &hindi {
            // The states are named in Hindi too.
            ensure!(
                !reason.chars().any(|c| c.is_ascii_alphabetic())
                    && reason.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)),
                "the reason is not in Hindi: {reason:?}"
            );
            ensure!(reason.contains("उत्तर प्रदेश"), "{reason:?}");
        }
        each_named(&hindi, &["कर्नाटक", "तमिलनाडु", "पश्चिम बंगाल", "गुजरात"])?;
        w.eval(
            "document.querySelector('[data-testid=sync-refusals]').scrollIntoView(); return null;",
            vec![],
        )
        .await?;
        w.shot(&shots, "02-refused-hi").await?;
        w.click("lang-en").await?;

        // The seller list marks the refused sellers, the other states' two, and no other.
        w.go("sellers").await?;
        w.wait_until(
            "document.querySelectorAll('[data-testid=seller-row] [data-testid=row-sync]').length > 0",
            "the seller list with its marks",
        )
        .await?;
        let marked = w
            .eval(
                "return [...document.querySelectorAll('[data-testid=seller-row]')]\
                 .filter((r) => r.querySelector('[data-testid=row-sync][data-state=refused]'))\
                 .map((r) => r.querySelector('.c-name .name').textContent).sort();",
                vec![],
            )
            .await?;
        ensure!(
            marked == json!(["Channapatna Toy Makers SHG", "Madurai Malli Farmers FPO"]),
            "refused sellers marked in the list: {marked}"
        );
        w.shot(&shots, "03-sellers-refused").await?;

        // The desk's own state is the one its review is printed for, with none chosen.
        w.go("actions").await?;
        w.select("action-state-filter", "").await?;
        w.click("action-print").await?;
        w.brochure_shown().await?;
        let printed = w.eval("return location.hash;", vec![]).await?;
        ensure!(
            printed == "#/brochure/actions/9",
            "a state desk's review was printed for {printed}"
        );

        // Giving one refused write up makes the next round compare everything with the server,
        // and the screen says so.
        w.go("sync").await?;
        let before = w
            .eval("return document.querySelectorAll('[data-testid=refusal-row]').length;", vec![])
            .await?;
        w.click("discard-refusal").await?;
        w.wait_until(
            &format!(
                "document.querySelectorAll('[data-testid=refusal-row]').length === {before} - 1"
            ),
            "the discarded write to leave the list",
        )
        .await?;
        w.click("sync-now").await?;
        w.wait_until(
            "document.querySelector('[data-testid=sync-state]')?.textContent.includes('Everything was compared with the server after a refused change was discarded')",
            "the round to say it compared everything",
        )
        .await?;
        w.shot(&shots, "04-discarded-compared").await?;

        // DPIIT deletes one Uttar Pradesh product and moves another to Karnataka while this
        // desk, not yet told, writes a story about each: the server refuses both stories, and
        // the desk says what each named.
        let page = tokio::task::block_in_place(|| central.ledger.pull(&reader(), 0, 0, 1000))?;
        // Products no other row names: the server refuses to delete or move the others.
        let texts: Vec<String> = page
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Row { fields, .. } => serde_json::to_string(fields).ok(),
                _ => None,
            })
            .collect();
        let up: Vec<(String, u64, serde_json::Value, String)> = page
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Row { kind, id, version, fields, .. }
                    if kind == "product"
                        && fields.get("state") == Some(&json!(9))
                        && texts.iter().filter(|t| t.contains(id.as_str())).count() == 1 =>
                {
                    let name = fields["name"].as_str().unwrap_or_default().to_owned();
                    Some((id.clone(), *version, fields["district"].clone(), name))
                }
                _ => None,
            })
            .collect();
        ensure!(up.len() >= 3, "the server holds {} Uttar Pradesh products", up.len());
        let (gone, moved) = (&up[0], &up[1]);
        let change = |base: serde_json::Value, new: serde_json::Value| FieldChange { base, new };
        let mutations = vec![
            Mutation {
                seq: 1,
                kind: "product".into(),
                id: gone.0.clone(),
                op: Op::Delete,
                base_version: gone.1,
                fields: Default::default(),
                resolves: vec![],
                at: String::new(),
            },
            Mutation {
                seq: 2,
                kind: "product".into(),
                id: moved.0.clone(),
                op: Op::Put,
                base_version: moved.1,
                // To Ramanagara, Karnataka.
                fields: [
                    ("state".to_owned(), change(json!(9), json!(29))),
                    ("district".to_owned(), change(moved.2.clone(), json!(631))),
                ]
                .into_iter()
                .collect(),
                resolves: vec![],
                at: String::new(),
            },
        ];
        central.push_as_dpiit(mutations)?;
        let before = refusal_reasons(&w).await?.len();
        for (title, product) in [("Orders after the fair", &gone.0), ("Buyers from Bengaluru", &moved.0)] {
            w.eval(
                "window.__TAURI__.core.invoke('save_record', { kind: 'story', id: null, fields: \
                 { district: '187', title: arguments[0], 'text.en': 'Orders tripled.', \
                 product: arguments[1] } }); return null;",
                vec![json!(title), json!(product)],
            )
            .await?;
        }
        sent_and_refused(&w, 2, before).await?;
        let stories = "[...document.querySelectorAll('[data-testid=refusal-row]')]\
             .filter((r) => r.cells[0].textContent.includes(' · Story · '))";
        let said = w
            .eval(
                &format!(
                    "return {stories}.map((r) => [r.cells[0].textContent, \
                     r.querySelector('[data-testid=refusal-headline]').textContent, \
                     r.querySelector('[data-testid=refusal-reason]').textContent]);"
                ),
                vec![],
            )
            .await?;
        ensure!(
            said == json!([
                [
                    "Added · Story · Orders after the fair",
                    "The record names a record the server does not hold.",
                    format!(
                        "Its “Product” names the product “{}”, which the server does not hold: \
                         deleted, or never accepted.",
                        gone.3
                    )
                ],
                [
                    "Added · Story · Buyers from Bengaluru",
                    "The record names a record of another state.",
                    format!(
                        "Its “Product” names the product “{}” of Karnataka; it must be of Uttar \
                         Pradesh, the record's own state.",
                        moved.3
                    )
                ]
            ]),
            "the stories' refusals as shown: {said}"
        );
        let show = format!("{stories}[0].scrollIntoView({{ block: 'center' }}); return null;");
        w.eval(&show, vec![]).await?;
        w.shot(&shots, "05-names-gone-or-moved").await?;
        w.click("lang-hi").await?;
        w.wait_until(
            "[...document.querySelectorAll('[data-testid=refusal-reason]')].some((e) => e.textContent.includes('कर्नाटक के उत्पाद'))",
            "the stories' refusals in Hindi",
        )
        .await?;
        w.eval(&show.replace(" · Story · ", " · कहानी · "), vec![]).await?;
        w.shot(&shots, "06-names-gone-or-moved-hi").await?;
        w.click("lang-en").await?;

        // DPIIT writes a story about a third product while this desk, not yet told, deletes
        // it: the server refuses the deletion, naming the story.
        let kept = &up[2];
        let story_id = odop_domain::Id::new().to_string();
        let story = Mutation::create(
            3,
            "story",
            &story_id,
            [
                ("id", json!(story_id)),
                ("state", json!(9)),
                ("district", kept.2.clone()),
                ("product", json!(kept.0)),
                ("title", json!("A buyer from Delhi")),
                ("texts", json!([{"lang": "en", "text": "A standing order."}])),
            ],
        );
        central.push_as_dpiit(vec![story])?;
        let before = refusal_reasons(&w).await?.len();
        w.eval(
            "window.__TAURI__.core.invoke('delete_record', { kind: 'product', id: arguments[0] }); \
             return null;",
            vec![json!(kept.0)],
        )
        .await?;
        sent_and_refused(&w, 1, before).await?;
        let deleted = "[...document.querySelectorAll('[data-testid=refusal-row]')]\
             .find((r) => r.cells[0].textContent.includes(' · Product · ') \
             && r.querySelector('[data-testid=refusal-headline]').textContent.startsWith('Other'))";
        let said = w
            .eval(
                &format!(
                    "const r = {deleted}; return [r.cells[0].textContent.split(' · ')[0], \
                     r.querySelector('[data-testid=refusal-reason]').textContent];"
                ),
                vec![],
            )
            .await?;
        ensure!(
            said == json!([
                "Deleted",
                "Named by: Story “A buyer from Delhi”. Change or delete those first."
            ]),
            "the deletion's refusal as shown: {said}"
        );
        w.eval(
            &format!("{deleted}.scrollIntoView({{ block: 'center' }}); return null;"),
            vec![],
        )
        .await?;
        w.shot(&shots, "07-deletion-of-a-named-product").await?;

        // Once DPIIT has deleted its story, "Send again" sends the deletion as it was made,
        // though this desk no longer holds the product, and the server takes it.
        let mut unsaid = Mutation::create(4, "story", &story_id, [("id", json!(story_id))]);
        unsaid.op = Op::Delete;
        unsaid.fields.clear();
        unsaid.base_version = 1;
        central.push_as_dpiit(vec![unsaid])?;
        w.eval(
            "window.__TAURI__.core.invoke('sync_now'); return null;",
            vec![],
        )
        .await?;
        w.wait_until(
            "document.querySelector('[data-testid=sync-state]')?.textContent.includes(': 0 sent, 1 received')",
            "the story's deletion to arrive",
        )
        .await?;
        let shown = before + 1;
        w.eval(
            &format!("{deleted}.querySelector('[data-testid=resend-refusal]').click(); return null;"),
            vec![],
        )
        .await?;
        w.wait_until(
            &format!(
                "document.querySelectorAll('[data-testid=refusal-row]').length === {shown} - 1 \
                 && document.querySelector('[data-testid=sync-pending]')?.textContent === '1'"
            ),
            "the deletion to wait to be sent again",
        )
        .await?;
        w.click("sync-now").await?;
        w.wait_until(
            "document.querySelector('[data-testid=sync-state]')?.textContent.includes(': 1 sent, 0 received')",
            "the deletion to be sent",
        )
        .await?;
        let page = tokio::task::block_in_place(|| central.ledger.pull(&reader(), 0, 0, 1000))?;
        let gone = page
            .changes
            .iter()
            .any(|c| matches!(c, Change::Tombstone { id, .. } if *id == kept.0));
        ensure!(gone, "the server still holds the product");
        ensure!(
            refusal_reasons(&w).await?.len() == shown - 1,
            "only the deletion's refusal left the list"
        );
        w.shot(&shots, "08-deletion-sent-again").await?;
        another_states_backup(&w, &shots, &harness).await?;
        handed_to_dpiit(&w, &shots, &central).await?;
        moved_to_another_server(&w, &shots, &central).await
    }
    .await;
    central.finish(w, &shots, run).await
}

/// The logged-in Uttar Pradesh desk reads a backup that a Karnataka desk made: the sync screen
/// names the desk's own account, the preview says whose work the backup is, in English and in
/// Hindi, and the restore is offered as a takeover, after which the desk still syncs as itself.
async fn another_states_backup(w: &Window, shots: &Path, harness: &Harness) -> Result<()> {
    w.go("sync").await?;
    let mine = w.text("sync-account").await?;
    ensure!(
        mine == "Syncs for Uttar Pradesh (account up-desk).",
        "the sync screen says {mine:?}"
    );
    let scratch = harness.scratch()?;
    let backup = scratch.join("karnataka-desk.sqlite3");
    tokio::task::block_in_place(|| -> Result<()> {
        let mut theirs = odop_store::Store::open(&scratch.join("karnataka-live.sqlite3"))?;
        theirs.load_sample("ka-desk")?;
        theirs.set_account(&odop_store::DeskAccount {
            name: "ka-desk".into(),
            role: "state-editor".into(),
            state: Some(29),
        })?;
        theirs.back_up(&backup)?;
        Ok(())
    })?;

    w.go("import").await?;
    w.type_into("restore-path", &backup.to_string_lossy())
        .await?;
    w.click("restore-check").await?;
    w.find("restore-other-account").await?;
    let (told, made_by, button) = (
        w.text("restore-other-account").await?,
        w.text("backup-account").await?,
        w.text("restore-run").await?,
    );
    ensure!(
        made_by == "Made by a desk that syncs for Karnataka (account ka-desk)."
            && told.contains(
                "a desk that syncs for Karnataka (account ka-desk), and this desk \
                 syncs for Uttar Pradesh (account up-desk)"
            )
            && button == "Take this work over and restore",
        "the preview says {made_by:?} and {told:?}, and offers {button:?}"
    );
    let show = "document.querySelector('[data-testid=restore-other-account]')\
         .scrollIntoView({ block: 'center' }); return null;";
    w.eval(show, vec![]).await?;
    w.shot(shots, "09-another-states-backup").await?;
    // The screen is drawn again in the other language, so the file is named again.
    w.click("lang-hi").await?;
    w.type_into("restore-path", &backup.to_string_lossy())
        .await?;
    w.click("restore-check").await?;
    w.wait_until(
        "document.querySelector('[data-testid=restore-other-account]')?.textContent.includes('कर्नाटक')",
        "the warning in Hindi",
    )
    .await?;
    let hindi = w.text("restore-other-account").await?;
    ensure!(hindi.contains("उत्तर प्रदेश"), "{hindi:?}");
    w.eval(show, vec![]).await?;
    w.shot(shots, "10-another-states-backup-hi").await?;
    w.click("lang-en").await?;
    w.type_into("restore-path", &backup.to_string_lossy())
        .await?;
    w.click("restore-check").await?;
    w.wait_until(
        "document.querySelector('[data-testid=restore-run]')?.textContent === 'Take this work over and restore'",
        "the takeover offered in English",
    )
    .await?;

    w.click("restore-run").await?;
    w.find("restore-done").await?;
    w.go("sync").await?;
    let after = w.text("sync-account").await?;
    ensure!(
        after == mine,
        "after the takeover the sync screen says {after:?}"
    );
    Ok(())
}

/// The desk, with a change made for Uttar Pradesh still waiting, is logged in as DPIIT: the
/// sync screen says whose the change is, changes nothing, and offers to take it over. The
/// desk goes on syncing as before meanwhile, so the change goes up as the account that made
/// it; then the takeover makes the desk sync for every state.
async fn handed_to_dpiit(w: &Window, shots: &Path, central: &Central) -> Result<()> {
    let pending = |n: usize| {
        format!("document.querySelector('[data-testid=sync-status]')?.dataset.pending === '{n}'")
    };
    w.wait_until(
        &pending(0),
        "the round after the restore to send what it could",
    )
    .await?;
    w.eval(
        "window.__TAURI__.core.invoke('save_record', { kind: 'story', id: null, fields: \
         { district: '187', title: 'Waiting for the handover', 'text.en': 'A new buyer.' } }); \
         return null;",
        vec![],
    )
    .await?;
    w.wait_until(&pending(1), "the story to wait to be sent")
        .await?;
    let (warned, _) = login_refused(
        w,
        shots,
        "11-login-for-every-state",
        &central.url,
        &central.tokens[1],
    )
    .await?;
    ensure!(
        warned.starts_with("This desk holds changes not yet sent"),
        "the login says {warned:?}"
    );
    let still = w.text("sync-account").await?;
    ensure!(
        still == "Syncs for Uttar Pradesh (account up-desk).",
        "a refused login changed the account: {still:?}"
    );
    w.wait_until(&pending(0), "the story to be sent as before")
        .await?;
    let author = |title: &str| -> Result<Option<String>> {
        let page = tokio::task::block_in_place(|| central.ledger.pull(&reader(), 0, 0, 5000))?;
        Ok(page.changes.iter().find_map(|c| match c {
            Change::Row {
                kind,
                fields,
                author,
                ..
            } if kind == "story" && fields.get("title") == Some(&json!(title)) => {
                Some(author.clone())
            }
            _ => None,
        }))
    };
    let by = author("Waiting for the handover")?;
    ensure!(
        by.as_deref() == Some("up-desk"),
        "the story went up as {by:?}"
    );

    w.click("sync-login-take-over").await?;
    w.wait_until(
        "document.querySelector('[data-testid=sync-account]')?.textContent === \
         'Syncs for every state (central account dpiit-elsewhere).'",
        "the desk to sync for every state",
    )
    .await?;
    let said = w.text("notice").await?;
    ensure!(
        said.starts_with("Logged in as dpiit-elsewhere. This desk synced as another account"),
        "the notice says {said:?}"
    );
    w.shot(shots, "12-syncs-for-every-state").await?;

    // The restore met rows DPIIT had deleted meanwhile: each such conflict names its record
    // and shows the desk's row field by field, not as JSON.
    let rows = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=conflict-row]')]\
             .filter((r) => r.querySelector('[data-testid=conflict-field]').textContent \
                 === 'Deleted on one side, edited on the other')\
             .map((r) => [r.cells[0].textContent, r.querySelector('.conflict-mine').innerText]);",
            vec![],
        )
        .await?;
    let rows = rows.as_array().cloned().unwrap_or_default();
    ensure!(!rows.is_empty(), "no whole-row conflict is listed");
    for row in &rows {
        let (record, mine) = (row[0].as_str().unwrap_or(""), row[1].as_str().unwrap_or(""));
        ensure!(
            record.starts_with("Product · ") && !record.contains('-') && record.len() > 18,
            "the record is named {record:?}"
        );
        ensure!(
            !mine.contains('{') && mine.contains("\nDistrict\n") && mine.contains("\nRank\n"),
            "the desk's row reads {mine:?}"
        );
    }
    w.eval(
        "document.querySelector('[data-testid=conflict-row]').scrollIntoView({ block: 'start' }); \
         return null;",
        vec![],
    )
    .await?;
    w.shot(shots, "13-whole-row-conflict").await?;

    // In Hindi the same conflict names its fields, ranks and sectors in Hindi.
    w.click("lang-hi").await?;
    w.wait_until(
        "document.querySelector('[data-testid=conflict-row] .conflict-mine')?.innerText\
         .includes('ज़िला')",
        "the conflict in Hindi",
    )
    .await?;
    let mine = w.text(".conflict-mine").await?;
    ensure!(
        mine.contains("श्रेणी") && mine.contains("हस्तशिल्प") && !mine.contains("Handicraft"),
        "the desk's row reads {mine:?} in Hindi"
    );
    w.eval(
        "document.querySelector('[data-testid=conflict-row]').scrollIntoView({ block: 'start' }); \
         return null;",
        vec![],
    )
    .await?;
    w.shot(shots, "14-whole-row-conflict-hi").await?;
    w.click("lang-en").await?;
    Ok(())
}

/// The desk, synced with one server, is logged in to another: the sync screen says what that
/// would do and changes nothing; told to move, the desk sends the new server every record it
/// lacks and syncs there.
async fn moved_to_another_server(w: &Window, shots: &Path, central: &Central) -> Result<()> {
    let elsewhere = Central::start(&[("dpiit-moved", Role::Central, None)]).await?;
    let (warned, offered) = login_refused(
        w,
        shots,
        "15-login-to-another-server",
        &elsewhere.url,
        &elsewhere.tokens[0],
    )
    .await?;
    ensure!(
        warned.starts_with("This desk synced with another server.")
            && offered == "Log in and move this desk's work here",
        "the login says {warned:?} and offers {offered:?}"
    );
    let still = w.text("sync-account").await?;
    ensure!(
        still == "Syncs for every state (central account dpiit-elsewhere).",
        "a refused login changed the account: {still:?}"
    );
    w.click("sync-login-take-over").await?;
    // The notice comes once the login's round has finished.
    w.wait_until(
        "document.querySelector('[data-testid=notice]')?.textContent\
         .startsWith('Logged in as dpiit-moved.')",
        "the desk to sync with the other server",
    )
    .await?;
    let now = w.text("sync-account").await?;
    ensure!(
        now == "Syncs for every state (central account dpiit-moved).",
        "the sync screen says {now:?}"
    );
    let products = |ledger: &Arc<dyn Ledger>| -> Result<std::collections::BTreeSet<String>> {
        let page = tokio::task::block_in_place(|| ledger.pull(&reader(), 0, 0, 5000))?;
        Ok(page
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Row { kind, id, .. } if kind == "product" => Some(id.clone()),
                _ => None,
            })
            .collect())
    };
    let (before, after) = (products(&central.ledger)?, products(&elsewhere.ledger)?);
    ensure!(
        !before.is_empty() && before.is_subset(&after),
        "the first server's {} products are not all on the other server, which holds {}",
        before.len(),
        after.len()
    );
    let _ = elsewhere.stop.send(());
    elsewhere.server.await??;
    Ok(())
}

/// Logs in from the sync screen to `url` with `token`, which the desk refuses until told to
/// take over; gives the warning and the takeover button's words, pictured as `shot`.
async fn login_refused(
    w: &Window,
    shots: &Path,
    shot: &str,
    url: &str,
    token: &str,
) -> Result<(String, String)> {
    w.go("sync").await?;
    w.type_into("sync-server", url).await?;
    w.type_into("sync-token", token).await?;
    w.click("sync-login").await?;
    w.find("sync-login-take-over").await?;
    let said = (
        w.text("sync-login-warning").await?,
        w.text("sync-login-take-over").await?,
    );
    w.eval(
        "document.querySelector('[data-testid=sync-login-warning]')\
         .scrollIntoView({ block: 'center' }); return null;",
        vec![],
    )
    .await?;
    w.shot(shots, shot).await?;
    Ok(said)
}

/// A real `odop-server` on a free loopback port over a SQLite ledger in a temporary folder,
/// with an account and a token for each of `accounts`.
struct Central {
    ledger: Arc<dyn Ledger>,
    url: String,
    tokens: Vec<String>,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Central {
    async fn start(accounts: &[(&str, Role, Option<u16>)]) -> Result<Central> {
        let dir = tempfile::tempdir()?;
        let ledger: Arc<dyn Ledger> =
            Arc::new(SqliteLedger::open(&dir.path().join("ledger.sqlite3"))?);
        let mut tokens = Vec::new();
        for (name, role, state) in accounts {
            let token = Token::generate()?;
            ledger.insert_account(&Account::new(name, *role, *state)?, &token.hash())?;
            tokens.push(token.0);
        }
        // Bound before the app is told the address, so the first request is answered.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let serving = Arc::clone(&ledger);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            odop_server::serve(listener, serving, &odop_server::Config::default(), async {
                let _ = stopped.await;
            })
            .await
        });
        Ok(Central {
            ledger,
            url,
            tokens,
            stop,
            server,
            _dir: dir,
        })
    }

    /// Writes `mutations` on the ledger as DPIIT would from another desk, each of which must
    /// apply.
    fn push_as_dpiit(&self, mutations: Vec<Mutation>) -> Result<()> {
        let dpiit = Account::new("dpiit-elsewhere", Role::Central, None)?;
        let request = PushRequest {
            client: "dpiit-elsewhere".into(),
            mutations,
        };
        let answer = tokio::task::block_in_place(|| self.ledger.push(&dpiit, &request))?;
        ensure!(
            answer
                .results
                .iter()
                .all(|r| matches!(r.outcome, Outcome::Applied { .. })),
            "DPIIT's changes: {answer:?}"
        );
        Ok(())
    }

    /// Ends a test's run: a picture of the window if the run failed, then the window and the
    /// server closed; the run's own error comes first.
    async fn finish(self, w: Window, shots: &Path, run: Result<()>) -> Result<()> {
        if run.is_err() {
            let _ = w.shot(shots, "failure").await;
        }
        w.close().await?;
        let _ = self.stop.send(());
        self.server.await??;
        run
    }
}

/// Renames `products` (id, name) on the server from another desk, in one push whose sequence
/// numbers start at `seq`.
async fn rename(
    desk: &HttpRemote,
    seq: u64,
    products: &[(String, String)],
    new: &str,
) -> Result<()> {
    let mutations = products
        .iter()
        .zip(seq..)
        .map(|((id, name), seq)| {
            let mut fields = std::collections::BTreeMap::new();
            fields.insert(
                "name".to_owned(),
                FieldChange {
                    base: json!(name),
                    new: json!(new),
                },
            );
            Mutation {
                seq,
                kind: "product".into(),
                id: id.clone(),
                op: Op::Put,
                base_version: 1,
                fields,
                resolves: vec![],
                at: String::new(),
            }
        })
        .collect();
    desk.push(&PushRequest {
        client: "second-desk".into(),
        mutations,
    })
    .await?;
    Ok(())
}

/// Every one of `states` is named by some reason.
fn each_named(reasons: &[String], states: &[&str]) -> Result<()> {
    for state in states {
        ensure!(
            reasons.iter().any(|r| r.contains(state)),
            "no refusal names {state}: {reasons:?}"
        );
    }
    Ok(())
}

/// Waits for `waiting` changes to be queued, syncs, and waits on the sync screen for as many
/// refusals more than the `before` it listed.
async fn sent_and_refused(w: &Window, waiting: usize, before: usize) -> Result<()> {
    w.wait_until(
        &format!(
            "Number(document.querySelector('[data-testid=sync-status]')?.dataset.pending) === {waiting}"
        ),
        "the changes to wait to be sent",
    )
    .await?;
    w.eval(
        "window.__TAURI__.core.invoke('sync_now'); return null;",
        vec![],
    )
    .await?;
    w.go("sync").await?;
    w.wait_until(
        &format!(
            "document.querySelectorAll('[data-testid=refusal-row]').length === {before} + {waiting}"
        ),
        "the changes' refusals",
    )
    .await
}

/// Loads the sample, logs in to the server at `url` with `token` from the sync screen and
/// waits for the sample to be sent and for `refused` (some of it) to be refused; gives the
/// reasons the sync screen lists.
async fn sample_sent_and_refused(
    w: &Window,
    url: &str,
    token: &str,
    refused: &str,
) -> Result<Vec<String>> {
    w.find("first-run").await?;
    w.load_sample().await?;
    w.go("sync").await?;
    w.find("sync-screen").await?;
    w.type_into("sync-server", url).await?;
    w.type_into("sync-token", token).await?;
    w.click("sync-login").await?;
    w.wait_until(
        "(() => { const s = document.querySelector('[data-testid=sync-status]')?.dataset; \
         return s && s.pending === '0' && Number(s.refused) > 0; })()",
        &format!("the sample to be sent and {refused} refused"),
    )
    .await?;
    w.go("sync").await?;
    w.find("refusal-row").await?;
    refusal_reasons(w).await
}

/// Pictures the sync screen's refused writes as `shot`, switches the app to Hindi and gives
/// the reasons as the screen then says them.
async fn pictured_then_in_hindi(w: &Window, shots: &Path, shot: &str) -> Result<Vec<String>> {
    w.eval(
        "document.querySelector('[data-testid=sync-refusals]').scrollIntoView(); return null;",
        vec![],
    )
    .await?;
    w.shot(shots, shot).await?;
    w.click("lang-hi").await?;
    w.wait_until(
        "/[\\u0900-\\u097F]/.test(document.querySelector('[data-testid=refusal-reason]')?.textContent ?? '')",
        "the sync screen in Hindi",
    )
    .await?;
    refusal_reasons(w).await
}

/// The reasons the sync screen gives for its refused writes, top to bottom.
async fn refusal_reasons(w: &Window) -> Result<Vec<String>> {
    let shown = w
        .eval(
            "return [...document.querySelectorAll('[data-testid=refusal-reason]')].map((e) => e.textContent)",
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(shown)?)
}

/// DPIIT's view, for reading the server's rows.
fn reader() -> Account {
    Account::new("reader", Role::Central, None).expect("a valid account")
}
