//! How results are shown: tables for people, JSON for scripts.

use odop_domain::{Entity, Fields, State};
use odop_exchange::{Fate, ImportReport, LgdReport};
use odop_store::{
    BackupInfo, DistrictFigures, DistrictSummary, Duplicates, GiCheck, GiFinding, GiIssue,
    HistoryEntry, Hit, Merged, Outcome, Restored, StateFigures, Stats, WorkshopOutcome,
};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug)]
pub struct Out {
    json: bool,
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json }
    }

    /// Whether output is JSON for a machine.
    pub fn json(&self) -> bool {
        self.json
    }

    /// Prints what a command wrote to `file`, as [`Out::value`] does. When the file is a pipe
    /// or a terminal (`/dev/stdout`), what was written is the output, so the account of it
    /// goes to stderr rather than after it.
    pub fn wrote<T: Serialize + ?Sized>(
        &self,
        file: &std::path::Path,
        value: &T,
        human: impl FnOnce() -> String,
    ) {
        if std::fs::metadata(file).is_ok_and(|m| !m.is_file()) {
            let text = match self.json {
                true => serde_json::to_string(value).unwrap_or_default(),
                false => human(),
            };
            eprintln!("{text}");
        } else {
            self.value(value, human);
        }
    }

    /// Prints a result: as JSON when asked, otherwise as the human text `human` makes.
    pub fn value<T: Serialize + ?Sized>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("error: cannot write JSON: {e}"),
            }
        } else {
            let text = human();
            if !text.is_empty() {
                println!("{text}");
            }
        }
    }

    pub fn error(&self, e: &anyhow::Error) {
        let message = said(e);
        if self.json {
            let body = serde_json::json!({
                "error": { "code": crate::error_code(e), "message": message }
            });
            eprintln!("{body}");
        } else {
            eprintln!("error: {message}");
        }
    }
}

/// An error with its causes, each said once: most of the core's errors already name their cause
/// in their own message, and a context added here does not.
fn said(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Cuts a cell to a width for a table, by characters.
fn cut(s: &str, width: usize) -> String {
    let one_line = s.replace(['\n', '\r', '\t'], " ");
    if one_line.chars().count() <= width {
        one_line
    } else {
        let mut t: String = one_line.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub fn outcome(o: &Outcome) -> String {
    match o {
        Outcome::Created => "created".into(),
        Outcome::Updated { fields } => format!("changed {}", fields.join(", ")),
        Outcome::Unchanged => "unchanged".into(),
        Outcome::Deleted => "deleted".into(),
    }
}

/// The GI check: what was looked at, then each finding under its heading.
pub fn gi_check(check: &GiCheck, named: &[GiFinding]) -> String {
    if !check.registry_loaded {
        return "no GI registry is loaded; load its list with `odop import gi FILE`, or `odop sync` \
                with a server that holds DPIIT's"
            .to_owned();
    }
    if check.entries == 0 {
        return "the GI registry holds no entry for this state".to_owned();
    }
    let mut out = String::new();
    for f in named {
        out.push_str(&format!(
            "named: {}, {} is GI {:?}\n",
            f.name, f.district_name, f.candidates[0].name
        ));
    }
    if !named.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!(
        "{} GI registry entries; {} products checked, {} named as the registry names them\n",
        check.entries, check.products, check.named
    ));
    let since = check.held.since.as_deref().unwrap_or("?");
    match check.held.source.as_deref() {
        Some("server") => {
            out.push_str(&format!("the registry is DPIIT's, from the server, since {since}\n"));
        }
        Some("file") => {
            out.push_str(&format!("the registry was loaded on this desk on {since}\n"));
        }
        Some("sample") => out.push_str(
            "the registry holds the sample's few entries: load its list (`odop import gi FILE`) or sync\n",
        ),
        _ => {}
    }
    if check.states.len() > 1 {
        out.push_str(&format!(
            "\n{:<34} {:>7} {:>8} {:>6} {:>8} {:>6} {:>8} {:>5} {:>6}\n",
            "state", "entries", "products", "named", "unnamed", "clear", "lacking", "none", "maybe"
        ));
        for c in &check.states {
            out.push_str(&format!(
                "{:<34} {:>7} {:>8} {:>6} {:>8} {:>6} {:>8} {:>5} {:>6}\n",
                cut(&c.name, 34),
                c.entries,
                c.products,
                c.named,
                c.unnamed,
                c.clear,
                c.not_in_registry,
                c.no_entry,
                c.maybe_registered
            ));
        }
    }
    let sections = [
        (
            GiIssue::Unnamed,
            "GI-registered, without the registry's name (`odop gi --name-them` takes the clear ones)",
        ),
        (GiIssue::NotInRegistry, "a registry name the registry lacks"),
        (GiIssue::NoEntry, "GI-registered, but no entry of its state resembles it"),
        (GiIssue::MaybeRegistered, "not marked GI-registered, but an entry fits it"),
    ];
    for (issue, heading) in sections {
        let found: Vec<&GiFinding> = check.findings.iter().filter(|f| f.issue == issue).collect();
        if found.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading} ({}):\n", found.len()));
        for f in found {
            let place = format!("{}, {}", f.name, f.district_name);
            let said = f
                .registry_name
                .as_ref()
                .map(|n| format!("says {n:?}; "))
                .unwrap_or_default();
            let offered: Vec<String> = f
                .candidates
                .iter()
                .take(3)
                .map(|c| format!("{} ({:.2})", c.name, c.score))
                .collect();
            out.push_str(&format!(
                "  {:<44} {}{}{}\n",
                cut(&place, 44),
                said,
                if offered.is_empty() {
                    "no candidate".to_owned()
                } else {
                    offered.join("; ")
                },
                if f.clear { "  [clear]" } else { "" }
            ));
            out.push_str(&format!("  {:<44} id {}\n", "", f.product));
        }
    }
    out
}

pub fn import_report(r: &ImportReport) -> String {
    let s = &r.summary;
    let mut out =
        format!(
        "{}{} ({}, header on line {})\n{} rows: {} imported, {} merged ({} changed), {} flagged\n",
        if r.dry_run { "dry run, nothing changed: " } else { "" },
        r.source,
        r.encoding,
        r.header_line,
        s.rows,
        s.imported,
        s.merged,
        s.changed,
        s.flagged
    );
    let flagged: Vec<_> = r.flagged().collect();
    if !flagged.is_empty() {
        let by: Vec<String> = s
            .flagged_by
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect();
        out.push_str(&format!("\nflagged rows ({}):\n", by.join(", ")));
        for row in flagged {
            if let Fate::Flagged { column, reason, .. } = &row.fate {
                out.push_str(&format!(
                    "  line {:>5}  {:<40}  {}{}\n",
                    row.line,
                    cut(&row.label, 40),
                    column
                        .as_ref()
                        .map(|c| format!("[{c}] "))
                        .unwrap_or_default(),
                    reason
                ));
            }
        }
    }
    let warned: Vec<_> = r
        .rows
        .iter()
        .filter(|row| !row.warnings.is_empty())
        .collect();
    if !warned.is_empty() {
        out.push_str("\nwarnings:\n");
        for row in warned {
            out.push_str(&format!(
                "  line {:>5}  {:<40}  {}\n",
                row.line,
                cut(&row.label, 40),
                row.warnings.join("; ")
            ));
        }
    }
    if r.duplicates > 0 {
        out.push_str(&format!(
            "\n{} seller(s) share a GSTIN, PAN, Udyam number or phone number with another seller \
             of their state: `odop duplicates` lists them, `odop merge seller` merges two records\n",
            r.duplicates
        ));
    }
    if !r.districts_without_primary.is_empty() {
        out.push_str(&format!(
            "\ndistricts without a primary product: {}\n",
            r.districts_without_primary.join(", ")
        ));
    }
    if let Some(change) = r.registry.as_ref().filter(|c| c.dropped > 0) {
        let more = change.dropped - change.dropped_names.len();
        out.push_str(&format!(
            "\nthe registry held {} entries; this list leaves out {} of them: {}{}\n",
            change.before,
            change.dropped,
            change.dropped_names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    out
}

pub fn lgd_report(r: &LgdReport, dry_run: bool) -> String {
    let c = &r.counts;
    let mut out = format!(
        "{}read {} states and {} districts: {} states added, {} changed; {} districts added, {} changed; {} unchanged",
        if dry_run { "dry run, nothing changed: " } else { "" },
        r.states_read,
        r.districts_read,
        c.states_added,
        c.states_changed,
        c.districts_added,
        c.districts_changed,
        c.unchanged
    );
    for row in &r.flagged {
        if let Fate::Flagged { column, reason, .. } = &row.fate {
            out.push_str(&format!(
                "\n  line {:>5}  {}  [{}] {}",
                row.line,
                row.label,
                column.as_deref().unwrap_or(""),
                reason
            ));
        }
    }
    out
}

pub fn records<E: Entity>(rows: &[E]) -> String {
    let mut out = String::new();
    for r in rows {
        out.push_str(&format!(
            "{}  {:>3}  {}\n",
            r.id(),
            r.state(),
            cut(&r.title(), 70)
        ));
    }
    out.push_str(&format!("({} {})", rows.len(), E::KIND.table()));
    out
}

pub fn record(f: &Fields) -> String {
    f.iter()
        .map(|(k, v)| {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{k:<14} {shown}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn hits(hits: &[Hit]) -> String {
    let mut out = String::new();
    for h in hits {
        out.push_str(&format!(
            "{:<9} {}  {}\n          {}\n",
            h.kind.as_str(),
            h.id,
            cut(&h.title, 60),
            cut(&h.snippet, 90)
        ));
    }
    out.push_str(&format!("({} found)", hits.len()));
    out
}

pub fn stats(s: &Stats) -> String {
    let mut out = format!(
        "districts covered      {} of {}\nwithout a product      {}\nwithout a primary      {}\nproducts               {}\nGI-registered          {} ({:.1}%)\nsellers                {}\nworkshops              {}\nstories                {}\n",
        s.districts_covered,
        s.districts,
        s.without_products,
        s.without_primary.len(),
        s.products,
        s.gi_products,
        s.gi_share * 100.0,
        s.sellers,
        s.workshops,
        s.stories
    );
    let list = |title: &str, items: &[odop_store::Count]| {
        let mut t = format!("\n{title}\n");
        for c in items {
            t.push_str(&format!("  {:<22} {}\n", c.key, c.count));
        }
        t
    };
    out.push_str(&list("products by sector", &s.products_by_sector));
    out.push_str(&list("sellers onboarded", &s.sellers_onboarded));
    out.push_str(&list("sellers by packaging", &s.sellers_packaging));
    out.push_str(&list("open gaps by kind", &s.open_gaps_by_kind));
    out.push_str(&list("states by ODOP policy", &s.policies));
    if !s.without_primary.is_empty() {
        out.push_str("\ndistricts without a primary product\n");
        for d in &s.without_primary {
            out.push_str(&format!("  {:>4} {} ({})\n", d.code, d.name, d.state));
        }
    }
    out
}

/// A workshop, the sellers met there, and each gap heard there with its actions beneath it.
pub fn outcome_of_workshop(o: &WorkshopOutcome) -> String {
    let w = &o.workshop;
    let field = |key: &str| {
        w.fields
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let mut out = format!("{}\n", w.title);
    let place: Vec<&str> = [w.district_name.as_deref(), w.state_name.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    out.push_str(&format!("  {} · {}\n", field("date"), place.join(", ")));
    if let Some(n) = w.fields.get("attendance").and_then(Value::as_u64) {
        out.push_str(&format!("  attendance {n}\n"));
    }
    out.push_str(&format!("\nsellers met ({})\n", o.sellers_met.len()));
    for s in &o.sellers_met {
        out.push_str(&format!(
            "  {:<36} {:<12} {}\n",
            cut(&s.name, 36),
            s.kind,
            s.district_name.as_deref().unwrap_or_default()
        ));
    }
    let open = o
        .gaps
        .iter()
        .filter(|g| g.gap.fields.get("open") == Some(&Value::Bool(true)))
        .count();
    out.push_str(&format!("\ngaps heard ({}, {open} open)\n", o.gaps.len()));
    for g in &o.gaps {
        let f = &g.gap.fields;
        out.push_str(&format!(
            "  [{}] {:<21} {}\n",
            if f.get("open") == Some(&Value::Bool(true)) {
                "open"
            } else {
                "closed"
            },
            f.get("kind").and_then(Value::as_str).unwrap_or_default(),
            cut(&g.gap.title, 60)
        ));
        if g.actions.is_empty() {
            out.push_str("      no action yet\n");
        }
        for a in &g.actions {
            let f = &a.fields;
            let text = |key: &str| f.get(key).and_then(Value::as_str).unwrap_or_default();
            let due = match text("due") {
                "" => String::new(),
                day => format!("due {day}"),
            };
            out.push_str(
                format!(
                    "      {:<11} {:<14} {:<8} {}\n",
                    text("status"),
                    due,
                    if a.overdue { "OVERDUE" } else { "" },
                    cut(text("owner"), 40)
                )
                .as_str(),
            );
        }
    }
    out
}

/// Every state's figures as a table, one line per state and a line of totals.
pub fn state_figures(rows: &[StateFigures]) -> String {
    if rows.is_empty() {
        return "no state holds a record yet\n".to_owned();
    }
    let head = [
        "state",
        "covered",
        "no primary",
        "products",
        "GI",
        "sellers",
        "onboarded",
        "packaging",
        "workshops",
        "stories",
        "open gaps",
        "overdue",
        "policy",
    ];
    let figures = |covered: u64, districts: u64, counts: [u64; 10]| {
        std::iter::once(format!("{covered} of {districts}"))
            .chain(counts.iter().map(u64::to_string))
            .collect::<Vec<_>>()
    };
    let mut sums = [0u64; 10];
    for r in rows {
        for (sum, n) in sums.iter_mut().zip(r.counts()) {
            *sum += n;
        }
    }
    let total = figures(
        rows.iter().map(|r| r.districts_covered).sum(),
        rows.iter().map(|r| r.districts).sum(),
        sums,
    );
    let mut lines: Vec<Vec<String>> = vec![head.iter().map(|h| (*h).to_owned()).collect()];
    for r in rows {
        let mut line = vec![cut(&r.name, 28)];
        line.extend(figures(r.districts_covered, r.districts, r.counts()));
        line.push(r.policy.clone());
        lines.push(line);
    }
    let mut last = vec![format!("{} states", rows.len())];
    last.extend(total);
    let notified = rows.iter().filter(|r| r.policy == "notified").count();
    last.push(format!("{notified} notified"));
    lines.push(last);
    aligned(&lines, &[0, head.len() - 1])
}

/// Every district of a state side by side, as `odop stats --by-district` prints them.
pub fn district_figures(rows: &[DistrictFigures]) -> String {
    let head = [
        "district",
        "products",
        "primary",
        "GI",
        "sellers",
        "onboarded",
        "packaging",
        "workshops",
        "open gaps",
        "overdue",
    ];
    let mut lines: Vec<Vec<String>> = vec![head.iter().map(|h| (*h).to_owned()).collect()];
    for r in rows {
        let primary = match r.primary() {
            Some(true) => "yes",
            Some(false) => "none",
            None => "-",
        };
        let mut line = vec![cut(&r.name, 28), r.products.to_string(), primary.to_owned()];
        line.extend(r.counts().iter().map(u64::to_string));
        lines.push(line);
    }
    aligned(&lines, &[0, 2])
}

/// A table with the `left` columns (names, words) to the left and the figures to the right,
/// each column as wide as its widest cell.
fn aligned(lines: &[Vec<String>], left: &[usize]) -> String {
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            lines
                .iter()
                .map(|l| l.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if left.contains(&i) {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn history(entries: &[HistoryEntry]) -> String {
    entries
        .iter()
        .map(|e| {
            let fields: Vec<&String> = e
                .fields
                .as_object()
                .map(|m| m.keys().collect())
                .unwrap_or_default();
            format!(
                "{}  {:<12} {:<6} {:<8} {}  {}",
                e.at,
                cut(&e.who, 12),
                e.op,
                e.entity,
                cut(&e.title, 40),
                cut(
                    &fields
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    40
                )
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn districts(rows: &[DistrictSummary]) -> String {
    let mut out = String::new();
    for d in rows {
        out.push_str(&format!(
            "{:>4}  {:<24} {:<28} {:>3}  {}\n",
            d.code,
            cut(&d.state_name, 24),
            cut(&d.name, 28),
            d.products,
            d.primary.as_deref().unwrap_or("-")
        ));
    }
    out.push_str(&format!("({} districts)", rows.len()));
    out
}

pub fn states(rows: &[State]) -> String {
    rows.iter()
        .map(|s| format!("{:>3}  {}", s.code, s.name))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a backup holds: when it was taken and how many records of each kind.
pub fn backup(b: &BackupInfo) -> String {
    let kinds: Vec<String> = b
        .records
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    format!(
        "taken: {}\nholds: {} districts, {}\nchanges not yet sent to the server: {}\nsize: {} bytes",
        b.taken.as_deref().unwrap_or("unknown (not made by `odop backup`)"),
        b.districts,
        kinds.join(", "),
        b.waiting,
        b.bytes
    )
}

/// What a restore did, and where the database it replaced is.
pub fn restored(r: &Restored) -> String {
    let mut s = format!(
        "restored from {}\n{}\nthe database as it was is kept at {}",
        r.from.path.display(),
        backup(&r.from),
        r.kept.path.display()
    );
    if r.resync {
        s.push_str(
            "\nat the next sync this desk compares everything with the server: what was synced \
             after the backup comes back, and the backup's unsent changes are sent again",
        );
    }
    s
}

/// Sets of seller records that share a mark, each seller on a line of its own.
pub fn duplicates(found: &[Duplicates]) -> String {
    if found.is_empty() {
        return "no two sellers of a state share a GSTIN, PAN, Udyam number or phone number\n"
            .into();
    }
    let mut out = String::new();
    for d in found {
        out.push_str(&format!(
            "{} {} (state {}): {} sellers\n",
            d.mark,
            d.value,
            d.state,
            d.sellers.len()
        ));
        for s in &d.sellers {
            out.push_str(&format!(
                "  {}  {:<40}  {:<12}  {}\n",
                s.id,
                cut(&s.name, 40),
                s.kind,
                s.district_name.as_deref().unwrap_or("")
            ));
        }
    }
    out.push_str(&format!(
        "\n{} set(s); merge two records of one seller with `odop merge seller GONE --into KEEP`\n",
        found.len()
    ));
    out
}

/// What a merge did, for a person.
pub fn merged(m: &Merged) -> String {
    let mut out = format!("merged seller {} into {}\n", m.gone, m.kept);
    if !m.taken.is_empty() {
        out.push_str(&format!("  taken from it: {}\n", m.taken.join(", ")));
    }
    for r in &m.renamed {
        out.push_str(&format!("  now names the kept seller: {r}\n"));
    }
    out
}

/// The owners of actions, with their actions still to do and in all.
pub fn owners(owners: &[odop_store::ActionOwner]) -> String {
    if owners.is_empty() {
        return "no actions\n".into();
    }
    let mut out = format!("{:>6} {:>6}  owner\n", "to do", "all");
    for o in owners {
        out.push_str(&format!("{:>6} {:>6}  {}\n", o.to_do, o.actions, o.name));
    }
    out
}
