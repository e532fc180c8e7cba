use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::task::Poll;

use odop_domain::{
    District, DistrictCode, EntityKind, GiEntry, Places, State, StateCode, StateKind,
};
use odop_protocol::{
    Change, ConflictRecord, FieldChange, GiListing, GiRegistry, Held, Mutation, Op, Outcome,
    PlacesUpdate, PullQuery, PullResponse, PushRequest, CLIENT_DIVERGED, CLIENT_TAKEN,
    MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS,
};
use odop_store::{Conflict, Incoming, Pending, Resync, Store, Takeover, Verdict};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{crash_point, Remote, SyncError};

/// Who the history names as the author of a registry the server sent.
const GI_AUTHOR: &str = "server (DPIIT's GI registry)";

/// What one sync round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub started: String,
    pub finished: String,
    pub pushed: u64,
    pub applied: u64,
    pub conflicts: u64,
    pub refused: u64,
    pub pulled: u64,
    pub merged: u64,
    pub removed: u64,
    /// Why everything was compared with the server again, when it was: the server no longer
    /// knew this desk's history (restored from a backup, or replaced), or it had forgotten
    /// deletions this desk had not yet pulled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resync: Option<Resync>,
    /// Local changes queued again because the server had lost them.
    pub requeued: u64,
    /// The tag of the server's LGD lists, when this round brought a new copy of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub places: Option<String>,
    /// States and districts this desk's LGD lists lacked, learnt from the server's.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub learnt_places: u64,
    /// What this round did with the GI registry: sent the one loaded here, took the server's,
    /// or neither.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gi: Vec<GiExchange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The GI registry's way between this desk and the server in one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "did", rename_all = "snake_case")]
pub enum GiExchange {
    /// This central desk sent the registry it loaded, which every desk takes at its next sync.
    Sent { tag: String, entries: u32 },
    /// The server would not take it; it is not sent again until another list is loaded.
    Refused { tag: String, reason: String },
    /// The server's registry (DPIIT's) replaced the one held.
    Taken { tag: String, entries: u32 },
    /// The server's registry could not be kept; the one held stays.
    Ignored { tag: String, reason: String },
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What a sync round is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Progress {
    Pushing { sent: u64, waiting: u64 },
    Pulling { received: u64 },
}

/// Holds the per-database sync lock; another process syncing the same database gets `Busy`.
#[derive(Debug)]
pub(crate) struct Lock(#[allow(dead_code)] std::fs::File);

pub(crate) fn lock(db: &Path) -> Result<Lock, SyncError> {
    let path: PathBuf = db.with_extension("sync-lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| SyncError::Settings {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Lock(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(SyncError::Busy),
        Err(std::fs::TryLockError::Error(e)) => Err(SyncError::Settings {
            path: path.display().to_string(),
            reason: e.to_string(),
        }),
    }
}

/// One sync round against `remote`: push the outbox in order, then pull every change after the
/// cursor. Every step that changes the database is one transaction, so the round can be
/// stopped (or the process killed) anywhere and the next round carries on: a push whose answer
/// was lost is sent again and answered as before.
pub async fn sync_once<R: Remote>(
    db: &Path,
    remote: &R,
    who: &str,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Report, SyncError> {
    let _lock = lock(db)?;
    let mut store = Store::open(db)?;
    let mut report = Report {
        started: odop_store::now(),
        ..Report::default()
    };
    // Who the token is, asked every round: a database copied back by hand, a token given for
    // one sync, or a desk that logged in before databases noted their account may sync as
    // another account than the one noted, and a desk changing hands starts over as a new
    // client. If the server cannot say now, the round goes on (a push under another account's
    // client is then refused, and starts over the same way).
    if let Ok(who) = remote.whoami().await {
        store.change_account(&crate::desk::account_of(&who), Takeover::Allow)?;
    }
    if store.sync_point()?.client.is_none() {
        store.set_sync_client(&new_client_id())?;
    }
    let result = round(&mut store, remote, who, progress, &mut report).await;
    report.finished = odop_store::now();
    if let Err(e) = &result {
        report.error = Some(e.to_string());
    }
    store.save_sync_report(&serde_json::to_string(&report).unwrap_or_default())?;
    result.map(|()| report)
}

async fn round<R: Remote>(
    store: &mut Store,
    remote: &R,
    who: &str,
    progress: &(dyn Fn(Progress) + Send + Sync),
    report: &mut Report,
) -> Result<(), SyncError> {
    // A due resync (one cut short by the network, a stop or a crash, or one a discard asked
    // for) is done before any plain pull: until it is, the cursor and epoch may look in step
    // while the comparison is not done. After a restored server it also comes before the push,
    // so that what the server lost is queued again and sent in this round. Any other waits for
    // the push: a push whose answer was lost must be settled first, or the full pull would
    // keep its fields as waiting and move their base past another desk's later change.
    if let Some(Resync::Restored) = store.sync_point()?.resync {
        resync(store, remote, who, Resync::Restored, progress, report).await?;
    }
    // Before the pull, which would otherwise bring the server's older registry over the one
    // just loaded here.
    publish_gi(store, remote, report).await?;
    let mut restart = match push_all(store, remote, progress, report).await? {
        Some(why) => Some(why),
        None => match store.sync_point()?.resync {
            Some(why) => Some(why),
            None => pull_all(store, remote, progress, report).await?,
        },
    };
    // When the pull noticed a restore first, the push after the resync may only then find
    // that the server lost this desk's pushes: it starts over with a new client id, and the
    // resync is done again before that push. A second finding waits for the next round.
    for _ in 0..2 {
        let Some(why) = restart else {
            break;
        };
        let why = store.begin_resync(why)?;
        resync(store, remote, who, why, progress, report).await?;
        restart = push_all(store, remote, progress, report).await?;
    }
    Ok(())
}

/// Sends the GI registry this desk loaded and has not sent, when the desk is a central one.
/// A refusal is noted and the round goes on: the rows must sync whatever the registry's fate.
async fn publish_gi<R: Remote>(
    store: &mut Store,
    remote: &R,
    report: &mut Report,
) -> Result<(), SyncError> {
    let central = store.account()?.is_some_and(|a| a.role == "central");
    if !central {
        return Ok(());
    }
    let Some((tag, entries)) = store.gi_to_publish()? else {
        return Ok(());
    };
    let registry = GiRegistry {
        tag: tag.clone(),
        entries: entries.iter().map(listing).collect(),
    };
    match remote.publish_gi(&registry).await {
        Ok(answer) => {
            store.gi_published(&answer.tag)?;
            report.gi.push(GiExchange::Sent {
                tag: answer.tag,
                entries: answer.entries,
            });
        }
        // The list itself was refused (bad, too large, or the account is not central after
        // all); an unknown token or a busy server is the round's trouble, not the list's.
        Err(SyncError::Server {
            status: 400 | 403 | 413,
            message,
            ..
        }) => {
            store.gi_publish_refused(&tag, &message)?;
            report.gi.push(GiExchange::Refused {
                tag,
                reason: message,
            });
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

fn listing(e: &GiEntry) -> GiListing {
    GiListing {
        number: e.number,
        name: e.name.clone(),
        goods: e.goods.clone(),
        states: e.states.iter().map(|s| s.0).collect(),
    }
}

fn entry(l: GiListing) -> GiEntry {
    GiEntry {
        number: l.number,
        name: l.name,
        goods: l.goods,
        states: l.states.into_iter().map(StateCode).collect(),
    }
}

/// Pushes until the outbox is empty. Says when the server no longer knows this desk.
async fn push_all<R: Remote>(
    store: &mut Store,
    remote: &R,
    progress: &(dyn Fn(Progress) + Send + Sync),
    report: &mut Report,
) -> Result<Option<Resync>, SyncError> {
    loop {
        let pending = store.pending(MAX_PUSH_MUTATIONS)?;
        let (Some(first), Some(last)) = (pending.first(), pending.last()) else {
            return Ok(None);
        };
        let (first_seq, last_seq) = (first.seq, last.seq);
        let point = store.sync_point()?;
        let client = point.client.clone().unwrap_or_default();
        progress(Progress::Pushing {
            sent: report.pushed,
            waiting: store.sync_counts()?.pending,
        });
        let request = PushRequest {
            client,
            mutations: pending.iter().map(mutation).collect(),
        };
        crash_point("before_push");
        let answer = match remote.push(&request).await {
            // The server answered these numbers for other changes: this database went back to
            // an older copy of itself. A new client sends them, after a full comparison.
            Err(SyncError::Server {
                status: 409, code, ..
            }) if code == CLIENT_DIVERGED => {
                store.rewind_sync(&new_client_id())?;
                return Ok(Some(Resync::Rewound));
            }
            // This desk's client id is another account's: the desk changed hands and this
            // round could not ask the server who it is. It starts over as a new client.
            Err(SyncError::Server {
                status: 403, code, ..
            }) if code == CLIENT_TAKEN => {
                store.rewind_sync(&new_client_id())?;
                return Ok(Some(Resync::Rewound));
            }
            answer => answer?,
        };
        crash_point("push_answered");
        // The server remembers more of this client than it ever sent, or less than it was
        // told it had: the two no longer share a history, and answers cannot be matched up.
        if answer.last_seq > last_seq.max(point.acked) as u64
            || (answer.last_seq as i64) < first_seq - 1
        {
            let client = new_client_id();
            store.restart_sync(&client)?;
            return Ok(Some(Resync::Restored));
        }
        let verdicts: Vec<(i64, Verdict)> = answer
            .results
            .iter()
            .map(|r| (r.seq as i64, verdict(&r.outcome)))
            .collect();
        for (_, v) in &verdicts {
            match v {
                Verdict::Applied { .. } => report.applied += 1,
                Verdict::Conflict { .. } => report.conflicts += 1,
                Verdict::Refused { .. } => report.refused += 1,
            }
        }
        report.pushed += verdicts.len() as u64;
        store.settle(&verdicts, answer.last_seq as i64)?;
        if (answer.last_seq as i64) < last_seq {
            // A gap in what was sent (should not happen): stop rather than spin.
            return Err(SyncError::Answer(format!(
                "the server took changes up to {} of {first_seq}..{last_seq}",
                answer.last_seq
            )));
        }
    }
}

/// Pulls every page after the cursor. Says when a full pull from the start is needed.
async fn pull_all<R: Remote>(
    store: &mut Store,
    remote: &R,
    progress: &(dyn Fn(Progress) + Send + Sync),
    report: &mut Report,
) -> Result<Option<Resync>, SyncError> {
    let point = store.sync_point()?;
    // Each request carries the horizon of the page that gave its cursor, the first one the
    // horizon saved with the cursor; and, once this desk has pulled, what it holds, so that a
    // server that only restarted says the history goes on.
    let (mut cursor, mut horizon) = (point.cursor, point.horizon);
    let held = |epoch: &Option<String>| {
        epoch.clone().map(|epoch| Held {
            epoch,
            client: point.client.clone().unwrap_or_default(),
            acked: point.acked.max(0) as u64,
        })
    };
    let mut epoch = point.epoch.clone();
    let lists = Lists::held(store)?;
    let query = |cursor, horizon, epoch: &Option<String>| {
        lists.named_in(PullQuery::new(cursor, horizon, MAX_PULL_LIMIT, held(epoch)))
    };
    // The answer to the next page's request, asked for while this page was applied.
    let mut fetched = None;
    loop {
        let answer = match fetched.take() {
            Some(answer) => answer,
            None => remote.pull(&query(cursor, horizon, &epoch)).await,
        };
        let page = match answer {
            Ok(page) => page,
            Err(SyncError::Server { status: 410, .. }) => return Ok(Some(Resync::Horizon)),
            Err(e) => return Err(e),
        };
        let other = epoch.as_ref().is_some_and(|e| *e != page.epoch) && !page.continues;
        if other || cursor > page.head {
            return Ok(Some(Resync::Restored));
        }
        (cursor, horizon, epoch) = (page.cursor, page.horizon, Some(page.epoch.clone()));
        let more = page.more;
        if !more {
            apply_page(store, page, None, report)?;
            progress(Progress::Pulling {
                received: report.pulled,
            });
            return Ok(None);
        }
        // Ask for the next page before writing this one, so the server reads, encodes and
        // sends it while this desk writes (on a runtime with other threads to carry the
        // request). Its answer is looked at only after this page is applied, as before.
        let query = query(cursor, horizon, &epoch);
        let mut next = std::pin::pin!(remote.pull(&query));
        let early = std::future::poll_fn(|cx| Poll::Ready(next.as_mut().poll(cx))).await;
        apply_page(store, page, None, report)?;
        progress(Progress::Pulling {
            received: report.pulled,
        });
        fetched = Some(match early {
            Poll::Ready(answer) => answer,
            Poll::Pending => next.await,
        });
    }
}

/// What a full pull has seen of the server's rows so far, with who this desk records as the
/// author of what it queues again.
#[derive(Debug)]
struct Compare<'a> {
    who: &'a str,
    seen: HashSet<(EntityKind, String)>,
    /// Only a restored server can have lost this desk's changes. After pruning or a discarded
    /// refusal it has them all, and a change that differs from it was given up, not lost.
    requeue_lost: bool,
}

/// The tags of the reference lists this desk holds, named in every pull so that the server
/// sends a list only when its own differs.
#[derive(Debug)]
struct Lists {
    /// The server's LGD lists; a tag no server gives before any pull brought a copy.
    places: String,
    /// The GI registry, whoever loaded it.
    gi: String,
}

impl Lists {
    fn held(store: &Store) -> Result<Lists, SyncError> {
        Ok(Lists {
            places: store
                .server_places_tag()?
                .unwrap_or_else(|| "unknown".to_owned()),
            gi: store.gi_tag()?,
        })
    }

    fn named_in(&self, query: PullQuery) -> PullQuery {
        PullQuery {
            places: Some(self.places.clone()),
            gi: Some(self.gi.clone()),
            ..query
        }
    }
}

/// Who the history names as the author of places learnt from the server's LGD lists.
const PLACES_AUTHOR: &str = "server (its LGD lists)";

/// Adds to this desk's LGD lists the states and districts the server's name and this desk's
/// lack, so that a desk that only synced can name every place of its rows. Nothing this desk
/// holds is renamed or moved: its own lists are its master. Gives how many were added.
fn learn_places(store: &mut Store, update: &PlacesUpdate) -> Result<u64, SyncError> {
    if update.state_names.is_empty() && update.district_names.is_empty() {
        return Ok(0);
    }
    let gazetteer = store.gazetteer()?;
    let states: Vec<State> = update
        .state_names
        .iter()
        .filter(|(code, ..)| gazetteer.state(StateCode(*code)).is_none())
        // A name no place could have is left out, not a reason to stop the round.
        .filter_map(|(code, name, kind)| {
            let kind = if kind == "ut" {
                StateKind::Ut
            } else {
                StateKind::State
            };
            odop_lgd::state_named(StateCode(*code), name, kind)
        })
        .collect();
    let known_state = |code: u16| {
        gazetteer.state(StateCode(code)).is_some() || states.iter().any(|s| s.code.0 == code)
    };
    let in_state: BTreeMap<u32, u16> = update.districts.iter().copied().collect();
    let districts: Vec<District> = update
        .district_names
        .iter()
        .filter(|(code, _)| gazetteer.district(DistrictCode(*code)).is_none())
        .filter_map(|(code, name)| {
            let state = *in_state.get(code)?;
            if !known_state(state) {
                return None;
            }
            odop_lgd::district_named(DistrictCode(*code), StateCode(state), name)
        })
        .collect();
    if states.is_empty() && districts.is_empty() {
        return Ok(0);
    }
    let mut edit = store.edit(PLACES_AUTHOR)?;
    let counts = edit.put_places(&states, &districts)?;
    edit.commit()?;
    Ok((counts.states_added + counts.districts_added) as u64)
}

fn apply_page(
    store: &mut Store,
    mut page: PullResponse,
    mut compare: Option<&mut Compare<'_>>,
    report: &mut Report,
) -> Result<(), SyncError> {
    if let Some(update) = page.places.take() {
        // Names first: learning them twice changes nothing, so a stop before the tag is kept
        // loses nothing.
        let learnt = learn_places(store, &update)?;
        report.learnt_places += learnt;
        let places = Places {
            states: update.states.into_iter().collect(),
            districts: update.districts.into_iter().collect(),
        };
        store.keep_server_places(&update.tag, &places)?;
        report.places = Some(update.tag);
    }
    if let Some(registry) = page.gi.take() {
        let entries: Vec<GiEntry> = registry.entries.into_iter().map(entry).collect();
        report
            .gi
            .push(match store.keep_server_gi(GI_AUTHOR, &entries) {
                Ok(_) => GiExchange::Taken {
                    tag: registry.tag,
                    entries: u32::try_from(entries.len()).unwrap_or(u32::MAX),
                },
                // A list the server should not have taken must not stop the rows from syncing.
                Err(e @ odop_store::StoreError::BadGiEntry { .. }) => GiExchange::Ignored {
                    tag: registry.tag,
                    reason: e.to_string(),
                },
                Err(e) => return Err(e.into()),
            });
    }
    let mut incoming = Vec::with_capacity(page.changes.len());
    for change in page.changes {
        match change {
            Change::Row {
                kind,
                id,
                version,
                fields,
                ..
            } => {
                let Ok(kind) = EntityKind::from_str(&kind) else {
                    continue;
                };
                if let Some(c) = compare.as_deref_mut() {
                    c.seen.insert((kind, id.clone()));
                }
                incoming.push(Incoming::Row {
                    kind,
                    id,
                    version: version as i64,
                    fields,
                });
            }
            Change::Tombstone { kind, id, .. } | Change::Departed { kind, id, .. } => {
                if let Ok(kind) = EntityKind::from_str(&kind) {
                    if let Some(c) = compare.as_deref_mut() {
                        // The server knows the row: gone is not lost.
                        c.seen.insert((kind, id.clone()));
                    }
                    incoming.push(Incoming::Gone { kind, id });
                }
            }
            Change::Conflict { record, .. } => {
                incoming.push(Incoming::Conflict(Box::new(conflict(&record))));
            }
        }
    }
    let half = incoming.len() / 2;
    let mut step = |step| match step {
        Some(i) if i == half => crash_point("mid_pull"),
        None => crash_point("before_cursor"),
        Some(_) => {}
    };
    let applied = match compare {
        Some(c) if c.requeue_lost => store.apply_resync_page(
            c.who,
            &incoming,
            page.cursor,
            page.horizon,
            &page.epoch,
            &mut step,
        )?,
        _ => store.apply_incoming(&incoming, page.cursor, page.horizon, &page.epoch, &mut step)?,
    };
    report.pulled += applied.written + applied.merged + applied.removed + applied.conflicts;
    report.merged += applied.merged;
    report.removed += applied.removed;
    report.requeued += applied.requeued;
    Ok(())
}

/// Pulls everything from the start and reconciles: what the server lost of this desk's own
/// changes is queued again with each page; at the end, rows it lacks are queued again as new
/// after a restored server, and removed after a pruned horizon.
/// The resync is marked due in the database before this starts and cleared only with its last
/// step, so one cut short starts again from the first page at the next round.
async fn resync<R: Remote>(
    store: &mut Store,
    remote: &R,
    who: &str,
    why: Resync,
    progress: &(dyn Fn(Progress) + Send + Sync),
    report: &mut Report,
) -> Result<(), SyncError> {
    report.resync = Some(why);
    let mut compare = Compare {
        who,
        seen: HashSet::new(),
        requeue_lost: why == Resync::Restored,
    };
    // From the start, each page asked with the horizon the page before carried: rows read
    // after a pruning already show every deletion it forgot.
    let (mut cursor, mut horizon) = (0, 0);
    let lists = Lists::held(store)?;
    loop {
        let query = lists.named_in(PullQuery::new(cursor, horizon, MAX_PULL_LIMIT, None));
        let page = remote.pull(&query).await?;
        (cursor, horizon) = (page.cursor, page.horizon);
        let more = page.more;
        apply_page(store, page, Some(&mut compare), report)?;
        progress(Progress::Pulling {
            received: report.pulled,
        });
        if !more {
            break;
        }
    }
    let done = store.finish_resync(who, why, &compare.seen)?;
    report.requeued += done.requeued;
    report.removed += done.removed;
    Ok(())
}

fn mutation(p: &Pending) -> Mutation {
    let op = if p.op == "delete" {
        Op::Delete
    } else {
        Op::Put
    };
    let fields: BTreeMap<String, FieldChange> = if op == Op::Delete {
        BTreeMap::new()
    } else {
        p.changes
            .iter()
            .map(|(k, c)| {
                (
                    k.clone(),
                    FieldChange {
                        base: c.get("old").cloned().unwrap_or(Value::Null),
                        new: c.get("new").cloned().unwrap_or(Value::Null),
                    },
                )
            })
            .collect()
    };
    Mutation {
        seq: p.seq as u64,
        kind: p.kind.as_str().to_owned(),
        id: p.id.clone(),
        op,
        base_version: p.base_version.max(0) as u64,
        fields,
        resolves: p.resolves.clone(),
        at: p.at.clone(),
    }
}

fn conflict(r: &ConflictRecord) -> Conflict {
    Conflict {
        id: r.id.clone(),
        kind: r.kind.clone(),
        row: r.row.clone(),
        field: r.field.clone(),
        base: r.base.clone(),
        server: r.server.clone(),
        client: r.client.clone(),
        server_author: r.server_author.clone(),
        client_author: r.client_author.clone(),
        state: r.state,
        at: r.at.clone(),
        resolved_by: r.resolved_by.clone(),
    }
}

fn verdict(o: &Outcome) -> Verdict {
    match o {
        Outcome::Applied { version } => Verdict::Applied {
            version: *version as i64,
        },
        Outcome::Conflict { version, conflicts } => Verdict::Conflict {
            version: *version as i64,
            conflicts: conflicts.iter().map(conflict).collect(),
        },
        Outcome::Refused {
            code,
            reason,
            detail,
        } => Verdict::Refused {
            code: code.clone(),
            reason: reason.clone(),
            detail: detail.clone(),
        },
    }
}

fn new_client_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
