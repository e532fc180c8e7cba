//! What the CLI's sync tests share: a real `odop-server` on a free port over a SQLite ledger,
//! and a desk that knows Uttar Pradesh.

use std::path::Path;
use std::sync::Arc;

use odop_domain::{District, DistrictCode, State, StateCode, StateKind};
use odop_ledger::Ledger;
use odop_ledger_sqlite::SqliteLedger;
use odop_store::Store;

/// Starts the server on `runtime` with its ledger in `dir`; returns the ledger (to add accounts
/// and read what arrived) and the server's URL. The listener is bound before this returns, so
/// the server is ready for the first request.
pub fn server(runtime: &tokio::runtime::Runtime, dir: &Path) -> (Arc<dyn Ledger>, String) {
    let ledger: Arc<dyn Ledger> =
        Arc::new(SqliteLedger::open(&dir.join("ledger.sqlite3")).unwrap());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let serving = Arc::clone(&ledger);
    runtime.spawn(async move {
        odop_server::serve(
            listener,
            serving,
            &odop_server::Config::default(),
            std::future::pending(),
        )
        .await
    });
    (ledger, url)
}

/// Puts Uttar Pradesh (LGD 9) and the given districts of it into a desk's store.
pub fn places(store: &mut Store, districts: &[(u32, &str)]) {
    let states = [State {
        code: StateCode(9),
        name: "Uttar Pradesh".into(),
        local_name: None,
        kind: StateKind::State,
        aliases: vec![],
    }];
    let districts: Vec<District> = districts
        .iter()
        .map(|(code, name)| District {
            code: DistrictCode(*code),
            state: StateCode(9),
            name: (*name).into(),
            aliases: vec![],
        })
        .collect();
    let mut edit = store.edit("setup").unwrap();
    edit.put_places(&states, &districts).unwrap();
    edit.commit().unwrap();
}
