//! A real odop-server on a loopback port and desks with their own databases, for sync tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use odop_domain::{District, DistrictCode, Entity, EntityKind, State, StateCode, StateKind};
use odop_ledger::{Account, Ledger, Token};
use odop_ledger_sqlite::SqliteLedger;
use odop_protocol::{
    Change, GiPublished, GiRegistry, Identity, PullQuery, PullResponse, PushRequest, PushResponse,
    Role,
};
use odop_store::Store;
use odop_sync::{HttpRemote, Remote, SyncError};
use serde_json::Value;

/// The central server, restartable on the same ledger file.
pub struct Hub {
    pub path: PathBuf,
    ledger: Option<Arc<dyn Ledger>>,
    pub base: Arc<Mutex<String>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Hub {
    pub async fn start(path: &Path) -> Hub {
        let ledger: Arc<dyn Ledger> = Arc::new(SqliteLedger::open(path).unwrap());
        let mut hub = Hub {
            path: path.to_owned(),
            ledger: Some(ledger),
            base: Arc::new(Mutex::new(String::new())),
            stop: None,
            done: None,
        };
        hub.serve().await;
        hub
    }

    async fn serve(&mut self) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        *self.base.lock().unwrap() = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let ledger = Arc::clone(self.ledger());
        let config = odop_server::Config {
            rate: odop_server::RateLimit {
                per_second: 1e9,
                burst: 1e9,
            },
            ..odop_server::Config::default()
        };
        self.done = Some(tokio::spawn(async move {
            odop_server::serve(listener, ledger, &config, async {
                let _ = stopped.await;
            })
            .await
        }));
        self.stop = Some(stop);
    }

    pub async fn halt(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            done.await.unwrap().unwrap();
        }
        // Close every connection, so the file on disk is the whole ledger.
        self.ledger = None;
    }

    /// Backs the ledger up, as an operator would, and starts the server again.
    pub async fn back_up(&mut self, backup: &Path) {
        self.halt().await;
        copy_ledger(&self.path, backup);
        self.restart().await;
    }

    /// Puts an older copy of the ledger back and starts the server on it.
    pub async fn restore(&mut self, backup: &Path) {
        self.halt().await;
        copy_ledger(backup, &self.path);
        self.restart().await;
    }

    pub fn ledger(&self) -> &Arc<dyn Ledger> {
        self.ledger.as_ref().expect("the hub is running")
    }

    /// Stops and starts again on the same file, as after a crash or an upgrade.
    pub async fn restart(&mut self) {
        self.halt().await;
        self.ledger = Some(Arc::new(SqliteLedger::open(&self.path).unwrap()));
        self.serve().await;
    }

    pub fn account(&self, name: &str, role: Role, state: Option<u16>) -> (Account, String) {
        let account = Account::new(name, role, state).unwrap();
        let token = Token::generate().unwrap();
        self.ledger()
            .insert_account(&account, &token.hash())
            .unwrap();
        (account, token.0)
    }

    /// The rows an account reads on the server: (kind, id) -> fields.
    pub fn view(&self, who: &Account) -> std::collections::BTreeMap<(String, String), Value> {
        let mut rows = std::collections::BTreeMap::new();
        let (mut cursor, mut horizon) = (0, 0);
        loop {
            let page = self.ledger().pull(who, cursor, horizon, 1000).unwrap();
            for c in page.changes {
                match c {
                    Change::Row {
                        kind, id, fields, ..
                    } => {
                        rows.insert((kind, id), Value::Object(fields));
                    }
                    Change::Tombstone { kind, id, .. } | Change::Departed { kind, id, .. } => {
                        rows.remove(&(kind, id));
                    }
                    Change::Conflict { .. } => {}
                }
            }
            (cursor, horizon) = (page.cursor, page.horizon);
            if !page.more {
                return rows;
            }
        }
    }
}

/// What the network does to the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// The server gets the request and answers; the answer is lost.
    DropAnswer,
    /// The request arrives twice; the client sees the second answer.
    Duplicate,
    /// The request never reaches the server.
    Unreachable,
}

/// A remote whose faults a test chooses, over the real HTTP client.
pub struct Flaky {
    base: Arc<Mutex<String>>,
    token: String,
    pub fault: Mutex<Fault>,
    /// Changes per pulled page, in place of the round's own limit.
    pub page: Mutex<Option<u32>>,
    /// Pulls that may still reach the server; past them a pull finds the network cut.
    pub pulls_left: Mutex<Option<usize>>,
}

impl Flaky {
    pub fn new(base: Arc<Mutex<String>>, token: &str) -> Flaky {
        Flaky {
            base,
            token: token.to_owned(),
            fault: Mutex::new(Fault::None),
            page: Mutex::new(None),
            pulls_left: Mutex::new(None),
        }
    }

    fn http(&self) -> HttpRemote {
        HttpRemote::new(&self.base.lock().unwrap(), &self.token).unwrap()
    }

    fn fault(&self) -> Fault {
        *self.fault.lock().unwrap()
    }

    async fn through<T, F, Fut>(&self, call: F) -> Result<T, SyncError>
    where
        F: Fn(HttpRemote) -> Fut,
        Fut: std::future::Future<Output = Result<T, SyncError>>,
    {
        let http = self.http();
        match self.fault() {
            Fault::None => call(http).await,
            Fault::Unreachable => Err(SyncError::Unreachable {
                url: http.base().to_owned(),
                reason: "the test cut the network".into(),
            }),
            Fault::DropAnswer => {
                let _ = call(http.clone()).await;
                Err(SyncError::Unreachable {
                    url: http.base().to_owned(),
                    reason: "the test lost the answer".into(),
                })
            }
            Fault::Duplicate => {
                let _ = call(http.clone()).await;
                call(http).await
            }
        }
    }
}

impl Remote for Flaky {
    async fn whoami(&self) -> Result<Identity, SyncError> {
        self.through(|h| async move { h.whoami().await }).await
    }

    async fn push(&self, request: &PushRequest) -> Result<PushResponse, SyncError> {
        self.through(|h| async move { h.push(request).await }).await
    }

    async fn pull(&self, query: &PullQuery) -> Result<PullResponse, SyncError> {
        let mut query = query.clone();
        if let Some(page) = *self.page.lock().unwrap() {
            query.limit = Some(page);
        }
        if let Some(left) = self.pulls_left.lock().unwrap().as_mut() {
            if *left == 0 {
                return Err(SyncError::Unreachable {
                    url: self.base.lock().unwrap().clone(),
                    reason: "the test cut the network before this page".into(),
                });
            }
            *left -= 1;
        }
        let query = &query;
        self.through(|h| async move { h.pull(query).await }).await
    }

    async fn publish_gi(&self, registry: &GiRegistry) -> Result<GiPublished, SyncError> {
        self.through(|h| async move { h.publish_gi(registry).await })
            .await
    }
}

/// Two states with two districts each, as a desk's LGD lists.
pub const PLACES: [(u16, [u32; 2]); 2] = [(9, [187, 188]), (10, [211, 212])];

/// A new database with the places loaded.
pub fn desk_store(path: &Path) -> Store {
    let mut store = Store::open(path).unwrap();
    let states: Vec<State> = PLACES
        .iter()
        .map(|(code, _)| State {
            code: StateCode(*code),
            name: format!("State {code}"),
            local_name: None,
            kind: StateKind::State,
            aliases: vec![],
        })
        .collect();
    let districts: Vec<District> = PLACES
        .iter()
        .flat_map(|(state, ds)| {
            ds.iter().map(move |d| District {
                code: DistrictCode(*d),
                state: StateCode(*state),
                name: format!("District {d}"),
                aliases: vec![],
            })
        })
        .collect();
    let mut edit = store.edit("setup").unwrap();
    edit.put_places(&states, &districts).unwrap();
    edit.commit().unwrap();
    store
}

/// Every row of every kind in a local database: (kind, id) -> fields.
pub fn local_view(store: &Store) -> std::collections::BTreeMap<(String, String), Value> {
    let mut rows = std::collections::BTreeMap::new();
    for kind in EntityKind::ALL {
        for (id, _) in store.versions(kind).unwrap() {
            if let Some(fields) = store.fields(kind, &id).unwrap() {
                rows.insert((kind.as_str().to_owned(), id), Value::Object(fields));
            }
        }
    }
    rows
}

pub fn product(state: u16, district: u32, name: &str) -> odop_domain::Product {
    let mut fields = odop_domain::Fields::new();
    fields.insert("id".into(), Value::from(odop_domain::Id::new().to_string()));
    fields.insert("state".into(), Value::from(state));
    fields.insert("district".into(), Value::from(district));
    fields.insert("rank".into(), Value::from("primary"));
    fields.insert("sector".into(), Value::from("handloom"));
    fields.insert("name".into(), Value::from(name));
    odop_domain::Product::from_fields(fields).unwrap()
}

/// Copies a SQLite ledger with its write-ahead log, as a backup tool would.
fn copy_ledger(from: &Path, to: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let src = PathBuf::from(format!("{}{ext}", from.display()));
        let dst = PathBuf::from(format!("{}{ext}", to.display()));
        let _ = std::fs::remove_file(&dst);
        if src.exists() {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}
