//! Field values come back from PostgreSQL exactly as they were pushed, including what JSONB
//! would refuse or rewrite: NUL inside strings, u64 beyond BIGINT, float forms, key order.

use odop_ledger::protocol::{Change, Mutation, PushRequest, Role};
use odop_ledger::{Account, Ledger, Token};
use odop_ledger_postgres::PostgresLedger;
use odop_pgtest::Cluster;
use serde_json::{json, Value};

#[test]
fn pushed_values_are_pulled_unchanged() {
    let cluster =
        Cluster::start().unwrap_or_else(|e| panic!("these tests start their own PostgreSQL: {e}"));
    let ledger = PostgresLedger::open(&cluster.create_database("values").unwrap()).unwrap();
    let dpiit = Account::new("dpiit", Role::Central, None).unwrap();
    ledger
        .insert_account(&dpiit, &Token::generate().unwrap().hash())
        .unwrap();
    let id = "01930000-0000-7000-8000-000000000001";
    let sent = json!({
        "id": id,
        "state": 9,
        "district": 187,
        "rank": "primary",
        "sector": "handloom",
        "name": "Banarasi Saree",
        "description": "बनारसी साड़ी, रेशम\nsecond line",
        "note": "before\u{0}after",
        "largest": u64::MAX,
        "negative": -3,
        "weight": 1.5,
        "tenth": 0.1,
        "huge": 1e300,
        "nested": {"z": [1, 2.25, {"k": null}], "a": "x"},
    });
    let Value::Object(fields) = sent.clone() else {
        unreachable!("the literal is an object")
    };
    let r = ledger
        .push(
            &dpiit,
            &PushRequest {
                client: "c-values".into(),
                mutations: vec![Mutation::create(1, "product", id, fields)],
            },
        )
        .unwrap();
    assert_eq!(r.last_seq, 1, "{r:?}");
    let page = ledger.pull(&dpiit, 0, 0, 10).unwrap();
    let [Change::Row { fields, .. }] = page.changes.as_slice() else {
        panic!("one row, got {:?}", page.changes);
    };
    assert_eq!(Value::Object(fields.clone()), sent);
    assert_eq!(fields["largest"].as_u64(), Some(u64::MAX));
    assert!(fields["weight"].is_f64() && fields["negative"].is_i64());
}
