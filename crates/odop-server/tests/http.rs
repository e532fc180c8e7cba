//! The server over real HTTP on a loopback port, with a SQLite ledger: authentication, the
//! authority matrix, idempotent replays and hostile requests.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use odop_ledger::{Account, Ledger, Token};
use odop_ledger_sqlite::SqliteLedger;
use odop_protocol::{
    Change, ErrorBody, FieldChange, GiListing, GiPublished, GiRegistry, Identity, Mutation, Op,
    Outcome, PullResponse, PushRequest, PushResponse, Role,
};
use odop_server::{Config, RateLimit};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Server {
    base: String,
    /// A PostgreSQL cluster the ledger lives in, kept until the server stops.
    _cluster: Option<Arc<odop_pgtest::Cluster>>,
    ledger: Arc<dyn Ledger>,
    http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start(config: Config) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let ledger: Arc<dyn Ledger> =
            Arc::new(SqliteLedger::open(&dir.path().join("ledger.sqlite3")).unwrap());
        Server::over(ledger, dir, None, config).await
    }

    /// The same server over a PostgreSQL ledger in a throwaway cluster.
    async fn start_postgres(config: Config) -> Server {
        let cluster = tokio::task::spawn_blocking(|| {
            odop_pgtest::Cluster::start().expect("a PostgreSQL cluster for the test")
        })
        .await
        .unwrap();
        let (cluster, ledger) = tokio::task::spawn_blocking(move || {
            let url = cluster.create_database("ledger").unwrap();
            let ledger = odop_ledger_postgres::PostgresLedger::open(&url).unwrap();
            (cluster, Arc::new(ledger) as Arc<dyn Ledger>)
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        Server::over(ledger, dir, Some(Arc::new(cluster)), config).await
    }

    async fn over(
        ledger: Arc<dyn Ledger>,
        dir: tempfile::TempDir,
        cluster: Option<Arc<odop_pgtest::Cluster>>,
        config: Config,
    ) -> Server {
        // Bound before the server task starts, so it accepts from the first request on.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = Arc::clone(&ledger);
        let done = tokio::spawn(async move {
            odop_server::serve(listener, serving, &config, async {
                let _ = stopped.await;
            })
            .await
        });
        Server {
            _cluster: cluster,
            base: format!("http://{addr}"),
            ledger,
            // A fresh connection per request: after refusing an oversized body the server
            // closes its side, and a pooled connection could race that close.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            stop: Some(stop),
            done: Some(done),
            _dir: dir,
        }
    }

    fn account(&self, name: &str, role: Role, state: Option<u16>) -> String {
        let account = Account::new(name, role, state).unwrap();
        let token = Token::generate().unwrap();
        // The ledger is blocking; PostgreSQL's client must not run on an async thread.
        let insert = || self.ledger.insert_account(&account, &token.hash()).unwrap();
        if self._cluster.is_some() {
            tokio::task::block_in_place(insert);
        } else {
            insert();
        }
        token.0
    }

    async fn push(&self, token: &str, client: &str, mutations: Vec<Mutation>) -> PushResponse {
        let r = self
            .http
            .post(format!("{}/v1/push", self.base))
            .bearer_auth(token)
            .json(&PushRequest {
                client: client.into(),
                mutations,
            })
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        r.json().await.unwrap()
    }

    async fn pull(&self, token: &str, cursor: u64, limit: u32) -> PullResponse {
        let r = self
            .http
            .get(format!("{}/v1/pull", self.base))
            .query(&[("cursor", cursor.to_string()), ("limit", limit.to_string())])
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// Every row a token can see: (kind, id) -> fields.
    async fn view(&self, token: &str) -> BTreeMap<(String, String), Value> {
        let mut rows = BTreeMap::new();
        let mut cursor = 0;
        loop {
            let page = self.pull(token, cursor, 50).await;
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
            cursor = page.cursor;
            if !page.more {
                return rows;
            }
        }
    }

    /// A raw request, for hostile bodies and headers.
    async fn raw(&self, req: reqwest::RequestBuilder) -> (StatusCode, ErrorBody) {
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        let body: ErrorBody = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{status}: body {text:?} is not {{code, message}}: {e}"));
        (status, body)
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.done.take().unwrap().await.unwrap().unwrap();
        // Closing PostgreSQL connections blocks, so it happens off the async threads.
        tokio::task::spawn_blocking(move || drop(self))
            .await
            .unwrap();
    }
}

fn policy_id(state: u16) -> String {
    odop_domain::Policy::id_for(odop_domain::StateCode(state)).to_string()
}

fn id(n: u32) -> String {
    format!("01930000-0000-7000-8000-{n:012}")
}

/// A valid record of `kind` in `state`.
fn record(kind: &str, n: u32, state: u16) -> BTreeMap<String, Value> {
    let district = if state == 9 { 187 } else { 211 };
    let v = match kind {
        "product" => json!({"id": id(n), "state": state, "district": district, "rank": "primary",
            "sector": "handloom", "name": "Banarasi Saree"}),
        "seller" => {
            json!({"id": id(n), "state": state, "district": district, "name": "Asha Weavers",
            "kind": "weaver", "packaging": "needed"})
        }
        "workshop" => {
            json!({"id": id(n), "state": state, "date": "2026-01-15", "venue": "Varanasi"})
        }
        "story" => json!({"id": id(n), "state": state, "title": "From loom to market",
            "texts": [{"lang": "en", "text": "A story."}, {"lang": "hi", "text": "एक कहानी।"}]}),
        "gap" => {
            json!({"id": id(n), "state": state, "kind": "packaging", "description": "No labels",
            "open": true})
        }
        // The server holds only actions whose gap it holds: the one `authority_matrix` seeds.
        "action" => {
            json!({"id": id(n), "state": state, "gap": id(ACTIONS_GAP), "kind": "packaging",
            "owner": "DIC Varanasi", "status": "open"})
        }
        // A state has one policy, its id derived from the state code.
        "policy" => json!({"id": policy_id(state), "state": state, "status": "drafting"}),
        other => panic!("no fixture for {other}"),
    };
    v.as_object().unwrap().clone().into_iter().collect()
}

/// The gap every action fixture works on, in UP.
const ACTIONS_GAP: u32 = 1;

/// Every kind with free ids; a policy, one per state, has its own test.
const KINDS: [&str; 6] = ["product", "seller", "workshop", "story", "gap", "action"];

fn create(seq: u64, kind: &str, fields: BTreeMap<String, Value>) -> Mutation {
    let id = fields["id"].as_str().unwrap().to_owned();
    Mutation::create(seq, kind, &id, fields)
}

fn change(
    seq: u64,
    kind: &str,
    n: u32,
    base_version: u64,
    field: &str,
    base: Value,
    new: Value,
) -> Mutation {
    Mutation {
        seq,
        kind: kind.into(),
        id: id(n),
        op: Op::Put,
        base_version,
        fields: [(field.to_owned(), FieldChange { base, new })]
            .into_iter()
            .collect(),
        resolves: vec![],
        at: String::new(),
    }
}

fn delete(seq: u64, kind: &str, n: u32, base_version: u64) -> Mutation {
    Mutation {
        seq,
        kind: kind.into(),
        id: id(n),
        op: Op::Delete,
        base_version,
        fields: BTreeMap::new(),
        resolves: vec![],
        at: String::new(),
    }
}

fn verdict(o: &Outcome) -> String {
    match o {
        Outcome::Applied { .. } => "applied".into(),
        Outcome::Conflict { .. } => "conflict".into(),
        Outcome::Refused { code, .. } => code.clone(),
    }
}

#[tokio::test]
async fn the_authority_matrix_holds_for_every_role_kind_and_operation() {
    authority_matrix(Server::start(Config::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_authority_matrix_holds_on_postgres_too() {
    authority_matrix(Server::start_postgres(Config::default()).await).await;
}

async fn authority_matrix(s: Server) {
    let central = s.account("dpiit", Role::Central, None);
    let up = s.account("up-editor", Role::StateEditor, Some(9));
    let up_viewer = s.account("up-viewer", Role::StateViewer, Some(9));
    let bihar = s.account("bihar-editor", Role::StateEditor, Some(10));
    let roles = [
        ("central", &central, "applied"),
        ("up-editor", &up, "applied"),
        ("up-viewer", &up_viewer, "read_only"),
        ("bihar-editor", &bihar, "forbidden"),
    ];
    s.push(
        &central,
        "seed-gap",
        vec![create(1, "gap", record("gap", ACTIONS_GAP, 9))],
    )
    .await;
    let mut n = 0;
    let mut central_seq = 0;
    let mut failures = Vec::new();
    for kind in KINDS {
        for (role, token, expected) in roles {
            let client = format!("client-{role}-{kind}");
            // DPIIT seeds a UP row for this role to update and one to delete.
            n += 10;
            central_seq += 2;
            s.push(
                &central,
                "seed",
                vec![
                    create(central_seq - 1, kind, record(kind, n, 9)),
                    create(central_seq, kind, record(kind, n + 2, 9)),
                ],
            )
            .await;
            let title_field = match kind {
                "product" => ("name", json!("Banarasi Saree"), json!("Renamed")),
                "seller" => ("name", json!("Asha Weavers"), json!("Asha Weavers SHG")),
                "workshop" => ("venue", json!("Varanasi"), json!("Bhadohi")),
                "story" => ("title", json!("From loom to market"), json!("Retitled")),
                "gap" => ("description", json!("No labels"), json!("No barcodes")),
                _ => ("owner", json!("DIC Varanasi"), json!("DIC Bhadohi")),
            };
            let r = s
                .push(
                    token,
                    &client,
                    vec![
                        create(1, kind, record(kind, n + 4, 9)),
                        change(
                            2,
                            kind,
                            n,
                            1,
                            title_field.0,
                            title_field.1.clone(),
                            title_field.2.clone(),
                        ),
                        delete(3, kind, n + 2, 1),
                    ],
                )
                .await;
            for (op, result) in ["create", "update", "delete"].iter().zip(&r.results) {
                let got = verdict(&result.outcome);
                if got != expected {
                    failures.push(format!(
                        "{role} {op} {kind}: expected {expected}, got {got}"
                    ));
                }
            }
            assert_eq!(r.last_seq, 3, "refusals never block the sequence");
        }
        // Forged state: a UP editor creating a row that claims Bihar.
        n += 10;
        let r = s
            .push(
                &up,
                &format!("forger-{kind}"),
                vec![create(1, kind, record(kind, n, 10))],
            )
            .await;
        if verdict(&r.results[0].outcome) != "forbidden" {
            failures.push(format!(
                "forged state on {kind}: {:?}",
                r.results[0].outcome
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "authority matrix:\n{}",
        failures.join("\n")
    );

    // Moving a UP product to Bihar is a write to both states.
    n += 10;
    central_seq += 1;
    s.push(
        &central,
        "seed",
        vec![create(central_seq, "product", record("product", n, 9))],
    )
    .await;
    let mut move_it = change(1, "product", n, 1, "state", json!(9), json!(10));
    move_it.fields.insert(
        "district".into(),
        FieldChange {
            base: json!(187),
            new: json!(211),
        },
    );
    let r = s.push(&up, "mover", vec![move_it.clone()]).await;
    assert_eq!(verdict(&r.results[0].outcome), "forbidden");
    move_it.seq = 1;
    let r = s.push(&bihar, "taker", vec![move_it.clone()]).await;
    assert_eq!(verdict(&r.results[0].outcome), "forbidden");
    central_seq += 1;
    move_it.seq = central_seq;
    let r = s.push(&central, "seed", vec![move_it]).await;
    assert_eq!(verdict(&r.results[0].outcome), "applied");
    assert!(s
        .view(&bihar)
        .await
        .contains_key(&("product".into(), id(n))));
    assert!(!s.view(&up).await.contains_key(&("product".into(), id(n))));

    // Each state reads only its own rows; DPIIT reads all.
    let up_rows = s.view(&up_viewer).await;
    assert!(!up_rows.is_empty());
    assert!(up_rows.values().all(|f| f["state"] == json!(9)));
    let bihar_rows = s.view(&bihar).await;
    assert!(bihar_rows.values().all(|f| f["state"] == json!(10)));
    assert_eq!(
        s.view(&central).await.len(),
        up_rows.len() + bihar_rows.len()
    );
    s.stop().await;
}

#[tokio::test]
async fn a_state_policy_is_written_by_its_state_and_dpiit_only() {
    for (role, state, expected) in [
        (Role::Central, None, "applied"),
        (Role::StateEditor, Some(9), "applied"),
        (Role::StateViewer, Some(9), "read_only"),
        (Role::StateEditor, Some(10), "forbidden"),
    ] {
        let s = Server::start(Config::default()).await;
        let central = s.account("dpiit", Role::Central, None);
        let token = if role == Role::Central {
            central.clone()
        } else {
            s.account("someone", role, state)
        };
        let what = format!("{} of state {state:?}", role.as_str());
        let r = s
            .push(
                &token,
                "desk",
                vec![create(1, "policy", record("policy", 0, 9))],
            )
            .await;
        assert_eq!(verdict(&r.results[0].outcome), expected, "{what} creates");
        if expected != "applied" {
            s.push(
                &central,
                "seed",
                vec![create(1, "policy", record("policy", 0, 9))],
            )
            .await;
        }
        let mut note = change(
            2,
            "policy",
            0,
            1,
            "note",
            Value::Null,
            json!("Draft tabled"),
        );
        note.id = policy_id(9);
        let mut gone = delete(3, "policy", 0, 2);
        gone.id = policy_id(9);
        let r = s.push(&token, "desk", vec![note, gone]).await;
        let got: Vec<_> = r.results.iter().map(|r| verdict(&r.outcome)).collect();
        assert_eq!(got, [expected, expected], "{what} updates and deletes");
        s.stop().await;
    }
}

#[tokio::test]
async fn unknown_revoked_and_missing_tokens_are_turned_away() {
    let s = Server::start(Config::default()).await;
    let token = s.account("up-editor", Role::StateEditor, Some(9));
    let who: Identity = s
        .http
        .get(format!("{}/v1/whoami", s.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (who.name.as_str(), who.role, who.state),
        ("up-editor", Role::StateEditor, Some(9))
    );
    s.ledger.revoke("up-editor").unwrap();
    for (req, what) in [
        (
            s.http
                .get(format!("{}/v1/pull", s.base))
                .bearer_auth(&token),
            "revoked",
        ),
        (
            s.http
                .get(format!("{}/v1/pull", s.base))
                .bearer_auth("odop_0000"),
            "unknown",
        ),
        (s.http.get(format!("{}/v1/pull", s.base)), "missing"),
        (
            s.http.post(format!("{}/v1/push", s.base)).body("{}"),
            "missing on push",
        ),
        (
            s.http
                .get(format!("{}/v1/whoami", s.base))
                .header("authorization", "Basic dXA6cHc="),
            "basic",
        ),
    ] {
        let (status, body) = s.raw(req).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(body.code, "unauthorized", "{what}");
    }
    // Health and the API document need no token.
    let health: Value = s
        .http
        .get(format!("{}/health", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let doc: Value = s
        .http
        .get(format!("{}/openapi.json", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/v1/push"]["post"].is_object());
    s.stop().await;
}

#[tokio::test]
async fn a_push_sent_one_to_five_times_leaves_the_same_state() {
    let s = Server::start(Config::default()).await;
    let up = s.account("up-editor", Role::StateEditor, Some(9));
    let mut batches = Vec::new();
    let mut seq = 0;
    for b in 0..5u32 {
        let mut batch = Vec::new();
        for k in 0..4u32 {
            seq += 1;
            let n = b * 10 + k;
            batch.push(match k {
                0 | 1 => create(seq, "product", record("product", n, 9)),
                2 => change(
                    seq,
                    "product",
                    n - 2,
                    1,
                    "name",
                    json!("Banarasi Saree"),
                    json!(format!("Saree {b}")),
                ),
                _ => create(seq, "product", record("product", n, 10)),
            });
        }
        batches.push(batch);
    }
    // First, each batch once, on a second client of a second account's view.
    let mut firsts = Vec::new();
    let mut heads = Vec::new();
    for (i, batch) in batches.iter().enumerate() {
        let times = i % 5 + 1;
        let mut answers = Vec::new();
        for _ in 0..times {
            answers.push(s.push(&up, "desk-1", batch.clone()).await);
            heads.push(s.pull(&up, 0, 1).await.head);
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "batch {i} answered alike each time"
        );
        firsts.push(answers.remove(0));
        let last = heads.len() - 1;
        assert!(
            heads[last - (times - 1)..].windows(2).all(|w| w[0] == w[1]),
            "replays add nothing to the sequence"
        );
    }
    let view = s.view(&up).await;
    assert_eq!(
        view.len(),
        10,
        "two products per batch; the Bihar ones refused"
    );
    assert_eq!(view[&("product".into(), id(40))]["name"], json!("Saree 4"));
    let refusals: Vec<odop_protocol::Refusal> = s
        .http
        .get(format!("{}/v1/refusals", s.base))
        .bearer_auth(&up)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(refusals.len(), 5, "each refusal recorded once");
    s.stop().await;
}

#[tokio::test]
async fn hostile_requests_get_a_clear_4xx_never_a_500() {
    hostile_requests(Server::start(Config::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_a_clear_4xx_on_postgres_too() {
    hostile_requests(Server::start_postgres(Config::default()).await).await;
}

async fn hostile_requests(s: Server) {
    let token = s.account("up-editor", Role::StateEditor, Some(9));
    let push = || {
        s.http
            .post(format!("{}/v1/push", s.base))
            .bearer_auth(&token)
    };
    let huge = "x".repeat(5 * 1024 * 1024);
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    bomb.write_all(&vec![b' '; 64 * 1024 * 1024]).unwrap();
    let bomb = bomb.finish().unwrap();
    assert!(bomb.len() < 200_000);
    let many: Vec<Mutation> = (1..=600)
        .map(|i| create(i, "product", record("product", i as u32, 9)))
        .collect();
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, &str)> = vec![
        ("empty body", push(), StatusCode::BAD_REQUEST, "bad_request"),
        ("not json", push().body("<xml/>"), StatusCode::BAD_REQUEST, "bad_request"),
        ("truncated", push().body(r#"{"client":"c","mutations":[{"seq":1"#), StatusCode::BAD_REQUEST, "bad_request"),
        ("wrong types", push().body(r#"{"client":5,"mutations":"all"}"#), StatusCode::BAD_REQUEST, "bad_request"),
        ("negative seq", push().body(r#"{"client":"c","mutations":[{"seq":-1,"kind":"product","id":"x","op":"put","base_version":0}]}"#), StatusCode::BAD_REQUEST, "bad_request"),
        ("empty client", push().json(&json!({"client": " ", "mutations": []})), StatusCode::BAD_REQUEST, "bad_request"),
        ("5 MB body", push().body(huge), StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        ("gzip bomb", push().header("content-encoding", "gzip").body(bomb), StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
        ("broken gzip", push().header("content-encoding", "gzip").body("not gzip at all"), StatusCode::BAD_REQUEST, "bad_body"),
        ("600 mutations", push().json(&PushRequest { client: "c".into(), mutations: many }), StatusCode::PAYLOAD_TOO_LARGE, "too_many_mutations"),
        ("old protocol", push().header("odop-protocol", "0").json(&json!({"client": "c", "mutations": []})), StatusCode::BAD_REQUEST, "protocol_mismatch"),
        ("bad cursor", s.http.get(format!("{}/v1/pull?cursor=-1", s.base)).bearer_auth(&token), StatusCode::BAD_REQUEST, "bad_request"),
        ("text cursor", s.http.get(format!("{}/v1/pull?cursor=abc", s.base)).bearer_auth(&token), StatusCode::BAD_REQUEST, "bad_request"),
        ("text horizon", s.http.get(format!("{}/v1/pull?cursor=1&horizon=abc", s.base)).bearer_auth(&token), StatusCode::BAD_REQUEST, "bad_request"),
        ("no such path", s.http.get(format!("{}/v1/everything", s.base)).bearer_auth(&token), StatusCode::NOT_FOUND, "not_found"),
    ];
    for (what, req, status, code) in cases {
        let (got, body) = s.raw(req).await;
        assert_eq!(
            (got, body.code.as_str()),
            (status, code),
            "{what}: {}",
            body.message
        );
        assert!(!body.message.is_empty(), "{what} explains itself");
    }
    // Hostile strings inside a well-formed push are data, refused or kept as written.
    let mut nasty = record("product", 1, 9);
    nasty.insert(
        "name".into(),
        json!("'); DROP TABLE rows; -- <script>alert(1)</script> \u{202e}"),
    );
    let r = s.push(&token, "c", vec![create(1, "product", nasty)]).await;
    assert_eq!(verdict(&r.results[0].outcome), "applied");
    let view = s.view(&token).await;
    assert!(view[&("product".into(), id(1))]["name"]
        .as_str()
        .unwrap()
        .starts_with("'); DROP"));
    // The server still answers normally.
    assert_eq!(s.pull(&token, 0, 10).await.changes.len(), 1);
    s.stop().await;
}

/// After pruning, a page asked with the horizon the page before carried is answered, while a
/// client that sends no horizon is told to resync, as before horizons were sent.
#[tokio::test]
async fn a_pull_that_sends_its_horizon_pages_past_pruning() {
    let s = Server::start(Config::default()).await;
    let token = s.account("up-editor", Role::StateEditor, Some(9));
    let creates = (1..=4)
        .map(|n| create(n, "product", record("product", n as u32, 9)))
        .collect();
    s.push(&token, "c", creates).await;
    s.push(&token, "c", vec![delete(5, "product", 1, 1)]).await;
    assert_eq!(s.ledger.prune("9999").unwrap(), 1);
    let page = |cursor: u64, horizon: Option<u64>| {
        let mut query = vec![("cursor", cursor), ("limit", 1)];
        query.extend(horizon.map(|h| ("horizon", h)));
        s.http
            .get(format!("{}/v1/pull", s.base))
            .query(&query)
            .bearer_auth(&token)
    };
    let first: PullResponse = page(0, None).send().await.unwrap().json().await.unwrap();
    assert_eq!((first.cursor, first.horizon), (2, 5));
    let r = page(first.cursor, Some(first.horizon))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let second: PullResponse = r.json().await.unwrap();
    assert_eq!(second.cursor, 3);
    let (status, body) = s.raw(page(first.cursor, None)).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::GONE, "resync_required")
    );
    s.stop().await;
}

#[tokio::test]
async fn a_token_over_its_rate_is_told_when_to_come_back() {
    let s = Server::start(Config {
        rate: RateLimit {
            per_second: 0.01,
            burst: 3.0,
        },
        ..Config::default()
    })
    .await;
    let a = s.account("a", Role::Central, None);
    let b = s.account("b", Role::Central, None);
    for _ in 0..3 {
        s.pull(&a, 0, 10).await;
    }
    let r = s
        .http
        .get(format!("{}/v1/pull", s.base))
        .bearer_auth(&a)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("retry-after").is_some());
    s.pull(&b, 0, 10).await;
    s.stop().await;
}

#[tokio::test]
async fn large_pulls_are_compressed_as_asked_and_pages_join_up() {
    let s = Server::start(Config::default()).await;
    let central = s.account("dpiit", Role::Central, None);
    let batch: Vec<_> = (1..=120)
        .map(|i| create(i, "product", record("product", i as u32, 9)))
        .collect();
    s.push(&central, "seed", batch).await;
    // The desks ask for zstd (faster to make than gzip at a similar size); other clients get gzip.
    let plain = reqwest::Client::builder()
        .no_gzip()
        .no_zstd()
        .build()
        .unwrap();
    for (asked, answered) in [("gzip", "gzip"), ("zstd", "zstd"), ("gzip, zstd", "zstd")] {
        let r = plain
            .get(format!("{}/v1/pull?limit=1000", s.base))
            .header("accept-encoding", asked)
            .bearer_auth(&central)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some(answered),
            "asked for {asked}"
        );
    }
    let mut seen = 0;
    let mut cursor = 0;
    loop {
        let page = s.pull(&central, cursor, 25).await;
        seen += page.changes.len();
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(seen, 120);
    s.stop().await;
}

#[tokio::test]
async fn only_a_central_account_sends_the_gi_registry_and_every_desk_pulls_it() {
    let s = Server::start(Config::default()).await;
    let central = s.account("dpiit", Role::Central, None);
    let up = s.account("up", Role::StateEditor, Some(9));
    let entries = vec![GiListing {
        number: 17,
        name: "Basmati".into(),
        goods: "Agricultural".into(),
        states: vec![9, 3],
    }];
    let domain: Vec<_> = entries.iter().map(odop_ledger::entry_of).collect();
    let registry = GiRegistry {
        tag: odop_ledger::gi_tag(&domain),
        entries,
    };
    let send = |token: &str, body: Value| {
        s.http
            .put(format!("{}/v1/gi-registry", s.base))
            .bearer_auth(token)
            .json(&body)
    };
    let (status, body) = s.raw(send(&up, json!(registry))).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    assert!(body.message.contains("\"up\""), "{}", body.message);
    let (status, body) = s.raw(send(&central, json!({ "tag": 3 }))).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let mut forged = json!(registry);
    forged["entries"][0]["name"] = json!("Basmati Rice");
    let (status, body) = s.raw(send(&central, forged)).await;
    assert_eq!(
        (status, body.code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_gi_registry")
    );
    assert!(
        body.message.contains("its entries make"),
        "{}",
        body.message
    );

    let r = send(&central, json!(registry)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let taken: GiPublished = r.json().await.unwrap();
    assert_eq!(
        (taken.tag.as_str(), taken.entries),
        (registry.tag.as_str(), 1)
    );

    let pull = |held: &str| {
        s.http
            .get(format!("{}/v1/pull", s.base))
            .query(&[("cursor", "0"), ("gi", held)])
            .bearer_auth(&up)
    };
    let page: PullResponse = pull("none").send().await.unwrap().json().await.unwrap();
    assert_eq!(page.gi, Some(registry.clone()));
    let page: PullResponse = pull(&registry.tag)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page.gi, None);
    s.stop().await;
}
