//! Any bytes, read as each format the sheet crate knows, give a table or an error, never a
//! panic, and a table's rows keep the shape its spec asked for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odop_sheet::{read_table_bytes, Format};

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, body)) = bytes.split_first() else {
        return;
    };
    let format = match pick % 4 {
        0 => Format::Csv,
        1 => Format::Xlsx,
        2 => Format::Xls,
        _ => Format::Ods,
    };
    let spec = odop_exchange::SELLER_COLUMNS;
    if let Ok(table) = read_table_bytes(body, format, spec, "fuzz") {
        assert_eq!(table.columns.len(), spec.len());
        assert_eq!(table.present.len(), spec.len());
        for row in &table.rows {
            for column in &table.columns {
                let _ = table.get(row, column);
            }
        }
    }
});
