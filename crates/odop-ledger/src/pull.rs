use odop_protocol::{
    Change, GiRegistry, Held, PlacesUpdate, PullQuery, PullResponse, MAX_PULL_LIMIT,
    PULL_PAGE_BYTES,
};

use crate::{listing_of, Account, LedgerError, Reader, StateKind};

/// Reads one page of the change sequence after the query's cursor that `who` may read: rows
/// and tombstones of its scope, departures of rows that left its state, and conflicts. The
/// caller runs it inside one consistent snapshot.
///
/// The query's horizon is the one the client saw with the page that gave it the cursor (0
/// from a client that does not say). Rows a client read while the horizon stood there already
/// showed every deletion at or below it, so only pruning since then can hide a deletion of a
/// row it holds: the pull is refused when the horizon has moved past it and past the cursor.
pub fn read_pull(
    reader: &mut dyn Reader,
    who: &Account,
    query: &PullQuery,
) -> Result<PullResponse, LedgerError> {
    let (cursor, known) = (query.cursor, query.horizon);
    let limit = query
        .limit
        .unwrap_or(MAX_PULL_LIMIT)
        .clamp(1, MAX_PULL_LIMIT);
    let head = reader.head()?;
    let epoch = reader.epoch()?;
    let horizon = reader.horizon()?;
    let continues = match query.held() {
        Some(held) => goes_on(reader, who, cursor, &held)?,
        None => false,
    };
    // A cursor beyond the head was handed out by another database (or this one before a
    // restore); answering "nothing new" would leave the client silently diverged.
    if cursor > head {
        return Ok(PullResponse {
            changes: Vec::new(),
            cursor,
            more: false,
            epoch,
            continues,
            head,
            horizon,
            places: None,
            gi: None,
        });
    }
    if cursor > 0 && cursor < horizon && horizon > known {
        return Err(LedgerError::ResyncRequired { cursor, horizon });
    }
    let scope = who.scope();
    let mut changes: Vec<Change> = Vec::new();
    let rows = reader.rows_after(cursor, scope, limit, PULL_PAGE_BYTES)?;
    // Past the last row of a full set of rows, unread rows may lie; the page ends there.
    let rows_end = if rows.full {
        rows.rows.last().map(|r| r.seq)
    } else {
        None
    };
    for row in rows.rows {
        changes.push(if row.deleted {
            Change::Tombstone {
                seq: row.seq,
                kind: row.kind,
                id: row.id,
                version: row.version,
                state: row.state,
            }
        } else {
            Change::Row {
                seq: row.seq,
                kind: row.kind,
                id: row.id,
                version: row.version,
                state: row.state,
                fields: row.fields,
                author: row.author,
                at: row.at,
            }
        });
    }
    if let Some(state) = scope {
        for (seq, kind, id) in reader.departures_after(cursor, state, limit)? {
            changes.push(Change::Departed { seq, kind, id });
        }
    }
    for (seq, record) in reader.conflicts_after(cursor, scope, limit)? {
        changes.push(Change::Conflict { seq, record });
    }
    changes.sort_by_key(Change::seq);
    let mut more = false;
    if let Some(end) = rows_end {
        changes.retain(|c| c.seq() <= end);
        more = true;
    }
    // Each source gave at most `limit`; past the page, a source may have more unread below
    // what another source returned, so the page ends at `limit` entries.
    if changes.len() > limit as usize {
        changes.truncate(limit as usize);
        more = true;
    }
    let next = changes.last().map_or(cursor, Change::seq);
    let more = (more || changes.len() == limit as usize) && next < head;
    // The lists go with the last page, once per round, and only to a desk whose copy differs.
    let places = match &query.places {
        Some(held) if !more => places_for(reader, held)?,
        _ => None,
    };
    let gi = match &query.gi {
        Some(held) if !more => gi_for(reader, held)?,
        _ => None,
    };
    Ok(PullResponse {
        changes,
        cursor: if more { next } else { head.max(next) },
        more,
        epoch,
        continues,
        head,
        horizon,
        places,
        gi,
    })
}

/// The LGD lists for a desk holding the copy tagged `held`, or `None` when that is the
/// server's. Only the tags are compared, so a desk whose copy is current costs one small read;
/// lists loaded before their tag was kept are read, once, to compute it.
fn places_for(reader: &mut dyn Reader, held: &str) -> Result<Option<PlacesUpdate>, LedgerError> {
    let (tag, read) = match reader.places_tag()? {
        Some(tag) => (tag, None),
        None => {
            let places = reader.places()?;
            (places.tag(), Some(places))
        }
    };
    if held == tag {
        return Ok(None);
    }
    let places = match read {
        Some(places) => places,
        None => reader.places()?,
    };
    let names = reader.place_names()?;
    Ok(Some(PlacesUpdate {
        tag,
        states: places.states.into_iter().collect(),
        districts: places.districts.into_iter().collect(),
        state_names: names
            .states
            .into_iter()
            .map(|(code, (name, kind))| {
                let kind = if kind == StateKind::Ut { "ut" } else { "state" };
                (code, name, kind.to_owned())
            })
            .collect(),
        district_names: names.districts.into_iter().collect(),
    }))
}

/// The GI registry for a desk holding the copy tagged `held`, or `None` when that is the
/// server's or the server holds none: a desk keeps its own registry until DPIIT sends one.
fn gi_for(reader: &mut dyn Reader, held: &str) -> Result<Option<GiRegistry>, LedgerError> {
    match reader.gi_tag()? {
        Some(tag) if tag != held => Ok(Some(GiRegistry {
            tag,
            entries: reader.gi_registry()?.iter().map(listing_of).collect(),
        })),
        _ => Ok(None),
    }
}

/// Whether the history a client holds goes on in this database: the epoch it names is one this
/// database served under, its cursor is no later than the last change written in that epoch
/// (so every change it pulled is here), and every push it was answered is here. A database
/// restored from a backup fails one of these for any client that synced after the backup:
/// the epochs it ran under later, the changes written then and the pushes taken then are not
/// in it.
fn goes_on(
    reader: &mut dyn Reader,
    who: &Account,
    cursor: u64,
    held: &Held,
) -> Result<bool, LedgerError> {
    let Some(end) = reader.epoch_end(&held.epoch)? else {
        return Ok(false);
    };
    if cursor > end {
        return Ok(false);
    }
    // A client of another account proves nothing about this one's pushes.
    let taken = match reader.client_record(&held.client)? {
        Some(record) if record.account == who.name => record.last_seq,
        Some(_) => return Ok(false),
        None => 0,
    };
    Ok(taken >= held.acked)
}
