use rusqlite::Connection;

use crate::StoreError;

/// The numbered migrations, embedded in the binary. Each runs in its own transaction and bumps
/// `PRAGMA user_version` inside it, so a failed migration leaves the previous version intact.
const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("../migrations/0001_initial.sql")),
    (2, include_str!("../migrations/0002_sync.sql")),
    (3, include_str!("../migrations/0003_compact_creates.sql")),
    (4, include_str!("../migrations/0004_one_history_index.sql")),
    (5, include_str!("../migrations/0005_refusal_detail.sql")),
    (6, include_str!("../migrations/0006_refusal_base.sql")),
    (7, include_str!("../migrations/0007_server_places.sql")),
    (8, include_str!("../migrations/0008_seller_links.sql")),
    (9, include_str!("../migrations/0009_gi_registry.sql")),
    (
        10,
        include_str!("../migrations/0010_platforms_by_state.sql"),
    ),
    (11, include_str!("../migrations/0011_history_by_state.sql")),
    (12, include_str!("../migrations/0012_seller_packaging.sql")),
    (
        13,
        include_str!("../migrations/0013_sellers_by_state_district.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The database's schema version, refused when a newer release wrote it. Reading it writes
/// nothing, so a refused database is left exactly as it was.
pub(crate) fn version(conn: &Connection) -> Result<u32, StoreError> {
    let found: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerDatabase {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(found)
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found = version(conn)?;
    for &(number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > found) {
        let fail = |source| StoreError::Migration { number, source };
        let tx = conn.transaction().map_err(fail)?;
        tx.execute_batch(sql).map_err(fail)?;
        tx.pragma_update(None, "user_version", number)
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (i, (n, _)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*n as usize, i + 1);
        }
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::NewerDatabase { .. }));
        assert!(err.to_string().contains("newer ODOP Desk"), "{err}");
    }

    #[test]
    fn migrating_twice_is_harmless() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: u32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }

    /// A database as a release that knew only the first `n` migrations left it.
    /// The steps of `sql`'s query plan, as SQLite words them.
    fn plan_of(conn: &Connection, sql: &str) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let steps = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
        steps.map(Result::unwrap).collect()
    }

    fn migrated_to(n: usize) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for (number, sql) in &MIGRATIONS[..n] {
            conn.execute_batch(sql).unwrap();
            conn.pragma_update(None, "user_version", number).unwrap();
        }
        conn
    }

    #[test]
    fn creates_written_before_0003_keep_only_their_new_values() {
        let mut conn = migrated_to(2);
        conn.execute_batch(
            r#"INSERT INTO history (at, who, entity, row_id, op, title, fields) VALUES
                 ('t', 'w', 'seller', 's1', 'create', 'S',
                  '{"name":{"new":"नाम \"q\"","old":null},"contact":{"new":{"phone":"1","tags":[1,null]},"old":null},"gstin":{"new":null,"old":null},"ok":{"new":true,"old":null}}'),
                 ('t', 'w', 'seller', 's1', 'update', 'S', '{"name":{"new":"b","old":"a"}}'),
                 ('t', 'w', 'district', '9', 'create', 'D', '{"name":"Agra"}'),
                 ('t', 'w', 'product', 'p1', 'create', 'P', '{}');
               INSERT INTO sync_refusals (seq, entity, row_id, op, fields, code, reason, at)
               VALUES (1, 'seller', 's1', 'create', '{"name":{"new":"x","old":null}}', 'c', 'r', 't');"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();

        let json = |sql: &str| -> Vec<serde_json::Value> {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(|t| serde_json::from_str(&t.unwrap()).unwrap())
                .collect()
        };
        assert_eq!(
            json("SELECT fields FROM history ORDER BY id"),
            [
                serde_json::json!({"name": "नाम \"q\"", "contact": {"phone": "1", "tags": [1, null]}, "gstin": null, "ok": true}),
                serde_json::json!({"name": {"new": "b", "old": "a"}}),
                serde_json::json!({"name": "Agra"}),
                serde_json::json!({}),
            ]
        );
        assert_eq!(
            json("SELECT fields FROM sync_refusals"),
            [serde_json::json!({"name": "x"})]
        );
    }

    #[test]
    fn after_0004_a_rows_history_is_still_found_by_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        // The lookups a pull makes for each row it applies, and the one `history` makes.
        for sql in [
            "SELECT EXISTS (SELECT 1 FROM history h JOIN outbox o ON o.history_id = h.id \
             WHERE h.entity = 'seller' AND h.row_id = 'x')",
            "SELECT fields FROM history WHERE row_id = 'x'",
        ] {
            let plan = plan_of(&conn, sql);
            assert!(
                plan.iter()
                    .any(|step| step.contains("INDEX history_by_row (row_id=?)")),
                "{sql}: {plan:?}"
            );
        }
    }

    #[test]
    fn refusals_kept_before_0005_have_no_detail_and_later_ones_only_json() {
        let mut conn = migrated_to(4);
        conn.execute(
            "INSERT INTO sync_refusals (seq, entity, row_id, op, fields, code, reason, at) \
             VALUES (1, 'seller', 's1', 'create', '{}', 'forbidden', 'r', 't')",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let detail: Option<String> = conn
            .query_row("SELECT detail FROM sync_refusals WHERE seq = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(detail, None);
        let not_json = conn.execute(
            "INSERT INTO sync_refusals (seq, entity, row_id, op, fields, code, reason, detail, at) \
             VALUES (2, 'seller', 's2', 'create', '{}', 'forbidden', 'r', '{row_state', 't')",
            [],
        );
        assert!(not_json.is_err(), "a detail that is not JSON is refused");
    }

    #[test]
    fn history_kept_before_0011_finds_its_states() {
        let mut conn = migrated_to(10);
        conn.execute_batch(
            r#"INSERT INTO states (code, name, kind) VALUES (9, 'Uttar Pradesh', 'state'),
                 (10, 'Bihar', 'state');
               INSERT INTO districts (code, state, name) VALUES (187, 9, 'Varanasi');
               INSERT INTO sellers (id, body, updated_at) VALUES ('s1', '{"state":9,"name":"b"}', 't');
               INSERT INTO history (at, who, entity, row_id, op, title, fields) VALUES
                 ('t', 'w', 'seller', 's1', 'create', 'S', '{"state":9,"name":"a"}'),
                 ('t', 'w', 'seller', 's1', 'update', 'S', '{"name":{"new":"b","old":"a"}}'),
                 ('t', 'w', 'seller', 's2', 'create', 'T', '{"state":10,"name":"c"}'),
                 ('t', 'w', 'seller', 's2', 'delete', 'T', '{"state":{"old":10,"new":null}}'),
                 ('t', 'w', 'product', 'p3', 'create', 'P', '{"state":20}'),
                 ('t', 'w', 'product', 'p3', 'update', 'P', '{"name":{"new":"y","old":"x"}}'),
                 ('t', 'w', 'product', 'p3', 'delete', 'P', '{}'),
                 ('t', 'w', 'product', 'p4', 'update', 'P', '{"state":{"new":10,"old":9}}'),
                 ('t', 'w', 'state', '9', 'update', 'UP', '{"name":"UP"}'),
                 ('t', 'w', 'district', '187', 'create', 'V', '{"name":"Varanasi"}'),
                 ('t', 'w', 'gi_registry', 'registry', 'update', 'GI', '{"entries":3}');"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let mut stmt = conn
            .prepare("SELECT state FROM history ORDER BY id")
            .unwrap();
        let states: Vec<Option<u16>> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            states,
            [
                Some(9),
                // As the record is held.
                Some(9),
                Some(10),
                // A deleted record's changes keep their state.
                Some(10),
                Some(20),
                // Its record gone, an update takes its row's earlier entry's state.
                Some(20),
                // A delete that names no state, likewise.
                Some(20),
                // An update that moved the record.
                Some(10),
                Some(9),
                Some(9),
                None,
            ]
        );
    }

    #[test]
    fn refusals_kept_before_0006_name_no_base_version() {
        let mut conn = migrated_to(5);
        conn.execute(
            "INSERT INTO sync_refusals (seq, entity, row_id, op, fields, code, reason, at) \
             VALUES (1, 'product', 'p1', 'delete', '{}', 'in_use', 'r', 't')",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let base: Option<i64> = conn
            .query_row(
                "SELECT base_version FROM sync_refusals WHERE seq = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(base, None);
    }

    #[test]
    fn sellers_written_before_0008_are_found_by_product_and_platform() {
        let mut conn = migrated_to(7);
        conn.execute_batch(
            r#"INSERT INTO sellers (id, body, updated_at) VALUES
                 ('s1', '{"state": 9, "district": 187, "name": "A", "kind": "shg",
                          "products": ["p1", "p2"],
                          "onboarding": [{"platform": "gem", "status": "onboarded"},
                                         {"platform": "ondc", "status": "in_progress"}]}', 't'),
                 ('s2', '{"state": 8, "district": 110, "name": "B", "kind": "fpo",
                          "products": [], "onboarding": []}', 't');"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows = |sql: &str| -> Vec<String> {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(Result::unwrap).collect()
        };
        assert_eq!(
            rows(
                "SELECT product || ' ' || s.id FROM seller_products \
                  JOIN sellers s ON s.rowid = seller ORDER BY 1"
            ),
            ["p1 s1", "p2 s1"]
        );
        assert_eq!(
            rows(
                "SELECT platform || ' ' || s.id || ' ' || o.state FROM seller_platforms o \
                  JOIN sellers s ON s.rowid = seller"
            ),
            ["gem s1 9"]
        );
    }

    #[test]
    fn sellers_written_before_0012_are_listed_and_counted_by_packaging_by_its_index() {
        let mut conn = migrated_to(11);
        conn.execute_batch(
            r#"INSERT INTO sellers (id, body, updated_at) VALUES
                 ('s1', '{"state": 9, "name": "A", "packaging": "needed"}', 't'),
                 ('s2', '{"state": 9, "name": "B", "packaging": "done"}', 't'),
                 ('s3', '{"state": 8, "name": "C", "packaging": "needed"}', 't');"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let ids: Vec<String> = conn
            .prepare("SELECT id FROM sellers WHERE packaging = 'needed' AND state = 9")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(ids, ["s1"]);
        // The list's window, and one state's counts.
        for sql in [
            "SELECT rowid, name FROM sellers WHERE packaging = 'needed' ORDER BY name",
            "SELECT rowid, name FROM sellers WHERE state = 9 AND packaging = 'done' \
             ORDER BY name",
            "SELECT count(*) FROM sellers WHERE packaging = 'needed' AND state = 9",
        ] {
            let plan = plan_of(&conn, sql);
            assert!(
                plan.iter()
                    .any(|step| step.contains("INDEX sellers_by_packaging (packaging=")),
                "{sql}: {plan:?}"
            );
        }
    }

    #[test]
    fn a_states_sellers_are_counted_by_district_from_the_index_alone() {
        let mut conn = migrated_to(12);
        conn.execute_batch(
            r#"INSERT INTO sellers (id, body, updated_at) VALUES
                 ('s1', '{"state": 9, "district": 187, "name": "A"}', 't'),
                 ('s2', '{"state": 9, "district": 187, "name": "B"}', 't'),
                 ('s3', '{"state": 9, "district": 179, "name": "C"}', 't'),
                 ('s4', '{"state": 8, "district": 100, "name": "D"}', 't');"#,
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let sql = "SELECT district, count(*) FROM sellers WHERE state = 9 GROUP BY district";
        let counts: Vec<(i64, i64)> = conn
            .prepare(sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(counts, [(179, 1), (187, 2)]);
        // The district is read from the index (the plan does not call a generated column's
        // index covering), and a state's sellers are found by it as by the index it replaces.
        for sql in [sql, "SELECT count(*) FROM sellers WHERE state = 9"] {
            let plan = plan_of(&conn, sql);
            assert!(
                plan.iter()
                    .any(|step| step.contains("sellers_by_state_district (state=")),
                "{sql}: {plan:?}"
            );
        }
    }
}
