//! Reads an OpenDocument spreadsheet built by hand, as LibreOffice users will send them.

mod common;

use std::fs;

use common::{cells, SPEC};
use odop_sheet::{read_table, Format};

/// CRC-32 (IEEE), needed for the zip entries.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A zip archive with uncompressed entries, the `mimetype` first as ODS requires.
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        out.extend_from_slice(b"PK\x03\x04");
        for field in [20u16, 0, 0, 0, 0x21] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, size, size] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(b"PK\x01\x02");
        for field in [20u16, 20, 0, 0, 0, 0x21] {
            central.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, size, size] {
            central.extend_from_slice(&field.to_le_bytes());
        }
        for field in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&field.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let count = entries.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    for field in [0u16, 0, count, count] {
        out.extend_from_slice(&field.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn string_cell(text: &str) -> String {
    format!(
        "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
    )
}

fn ods_bytes() -> Vec<u8> {
    let header: String = ["Code", "Place", "Name", "Note"]
        .iter()
        .map(|h| string_cell(h))
        .collect();
    let data = format!(
        "<table:table-cell office:value-type=\"float\" office:value=\"603\"><text:p>603</text:p></table:table-cell>\
         {}\
         {}\
         <table:table-cell office:value-type=\"date\" office:date-value=\"2025-07-07\"><text:p>07/07/25</text:p></table:table-cell>",
        string_cell("Lucknow"),
        string_cell("चिकनकारी")
    );
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"Products\">\
         <table:table-row>{}</table:table-row>\
         <table:table-row>{header}</table:table-row>\
         <table:table-row>{data}</table:table-row>\
         </table:table></office:spreadsheet></office:body></office:document-content>",
        string_cell("Lucknow ODOP sheet")
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    stored_zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".as_slice(),
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn crc32_matches_the_standard_check_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

#[test]
fn ods_is_sniffed_and_read_with_iso_dates() {
    let bytes = ods_bytes();
    assert_eq!(Format::sniff(&bytes), Some(Format::Ods));
    let dir = tempfile::tempdir().unwrap();
    // The wrong extension on purpose: the content decides.
    let path = dir.path().join("from-libreoffice.xlsx");
    fs::write(&path, &bytes).unwrap();
    let table = read_table(&path, SPEC).unwrap();
    assert_eq!(table.encoding, "ods");
    assert_eq!(table.header_line, 2);
    assert_eq!(
        cells(&table),
        vec![vec![
            "चिकनकारी".to_string(),
            "2025-07-07".into(),
            "Lucknow".into(),
            "603".into()
        ]]
    );
    assert_eq!(table.rows[0].line, 3);
}
