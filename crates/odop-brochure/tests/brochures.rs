//! Brochures printed from the built-in sample and from awkward records, read back with
//! poppler's `pdftotext` and `pdftoppm` as a person's PDF viewer would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use odop_brochure::{
    Brochure, Fonts, Language, Layout, Manuscript, Options, Press, Subject, Template,
};
use odop_domain::{
    Contact, Date, District, DistrictCode, Gazetteer, GiStatus, Id, Lang, LocalText, Onboarding,
    OnboardingStatus, PackagingStatus, Platform, Product, Rank, Sector, SectorList, Seller,
    SellerKind, State, StateCode, StateKind,
};
use odop_store::Store;

/// This package's folder, asked of cargo at run time: a test built from another checkout that
/// shares the target directory would otherwise read that checkout's files.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

fn press() -> &'static Press {
    static PRESS: OnceLock<Press> = OnceLock::new();
    PRESS.get_or_init(|| Press::new(Fonts::system().expect("fonts-noto-core is installed")))
}

fn sample() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.load_sample("test").unwrap();
    store
}

fn options(lang: Language) -> Options {
    Options {
        date: Date::new(2026, 11, 24).unwrap(),
        ..Options::new(lang)
    }
}

fn sample_id(key: &str) -> Id {
    Id::derived("sample", key)
}

fn print(store: &Store, subject: Subject, lang: Language) -> Brochure {
    odop_brochure::brochure(store, press(), subject, &options(lang)).unwrap()
}

/// The PDF's text as `pdftotext` extracts it. With `ODOP_KEEP_PDFS=DIR` the PDF is also kept
/// there, named after the test, to look at.
fn text_of(pdf: &[u8]) -> String {
    if let Some(keep) = std::env::var_os("ODOP_KEEP_PDFS") {
        let name = std::thread::current()
            .name()
            .unwrap_or("test")
            .replace("::", "-");
        let n = std::fs::read_dir(&keep).map_or(0, |d| d.count());
        std::fs::write(Path::new(&keep).join(format!("{name}-{n}.pdf")), pdf).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Text for comparison: runs of white space as one space, and no space between a Devanagari
/// vowel sign and the letter after it. Poppler splits a word there when the sign is drawn back
/// over its consonant (क्रे, कृ, कै): the PDF's ActualText holds the word whole, but
/// pdftotext's word-gap guess adds a space, and line breaks fall where the layout put them.
fn normal(s: &str) -> String {
    let words = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = words.chars().collect();
    let mut out = String::with_capacity(words.len());
    for (i, &c) in chars.iter().enumerate() {
        let sign_before = i > 0 && matches!(chars[i - 1] as u32, 0x093E..=0x094C);
        let letter_after = chars
            .get(i + 1)
            .is_some_and(|&n| matches!(n as u32, 0x0915..=0x0939));
        if c == ' ' && sign_before && letter_after {
            continue;
        }
        out.push(c);
    }
    out
}

fn assert_contains(text: &str, wanted: &[&str]) {
    let text = normal(text);
    for w in wanted {
        assert!(
            text.contains(&normal(w)),
            "{w:?} is not in the extracted text:\n{text}"
        );
    }
}

#[test]
fn a_product_page_extracts_in_both_scripts() {
    let store = sample();
    let b = print(
        &store,
        Subject::Product(sample_id("banarasi")),
        Language::Both,
    );
    assert_eq!(b.pages, 1);
    assert!(b.notes.is_empty(), "{:?}", b.notes);
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "Banarasi Silk Saree",
            "बनारसी साड़ी",
            "Varanasi",
            "उत्तर प्रदेश",
            "Uttar Pradesh",
            "हथकरघा",
            "Handloom",
            "Banaras Brocades and Sarees",
            "Kashi Silk Weavers Cooperative",
            "+91 94150 11223",
            "सहकारी समिति",
            "विक्रेता",
        ],
    );
    // Conjuncts and vowel signs come back exactly as stored, with nothing to forgive.
    assert!(text.contains("बनारसी साड़ी"), "{text}");

    let b = print(
        &store,
        Subject::Product(sample_id("moradabad-brass")),
        Language::Hi,
    );
    let text = text_of(&b.pdf);
    assert_contains(&text, &["पीतल हस्तशिल्प", "Moradabad", "ज़िला"]);
    assert!(text.contains("हस्तशिल्प"), "{text}");
}

#[test]
fn other_indian_scripts_print_where_the_data_has_them() {
    let store = sample();
    for (key, local) in [
        ("madurai-jasmine", "மதுரை மல்லி"),
        ("mysuru-silk", "ಮೈಸೂರು ರೇಷ್ಮೆ"),
        ("murshidabad-silk", "মুর্শিদাবাদ সিল্ক"),
        ("patan-patola", "પાટણ પટોળા"),
    ] {
        let b = print(&store, Subject::Product(sample_id(key)), Language::En);
        assert_contains(&text_of(&b.pdf), &[local]);
    }
}

#[test]
fn a_district_and_a_state_catalogue() {
    let store = sample();
    let d = print(&store, Subject::District(DistrictCode(187)), Language::En);
    assert_eq!(d.pages, 2, "one page per product");
    assert_contains(
        &text_of(&d.pdf),
        &[
            "Varanasi district",
            "Banarasi Silk Saree",
            "Wooden Lacquerware and Toys",
        ],
    );

    let s = print(&store, Subject::State(StateCode(9)), Language::Both);
    let text = text_of(&s.pdf);
    assert_contains(
        &text,
        &[
            "उत्तर प्रदेश",
            "विषय-सूची / Contents",
            "Bhadohi",
            "Varanasi",
            "Gorakhpur",
            "हस्तनिर्मित कालीन",
        ],
    );
    // Cover, contents, then a page per product: 8 products in 7 districts.
    assert_eq!(s.pages, 2 + 8);
}

#[test]
fn the_manuscript_is_stable() {
    let store = sample();
    let m = Manuscript::gather(
        &store,
        Subject::Product(sample_id("banarasi")),
        &options(Language::Both),
    )
    .unwrap();
    insta::assert_json_snapshot!(m);
}

#[test]
fn a_page_previews_as_png() {
    let store = sample();
    let m = Manuscript::gather(
        &store,
        Subject::Product(sample_id("banarasi")),
        &options(Language::Hi),
    )
    .unwrap();
    let png = press().preview(&m, 1, 1.0).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(&png))
        .read_info()
        .unwrap()
        .info()
        .clone();
    // A4 is 595 × 842 points.
    assert_eq!((info.width, info.height), (595, 842));
    let err = press().preview(&m, 2, 1.0).unwrap_err();
    assert_eq!(err.code(), "no_such_page");
    assert!(err.to_string().contains("has 1 page(s)"), "{err}");
}

#[test]
fn unknown_subjects_are_named() {
    let store = sample();
    let press = press();
    let err = odop_brochure::brochure(
        &store,
        press,
        Subject::District(DistrictCode(999_999)),
        &options(Language::En),
    )
    .unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.to_string().contains("999999"), "{err}");
    let err = odop_brochure::brochure(
        &store,
        press,
        Subject::Product(Id::new()),
        &options(Language::En),
    )
    .unwrap_err();
    assert_eq!(err.code(), "not_found");
}

// ---- Awkward records, composed without the store (which would refuse some of them). ----

fn places() -> Gazetteer {
    Gazetteer::new(
        vec![State {
            code: StateCode(9),
            name: "Uttar Pradesh".into(),
            local_name: Some("उत्तर प्रदेश".into()),
            kind: StateKind::State,
            aliases: vec![],
        }],
        vec![District {
            code: DistrictCode(187),
            state: StateCode(9),
            name: "Varanasi".into(),
            aliases: vec![],
        }],
    )
}

fn product(name: &str, description: &str) -> Product {
    Product {
        id: Id::derived("test", name),
        state: StateCode(9),
        district: DistrictCode(187),
        rank: Rank::Primary,
        sector: Sector::from_slug("handicraft"),
        name: name.to_owned(),
        local_name: Some(LocalText {
            lang: Lang::Hi,
            text: "हस्तशिल्प".into(),
        }),
        description: description.to_owned(),
        gi: GiStatus::default(),
        photo: None,
        ministry: None,
    }
}

fn seller(n: usize, product: Id) -> Seller {
    Seller {
        id: Id::derived("test-seller", &n.to_string()),
        state: StateCode(9),
        district: DistrictCode(187),
        name: format!("Seller number {n:03}"),
        kind: SellerKind::Artisan,
        contact: Contact {
            person: Some(format!("Person {n}")),
            phone: Some(format!("+91 98390 {:05}", n)),
            email: Some(format!("seller{n}@example.in")),
            address: None,
        },
        gstin: None,
        udyam: None,
        products: vec![product],
        onboarding: vec![Onboarding {
            platform: Platform::Ondc,
            status: OnboardingStatus::Onboarded,
            listing_url: None,
        }],
        packaging: PackagingStatus::Done,
    }
}

fn compose(products: &[Product], sellers: &[Seller], options: &Options) -> Manuscript {
    Manuscript::compose(
        "product",
        StateCode(9),
        products,
        sellers,
        &places(),
        &SectorList::default(),
        options,
    )
}

#[test]
fn two_hundred_sellers_run_over_pages_and_none_is_lost() {
    let p = product("Zardozi", "Gold thread embroidery.");
    let sellers: Vec<Seller> = (1..=200).map(|n| seller(n, p.id)).collect();
    let b = press()
        .print(&compose(&[p], &sellers, &options(Language::En)))
        .unwrap();
    assert!(b.pages >= 4, "{} pages", b.pages);
    let text = text_of(&b.pdf);
    for n in [1, 2, 99, 100, 199, 200] {
        assert_contains(&text, &[&format!("Seller number {n:03}")]);
    }
    assert_eq!(text.matches("Seller number").count(), 200);
}

#[test]
fn a_product_without_sellers_says_so() {
    let p = product("Zardozi", "Gold thread embroidery.");
    let b = press()
        .print(&compose(&[p], &[], &options(Language::Both)))
        .unwrap();
    assert_eq!(b.pages, 1);
    let text = text_of(&b.pdf).replace('\n', " ");
    assert_contains(&text, &["No sellers are recorded yet", "Sellers (0)"]);
}

#[test]
fn a_long_description_stays_whole() {
    let sentence = "Each piece is worked by hand over several weeks. ";
    let long: String = sentence.repeat(17).chars().take(800).collect();
    let p = product("Zardozi", &long);
    let b = press()
        .print(&compose(&[p], &[], &options(Language::En)))
        .unwrap();
    let text = text_of(&b.pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let words = long.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&words), "{text}");
}

#[test]
fn hostile_strings_print_as_written() {
    let hostile = [
        "#panic(\"boom\")",
        "*bold* _under_ $x^2$",
        "<script>alert(1)</script>",
        "] [ } { #let x = 1",
        "#read(\"/etc/passwd\")",
        "{{ name }} ${name} %s",
        "\\ // /* @label <label>",
    ];
    let name = hostile.join(" ");
    let p = product(&name, &hostile.join("\n"));
    let mut s = seller(1, p.id);
    s.name = "\u{200F}عطر\u{200F} RLM and \u{202E}override".into();
    let b = press()
        .print(&compose(&[p], &[s], &options(Language::Both)))
        .unwrap();
    let text = text_of(&b.pdf);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for h in hostile {
        assert!(flat.contains(h), "{h:?} is not in:\n{text}");
    }
    // The override is dropped, so the text after it is not reversed.
    assert_contains(&flat, &["override", "RLM and"]);
}

#[test]
fn a_ten_kilobyte_name_is_shortened_not_fatal() {
    let p = product(&"Very long name ".repeat(700), "Short.");
    let mut s = seller(1, p.id);
    s.name = "S".repeat(10_240);
    let m = compose(&[p], &[s], &options(Language::En));
    let page = &m.districts[0].products[0];
    assert!(page.name.chars().count() <= 301);
    assert!(page.listing.url.len() < 300, "{}", page.listing.url);
    let b = press().print(&m).unwrap();
    assert!(b.pages <= 2, "{} pages", b.pages);
    assert_contains(&text_of(&b.pdf), &["Very long name Very long name"]);
}

fn png_file(dir: &Path, name: &str) -> PathBuf {
    let img = image_rgb(120, 80);
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    let mut enc = png::Encoder::new(file, 120, 80);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(&img).unwrap();
    path
}

fn image_rgb(w: usize, h: usize) -> Vec<u8> {
    (0..w * h)
        .flat_map(|i| [(i % w * 2) as u8, (i / w * 3) as u8, 150])
        .collect()
}

#[test]
fn photos_missing_broken_and_present() {
    let dir = tempfile::tempdir().unwrap();
    let mut good = product("Good photo", "x");
    png_file(dir.path(), &format!("{}.png", good.id));
    good.photo = None;
    let mut missing = product("Missing photo", "x");
    missing.photo = Some("nowhere.jpg".into());
    let mut broken = product("Broken photo", "x");
    std::fs::write(dir.path().join("broken.jpg"), b"\xFF\xD8\xFF garbage").unwrap();
    broken.photo = Some("broken.jpg".into());
    let mut web = product("Web photo", "x");
    web.photo = Some("https://example.in/p.jpg".into());

    let opts = Options {
        photos: Some(dir.path().to_path_buf()),
        ..options(Language::En)
    };
    let m = Manuscript::compose(
        "district",
        StateCode(9),
        &[good, missing, broken, web],
        &[],
        &places(),
        &SectorList::default(),
        &opts,
    );
    let pages = &m.districts[0].products;
    assert!(pages[0].photo.is_some());
    assert!(pages[1..].iter().all(|p| p.photo.is_none()));
    assert_eq!(m.notes.len(), 3, "{:#?}", m.notes);
    assert!(m.notes[0].contains("nowhere.jpg"), "{}", m.notes[0]);
    assert!(m.notes[1].contains("broken.jpg"), "{}", m.notes[1]);
    assert!(
        m.notes[2].starts_with("1 of the products"),
        "{}",
        m.notes[2]
    );
    assert!(m.notes[2].contains("Web photo"), "{}", m.notes[2]);
    let b = press().print(&m).unwrap();
    assert_eq!(b.pages, 4);
    assert_eq!(b.notes, m.notes);
    assert_eq!(text_of(&b.pdf).matches("No photo").count(), 3);
}

/// The app shows a product's photo beside its record as the brochures print it.
#[test]
fn a_products_photo_is_found_as_its_brochures_find_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = sample();
    let banarasi = sample_id("banarasi");
    assert_eq!(
        odop_brochure::product_photo(&store, banarasi, Some(dir.path())).unwrap(),
        None
    );
    // Found by the product's id in the photos folder, then by the file its record names.
    let by_id = std::fs::read(png_file(dir.path(), &format!("{banarasi}.png"))).unwrap();
    let found = odop_brochure::product_photo(&store, banarasi, Some(dir.path())).unwrap();
    assert_eq!(found.as_deref(), Some(&by_id[..]));
    let named = png_file(dir.path(), "named.png");
    let mut p: odop_domain::Product = store.get(banarasi).unwrap().unwrap();
    p.photo = Some(named.display().to_string());
    let mut edit = store.edit("test").unwrap();
    edit.put(&p).unwrap();
    edit.commit().unwrap();
    std::fs::remove_file(dir.path().join(format!("{banarasi}.png"))).unwrap();
    let found = odop_brochure::product_photo(&store, banarasi, Some(dir.path())).unwrap();
    assert_eq!(found.as_deref(), Some(&std::fs::read(&named).unwrap()[..]));
    let err = odop_brochure::product_photo(&store, Id::new(), None).unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
}

#[test]
fn a_photo_cut_short_is_left_out_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let p = product("Cut photo", "x");
    let whole = std::fs::read(png_file(dir.path(), "whole.png")).unwrap();
    // The header survives, so the photo looks fine until it is decoded.
    std::fs::write(
        dir.path().join(format!("{}.png", p.id)),
        &whole[..whole.len() / 2],
    )
    .unwrap();
    let opts = Options {
        photos: Some(dir.path().to_path_buf()),
        ..options(Language::En)
    };
    let b = press().print(&compose(&[p], &[], &opts)).unwrap();
    assert_eq!(b.pages, 1);
    assert_eq!(b.notes.len(), 1, "{:?}", b.notes);
    assert!(b.notes[0].contains("Cut photo"), "{}", b.notes[0]);
    assert_contains(&text_of(&b.pdf), &["No photo"]);
}

#[test]
fn a_missing_font_names_the_script() {
    // Only a Latin font: Hindi cannot be printed, and the error says so.
    let dir = tempfile::tempdir().unwrap();
    let latin = Path::new("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf");
    std::fs::copy(latin, dir.path().join("NotoSans-Regular.ttf")).unwrap();
    let fonts = Fonts::from_dirs(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(fonts.families(), ["Noto Sans"]);
    let press = Press::new(fonts);
    let store = sample();
    let err = odop_brochure::brochure(
        &store,
        &press,
        Subject::Product(sample_id("madurai-jasmine")),
        &options(Language::En),
    )
    .unwrap_err();
    assert_eq!(err.code(), "missing_font");
    let msg = err.to_string();
    assert!(msg.contains("Tamil"), "{msg}");
    assert!(msg.contains("fonts-noto-core"), "{msg}");
}

#[test]
fn a_departments_template_is_used_and_its_errors_located() {
    let store = sample();
    let m = Manuscript::gather(
        &store,
        Subject::Product(sample_id("banarasi")),
        &options(Language::En),
    )
    .unwrap();
    let fonts = Fonts::system().unwrap();
    let own = Template::from_text(
        "brochure.typ",
        "#let data = json(\"/data.json\")\n#set text(font: sys.inputs.fonts)\n\
         Restyled: #data.districts.at(0).products.at(0).name\n",
    );
    let b = Press::with_template(fonts, own).print(&m).unwrap();
    assert_contains(&text_of(&b.pdf), &["Restyled: Banarasi Silk Saree"]);

    let fonts = Fonts::system().unwrap();
    let broken = Template::from_text("brochure.typ", "= Title\n\n#undefined-thing\n");
    let err = Press::with_template(fonts, broken).print(&m).unwrap_err();
    assert_eq!(err.code(), "template");
    assert!(err.to_string().contains("line 3"), "{err}");

    // A template reaches no file but its data.
    let fonts = Fonts::system().unwrap();
    let snoop = Template::from_text("brochure.typ", "#read(\"/etc/passwd\")\n");
    let err = Press::with_template(fonts, snoop).print(&m).unwrap_err();
    assert_eq!(err.code(), "template");
}

// ---- Pages compared with approved images. ----

/// Renders each page at 50 dpi and compares it with `tests/approved/<name>-<n>.png`;
/// `ODOP_APPROVE=1` writes the current pages as the approved ones.
fn compare_pages(name: &str, pdf: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.pdf");
    std::fs::write(&file, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-r", "50", "-png"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed by scripts/setup");
    assert!(status.success());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    let approved = manifest_dir().join("tests/approved");
    let approve = std::env::var_os("ODOP_APPROVE").is_some();
    for (i, page) in pages.iter().enumerate() {
        let want = approved.join(format!("{name}-{}.png", i + 1));
        if approve {
            std::fs::create_dir_all(&approved).unwrap();
            std::fs::copy(page, &want).unwrap();
            continue;
        }
        assert!(
            want.exists(),
            "no approved image {}; run with ODOP_APPROVE=1 and look at it",
            want.display()
        );
        let (got_size, got) = rgb(page);
        let (want_size, expected) = rgb(&want);
        assert_eq!(got_size, want_size, "page {} of {name} changed size", i + 1);
        // Anti-aliasing and font versions move a few pixels; a changed layout moves many.
        let differing = got
            .chunks(3)
            .zip(expected.chunks(3))
            .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
            .count();
        let share = differing as f64 / (got.len() / 3) as f64;
        if share > 0.01 {
            let kept = std::env::temp_dir().join(format!("{name}-{}-actual.png", i + 1));
            std::fs::copy(page, &kept).unwrap();
            panic!(
                "page {} of {name} differs from the approved image in {:.1}% of pixels; \
                 the page is at {}",
                i + 1,
                share * 100.0,
                kept.display()
            );
        }
    }
}

fn rgb(path: &Path) -> ((u32, u32), Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let rgb = match info.color_type {
        png::ColorType::Rgb => buf,
        png::ColorType::Rgba => buf.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect(),
        png::ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g]).collect(),
        other => panic!("unexpected colour type {other:?} in {}", path.display()),
    };
    ((info.width, info.height), rgb)
}

#[test]
fn pages_look_as_approved() {
    let store = sample();
    for (name, key, lang) in [
        ("banarasi-en", "banarasi", Language::En),
        ("banarasi-hi", "banarasi", Language::Hi),
        ("banarasi-both", "banarasi", Language::Both),
        ("madurai-en", "madurai-jasmine", Language::En),
    ] {
        let b = print(&store, Subject::Product(sample_id(key)), lang);
        compare_pages(name, &b.pdf);
    }
    let s = print(&store, Subject::State(StateCode(9)), Language::Both);
    compare_pages("up-catalogue-both", &s.pdf[..]);
    for (name, lang) in [
        ("workshop-en", Language::En),
        ("workshop-both", Language::Both),
    ] {
        let w = print(&store, Subject::Workshop(sample_id("w-varanasi")), lang);
        compare_pages(name, &w.pdf);
    }
    let r = print(
        &with_actions(),
        Subject::Actions(StateCode(9)),
        Language::Both,
    );
    compare_pages("actions-both", &r.pdf);
}

// ---- The report of a Sampark workshop. ----

/// A document's manuscript and its print, on the day given.
fn on_day(store: &Store, subject: Subject, lang: Language, day: Date) -> (Manuscript, Brochure) {
    let options = Options {
        date: day,
        ..Options::new(lang)
    };
    let m = Manuscript::gather(store, subject, &options).unwrap();
    let b = odop_brochure::brochure(store, press(), subject, &options).unwrap();
    (m, b)
}

fn report(store: &Store, lang: Language, day: Date) -> (Manuscript, Brochure) {
    on_day(store, Subject::Workshop(sample_id("w-varanasi")), lang, day)
}

fn figures(m: &Manuscript) -> odop_brochure::WorkshopFigures {
    m.workshop
        .as_ref()
        .expect("a workshop's manuscript")
        .figures
}

/// A report's figures in the order it prints them: sellers met, gaps heard, still open,
/// actions, done, overdue.
fn counts(m: &Manuscript) -> [usize; 6] {
    let f = figures(m);
    [
        f.sellers_met,
        f.gaps,
        f.gaps_open,
        f.actions,
        f.actions_done,
        f.overdue,
    ]
}

#[test]
fn a_workshop_report_lists_the_sellers_met_and_each_gap_with_its_actions() {
    let store = sample();
    let (m, b) = report(&store, Language::En, Date::new(2026, 11, 24).unwrap());
    assert_eq!(b.pages, 1);
    assert!(b.notes.is_empty(), "{:?}", b.notes);
    assert_eq!(
        m.file_name(),
        "odop-sampark-workshop-trade-facilitation-centre-varanasi-18-september-2026-en.pdf"
    );
    assert_eq!(counts(&m), [2, 2, 2, 1, 0, 0]);
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "ODOP Sampark workshop report",
            "Trade Facilitation Centre, Varanasi",
            "18 September 2026",
            "Uttar Pradesh",
            "Varanasi",
            "140",
            "Local Hindi daily (Hindi)",
            "Weavers asked for help with GeM listing",
            "Sellers met (2)",
            "Kashi Silk Weavers Cooperative",
            "Lalita Devi",
            "+91 98390 44556",
            "Banarasi Silk Saree",
            "Gaps heard (2)",
            "Individual weavers ship sarees in plastic covers",
            "Concerning: Banarasi Silk Saree, Lalita Devi",
            "District Industries Centre, Varanasi",
            "In progress",
            "31 January 2027",
            "Design a shared folding box",
            "Weavers without GSTIN cannot list on GeM.",
            "No action has been taken on it yet.",
        ],
    );
    assert!(!text.contains("Overdue"), "nothing is overdue yet:\n{text}");
    // The seller the cooperative's name sorts before is listed after it.
    assert!(text.find("Kashi Silk").unwrap() < text.find("Lalita Devi").unwrap());

    // The day after the packaging box fell due, the report says so.
    let (m, b) = report(&store, Language::En, Date::new(2027, 2, 1).unwrap());
    assert_eq!(figures(&m).overdue, 1);
    assert_contains(
        &text_of(&b.pdf),
        &["Overdue", "As it stands on 1 February 2027"],
    );
}

#[test]
fn a_workshop_report_prints_in_hindi_and_in_both() {
    let store = sample();
    let day = Date::new(2026, 11, 24).unwrap();
    let (_, b) = report(&store, Language::Hi, day);
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "ओडीओपी संपर्क कार्यशाला रिपोर्ट",
            "18 सितंबर 2026",
            "उत्तर प्रदेश",
            "जिन विक्रेताओं से मिले",
            "यहाँ सुनी कमियाँ",
            "पैकेजिंग",
            "जारी है",
            "इस पर अभी कोई कार्रवाई नहीं हुई।",
            "Lalita Devi",
        ],
    );
    let (m, b) = report(&store, Language::Both, day);
    assert_contains(&text_of(&b.pdf), &["उपस्थिति / Attendance"]);
    assert_eq!(
        m.title.hi.as_deref(),
        Some("संपर्क कार्यशाला, Trade Facilitation Centre, Varanasi, 18 सितंबर 2026")
    );
}

#[test]
fn a_report_follows_the_records_as_they_change() {
    let mut store = sample();
    let day = Date::new(2026, 11, 24).unwrap();
    let mut edit = store.edit("test").unwrap();
    // A seller met there has been renamed; a gap heard there is closed, its action done.
    let mut seller: Seller = edit.get(sample_id("s-weavers")).unwrap().unwrap();
    seller.name = "Varanasi Weavers Cooperative".to_owned();
    edit.put(&seller).unwrap();
    let mut gap: odop_domain::Gap = edit.get(sample_id("g-packaging")).unwrap().unwrap();
    gap.open = false;
    edit.put(&gap).unwrap();
    let mut action: odop_domain::Action = edit.get(sample_id("a-packaging")).unwrap().unwrap();
    action.status = odop_domain::ActionStatus::Done;
    edit.put(&action).unwrap();
    edit.commit().unwrap();

    let (m, b) = report(&store, Language::En, day);
    assert_eq!(counts(&m), [2, 2, 1, 1, 1, 0]);
    let text = text_of(&b.pdf);
    assert_contains(&text, &["Closed", "Done", "Varanasi Weavers Cooperative"]);
    assert!(!text.contains("Kashi Silk"), "{text}");
    assert!(text.find("Lalita Devi").unwrap() < text.find("Varanasi Weavers").unwrap());
}

#[test]
fn an_unknown_workshop_is_named() {
    let store = sample();
    let id = Id::new();
    refused(&store, Subject::Workshop(id), "not_found", &id.to_string());
}

#[test]
fn a_departments_report_template_is_its_own() {
    let store = sample();
    let subject = Subject::Workshop(sample_id("w-varanasi"));
    let m = Manuscript::gather(&store, subject, &options(Language::En)).unwrap();
    // A restyled brochure that knows nothing of reports leaves the built-in report alone.
    let brochure = Template::from_text("brochure.typ", "#undefined-thing\n");
    let press = Press::with_template(Fonts::system().unwrap(), brochure);
    assert_contains(
        &text_of(&press.print(&m).unwrap().pdf),
        &["ODOP Sampark workshop report"],
    );

    let own = Template::from_text(
        "workshop.typ",
        "#let data = json(\"/data.json\")\n#set text(font: sys.inputs.fonts)\n\
         Minutes of #data.workshop.venue: #data.workshop.figures.gaps gaps\n",
    );
    let press = Press::with_templates(Fonts::system().unwrap(), vec![(Layout::Workshop, own)]);
    assert_contains(
        &text_of(&press.print(&m).unwrap().pdf),
        &["Minutes of Trade Facilitation Centre, Varanasi: 2 gaps"],
    );

    let broken = Template::from_text("workshop.typ", "= Minutes\n\n#undefined-thing\n");
    let press = Press::with_templates(Fonts::system().unwrap(), vec![(Layout::Workshop, broken)]);
    let err = press.print(&m).unwrap_err();
    assert_eq!(err.code(), "template");
    assert!(err.to_string().contains("workshop.typ"), "{err}");
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn a_long_workshop_runs_over_pages_and_nothing_is_lost() {
    let mut store = sample();
    let workshop = sample_id("w-varanasi");
    let mut edit = store.edit("test").unwrap();
    for g in 0..40 {
        let gap = odop_domain::Gap {
            id: Id::new(),
            state: StateCode(9),
            district: Some(DistrictCode(187)),
            workshop: Some(workshop),
            product: None,
            seller: None,
            kind: odop_domain::ActionKind::BuyerConnection,
            description: format!("Gap number {g}: buyers in other states do not know the weavers."),
            open: g % 2 == 0,
        };
        edit.put(&gap).unwrap();
        for a in 0..3 {
            edit.put(&odop_domain::Action {
                id: Id::new(),
                state: StateCode(9),
                gap: gap.id,
                kind: odop_domain::ActionKind::BuyerConnection,
                owner: format!("Owner {g}-{a}"),
                status: odop_domain::ActionStatus::Open,
                due: Some(Date::new(2026, 10, 1 + a).unwrap()),
                note: String::new(),
            })
            .unwrap();
        }
    }
    edit.commit().unwrap();
    let (m, b) = report(&store, Language::En, Date::new(2026, 11, 24).unwrap());
    let f = figures(&m);
    assert_eq!(
        (f.gaps, f.gaps_open, f.actions, f.overdue),
        (42, 22, 121, 120)
    );
    assert!(b.pages > 3, "{} pages", b.pages);
    let text = normal(&text_of(&b.pdf));
    for g in 0..40 {
        assert!(
            text.contains(&format!("Gap number {g}:")),
            "gap {g} is missing"
        );
        for a in 0..3 {
            assert!(
                text.contains(&format!("Owner {g}-{a}")),
                "action {g}-{a} is missing"
            );
        }
    }
    assert_eq!(text.matches("Overdue").count(), 120);
}

// ---- A state's actions still to do, by owner. ----

fn review(store: &Store, state: u16, lang: Language, day: Date) -> (Manuscript, Brochure) {
    on_day(store, Subject::Actions(StateCode(state)), lang, day)
}

/// The sample with more actions on its gaps: two owners, one action overdue, one done, one
/// without a due date.
fn with_actions() -> Store {
    let mut store = sample();
    let mut edit = store.edit("test").unwrap();
    let action = |key: &str, owner: &str, status, due: Option<Date>| odop_domain::Action {
        id: sample_id(key),
        state: StateCode(9),
        gap: sample_id("g-gem"),
        kind: odop_domain::ActionKind::EcommerceOnboarding,
        owner: owner.to_owned(),
        status,
        due,
        note: format!("Note of {key}"),
    };
    for a in [
        action(
            "a-camp",
            "GeM State Cell",
            odop_domain::ActionStatus::Open,
            Date::new(2026, 10, 15).ok(),
        ),
        action(
            "a-done",
            "District Industries Centre, Varanasi",
            odop_domain::ActionStatus::Done,
            Date::new(2026, 9, 30).ok(),
        ),
        // The same owner written another way, by its long name.
        action(
            "a-gstin",
            "Govt. e-Marketplace,  state cell.",
            odop_domain::ActionStatus::Open,
            None,
        ),
    ] {
        edit.put(&a).unwrap();
    }
    edit.commit().unwrap();
    store
}

#[test]
fn a_review_lists_each_owners_actions_still_to_do_overdue_first() {
    let store = with_actions();
    let (m, b) = review(&store, 9, Language::En, Date::new(2026, 11, 24).unwrap());
    let r = m.review.as_ref().expect("a review's manuscript");
    assert_eq!(
        (
            r.figures.to_do,
            r.figures.overdue,
            r.figures.in_progress,
            r.figures.owners,
            r.figures.without_due_date
        ),
        (3, 1, 1, 2, 1)
    );
    let owners: Vec<(&str, usize)> = r
        .owners
        .iter()
        .map(|o| (o.owner.as_str(), o.actions.len()))
        .collect();
    // The owner with an overdue action comes first; the done action is left out.
    assert_eq!(
        owners,
        [
            ("GeM State Cell", 2),
            ("District Industries Centre, Varanasi", 1)
        ]
    );
    assert!(r.owners[0].actions[0].overdue, "overdue first");
    assert!(r.owners[0].actions[1].due.is_none(), "no due date last");
    assert_eq!(m.file_name(), "odop-actions-to-review-uttar-pradesh-en.pdf");
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "Actions to review",
            "Uttar Pradesh",
            "As it stands on 24 November 2026",
            "GeM State Cell (2, 1 overdue)",
            "Weavers without GSTIN cannot list on GeM.",
            "Trade Facilitation Centre, Varanasi, 18 September 2026",
            "15 October 2026",
            "Overdue",
            "No due date",
            "Note of a-camp",
            "Design a shared folding box",
        ],
    );
    assert!(
        !text.contains("Note of a-done"),
        "a done action is listed:\n{text}"
    );

    let (_, b) = review(&store, 9, Language::Hi, Date::new(2026, 11, 24).unwrap());
    assert_contains(
        &text_of(&b.pdf),
        &[
            "समीक्षा हेतु कार्रवाइयाँ",
            "उत्तर प्रदेश",
            "समय बीती",
            "नियत तिथि नहीं",
            "जारी है",
        ],
    );
}

#[test]
fn a_review_of_a_state_with_nothing_to_do_says_so() {
    let store = with_actions();
    let (m, b) = review(&store, 24, Language::En, Date::new(2026, 11, 24).unwrap());
    assert_eq!(m.review.as_ref().unwrap().figures.to_do, 0);
    assert_eq!(b.pages, 1);
    assert_contains(
        &text_of(&b.pdf),
        &[
            "Gujarat",
            "No action is waiting: every action is done or dropped.",
        ],
    );
    refused(&store, Subject::Actions(StateCode(99)), "not_found", "99");
}

#[test]
fn one_owners_review_holds_its_actions_alone_however_its_name_is_written() {
    let store = with_actions();
    let options = |owner: &str| Options {
        date: Date::new(2026, 11, 24).unwrap(),
        owner: Some(owner.to_owned()),
        ..Options::new(Language::En)
    };
    let subject = Subject::Actions(StateCode(9));
    // Asked for by its long name, the GeM cell's two actions, written two ways, are its own.
    let m = Manuscript::gather(
        &store,
        subject,
        &options("Government e-Marketplace State Cell"),
    )
    .unwrap();
    let r = m.review.as_ref().unwrap();
    assert_eq!(r.owners.len(), 1);
    assert_eq!(r.owners[0].owner, "GeM State Cell");
    assert_eq!((r.figures.to_do, r.figures.overdue), (2, 1));
    assert_eq!(
        m.title.en,
        "Actions to review, Uttar Pradesh: GeM State Cell"
    );
    assert_eq!(
        m.file_name(),
        "odop-actions-to-review-uttar-pradesh-gem-state-cell-en.pdf"
    );
    let b = odop_brochure::brochure(&store, press(), subject, &options("gem state cell")).unwrap();
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "GeM State Cell (2, 1 overdue)",
            "Note of a-camp",
            "Actions to review · Uttar Pradesh · GeM State Cell",
        ],
    );
    assert_eq!(
        m.review.as_ref().unwrap().of_owner.as_deref(),
        Some("GeM State Cell")
    );
    assert!(
        !text.contains("Design a shared folding box"),
        "another owner's action is listed:\n{text}"
    );
    // The District Industries Centre, asked for by its short name, has its action still to
    // do (its done one is left out); an owner none of the state's actions names is refused.
    let m = Manuscript::gather(&store, subject, &options("DIC Varanasi")).unwrap();
    assert_eq!(m.review.as_ref().unwrap().figures.to_do, 1);
    let err = Manuscript::gather(&store, subject, &options("DIC Agra")).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(
        err.to_string().contains("\"DIC Agra\"") && err.to_string().contains("Uttar Pradesh"),
        "{err}"
    );

    // An owner is shown as most of its actions write it, done ones too, as the action
    // list's owner filter shows it.
    let mut store = store;
    let mut edit = store.edit("test").unwrap();
    for key in ["a-old-1", "a-old-2"] {
        edit.put(&odop_domain::Action {
            id: sample_id(key),
            state: StateCode(9),
            gap: sample_id("g-gem"),
            kind: odop_domain::ActionKind::EcommerceOnboarding,
            owner: "GEM STATE CELL".to_owned(),
            status: odop_domain::ActionStatus::Done,
            due: None,
            note: String::new(),
        })
        .unwrap();
    }
    edit.commit().unwrap();
    let m = Manuscript::gather(&store, subject, &options("GeM State Cell")).unwrap();
    let r = m.review.as_ref().unwrap();
    assert_eq!(r.owners[0].owner, "GEM STATE CELL");
    assert_eq!(r.of_owner.as_deref(), Some("GEM STATE CELL"));
    let listed = store.action_owners(Some(StateCode(9))).unwrap();
    assert!(
        listed.iter().any(|o| o.name == "GEM STATE CELL"),
        "{listed:?}"
    );
}

// ---- A state's success stories. ----

/// Printing `subject` is refused with `code`, the message naming `named`.
fn refused(store: &Store, subject: Subject, code: &str, named: &str) {
    let err = odop_brochure::brochure(store, press(), subject, &options(Language::En)).unwrap_err();
    assert_eq!(err.code(), code);
    assert!(err.to_string().contains(named), "{err}");
}

/// The sample with a story of Tamil Nadu told in Tamil and English.
fn with_tamil_story() -> Store {
    let mut store = sample();
    let mut edit = store.edit("test").unwrap();
    edit.put(&odop_domain::Story {
        id: sample_id("st-jasmine"),
        state: StateCode(33),
        district: None,
        seller: None,
        product: Some(sample_id("madurai-jasmine")),
        title: "Jasmine by the morning flight".to_owned(),
        texts: vec![
            LocalText {
                lang: Lang::Ta,
                text: "மதுரை மல்லி இப்போது விமானத்தில் செல்கிறது.".to_owned(),
            },
            LocalText {
                lang: Lang::En,
                text: "Growers now send jasmine to Gulf markets by the morning flight.".to_owned(),
            },
        ],
    })
    .unwrap();
    edit.commit().unwrap();
    store
}

#[test]
fn a_states_stories_print_in_every_language_they_were_told_in() {
    let mut store = with_tamil_story();
    let day = Date::new(2026, 11, 24).unwrap();
    let (m, b) = on_day(&store, Subject::Stories(StateCode(9)), Language::En, day);
    assert_eq!(b.pages, 1);
    assert_eq!(m.file_name(), "odop-success-stories-uttar-pradesh-en.pdf");
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "ODOP success stories",
            "From the loom to ONDC",
            "Varanasi",
            "Banarasi Silk Saree",
            "Kashi Silk Weavers Cooperative (Cooperative)",
            "A cooperative of 60 weavers now takes orders online",
            "साठ बुनकरों की सहकारी समिति",
        ],
    );
    // The booklet's language first.
    let english = text.find("A cooperative of 60").unwrap();
    let hindi = text.find("साठ").unwrap();
    assert!(
        english < hindi,
        "English is not first in an English booklet"
    );
    let (_, b) = on_day(&store, Subject::Stories(StateCode(9)), Language::Hi, day);
    let text = text_of(&b.pdf);
    assert!(text.find("साठ").unwrap() < text.find("A cooperative of 60").unwrap());
    assert_contains(&text, &["ओडीओपी सफलता की कहानियाँ", "उत्तर प्रदेश"]);

    // Another state's story, in its own script; it names no district, product or seller.
    let mut edit = store.edit("test").unwrap();
    let mut bare: odop_domain::Story = edit.get(sample_id("st-jasmine")).unwrap().unwrap();
    bare.product = None;
    edit.put(&bare).unwrap();
    edit.commit().unwrap();
    let (_, b) = on_day(&store, Subject::Stories(StateCode(33)), Language::Both, day);
    assert_contains(&text_of(&b.pdf), &["Jasmine by the morning flight"]);
    let mut edit = store.edit("test").unwrap();
    edit.put(&odop_domain::Story {
        product: Some(sample_id("madurai-jasmine")),
        ..bare
    })
    .unwrap();
    edit.commit().unwrap();
    let (_, b) = on_day(&store, Subject::Stories(StateCode(33)), Language::En, day);
    assert_contains(
        &text_of(&b.pdf),
        &[
            "Jasmine by the morning flight",
            "மதுரை மல்லி இப்போது விமானத்தில் செல்கிறது.",
            "Tamil",
            "Madurai Malli",
        ],
    );
}

#[test]
fn a_state_without_stories_has_none_to_print() {
    let store = sample();
    refused(
        &store,
        Subject::Stories(StateCode(24)),
        "no_stories",
        "Gujarat",
    );
}

#[test]
fn a_storys_product_photo_is_printed_and_a_damaged_one_left_out() {
    let mut store = sample();
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        photos: Some(dir.path().to_path_buf()),
        ..options(Language::En)
    };
    let subject = Subject::Stories(StateCode(9));
    png_file(dir.path(), &format!("{}.png", sample_id("banarasi")));
    // A second story of the same product.
    let mut edit = store.edit("test").unwrap();
    let mut again: odop_domain::Story = edit.get(sample_id("st-weavers")).unwrap().unwrap();
    again.id = Id::new();
    again.title = "From the loom to ONDC, a year on".to_owned();
    edit.put(&again).unwrap();
    edit.commit().unwrap();
    let m = Manuscript::gather(&store, subject, &opts).unwrap();
    let stories = &m.stories.as_ref().unwrap().stories;
    assert!(
        stories[0].photo.is_some(),
        "the product's photo is not found"
    );
    assert_eq!(
        stories[0].photo, stories[1].photo,
        "the photo is stored twice"
    );
    assert_eq!(
        m.files().filter(|(p, _)| p.starts_with("/photos/")).count(),
        1
    );
    let b = press().print(&m).unwrap();
    assert!(b.notes.is_empty(), "{:?}", b.notes);
    assert_contains(&text_of(&b.pdf), &["From the loom to ONDC"]);

    // Cut short, the photo is left out with a note and the story still prints.
    let whole = std::fs::read(dir.path().join(format!("{}.png", sample_id("banarasi")))).unwrap();
    std::fs::write(
        dir.path().join(format!("{}.png", sample_id("banarasi"))),
        &whole[..whole.len() / 2],
    )
    .unwrap();
    let b = odop_brochure::brochure(&store, press(), subject, &opts).unwrap();
    assert_eq!(b.notes.len(), 1, "{:?}", b.notes);
    // One note for the one file, naming both stories.
    assert!(
        b.notes[0].contains("\"From the loom to ONDC\" and \"From the loom to ONDC, a year on\""),
        "{}",
        b.notes[0]
    );
    assert_contains(&text_of(&b.pdf), &["From the loom to ONDC"]);
}

#[test]
fn the_reports_manuscripts_are_stable() {
    let both = options(Language::Both);
    for (name, store, subject) in [
        (
            "workshop",
            sample(),
            Subject::Workshop(sample_id("w-varanasi")),
        ),
        ("review", with_actions(), Subject::Actions(StateCode(9))),
        (
            "stories",
            with_tamil_story(),
            Subject::Stories(StateCode(33)),
        ),
    ] {
        let m = Manuscript::gather(&store, subject, &both).unwrap();
        insta::assert_json_snapshot!(name, m);
    }
}

#[test]
fn many_stories_open_with_their_contents() {
    let mut store = sample();
    let mut edit = store.edit("test").unwrap();
    for n in 1..=4 {
        edit.put(&odop_domain::Story {
            id: Id::new(),
            state: StateCode(9),
            district: Some(DistrictCode(179)),
            seller: None,
            product: None,
            title: format!("Carpets abroad, part {n}"),
            texts: vec![LocalText {
                lang: Lang::En,
                text: format!("Chapter {n} of how Bhadohi's weavers found buyers abroad."),
            }],
        })
        .unwrap();
    }
    edit.commit().unwrap();
    let (_, b) = on_day(
        &store,
        Subject::Stories(StateCode(9)),
        Language::En,
        Date::new(2026, 11, 24).unwrap(),
    );
    let text = normal(&text_of(&b.pdf));
    assert!(text.contains("Contents"), "{text}");
    for n in 1..=4 {
        // Once in the contents, once over the story.
        let title = format!("Carpets abroad, part {n}");
        assert_eq!(text.matches(&title).count(), 2, "{title}: {text}");
        assert!(text.contains(&format!("Chapter {n} of how")), "{text}");
    }
    // Bhadohi sorts before Varanasi.
    assert!(text.find("Chapter 1").unwrap() < text.find("A cooperative of 60").unwrap());
}

#[test]
fn reports_print_hostile_text_as_written() {
    const MARKUP: &str = "#set page(fill: red) ] [ $x$ \u{202E}";
    const NOTES: &str = "= Not a heading\n#read(\"/etc/passwd\")";
    let mut store = with_actions();
    let mut edit = store.edit("test").unwrap();
    let mut w: odop_domain::Workshop = edit.get(sample_id("w-varanasi")).unwrap().unwrap();
    w.venue = format!("{MARKUP}Hall");
    w.notes = NOTES.to_owned();
    edit.put(&w).unwrap();
    let mut action: odop_domain::Action = edit.get(sample_id("a-camp")).unwrap().unwrap();
    action.owner = format!("{MARKUP}Cell");
    action.note = NOTES.to_owned();
    edit.put(&action).unwrap();
    let mut story: odop_domain::Story = edit.get(sample_id("st-weavers")).unwrap().unwrap();
    story.title = "#pagebreak() *bold* _it_".to_owned();
    edit.put(&story).unwrap();
    edit.commit().unwrap();
    let day = Date::new(2026, 11, 24).unwrap();
    // The override is dropped; every other character prints as it was typed.
    for (subject, shown) in [
        (
            Subject::Workshop(sample_id("w-varanasi")),
            "#set page(fill: red) ] [ $x$ Hall",
        ),
        (
            Subject::Actions(StateCode(9)),
            "#set page(fill: red) ] [ $x$ Cell",
        ),
    ] {
        let (_, b) = on_day(&store, subject, Language::En, day);
        assert_contains(
            &text_of(&b.pdf),
            &[shown, "= Not a heading", "#read(\"/etc/passwd\")"],
        );
    }
    let (_, b) = on_day(&store, Subject::Stories(StateCode(9)), Language::En, day);
    assert_eq!(b.pages, 1);
    assert_contains(&text_of(&b.pdf), &["#pagebreak() *bold* _it_"]);
}

fn figures_report(store: &Store, state: Option<u16>, lang: Language) -> (Manuscript, Brochure) {
    let day = Date::new(2026, 11, 24).unwrap();
    on_day(store, Subject::Figures(state.map(StateCode)), lang, day)
}

/// The sample with one more Uttar Pradesh district, named with Typst markup and holding no
/// product, and Gorakhpur's one product ranked secondary: a district without any product and
/// one without a primary product.
fn with_gaps_in_coverage() -> Store {
    let mut store = with_actions();
    let mut edit = store.edit("test").unwrap();
    edit.put_places(
        &[],
        &[District {
            code: DistrictCode(150),
            state: StateCode(9),
            name: "Jhansi #pagebreak() *x*".into(),
            aliases: vec![],
        }],
    )
    .unwrap();
    let mut p: Product = edit
        .get(sample_id("gorakhpur-terracotta"))
        .unwrap()
        .unwrap();
    p.rank = Rank::Secondary;
    edit.put(&p).unwrap();
    edit.commit().unwrap();
    store
}

#[test]
fn a_states_progress_report_counts_and_names_what_is_missing() {
    let store = with_gaps_in_coverage();
    let (m, b) = figures_report(&store, Some(9), Language::Both);
    let f = m.figures.as_ref().expect("a progress report's manuscript");
    assert!(!f.country);
    // The figures, then the districts side by side on a page of their own.
    assert_eq!(b.pages, 2);
    let h = &f.headline;
    assert_eq!((h.districts, h.districts_covered), (8, 7));
    let names = |lines: &[odop_brochure::DistrictName]| {
        lines.iter().map(|d| d.name.clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&f.without_primary), ["Gorakhpur"]);
    assert_eq!(names(&f.without_products), ["Jhansi #pagebreak() *x*"]);
    // The charts add up to the figures they break down.
    let sum = |bars: &[odop_brochure::Bar]| bars.iter().map(|b| b.count).sum::<u64>();
    assert_eq!(sum(&f.sectors), h.products);
    assert_eq!(sum(&f.packaging), h.sellers);
    assert_eq!(sum(&f.gaps), h.open_gaps);
    // Overdue actions as the review of the same day judges them.
    let (review, _) = review(&store, 9, Language::En, Date::new(2026, 11, 24).unwrap());
    let overdue = review.review.as_ref().unwrap().figures.overdue as u64;
    assert!(overdue > 0);
    assert_eq!(h.overdue_actions, overdue);
    assert!(f.states.is_empty() && f.policies.is_empty());
    // Every district of the state is a row, and the rows add up to the state's figures.
    assert_eq!(f.districts.len() as u64, h.districts);
    let row = |name: &str| f.districts.iter().find(|d| d.name == name).unwrap();
    assert_eq!(row("Jhansi #pagebreak() *x*").products, 0);
    assert!(!row("Gorakhpur").has_primary && row("Varanasi").has_primary);
    let total =
        |of: fn(&odop_store::DistrictFigures) -> u64| f.districts.iter().map(of).sum::<u64>();
    assert_eq!(total(|d| d.products), h.products);
    assert_eq!(total(|d| d.sellers), h.sellers);
    assert_eq!(total(|d| d.sellers_onboarded), h.sellers_onboarded);
    assert_eq!(total(|d| d.overdue_actions), h.overdue_actions);
    assert_contains(
        &text_of(&b.pdf),
        &[
            // Poppler runs some Hindi words together, and "7 / 8" into "7/8".
            "ODOP progress report",
            "रिपोर्ट",
            "उत्तर प्रदेश / Uttar Pradesh",
            "districts covered",
            "Districts without a primary product",
            "Gorakhpur",
            "Districts without any product",
            "Jhansi #pagebreak() *x*",
            "हथकरघा / Handloom",
            "अधिसूचित / Notified",
            "The districts side by side",
        ],
    );
    insta::assert_json_snapshot!("figures_of_a_state", f);
}

#[test]
fn every_states_progress_report_sets_them_side_by_side() {
    let store = sample();
    let (m, b) = figures_report(&store, None, Language::En);
    let f = m.figures.as_ref().expect("a progress report's manuscript");
    assert!(f.country && f.policy.is_none());
    // The figures on a portrait page, the states on a landscape one.
    assert_eq!(b.pages, 2);
    let states: Vec<&str> = f.states.iter().map(|s| s.name.en.as_str()).collect();
    assert_eq!(
        states,
        [
            "Gujarat",
            "Karnataka",
            "Tamil Nadu",
            "Uttar Pradesh",
            "West Bengal"
        ]
    );
    // The states' rows add up to the country's figures.
    let h = &f.headline;
    assert_eq!(h.states, 5);
    let total = |of: fn(&odop_brochure::StateLine) -> u64| f.states.iter().map(of).sum::<u64>();
    assert_eq!(total(|s| s.products), h.products);
    assert_eq!(total(|s| s.sellers), h.sellers);
    assert_eq!(total(|s| s.districts_covered), h.districts_covered);
    assert_eq!(total(|s| s.open_gaps), h.open_gaps);
    let text = text_of(&b.pdf);
    assert_contains(
        &text,
        &[
            "ODOP progress report",
            "All states",
            "The states side by side",
            "States by ODOP policy",
            "West Bengal",
        ],
    );
    insta::assert_json_snapshot!("figures_of_every_state", f);
    // In Hindi the states are named in Hindi, though the sample's local names are in each
    // state's own script.
    let (m, b) = figures_report(&store, None, Language::Hi);
    // In the order of their Hindi names, as printed.
    let hindi: Vec<&str> = m
        .figures
        .as_ref()
        .unwrap()
        .states
        .iter()
        .map(|s| s.name.hi.as_deref().unwrap())
        .collect();
    assert_eq!(
        hindi,
        ["उत्तर प्रदेश", "कर्नाटक", "गुजरात", "तमिलनाडु", "पश्चिम बंगाल"]
    );
    let text = text_of(&b.pdf);
    assert_contains(&text, &["कर्नाटक", "पश्चिम बंगाल", "गुजरात"]);
    assert!(!text.contains("ಕರ್ನಾಟಕ"), "{text}");
    // A state the LGD list lacks is refused by its code.
    refused(
        &store,
        Subject::Figures(Some(StateCode(99))),
        "not_found",
        "99",
    );
}
