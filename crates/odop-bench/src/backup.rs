//! Backing up and restoring the synthetic database (100,000 sellers), against copying the same
//! database file as it lies on disk.

use std::time::Instant;

use anyhow::{ensure, Result};
use odop_domain::EntityKind;
use serde_json::json;

use crate::measure::{fmt_mb, fmt_ms, ms, round, settled_bytes, Section};
use crate::synthetic::Built;

pub fn run(built: &mut Built) -> Result<Section> {
    let dir = tempfile::tempdir()?;
    // The file copy is whole only once the write-ahead log is folded in.
    let db_bytes = settled_bytes(&built.path)?;
    let start = Instant::now();
    std::fs::copy(&built.path, dir.path().join("copied.sqlite3"))?;
    let copy_time = start.elapsed();

    let backup = dir.path().join("backup.sqlite3");
    let start = Instant::now();
    let taken = built.store.back_up(&backup)?;
    let backup_time = start.elapsed();

    let start = Instant::now();
    let restored = built.store.restore(&backup, odop_store::Takeover::Refuse)?;
    let restore_time = start.elapsed();
    let sellers = built.store.count(EntityKind::Seller)?;
    ensure!(
        taken.records.contains(&(EntityKind::Seller, sellers)),
        "the backup holds {:?}; the restored store {sellers} sellers",
        taken.records
    );
    // The restore kept the database it replaced beside it; it goes with the folder.
    std::fs::remove_file(&restored.kept.path)?;

    let over = |t: std::time::Duration| ms(t) / ms(copy_time).max(0.001);
    let mut s = Section::new(
        "backup",
        format!(
            "the synthetic database ({} sellers), backed up while open and restored over the \
             open database, against copying its file",
            crate::measure::grouped(sellers as f64)
        ),
        json!({
            "db_bytes": db_bytes,
            "backup_bytes": taken.bytes,
            "copy_ms": round(ms(copy_time), 1),
            "backup_ms": round(ms(backup_time), 1),
            "restore_ms": round(ms(restore_time), 1),
            "backup_over_copy": round(over(backup_time), 2),
            "restore_over_copy": round(over(restore_time), 2),
        }),
    );
    s.line(
        "copying the database file (cp)",
        fmt_ms(copy_time),
        fmt_mb(db_bytes),
    );
    s.line(
        "odop backup (SQLite backup API)",
        fmt_ms(backup_time),
        fmt_mb(taken.bytes),
    );
    s.line(
        "odop restore (checks, staged copy, kept copy, backup API)",
        fmt_ms(restore_time),
        "",
    );
    s.line(
        "backup / copy, restore / copy",
        format!("{:.1}x", over(backup_time)),
        format!("{:.1}x", over(restore_time)),
    );
    Ok(s)
}
