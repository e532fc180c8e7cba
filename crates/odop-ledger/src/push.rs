use std::collections::HashMap;
use std::str::FromStr;

use odop_domain::{EntityKind, Id, Invalid};
use odop_protocol::{
    ConflictRecord, Fields, Mutation, MutationResult, Op, Outcome, PushRequest, PushResponse, Role,
    MAX_PUSH_MUTATIONS,
};
use serde_json::Value;

use crate::{
    Account, ClientRecord, LedgerError, Misplaced, Places, Recorded, Refusal, StoredRow, Tx,
};

/// What a mutation is, in a few letters: its kind, row, operation and the time the edit was
/// made, which a client sends unchanged each time it sends the mutation again. Not a secret;
/// only a check that a number already answered is the same change.
pub(crate) fn mark(m: &Mutation) -> String {
    let op = match m.op {
        Op::Put => "put",
        Op::Delete => "delete",
    };
    // FNV-1a, with a separator so that no two different mutations share an input.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [m.kind.as_str(), m.id.as_str(), op, m.at.as_str()] {
        for &byte in part.as_bytes().iter().chain(&[0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Takes a push inside the caller's transaction. Mutations already recorded for this client are
/// answered as they were the first time, when they are the same change (by [`mark`]): another
/// change under a number already answered means the client went back to an older copy of its
/// database, and the whole push is refused (`Diverged`) so that it starts over as a new
/// client rather than lose the change; a mutation that skips a sequence number ends the batch
/// (the client sends again from `last_seq + 1`). A refused mutation is recorded and answered,
/// and the client's sequence moves past it, so it never blocks the writes behind it.
pub fn apply_push(
    tx: &mut dyn Tx,
    who: &Account,
    request: &PushRequest,
) -> Result<PushResponse, LedgerError> {
    let client = request.client.trim();
    let mut record = match tx.client(client)? {
        Some(r) if r.account != who.name => {
            return Err(LedgerError::ClientTaken {
                client: client.to_owned(),
                owner: r.account,
            })
        }
        Some(r) => r,
        None => ClientRecord {
            account: who.name.clone(),
            last_seq: 0,
        },
    };
    let at = crate::now();
    let mut results = Vec::with_capacity(request.mutations.len());
    // A client edits a row several times between pushes, each change on top of the one before,
    // all with the base version the row had when it last synced. Once an earlier change of this
    // batch applied, a later one made on the same base is rebased on the version it produced;
    // otherwise a delete behind its own create would meet the create's version and look like a
    // delete racing someone else's edit.
    let mut rebased: HashMap<(&str, &str), (u64, u64)> = HashMap::new();
    // Read once, at the first write that gives a row a place.
    let mut places: Option<Places> = None;
    for m in request.mutations.iter().take(MAX_PUSH_MUTATIONS) {
        if m.seq <= record.last_seq {
            if let Some(Recorded { outcome, mark: was }) = tx.recorded(client, m.seq)? {
                if was.is_some_and(|was| was != mark(m)) {
                    return Err(LedgerError::Diverged {
                        client: client.to_owned(),
                        seq: m.seq,
                    });
                }
                if let Outcome::Applied { version } = outcome {
                    rebased.insert((m.kind.as_str(), m.id.as_str()), (m.base_version, version));
                }
                results.push(MutationResult {
                    seq: m.seq,
                    outcome,
                });
            }
            continue;
        }
        if m.seq != record.last_seq + 1 {
            break;
        }
        let key = (m.kind.as_str(), m.id.as_str());
        let base = rebased
            .get(&key)
            .filter(|(made_on, _)| *made_on == m.base_version)
            .map_or(m.base_version, |(_, version)| *version);
        let outcome = match apply_one(tx, who, m, base, &at, &mut places)? {
            Ok(outcome) => outcome,
            Err(refused) => {
                tx.refuse(
                    &Refusal {
                        client: client.to_owned(),
                        seq: m.seq,
                        account: who.name.clone(),
                        code: refused.code.to_owned(),
                        reason: refused.reason.clone(),
                        at: at.clone(),
                    },
                    refused.state,
                )?;
                Outcome::Refused {
                    code: refused.code.to_owned(),
                    reason: refused.reason,
                    detail: refused.detail,
                }
            }
        };
        match &outcome {
            Outcome::Applied { version } => {
                rebased.insert(key, (m.base_version, *version));
            }
            _ => {
                rebased.remove(&key);
            }
        }
        tx.record(client, m.seq, &outcome, &mark(m))?;
        record.last_seq = m.seq;
        results.push(MutationResult {
            seq: m.seq,
            outcome,
        });
    }
    tx.save_client(client, &record)?;
    Ok(PushResponse {
        results,
        last_seq: record.last_seq,
    })
}

/// Why a mutation was refused: a code, a reason a person can act on (in English), the values
/// the reason names as data (so a client can say it in its own language), and the state it
/// touched (so that state's department sees the refusal).
struct Refused {
    code: &'static str,
    reason: String,
    detail: Option<Value>,
    state: Option<u16>,
}

impl Refused {
    fn new(code: &'static str, reason: String, state: Option<u16>) -> Refused {
        Refused {
            code,
            reason,
            detail: None,
            state,
        }
    }

    /// A row the domain's rules refuse; the detail is the problem as the domain serialises it.
    fn invalid(problem: &Invalid, state: Option<u16>) -> Refused {
        Refused {
            code: "invalid",
            reason: problem.to_string(),
            detail: serde_json::to_value(problem).ok(),
            state,
        }
    }

    /// A row whose state or district is not in the server's LGD list; the detail names them,
    /// as the desk's own check does.
    fn misplaced(e: Misplaced, state: u16) -> Refused {
        Refused {
            code: e.code(),
            reason: e.to_string(),
            detail: serde_json::to_value(e).ok(),
            state: Some(state),
        }
    }

    /// A delete (`in_use`) or a move to another state (`still_referred`) of a row that other
    /// rows name: they would be left naming a record that is gone, or one of another state.
    fn named_by(
        code: &'static str,
        kind: EntityKind,
        id: &str,
        used_by: &[String],
        state: u16,
    ) -> Refused {
        let what = if code == "in_use" {
            "deleted"
        } else {
            "moved to another state"
        };
        Refused {
            code,
            reason: format!(
                "{kind} {id} cannot be {what} while {} name it",
                used_by.join(", ")
            ),
            detail: Some(serde_json::json!({ "used_by": used_by })),
            state: Some(state),
        }
    }

    /// A state editor's write to a row of another state: the row is (or would be) in
    /// `row_state`; `moving` says the write would move it there.
    fn other_state(who: &Account, row_state: u16, moving: bool) -> Refused {
        let own = who.state.unwrap_or_default();
        let reason = if moving {
            format!(
                "the row would belong to state {row_state}; account {:?} writes only state {own}",
                who.name
            )
        } else {
            format!(
                "the row belongs to state {row_state}; account {:?} writes only state {own}",
                who.name
            )
        };
        Refused {
            code: "forbidden",
            reason,
            detail: Some(serde_json::json!({
                "row_state": row_state,
                "account_state": own,
                "moving": moving,
            })),
            state: who.state,
        }
    }
}

/// Applies one mutation as if made on `base_version` (its own, or the version an earlier change
/// of the same row in this push produced).
fn apply_one(
    tx: &mut dyn Tx,
    who: &Account,
    m: &Mutation,
    base_version: u64,
    at: &str,
    places: &mut Option<Places>,
) -> Result<Result<Outcome, Refused>, LedgerError> {
    let Ok(kind) = EntityKind::from_str(&m.kind) else {
        return Ok(Err(Refused::new(
            "unknown_kind",
            format!("{:?} is not a kind of record", m.kind),
            None,
        )));
    };
    if Id::from_str(&m.id).is_err() {
        return Ok(Err(Refused::new(
            "bad_id",
            format!("{:?} is not a record id", m.id),
            None,
        )));
    }
    if who.role == Role::StateViewer {
        return Ok(Err(Refused::new(
            "read_only",
            format!("account {:?} may read but not write", who.name),
            who.state,
        )));
    }
    let current = tx.row(kind.as_str(), &m.id)?;
    let mut conflicts = Vec::new();
    let merged: Option<Fields> = match (m.op, &current) {
        (Op::Delete, None) => return Ok(Ok(Outcome::Applied { version: 0 })),
        (Op::Delete, Some(row)) if row.deleted => {
            // Already gone; a delete that settles a conflict still settles it.
            if let Err(r) = authorise(who, Some(row.state), row.state) {
                return Ok(Err(r));
            }
            settle_named(tx, who, m, kind, Some(row.state))?;
            return Ok(Ok(Outcome::Applied {
                version: row.version,
            }));
        }
        (Op::Delete, Some(row)) => {
            if let Err(r) = authorise(who, Some(row.state), row.state) {
                return Ok(Err(r));
            }
            if row.version != base_version && !settles_row(tx, who, m, row)? {
                // Deleting what someone else changed since would lose their edit unseen.
                conflicts.push(conflict(
                    who,
                    row,
                    "*",
                    Value::Null,
                    Value::Object(row.fields.clone()),
                    Value::Null,
                    at,
                ));
                None
            } else {
                Some(Fields::new())
            }
        }
        (Op::Put, Some(row)) if row.deleted => {
            // A deleted row still belongs to its state: naming a conflict on it grants no
            // right to bring it back elsewhere.
            if let Err(r) = authorise(who, Some(row.state), row.state) {
                return Ok(Err(r));
            }
            if settles_row(tx, who, m, row)? {
                // Keeping an edit over a deletion brings the row back as the client sent it.
                Some(
                    m.fields
                        .iter()
                        .map(|(k, c)| (k.clone(), c.new.clone()))
                        .filter(|(_, v)| !v.is_null())
                        .collect(),
                )
            } else {
                let wanted: Fields = m
                    .fields
                    .iter()
                    .map(|(k, c)| (k.clone(), c.new.clone()))
                    .collect();
                conflicts.push(conflict(
                    who,
                    row,
                    "*",
                    Value::Null,
                    Value::Null,
                    Value::Object(wanted),
                    at,
                ));
                None
            }
        }
        (Op::Put, None) => Some(
            m.fields
                .iter()
                .filter(|(_, c)| !c.new.is_null())
                .map(|(k, c)| (k.clone(), c.new.clone()))
                .collect(),
        ),
        (Op::Put, Some(row)) => {
            let mut merged = row.fields.clone();
            for (name, change) in &m.fields {
                let held = row.fields.get(name).cloned().unwrap_or(Value::Null);
                if held == change.new {
                    continue;
                }
                if held == change.base {
                    if change.new.is_null() {
                        merged.remove(name);
                    } else {
                        merged.insert(name.clone(), change.new.clone());
                    }
                } else {
                    conflicts.push(conflict(
                        who,
                        row,
                        name,
                        change.base.clone(),
                        held,
                        change.new.clone(),
                        at,
                    ));
                }
            }
            Some(merged)
        }
    };

    let before = current.as_ref().filter(|r| !r.deleted).map(|r| r.state);
    let mut version = current.as_ref().map_or(0, |r| r.version);
    let mut state = current.as_ref().map(|r| r.state);
    match merged {
        Some(fields) if m.op == Op::Delete => {
            let row = current
                .as_ref()
                .expect("a delete reaches here only for a live row");
            let used_by = referrers(tx, kind, &m.id, None)?;
            if !used_by.is_empty() {
                return Ok(Err(Refused::named_by(
                    "in_use", kind, &m.id, &used_by, row.state,
                )));
            }
            let seq = tx.next_seq()?;
            version += 1;
            tx.write_row(&StoredRow {
                kind: row.kind.clone(),
                id: row.id.clone(),
                version,
                state: row.state,
                fields,
                deleted: true,
                author: who.name.clone(),
                at: at.to_owned(),
                seq,
            })?;
        }
        Some(fields) => {
            let changed = current
                .as_ref()
                .is_none_or(|r| r.deleted || r.fields != fields);
            if fields.get("id").and_then(Value::as_str) != Some(m.id.as_str()) {
                return Ok(Err(Refused::new(
                    "invalid",
                    format!("the row's id field must be {}", m.id),
                    before,
                )));
            }
            let checked = match kind.check(&fields) {
                Ok(c) => c,
                Err(e) => return Ok(Err(Refused::invalid(&e, before))),
            };
            if let Err(r) = authorise(who, before, checked.state.0) {
                return Ok(Err(r));
            }
            let held = current.as_ref().filter(|r| !r.deleted);
            let placed = held.is_some_and(|r| {
                r.state == checked.state.0 && r.fields.get("district") == fields.get("district")
            });
            if !placed {
                // A row keeps the place it had: a list loaded later does not lock it.
                if places.is_none() {
                    *places = Some(tx.places()?);
                }
                let list = places.as_ref().expect("just read");
                let district = checked.district.map(|d| d.0);
                if let Err(e) = list.check(checked.state.0, district) {
                    return Ok(Err(Refused::misplaced(e, checked.state.0)));
                }
            }
            if let Err(r) = check_references(tx, kind, &fields, checked.state.0, held)? {
                return Ok(Err(r));
            }
            if let Some(old) = before.filter(|s| *s != checked.state.0) {
                // Rows of the state it leaves that must share its state would be left behind.
                let used_by = referrers(tx, kind, &m.id, Some(checked.state.0))?;
                if !used_by.is_empty() {
                    let refused = Refused::named_by("still_referred", kind, &m.id, &used_by, old);
                    return Ok(Err(refused));
                }
            }
            if changed {
                let seq = tx.next_seq()?;
                version += 1;
                if let Some(old) = before.filter(|s| *s != checked.state.0) {
                    tx.write_departure(kind.as_str(), &m.id, old, seq)?;
                }
                tx.write_row(&StoredRow {
                    kind: kind.as_str().to_owned(),
                    id: m.id.clone(),
                    version,
                    state: checked.state.0,
                    fields,
                    deleted: false,
                    author: who.name.clone(),
                    at: at.to_owned(),
                    seq,
                })?;
            }
            state = Some(checked.state.0);
        }
        None => {}
    }

    for c in &conflicts {
        let seq = tx.next_seq()?;
        tx.write_conflict(c, seq)?;
    }
    settle_named(tx, who, m, kind, state)?;
    Ok(Ok(if conflicts.is_empty() {
        Outcome::Applied { version }
    } else {
        Outcome::Conflict { version, conflicts }
    }))
}

/// Does the row, as it will be written in `state`, name only live records, and those that must
/// share its state in that state? A name the row already held in the same state is left as it
/// is: a record deleted since does not lock the rows that name it. The desk checks the same
/// when a record is saved; here it holds for every client, and for records that changed on the
/// server since the desk saw them.
fn check_references(
    tx: &mut dyn Tx,
    kind: EntityKind,
    fields: &Fields,
    state: u16,
    held: Option<&StoredRow>,
) -> Result<Result<(), Refused>, LedgerError> {
    let stays = held.is_some_and(|r| r.state == state);
    for reference in kind.references() {
        let had = held.map(|r| reference.ids(&r.fields)).unwrap_or_default();
        for id in reference.ids(fields) {
            if had.contains(&id) && (stays || !reference.same_state) {
                continue;
            }
            let target = reference.target;
            // The record named, as data, with what else the reason says.
            let detail = |more: &[(&str, u16)]| {
                let mut d = serde_json::Map::new();
                d.insert("field".into(), reference.field.into());
                d.insert("kind".into(), target.as_str().into());
                d.insert("id".into(), id.into());
                for (k, v) in more {
                    d.insert((*k).into(), (*v).into());
                }
                Some(Value::Object(d))
            };
            let refused = match tx.live_state(target.as_str(), id)? {
                Some(held_in) if reference.same_state && held_in != state => Refused {
                    code: "reference_in_other_state",
                    reason: format!(
                        "{} names {target} {id}, which belongs to state {held_in}, not to \
                         the record's state {state}",
                        reference.field
                    ),
                    detail: detail(&[("row_state", held_in), ("record_state", state)]),
                    state: Some(state),
                },
                Some(_) => continue,
                None => Refused {
                    code: "missing_reference",
                    reason: format!(
                        "{} names {target} {id}, which the server does not hold",
                        reference.field
                    ),
                    detail: detail(&[]),
                    state: Some(state),
                },
            };
            return Ok(Err(refused));
        }
    }
    Ok(Ok(()))
}

/// Live rows that name `kind` `id`, as "kind id", up to five: all of them, or with `moving_to`
/// those that must share its state and lie in another.
fn referrers(
    tx: &mut dyn Tx,
    kind: EntityKind,
    id: &str,
    moving_to: Option<u16>,
) -> Result<Vec<String>, LedgerError> {
    const SHOWN: u32 = 5;
    let mut out = Vec::new();
    for from in EntityKind::ALL {
        for reference in from.references() {
            if reference.target != kind || (moving_to.is_some() && !reference.same_state) {
                continue;
            }
            let rows = tx.naming(from.as_str(), reference.field, kind, id, moving_to, SHOWN)?;
            for row in rows {
                out.push(format!("{from} {row}"));
            }
        }
    }
    out.truncate(SHOWN as usize);
    Ok(out)
}

/// Marks the conflicts a mutation names as settled, when they are open and on its row.
fn settle_named(
    tx: &mut dyn Tx,
    who: &Account,
    m: &Mutation,
    kind: EntityKind,
    state: Option<u16>,
) -> Result<(), LedgerError> {
    for id in &m.resolves {
        if let Some(mut c) = tx.conflict(id)? {
            let mine = c.kind == kind.as_str() && c.row == m.id;
            // Only those who see a conflict may settle it, wherever its row is now.
            let seen = who.may_read(c.state) && state.is_some_and(|s| who.may_read(s));
            if mine && seen && c.resolved_by.is_none() {
                c.resolved_by = Some(who.name.clone());
                let seq = tx.next_seq()?;
                tx.write_conflict(&c, seq)?;
            }
        }
    }
    Ok(())
}

/// Does this mutation settle an open whole-row conflict (a delete racing an edit) on `row`, one
/// its writer can see?
fn settles_row(
    tx: &mut dyn Tx,
    who: &Account,
    m: &Mutation,
    row: &StoredRow,
) -> Result<bool, LedgerError> {
    for id in &m.resolves {
        if let Some(c) = tx.conflict(id)? {
            let on_row = c.kind == row.kind && c.row == row.id && c.field == "*";
            if on_row && c.resolved_by.is_none() && who.may_read(c.state) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// May `who` write a row that is in `before` (if it exists) and will be in `after`? Moving a
/// row between states is a write to both.
fn authorise(who: &Account, before: Option<u16>, after: u16) -> Result<(), Refused> {
    match who.role {
        Role::Central => Ok(()),
        Role::StateViewer => Err(Refused::new(
            "read_only",
            format!("account {:?} may read but not write", who.name),
            who.state,
        )),
        Role::StateEditor => {
            let own = who.state;
            if let Some(b) = before.filter(|b| Some(*b) != own) {
                return Err(Refused::other_state(who, b, false));
            }
            if Some(after) != own {
                return Err(Refused::other_state(who, after, true));
            }
            Ok(())
        }
    }
}

fn conflict(
    who: &Account,
    row: &StoredRow,
    field: &str,
    base: Value,
    server: Value,
    client: Value,
    at: &str,
) -> ConflictRecord {
    ConflictRecord {
        id: crate::new_id(),
        kind: row.kind.clone(),
        row: row.id.clone(),
        field: field.to_owned(),
        base,
        server,
        client,
        server_author: row.author.clone(),
        client_author: who.name.clone(),
        state: row.state,
        at: at.to_owned(),
        resolved_by: None,
    }
}
