//! The ODOP sync protocol: every type that crosses the wire between a desktop and the central
//! server, and the rules both sides read the same way (paths, limits, versions).
//!
//! This crate owns names and shapes only. It must not know how either side stores rows, how the
//! server authorises a write or how the client applies a pull; it has no I/O and no dependency
//! on the domain, so the wire format changes only when this file does.
//!
//! The exchange, in short:
//! - a client pushes its outbox as [`Mutation`]s, each numbered by a dense per-client sequence;
//!   the server answers each one [`Outcome::Applied`], [`Outcome::Conflict`] or
//!   [`Outcome::Refused`], and a mutation sent again is answered as the first time;
//! - a client pulls every [`Change`] after its cursor from one gap-free sequence, filtered to
//!   what its account may read, saying which tombstone horizon it last saw; a cursor that
//!   pruning has passed since then is answered [`ErrorBody`] with code `resync_required`;
//! - each pull also names the history the client holds ([`Held`]); a server that took a new
//!   epoch at a restart answers [`PullResponse::continues`] when that history is all its own,
//!   and a client told otherwise (a restored or replaced server) compares everything;
//! - reference lists travel beside the changes: the LGD lists ([`PlacesUpdate`]) and the GI
//!   registry ([`GiRegistry`]) go on a pull's last page to a client whose copy's tag differs,
//!   and a central client sends a GI registry it loaded with `PUT` [`PATH_GI_REGISTRY`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The protocol version; the server refuses a client that speaks another.
pub const PROTOCOL_VERSION: u32 = 1;

/// The header a client sends its protocol version in.
pub const VERSION_HEADER: &str = "odop-protocol";

/// Paths, relative to the server's base URL.
pub const PATH_HEALTH: &str = "/health";
pub const PATH_OPENAPI: &str = "/openapi.json";
pub const PATH_WHOAMI: &str = "/v1/whoami";
pub const PATH_PUSH: &str = "/v1/push";
pub const PATH_PULL: &str = "/v1/pull";
pub const PATH_REFUSALS: &str = "/v1/refusals";
/// `PUT` a [`GiRegistry`] (central accounts only), answered [`GiPublished`].
pub const PATH_GI_REGISTRY: &str = "/v1/gi-registry";

/// At most this many mutations in one push; a client splits a longer outbox.
pub const MAX_PUSH_MUTATIONS: usize = 500;

/// The error code of a push refused whole (409) because it sent another change under a number
/// the server already answered for this client: the client's database went back to an older
/// copy, and it must sync as a new client.
pub const CLIENT_DIVERGED: &str = "client_diverged";

/// The error code of a push under a client id that another account's pushes took: each
/// installation syncs as one account, and a desk handed to another starts over as a new client.
pub const CLIENT_TAKEN: &str = "client_taken";
/// At most this many changes in one pull page. A desk's first sync takes as many pages as this
/// allows: each page is a request and a transaction on the desk.
pub const MAX_PULL_LIMIT: u32 = 5000;
/// A pull page takes no more rows once their fields pass this many bytes of JSON, so a page of
/// long stories stays as small as a page of short rows.
pub const PULL_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// The largest request body the server reads, compressed or not.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// A record's fields by name.
pub type Fields = serde_json::Map<String, Value>;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// DPIIT: reads and writes every state.
    Central,
    /// A state department that edits its own state's rows.
    StateEditor,
    /// Reads its own state's rows, writes nothing.
    StateViewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Central => "central",
            Role::StateEditor => "state-editor",
            Role::StateViewer => "state-viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [Role::Central, Role::StateEditor, Role::StateViewer]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// Who the server takes a token's bearer to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub role: Role,
    /// The LGD state code a state account belongs to; `None` for central.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<u16>,
    pub protocol: u32,
}

/// A change to one field: the value the client started from and the value it wants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// `null` when the field was absent (a new row, or an optional field first set).
    pub base: Value,
    /// `null` to clear the field.
    pub new: Value,
}

/// What a mutation does to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Creates the row or changes the named fields.
    Put,
    /// Deletes the row, leaving a tombstone.
    Delete,
}

/// One local edit, as the client's outbox holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    /// The client's sequence number: dense, starting at 1.
    pub seq: u64,
    /// The entity kind, e.g. `product`.
    pub kind: String,
    /// The row's id.
    pub id: String,
    pub op: Op,
    /// The row's version the edit was made on; 0 for a row the client created.
    pub base_version: u64,
    /// The changed fields; for a delete, the row as the client last saw it.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldChange>,
    /// Conflicts this edit settles: a resolution is an ordinary edit that names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolves: Vec<String>,
    /// When the edit was made on the client (RFC 3339).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
}

/// A batch of mutations from one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The client installation's id; bound to the first account that uses it.
    pub client: String,
    pub mutations: Vec<Mutation>,
}

/// How the server took one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Every field applied (or already held the wanted value); the row is now at `version`.
    Applied { version: u64 },
    /// Some fields clashed with a concurrent edit and were left as they were; the others
    /// applied. The row is now at `version`.
    Conflict {
        version: u64,
        conflicts: Vec<ConflictRecord>,
    },
    /// The server would not take the mutation; nothing of it applied. `reason` is English;
    /// `detail`, where given, holds the values it names as data, so that a client can say it in
    /// its own language: for `forbidden`, `{"row_state", "account_state", "moving"}`; for
    /// `invalid`, the domain's problem (`{"problem", "field", ..}`); for a place the server's
    /// LGD lists lack, `{"state"}` (`unknown_state`), `{"district"}` (`unknown_district`) or
    /// `{"district", "actual", "claimed"}` (`district_in_other_state`).
    Refused {
        code: String,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<serde_json::Value>,
    },
}

/// The answer to one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    pub seq: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One result per mutation taken, in order.
    pub results: Vec<MutationResult>,
    /// The highest sequence the server holds for this client; the client drops its outbox up
    /// to here and sends the rest again.
    pub last_seq: u64,
}

/// A field both sides changed to different values, or a delete racing an edit. The row keeps
/// the server's value until a person settles it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictRecord {
    pub id: String,
    pub kind: String,
    pub row: String,
    /// The field, or `*` for a delete against an edit.
    pub field: String,
    pub base: Value,
    /// The value the server holds (for `*`, `null` when the server side deleted the row).
    pub server: Value,
    /// The value the client wanted (for `*`, `null` when the client deleted the row).
    pub client: Value,
    pub server_author: String,
    pub client_author: String,
    pub state: u16,
    pub at: String,
    /// Who settled it and when; `None` while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
}

/// One entry of the change sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Change {
    /// A row as it now is.
    Row {
        seq: u64,
        kind: String,
        id: String,
        version: u64,
        state: u16,
        fields: Fields,
        author: String,
        at: String,
    },
    /// A deleted row.
    Tombstone {
        seq: u64,
        kind: String,
        id: String,
        version: u64,
        state: u16,
    },
    /// A row that moved to a state this account cannot read: drop the local copy.
    Departed { seq: u64, kind: String, id: String },
    /// A conflict, opened or settled.
    Conflict {
        seq: u64,
        #[serde(flatten)]
        record: ConflictRecord,
    },
}

impl Change {
    pub fn seq(&self) -> u64 {
        match self {
            Change::Row { seq, .. }
            | Change::Tombstone { seq, .. }
            | Change::Departed { seq, .. }
            | Change::Conflict { seq, .. } => *seq,
        }
    }
}

/// The query of a pull: `GET /v1/pull?cursor=N&limit=N&horizon=N`, and, from a client that
/// has pulled before, `&epoch=E&client=C&acked=N` (see [`Held`]); `&places=T` from a client
/// that keeps the server's LGD lists, naming the tag of the copy it holds (see [`PlacesUpdate`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    pub cursor: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The horizon the client last saw; an older client sends none and is answered as before.
    #[serde(default)]
    pub horizon: u64,
    // Flat rather than a nested `Held`: query strings carry no structure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acked: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<String>,
    /// The tag of the GI registry the client holds (see [`GiRegistry`]), from a client that
    /// takes the server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gi: Option<String>,
}

impl PullQuery {
    pub fn new(cursor: u64, horizon: u64, limit: u32, held: Option<Held>) -> PullQuery {
        let (epoch, client, acked) = match held {
            Some(h) => (Some(h.epoch), Some(h.client), Some(h.acked)),
            None => (None, None, None),
        };
        PullQuery {
            cursor,
            limit: Some(limit),
            horizon,
            epoch,
            client,
            acked,
            places: None,
            gi: None,
        }
    }

    /// What the client says it holds, when it names an epoch.
    pub fn held(&self) -> Option<Held> {
        Some(Held {
            epoch: self.epoch.clone()?,
            client: self.client.clone().unwrap_or_default(),
            acked: self.acked.unwrap_or(0),
        })
    }
}

/// What a client holds from the server's history: the epoch of its last page (its cursor is
/// the query's), its client id, and the last of its pushes the server answered. With these the
/// server can tell a restart of itself (the history goes on) from a restore or a replacement
/// (it does not), so a restart costs no client a resync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub epoch: String,
    pub client: String,
    pub acked: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// The cursor to ask from next time.
    pub cursor: u64,
    /// More changes wait beyond this page.
    pub more: bool,
    /// An id the server takes at every start; a different one, or a cursor beyond the
    /// server's head, means the server is not the one this client last synced with (or was
    /// restored from an older backup) and the client must resync, unless `continues` says the
    /// history the client held goes on here.
    pub epoch: String,
    /// The client's [`Held`] history is this server's: the epoch it named was one of this
    /// database's, its cursor is within what was written then, and every push it was answered
    /// is here. Absent from older servers, which never say so.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub continues: bool,
    /// The server's head of the change sequence when this page was read.
    pub head: u64,
    /// The highest sequence of a pruned tombstone when this page was read. The client sends
    /// it back with the next page's cursor: the server refuses that cursor only when pruning
    /// has moved past it since. Absent from older servers, which never read it.
    #[serde(default)]
    pub horizon: u64,
    /// The server's LGD lists, on the last page of a pull whose query named another tag than
    /// theirs; absent otherwise, and from older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<PlacesUpdate>,
    /// The server's GI registry, on the last page of a pull whose query named another tag than
    /// its own; absent otherwise, when the server holds none, and from older servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gi: Option<GiRegistry>,
}

/// The server's LGD lists, as a pull's last page carries them to a desk that named another tag
/// than `tag`. A desk checks its own writes against them; `"none"` with empty lists says the
/// server has none loaded, and checks nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacesUpdate {
    /// A short name for exactly these lists, the same wherever it is computed.
    pub tag: String,
    pub states: Vec<u16>,
    /// Each district's code and its state's.
    pub districts: Vec<(u32, u16)>,
    /// Each state's code, name, and kind (`"state"` or `"ut"`), for a desk whose own LGD lists
    /// lack it; empty for lists loaded without names, and from older servers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state_names: Vec<(u16, String, String)>,
    /// Each district's code and name, likewise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub district_names: Vec<(u32, String)>,
}

/// The GI registry's list as reference data: sent whole by a central client that loaded it,
/// and on a pull's last page to a client holding another copy. Never empty on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiRegistry {
    /// A short name for exactly these entries, computed alike on both sides from the entries.
    pub tag: String,
    pub entries: Vec<GiListing>,
}

/// One registered Geographical Indication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiListing {
    /// The registry's serial number; the list repeats a few, so it is no key.
    pub number: u32,
    pub name: String,
    /// The class of goods.
    pub goods: String,
    /// The LGD codes of the states and UTs it belongs to.
    pub states: Vec<u16>,
}

/// The answer to a registry sent with `PUT`: the tag the server now holds and its entries'
/// count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GiPublished {
    pub tag: String,
    pub entries: u32,
}

/// A write the server would not take, kept for the state and DPIIT to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub client: String,
    pub seq: u64,
    pub account: String,
    pub code: String,
    pub reason: String,
    pub at: String,
}

impl Mutation {
    /// A new row's creation: every field set from nothing, on no version of the row.
    pub fn create<K: Into<String>>(
        seq: u64,
        kind: &str,
        id: &str,
        fields: impl IntoIterator<Item = (K, Value)>,
    ) -> Mutation {
        let fields = fields
            .into_iter()
            .map(|(k, new)| {
                let change = FieldChange {
                    base: Value::Null,
                    new,
                };
                (k.into(), change)
            })
            .collect();
        Mutation {
            seq,
            kind: kind.to_owned(),
            id: id.to_owned(),
            op: Op::Put,
            base_version: 0,
            fields,
            resolves: vec![],
            at: String::new(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_reads_back_as_written() {
        let mut fields = BTreeMap::new();
        fields.insert(
            "rank".to_owned(),
            FieldChange {
                base: Value::from("primary"),
                new: Value::from("secondary"),
            },
        );
        let push = PushRequest {
            client: "c1".into(),
            mutations: vec![Mutation {
                seq: 7,
                kind: "product".into(),
                id: "0193".into(),
                op: Op::Put,
                base_version: 3,
                fields,
                resolves: vec![],
                at: String::new(),
            }],
        };
        let text = serde_json::to_string(&push).unwrap();
        insta::assert_snapshot!(text, @r#"{"client":"c1","mutations":[{"seq":7,"kind":"product","id":"0193","op":"put","base_version":3,"fields":{"rank":{"base":"primary","new":"secondary"}}}]}"#);
        assert_eq!(serde_json::from_str::<PushRequest>(&text).unwrap(), push);
    }

    #[test]
    fn outcomes_are_tagged() {
        let r = MutationResult {
            seq: 2,
            outcome: Outcome::Refused {
                code: "forbidden".into(),
                reason: "state 9 only".into(),
                detail: None,
            },
        };
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(
            text,
            r#"{"seq":2,"outcome":"refused","code":"forbidden","reason":"state 9 only"}"#
        );
        assert_eq!(serde_json::from_str::<MutationResult>(&text).unwrap(), r);
        // A refusal with its values as data; an older server's answer, without them, still reads.
        let detailed = MutationResult {
            seq: 3,
            outcome: Outcome::Refused {
                code: "forbidden".into(),
                reason: "state 9 only".into(),
                detail: Some(
                    serde_json::json!({"row_state": 9, "account_state": 10, "moving": false}),
                ),
            },
        };
        let text = serde_json::to_string(&detailed).unwrap();
        insta::assert_snapshot!(text, @r#"{"seq":3,"outcome":"refused","code":"forbidden","reason":"state 9 only","detail":{"account_state":10,"moving":false,"row_state":9}}"#);
        assert_eq!(
            serde_json::from_str::<MutationResult>(&text).unwrap(),
            detailed
        );
    }

    #[test]
    fn a_page_from_an_older_server_reads_with_no_horizon() {
        let page = PullResponse {
            changes: vec![],
            cursor: 12,
            more: true,
            epoch: "e".into(),
            continues: false,
            head: 40,
            horizon: 10,
            places: None,
            gi: None,
        };
        let text = serde_json::to_string(&page).unwrap();
        insta::assert_snapshot!(text, @r#"{"changes":[],"cursor":12,"more":true,"epoch":"e","head":40,"horizon":10}"#);
        assert_eq!(serde_json::from_str::<PullResponse>(&text).unwrap(), page);
        let older: PullResponse =
            serde_json::from_str(r#"{"changes":[],"cursor":12,"more":true,"epoch":"e","head":40}"#)
                .unwrap();
        assert_eq!(older.horizon, 0);
        assert!(!older.continues);
    }

    #[test]
    fn a_pull_names_what_it_holds_only_with_an_epoch() {
        let first = PullQuery::new(0, 0, 100, None);
        assert_eq!(first.held(), None);
        let held = Held {
            epoch: "e1".into(),
            client: "c".into(),
            acked: 7,
        };
        let again = PullQuery::new(12, 3, 100, Some(held.clone()));
        assert_eq!(again.held(), Some(held));
        // A query naming only an epoch holds no pushes.
        let bare = PullQuery {
            epoch: Some("e1".into()),
            ..PullQuery::default()
        };
        assert_eq!(
            bare.held().map(|h| (h.client, h.acked)),
            Some((String::new(), 0))
        );
    }

    #[test]
    fn roles_parse_from_their_names() {
        for role in [Role::Central, Role::StateEditor, Role::StateViewer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }

    /// The last page of a pull that brought no change, to which a test adds a list.
    fn last_page() -> PullResponse {
        PullResponse {
            changes: vec![],
            cursor: 3,
            more: false,
            epoch: "e".into(),
            continues: false,
            head: 3,
            horizon: 0,
            places: None,
            gi: None,
        }
    }

    #[test]
    fn the_lists_ride_on_a_page_only_when_sent() {
        let page = PullResponse {
            places: Some(PlacesUpdate {
                tag: "1s2d-00000000000000ab".into(),
                states: vec![9],
                districts: vec![(187, 9), (188, 9)],
                ..PlacesUpdate::default()
            }),
            ..last_page()
        };
        let text = serde_json::to_string(&page).unwrap();
        insta::assert_snapshot!(text, @r#"{"changes":[],"cursor":3,"more":false,"epoch":"e","head":3,"horizon":0,"places":{"tag":"1s2d-00000000000000ab","states":[9],"districts":[[187,9],[188,9]]}}"#);
        assert_eq!(serde_json::from_str::<PullResponse>(&text).unwrap(), page);
        let query = PullQuery {
            places: Some("none".into()),
            ..PullQuery::new(3, 0, 10, None)
        };
        let sent = serde_json::to_value(&query).unwrap();
        assert_eq!(sent["places"], "none");
    }

    #[test]
    fn the_gi_registry_rides_on_a_page_only_when_sent() {
        let page = PullResponse {
            gi: Some(GiRegistry {
                tag: "1gi-00000000000000ab".into(),
                entries: vec![GiListing {
                    number: 17,
                    name: "Basmati".into(),
                    goods: "Agricultural".into(),
                    states: vec![9, 3],
                }],
            }),
            ..last_page()
        };
        let text = serde_json::to_string(&page).unwrap();
        insta::assert_snapshot!(text, @r#"{"changes":[],"cursor":3,"more":false,"epoch":"e","head":3,"horizon":0,"gi":{"tag":"1gi-00000000000000ab","entries":[{"number":17,"name":"Basmati","goods":"Agricultural","states":[9,3]}]}}"#);
        assert_eq!(serde_json::from_str::<PullResponse>(&text).unwrap(), page);
        let older: PullResponse =
            serde_json::from_str(r#"{"changes":[],"cursor":3,"more":false,"epoch":"e","head":3}"#)
                .unwrap();
        assert_eq!(older.gi, None);
        let query = PullQuery {
            gi: Some("none".into()),
            ..PullQuery::new(3, 0, 10, None)
        };
        assert_eq!(serde_json::to_value(&query).unwrap()["gi"], "none");
        let plain = serde_json::to_value(PullQuery::new(3, 0, 10, None)).unwrap();
        assert!(plain.get("gi").is_none(), "{plain}");
    }
}
