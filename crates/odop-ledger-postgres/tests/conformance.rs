//! The ledger conformance suite against PostgreSQL: every check on one throwaway cluster, each
//! on a database of its own, because starting a cluster per check would take longer than the
//! checks.

use odop_ledger::conformance::{run_all, CHECKS};
use odop_ledger::Ledger;
use odop_ledger_postgres::PostgresLedger;
use odop_pgtest::Cluster;

fn cluster() -> Cluster {
    Cluster::start().unwrap_or_else(|e| panic!("these tests start their own PostgreSQL: {e}"))
}

#[test]
fn every_conformance_check_passes_on_postgres() {
    let cluster = cluster();
    let mut made = 0;
    let failed = run_all(&mut |name| {
        made += 1;
        // PostgreSQL cuts names at 63 bytes; the number keeps cut names apart.
        let db = format!("c{made:02}_{}", &name[..name.len().min(50)]);
        let url = cluster
            .create_database(&db)
            .unwrap_or_else(|e| panic!("{e}"));
        Box::new(PostgresLedger::open(&url).unwrap_or_else(|e| panic!("{name}: {e}")))
            as Box<dyn Ledger>
    });
    assert_eq!(made, CHECKS.len(), "every check ran on a ledger of its own");
    assert!(
        failed.is_empty(),
        "{} of {} checks failed on PostgreSQL: {failed:#?}",
        failed.len(),
        CHECKS.len()
    );
}

/// One cluster for both refusals: what `open` will not take, and leaves as it found it.
#[test]
fn a_newer_or_non_utf8_database_is_refused_and_left_alone() {
    let cluster = cluster();
    let url = cluster.create_database("newer").unwrap();
    drop(PostgresLedger::open(&url).unwrap());
    // Opening again migrates nothing again; it only starts an epoch.
    drop(PostgresLedger::open(&url).unwrap());
    let mut admin = cluster.connect("newer").unwrap();
    let (applied, versions): (i64, i64) = admin
        .query_one(
            "SELECT count(*), count(DISTINCT version) FROM schema_version",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(
        (applied, versions),
        (8, 8),
        "each migration is recorded once"
    );
    let epochs: i64 = admin
        .query_one("SELECT count(*) FROM ledger_epochs", &[])
        .unwrap()
        .get(0);
    assert_eq!(epochs, 3, "the first migration's epoch and one per start");
    admin
        .execute("INSERT INTO schema_version (version) VALUES (99)", &[])
        .unwrap();
    let err = PostgresLedger::open(&url).unwrap_err();
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.to_string().contains("99"), "{err}");
    let newest: i64 = admin
        .query_one("SELECT max(version) FROM schema_version", &[])
        .unwrap()
        .get(0);
    assert_eq!(newest, 99, "the newer ledger is left as it was");

    let mut postgres = cluster.connect("postgres").unwrap();
    postgres
        .batch_execute("CREATE DATABASE latin ENCODING 'LATIN1' TEMPLATE template0")
        .unwrap();
    let err = PostgresLedger::open(&cluster.url("latin")).unwrap_err();
    assert!(err.to_string().contains("UTF8"), "{err}");
    let tables: i64 = cluster
        .connect("latin")
        .unwrap()
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "nothing was created in the LATIN1 database");
}

/// A ledger from before names were kept (schema 2) learns what its rows already name when it is
/// upgraded, so a record they name is still held back from deletion.
#[test]
fn a_ledger_from_before_kept_names_still_holds_named_records() {
    use odop_ledger::conformance::{named_product_is_held, write_named_product};

    let cluster = cluster();
    let url = cluster.create_database("names").unwrap();
    write_named_product(&PostgresLedger::open(&url).unwrap());
    cluster
        .connect("names")
        .unwrap()
        .batch_execute(
            "DROP TABLE names, place_districts, place_states; \
             ALTER TABLE ledger_meta DROP COLUMN places_tag, DROP COLUMN gi_tag, \
             DROP COLUMN gi_registry; \
             ALTER TABLE mutations DROP COLUMN mark; \
             DELETE FROM schema_version WHERE version >= 3",
        )
        .unwrap();
    named_product_is_held(&PostgresLedger::open(&url).unwrap());
}
