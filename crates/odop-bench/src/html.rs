//! The brochure as HTML for the Chromium baseline: the same manuscript, the same sections
//! and images, laid out by CSS instead of the Typst template.

use std::fmt::Write;

use odop_brochure::{Manuscript, ProductPage, Text};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn pick(m: &Manuscript, t: &Text) -> String {
    use odop_brochure::Language;
    match (&m.lang, &t.hi) {
        (Language::En, _) | (_, None) => esc(&t.en),
        (Language::Hi, Some(hi)) => esc(hi),
        (Language::Both, Some(hi)) if *hi == t.en => esc(hi),
        (Language::Both, Some(hi)) => format!("{} / {}", esc(hi), esc(&t.en)),
    }
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 15mm 18mm 15mm; }
body { font-family: "Noto Sans", "Noto Sans Devanagari", "Noto Sans Bengali", "Noto Sans Tamil",
  "Noto Sans Kannada", "Noto Sans Gujarati", sans-serif; font-size: 10pt; color: #222; margin: 0; }
.cover { height: 260mm; background: #8a2b06; color: white; padding: 22mm; box-sizing: border-box;
  display: flex; flex-direction: column; justify-content: center; page-break-after: always; }
.cover h1 { font-size: 34pt; margin: 0; }
.contents { page-break-after: always; }
.district { page-break-before: always; }
.district > h1 { color: #8a2b06; font-size: 20pt; }
.product { page-break-before: always; }
.district > .product:first-of-type { page-break-before: avoid; }
.band { background: #8a2b06; color: white; padding: 5mm 7mm; border-radius: 3pt; margin-bottom: 5mm; }
.band h2 { font-size: 20pt; margin: 2pt 0; }
.cols { display: grid; grid-template-columns: 1fr 4.6cm; gap: 6mm; }
.photo { width: 100%; height: 7.2cm; object-fit: contain; background: #f5f5f5; border-radius: 3pt; }
.nophoto { height: 7.2cm; background: #eee; display: flex; align-items: center; justify-content: center; color: #666; }
.fact small { color: #666; font-size: 7.5pt; display: block; }
.fact { margin-bottom: 3.2mm; font-weight: bold; }
.gi { background: #1f6f43; color: white; font-weight: bold; padding: 4pt 5pt; border-radius: 3pt; }
.qr { border: 0.5pt solid #ccc; border-radius: 3pt; padding: 3mm; text-align: center; }
.qr img { width: 3.4cm; }
.qr .url { font-size: 6.5pt; color: #666; word-break: break-all; text-align: left; }
h3 { color: #8a2b06; font-size: 12pt; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
th { background: #ebebeb; text-align: left; }
td, th { padding: 4pt; border-bottom: 0.4pt solid #c8c8c8; vertical-align: top; }
thead { display: table-header-group; }
"#;

fn product(m: &Manuscript, out: &mut String, p: &ProductPage, district: &Text) {
    let l = |k: &str| pick(m, &m.labels[k]);
    let _ = write!(
        out,
        "<section class=product><div class=band><small>{}</small><h2>{}</h2>{}</div>",
        l("odop"),
        esc(&p.name),
        p.local_name.as_ref().map_or(String::new(), |n| format!(
            "<div style='font-size:15pt'>{}</div>",
            esc(&n.text)
        ))
    );
    let photo = match &p.photo {
        Some(path) => format!(
            "<img class=photo src='{}'>",
            esc(path.trim_start_matches('/'))
        ),
        None => format!("<div class=nophoto>{}</div>", l("no_photo")),
    };
    let gi = p.gi.as_ref().map_or(String::new(), |g| {
        format!(
            "<p><span class=gi>GI</span> <b>{}</b><br>{}</p>",
            l("gi"),
            esc(g)
        )
    });
    let _ = write!(
        out,
        "<div class=cols><div>{photo}<h3>{}</h3><p>{}</p></div><div>\
         <div class=fact><small>{}</small>{}</div><div class=fact><small>{}</small>{}</div>\
         <div class=fact><small>{}</small>{}</div><div class=fact><small>{}</small>{}</div>{gi}\
         <div class=qr><img src='{}'><br><b>{}</b><div class=url>{}</div></div></div></div>",
        l("about"),
        esc(&p.description),
        l("district"),
        pick(m, district),
        l("state"),
        pick(m, &m.state.name),
        l("sector"),
        pick(m, &p.sector),
        l("rank"),
        pick(m, &p.rank),
        esc(p.listing.qr.trim_start_matches('/')),
        if p.listing.direct {
            l("scan")
        } else {
            l("scan_search")
        },
        esc(&p.listing.url),
    );
    let _ = write!(out, "<h3>{} ({})</h3>", l("sellers"), p.sellers.len());
    if p.sellers.is_empty() {
        let _ = write!(out, "<p><i>{}</i></p>", l("no_sellers"));
    } else {
        let _ = write!(
            out,
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            l("seller"),
            l("contact"),
            l("online")
        );
        for s in &p.sellers {
            let contact: Vec<String> = [&s.person, &s.phone, &s.email, &s.address]
                .into_iter()
                .flatten()
                .map(|v| esc(v))
                .collect();
            let _ = write!(
                out,
                "<tr><td><b>{}</b><br>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&s.name),
                pick(m, &s.kind),
                contact.join("<br>"),
                esc(&s.online.join(", "))
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");
}

/// The manuscript as one HTML page with print styles.
pub fn render(m: &Manuscript) -> String {
    let l = |k: &str| pick(m, &m.labels[k]);
    let mut out = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{}</title><style>{STYLE}</style></head><body>",
        esc(&m.title.en)
    );
    if m.kind == "state" {
        let count: usize = m.districts.iter().map(|d| d.products.len()).sum();
        let _ = write!(
            out,
            "<div class=cover><div>{}</div><h1>{}</h1><div style='font-size:20pt'>{}</div>\
             <p>{} {} · {count} {}</p><p>{} {}</p></div><div class=contents><h1>{}</h1><ol>",
            l("odop"),
            pick(m, &m.state.name),
            l("catalogue"),
            m.districts.len(),
            l("districts"),
            l("products"),
            l("printed"),
            pick(m, &m.date),
            l("contents"),
        );
        for d in &m.districts {
            let _ = write!(out, "<li>{}</li>", pick(m, &d.name));
        }
        out.push_str("</ol></div>");
    }
    for d in &m.districts {
        out.push_str("<div class=district>");
        if m.kind != "product" {
            let _ = write!(out, "<h1>{}</h1>", pick(m, &d.name));
        }
        for p in &d.products {
            product(m, &mut out, p, &d.name);
        }
        out.push_str("</div>");
    }
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_in_data_is_escaped() {
        assert_eq!(esc("<b>&\"x\""), "&lt;b&gt;&amp;&quot;x&quot;");
    }
}
