//! `odop login`, `odop sync`, `odop status`, `odop conflicts` and `odop refused`.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Context;
use clap::Subcommand;
use odop_store::{GiHeld, Resolution, Resync, Store, Takeover};
use odop_sync::{sync_once, GiExchange, HttpRemote, Progress, Report, Settings, SyncError};
use serde_json::{json, Value};

use crate::output::Out;

#[derive(Subcommand, Debug)]
pub enum ConflictsCmd {
    /// Conflicts waiting for a person (all of them with --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// One conflict: the base value, this desk's and the other side's.
    Show { id: String },
    /// Settle a conflict; the settlement syncs like any edit.
    Resolve {
        id: String,
        /// Keep this desk's value.
        #[arg(long, conflicts_with_all = ["theirs", "value"])]
        mine: bool,
        /// Take the other side's value.
        #[arg(long, conflicts_with_all = ["mine", "value"])]
        theirs: bool,
        /// A merged value, as JSON (a plain word is taken as text).
        #[arg(long, conflicts_with_all = ["mine", "theirs"])]
        value: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum RefusedCmd {
    /// Writes the server refused, with its reasons.
    List,
    /// Send a refused write again at the next sync, once its reason is gone (saving the fixed
    /// record sends it again too).
    Resend { seq: i64 },
    /// Give up a refused write; the record returns to the server's version at the next sync.
    Discard { seq: i64 },
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub fn login(
    dir: &Path,
    server: &str,
    token: &str,
    takeover: Takeover,
    out: &Out,
) -> anyhow::Result<()> {
    let db = dir.join(odop_store::DB_FILE);
    let login = runtime()?.block_on(odop_sync::login(dir, &db, server, token, takeover))?;
    let who = &login.who;
    out.value(&login, || {
        let mut s = format!(
            "logged in to {} as {} ({}{})",
            server.trim().trim_end_matches('/'),
            who.name,
            who.role.as_str(),
            who.state
                .map(|s| format!(", state {s}"))
                .unwrap_or_default()
        );
        if login.starts_over {
            s.push_str(
                "\nthis desk synced as another account: at its next sync it compares everything \
                 with the server as a new client, and sends its waiting changes as this account",
            );
        }
        s
    });
    Ok(())
}

pub fn sync(
    dir: &Path,
    server: Option<&str>,
    token: Option<&str>,
    who: &str,
    out: &Out,
) -> anyhow::Result<()> {
    let saved = Settings::load(dir)?;
    let server = server
        .map(str::to_owned)
        .or_else(|| saved.as_ref().map(|s| s.server.clone()))
        .ok_or(SyncError::NotLoggedIn)?;
    let token = token
        .map(str::to_owned)
        .or_else(|| saved.as_ref().map(|s| s.token.clone()))
        .ok_or(SyncError::NotLoggedIn)?;
    let remote = HttpRemote::new(&server, &token)?;
    let bar = (std::io::stderr().is_terminal() && !out.json()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let progress = |p: Progress| {
        if let Some(bar) = &bar {
            bar.set_message(match p {
                Progress::Pushing { sent, waiting } => {
                    format!("pushing: {sent} sent, {waiting} waiting")
                }
                Progress::Pulling { received } => format!("pulling: {received} received"),
            });
        }
    };
    let db = dir.join(odop_store::DB_FILE);
    let report = runtime()?.block_on(sync_once(&db, &remote, who, &progress));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = report?;
    out.value(&report, || report_line(&report));
    Ok(())
}

fn report_line(r: &Report) -> String {
    let mut s = format!(
        "pushed {} ({} applied, {} conflicts, {} refused); pulled {} ({} merged with local edits, {} removed)",
        r.pushed, r.applied, r.conflicts, r.refused, r.pulled, r.merged, r.removed
    );
    match r.resync {
        Some(Resync::Restored) => s.push_str(&format!(
            "\nthe server did not know this desk's history (restored or replaced): everything was compared, {} local changes sent again",
            r.requeued
        )),
        Some(Resync::Horizon) => s.push_str(&format!(
            "\nthe server had forgotten deletions this desk had not pulled yet (pruned): everything was compared, {} records it no longer holds removed here",
            r.removed
        )),
        Some(Resync::Discarded) => s.push_str(&format!(
            "\na refused write was given up: everything was compared with the server, {} records it does not hold removed here",
            r.removed
        )),
        Some(Resync::Rewound) => s.push_str(&format!(
            "\nthis desk went back to a backup: everything was compared with the server, {} records it no longer holds removed here",
            r.removed
        )),
        None => {}
    }
    if r.places.is_some() {
        s.push_str(
            "\nthe server's LGD lists changed: this desk now checks places against its new copy",
        );
    }
    if r.learnt_places > 0 {
        s.push_str(&format!(
            "\n{} states and districts this desk's LGD lists lacked were added from the server's",
            r.learnt_places
        ));
    }
    for gi in &r.gi {
        s.push('\n');
        s.push_str(&match gi {
            GiExchange::Sent { entries, .. } => format!(
                "the GI registry loaded here ({entries} entries) went to the server: every desk takes it at its next sync"
            ),
            GiExchange::Refused { reason, .. } => format!(
                "the server would not take the GI registry loaded here: {reason}"
            ),
            GiExchange::Taken { entries, .. } => format!(
                "took DPIIT's GI registry from the server ({entries} entries): `odop gi` checks products against it"
            ),
            GiExchange::Ignored { reason, .. } => format!(
                "the server's GI registry could not be kept, the one held stays: {reason}"
            ),
        });
    }
    if r.conflicts > 0 {
        s.push_str("\nsee `odop conflicts list`");
    }
    if r.refused > 0 {
        s.push_str("\nsee `odop refused list`");
    }
    s
}

pub fn status(dir: &Path, store: &Store, out: &Out) -> anyhow::Result<()> {
    let o = odop_sync::overview(dir, store, None)?;
    out.value(&o, || {
        let mut s = match &o.server {
            Some(server) => format!("server: {server}\n"),
            None => "server: none (run `odop login --server URL --token TOKEN`)\n".to_owned(),
        };
        if let Some(Ok(account)) = o.account.as_ref().map(|a| store.describe_account(a)) {
            s.push_str(&format!("syncs for: {account}\n"));
        }
        s.push_str(&format!(
            "waiting to push: {}\nconflicts: {}\nrefused writes: {}\n",
            o.counts.pending, o.counts.conflicts, o.counts.refused
        ));
        let places = &o.server_places;
        s.push_str(&match places.tag.as_deref() {
            None => "server's LGD lists: not pulled yet\n".to_owned(),
            Some(odop_domain::PLACES_NONE) => "server's LGD lists: none loaded there\n".to_owned(),
            Some(_) => format!(
                "server's LGD lists: {} states, {} districts (new places are checked against them)\n",
                places.states, places.districts
            ),
        });
        let central = o.account.as_ref().is_some_and(|a| a.role == "central");
        s.push_str(&match (&o.gi, central) {
            (held, _) if held.entries == 0 => {
                "GI registry: none held (the server's comes at the next sync, when it has one)\n"
                    .to_owned()
            }
            (GiHeld {
                refused: Some(why),
                entries,
                ..
            }, _) => format!(
                "GI registry: {entries} entries, loaded here; the server would not take it: {why}\n"
            ),
            (held, true) if held.unsent => format!(
                "GI registry: {} entries, loaded here, sent to the server at the next sync\n",
                held.entries
            ),
            (held, _) => format!("GI registry: {} entries\n", held.entries),
        });
        match &o.last {
            Some(r) => {
                s.push_str(&format!("last sync: {}", r.finished));
                match &r.error {
                    Some(e) => s.push_str(&format!(" failed: {e}")),
                    None => s.push_str(&format!("\n  {}", report_line(r).replace('\n', "\n  "))),
                }
            }
            None => s.push_str("last sync: never"),
        }
        s
    });
    Ok(())
}

pub fn conflicts(store: &mut Store, who: &str, cmd: ConflictsCmd, out: &Out) -> anyhow::Result<()> {
    match cmd {
        ConflictsCmd::List { all } => {
            let list = store.conflicts(all)?;
            out.value(&list, || {
                if list.is_empty() {
                    return "no conflicts".to_owned();
                }
                list.iter()
                    .map(|v| {
                        format!(
                            "{}  {} {} {:?} {}: mine {} / theirs {}{}",
                            v.conflict.id,
                            v.conflict.kind,
                            v.conflict.row,
                            v.title,
                            v.conflict.field,
                            short(&v.mine),
                            short(&v.theirs),
                            if v.open { "" } else { "  (settled)" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ConflictsCmd::Show { id } => {
            let view = store
                .conflict(&id)?
                .with_context(|| format!("no conflict has id {id}"))?;
            out.value(&view, || {
                format!(
                    "{} {}, field {}\n  base:   {}\n  mine:   {}\n  theirs: {} (by {})\n  {}",
                    view.conflict.kind,
                    view.conflict.row,
                    view.conflict.field,
                    view.base,
                    view.mine,
                    view.theirs,
                    if view.mine == view.conflict.client {
                        &view.conflict.server_author
                    } else {
                        &view.conflict.client_author
                    },
                    if view.open { "open" } else { "settled" }
                )
            });
        }
        ConflictsCmd::Resolve {
            id,
            mine,
            theirs,
            value,
        } => {
            let choice = match (mine, theirs, value) {
                (true, _, _) => Resolution::Mine,
                (_, true, _) => Resolution::Theirs,
                (_, _, Some(v)) => {
                    Resolution::Value(serde_json::from_str(&v).unwrap_or(Value::String(v)))
                }
                _ => anyhow::bail!("say how to settle it: --mine, --theirs or --value JSON"),
            };
            store.resolve(who, &id, &choice)?;
            out.value(&json!({ "resolved": id }), || {
                format!("settled {id}; the settlement is sent at the next sync")
            });
        }
    }
    Ok(())
}

pub fn refused(store: &mut Store, who: &str, cmd: &RefusedCmd, out: &Out) -> anyhow::Result<()> {
    match cmd {
        RefusedCmd::List => {
            let list = store.refusals()?;
            out.value(&list, || {
                if list.is_empty() {
                    return "no refused writes".to_owned();
                }
                list.iter()
                    .map(|r| {
                        let mut line = format!(
                            "{}  {} {} {} {:?} ({}): {}",
                            r.seq, r.op, r.kind, r.row, r.title, r.code, r.reason
                        );
                        // The reason names records by id; say the ones this desk knows.
                        for (id, title) in &r.named {
                            line.push_str(&format!("\n      {id} is {title:?}"));
                        }
                        line
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        &RefusedCmd::Resend { seq } => {
            store.resend_refusal(who, seq)?;
            out.value(&json!({ "resent": seq }), || {
                format!("refused write {seq} is sent again at the next sync")
            });
        }
        &RefusedCmd::Discard { seq } => {
            store.discard_refusal(seq)?;
            out.value(&json!({ "discarded": seq }), || {
                format!("discarded refused write {seq}; the record returns to the server's version at the next sync")
            });
        }
    }
    Ok(())
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(39).collect::<String>())
    } else {
        s
    }
}
