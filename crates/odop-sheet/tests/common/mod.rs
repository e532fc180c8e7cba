//! Specs and helpers shared by the integration tests.

#![allow(dead_code)]

use odop_sheet::{Column, Table};

/// A small spec used by the round-trip tests; its names double as the written headers.
pub const HEADERS: [&str; 4] = ["Name", "Note", "Place", "Code"];

pub const SPEC: &[Column] = &[
    Column {
        name: "Name",
        aliases: &[],
        required: true,
    },
    Column {
        name: "Note",
        aliases: &[],
        required: true,
    },
    Column {
        name: "Place",
        aliases: &[],
        required: true,
    },
    Column {
        name: "Code",
        aliases: &[],
        required: true,
    },
];

/// The columns of the national ODOP product list, with spellings seen in other exports.
pub const ODOP_SPEC: &[Column] = &[
    Column {
        name: "State",
        aliases: &["State/UT", "State Name"],
        required: true,
    },
    Column {
        name: "Product",
        aliases: &["ODOP Product"],
        required: true,
    },
    Column {
        name: "District",
        aliases: &["District Name"],
        required: true,
    },
    Column {
        name: "LGD Code",
        aliases: &["District Code"],
        required: true,
    },
    Column {
        name: "Category",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Sector",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Description",
        aliases: &[],
        required: false,
    },
    Column {
        name: "GI Status",
        aliases: &["GI Tagged"],
        required: false,
    },
    Column {
        name: "Photo",
        aliases: &[],
        required: false,
    },
    Column {
        name: "Ministry/ Department",
        aliases: &["Ministry"],
        required: false,
    },
];

/// The cells of every row, for comparing a whole table at once.
pub fn cells(table: &Table) -> Vec<Vec<String>> {
    table.rows.iter().map(|row| row.cells.clone()).collect()
}

/// Rows a reader keeps: those with at least one non-blank cell.
pub fn non_blank(rows: &[Vec<String>]) -> Vec<Vec<String>> {
    rows.iter()
        .filter(|row| row.iter().any(|cell| !cell.trim().is_empty()))
        .cloned()
        .collect()
}

/// Rows whose content exercises quoting, encodings and formula escaping.
pub fn awkward_rows() -> Vec<Vec<String>> {
    let rows: Vec<[&str; 4]> = vec![
        [
            "बनारसी साड़ी",
            "Banarasi silk, \"zari\" work",
            "वाराणसी",
            "188",
        ],
        [
            "காஞ்சிபுரம் பட்டு",
            "line one\nline two\nline three",
            "Kanchipuram",
            "603",
        ],
        [
            "=HYPERLINK(\"http://x.test\",\"click\")",
            "+91 98765 43210",
            "-5",
            "@SUM(A1:A9)",
        ],
        ["  leading and trailing  ", "", " ", "'90s"],
        ["'=already escaped", "''+two", "a=b", "\"quoted\""],
        [
            "semi;colon",
            "tab\tinside",
            "comma,inside",
            "_x0041_ literal",
        ],
        ["", "", "", "only code"],
        [
            "Caf\u{e9} \u{2019}quote\u{2019}",
            "emoji \u{1F33E}",
            "\u{FEFF}zero width",
            "end",
        ],
    ];
    rows.into_iter()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect()
}
