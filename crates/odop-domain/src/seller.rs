use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::entity::{Entity, EntityKind};
use crate::text::{check_line, check_opt_line};
use crate::{DistrictCode, Id, Invalid, Rule, StateCode};

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident, $field:literal { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                let key: String = s
                    .trim()
                    .to_lowercase()
                    .chars()
                    .map(|c| if c == ' ' || c == '-' { '_' } else { c })
                    .collect();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == key)
                    .ok_or_else(|| Invalid::Unknown {
                        field: $field,
                        value: s.chars().take(60).collect(),
                        allowed: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    })
            }
        }
    };
}
pub(crate) use word_enum;

word_enum!(
    /// Who a seller is.
    SellerKind, "kind" {
        Artisan => "artisan",
        Weaver => "weaver",
        Farmer => "farmer",
        Fpo => "fpo",
        Shg => "shg",
        Msme => "msme",
        Cooperative => "cooperative",
        Exporter => "exporter",
    }
);

word_enum!(
    /// Where a seller can be listed.
    Platform, "platform" {
        Gem => "gem",
        Ondc => "ondc",
        Amazon => "amazon",
        Flipkart => "flipkart",
        Meesho => "meesho",
        OwnWebsite => "own_website",
        OtherMarketplace => "other_marketplace",
    }
);

word_enum!(
    OnboardingStatus, "onboarding status" {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Onboarded => "onboarded",
        Suspended => "suspended",
    }
);

word_enum!(
    PackagingStatus, "packaging" {
        NotAssessed => "not_assessed",
        Needed => "needed",
        InProgress => "in_progress",
        Done => "done",
    }
);

/// A Goods and Services Tax identification number, checked by layout and check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gstin(String);

const GSTIN_CHARS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Gstin {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PAN of the business it registers: its third to twelfth characters.
    pub fn pan(&self) -> &str {
        Gstin::pan_of(&self.0).unwrap_or_default()
    }

    /// The PAN within a GSTIN as stored, read without checking it again; `None` for text that
    /// is not 15 ASCII characters, which no checked GSTIN is.
    pub fn pan_of(gstin: &str) -> Option<&str> {
        (gstin.len() == 15 && gstin.is_ascii()).then(|| &gstin[2..12])
    }

    /// The check character for the first 14 characters (GSTN's mod-36 scheme).
    pub fn check_char(first14: &[u8]) -> Option<char> {
        let mut sum = 0u32;
        for (i, b) in first14.iter().enumerate() {
            let v = GSTIN_CHARS.iter().position(|c| c == b)? as u32;
            let p = v * if i % 2 == 0 { 1 } else { 2 };
            sum += p / 36 + p % 36;
        }
        Some(GSTIN_CHARS[((36 - sum % 36) % 36) as usize] as char)
    }
}

impl FromStr for Gstin {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Gstin, Invalid> {
        let v = s.trim().to_ascii_uppercase();
        let bad = |rule: Rule| Invalid::Format {
            field: "gstin",
            value: s.chars().take(40).collect(),
            rule,
        };
        let b = v.as_bytes();
        if b.len() != 15 {
            return Err(bad(Rule::GstinLength));
        }
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        let letters = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_uppercase);
        // GST state codes run from 01 to 38; 97 is "other territory" and 99 the Centre.
        let state = (b[0].wrapping_sub(b'0') as u32) * 10 + b[1].wrapping_sub(b'0') as u32;
        if !digits(0..2) || !matches!(state, 1..=38 | 97 | 99) {
            return Err(bad(Rule::GstinState));
        }
        if !(letters(2..7) && digits(7..11) && letters(11..12)) {
            return Err(bad(Rule::GstinPan));
        }
        if !b[12].is_ascii_alphanumeric() || b[12] == b'0' {
            return Err(bad(Rule::GstinEntity));
        }
        if b[13] != b'Z' {
            return Err(bad(Rule::GstinZ));
        }
        let want = Gstin::check_char(&b[..14]).ok_or_else(|| bad(Rule::GstinCharacter))?;
        if b[14] as char != want {
            return Err(bad(Rule::GstinCheck { want }));
        }
        Ok(Gstin(v))
    }
}

impl TryFrom<String> for Gstin {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Gstin, Invalid> {
        s.parse()
    }
}

impl From<Gstin> for String {
    fn from(g: Gstin) -> String {
        g.0
    }
}

/// An Udyam registration number: `UDYAM-XX-00-0000000`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Udyam(String);

impl Udyam {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Udyam {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Udyam, Invalid> {
        let v = s.trim().to_ascii_uppercase();
        let parts: Vec<&str> = v.split('-').collect();
        let ok = parts.len() == 4
            && parts[0] == "UDYAM"
            && parts[1].len() == 2
            && parts[1].bytes().all(|b| b.is_ascii_uppercase())
            && parts[2].len() == 2
            && parts[2].bytes().all(|b| b.is_ascii_digit())
            && parts[3].len() == 7
            && parts[3].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Udyam(v))
        } else {
            Err(Invalid::Format {
                field: "udyam",
                value: s.chars().take(40).collect(),
                rule: Rule::UdyamShape,
            })
        }
    }
}

impl TryFrom<String> for Udyam {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Udyam, Invalid> {
        s.parse()
    }
}

impl From<Udyam> for String {
    fn from(u: Udyam) -> String {
        u.0
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Contact {
    fn validate(&self) -> Result<(), Invalid> {
        check_opt_line("contact person", self.person.as_deref(), 200)?;
        check_opt_line("address", self.address.as_deref(), 500)?;
        if let Some(phone) = &self.phone {
            let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
            let shape_ok = phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c));
            if !shape_ok || !(10..=13).contains(&digits.len()) {
                return Err(Invalid::Format {
                    field: "phone",
                    value: phone.chars().take(40).collect(),
                    rule: Rule::PhoneShape,
                });
            }
        }
        if let Some(email) = &self.email {
            let at = email.find('@');
            let ok = matches!(at, Some(i) if i > 0 && email[i + 1..].contains('.') && !email[i + 1..].starts_with('.'))
                && !email.contains(char::is_whitespace)
                && email.len() <= 254;
            if !ok {
                return Err(Invalid::Format {
                    field: "email",
                    value: email.chars().take(60).collect(),
                    rule: Rule::EmailShape,
                });
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    pub platform: Platform,
    pub status: OnboardingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_url: Option<String>,
}

/// Someone who makes or sells an ODOP product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seller {
    pub id: Id,
    pub state: StateCode,
    pub district: DistrictCode,
    pub name: String,
    pub kind: SellerKind,
    #[serde(default)]
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gstin: Option<Gstin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub udyam: Option<Udyam>,
    /// The products this seller makes or sells.
    #[serde(default)]
    pub products: Vec<Id>,
    #[serde(default)]
    pub onboarding: Vec<Onboarding>,
    pub packaging: PackagingStatus,
}

impl Entity for Seller {
    const KIND: EntityKind = EntityKind::Seller;
    fn id(&self) -> Id {
        self.id
    }
    fn state(&self) -> StateCode {
        self.state
    }
    fn district(&self) -> Option<DistrictCode> {
        Some(self.district)
    }
    fn title(&self) -> String {
        self.name.clone()
    }
    fn validate(&self) -> Result<(), Invalid> {
        check_line("name", &self.name, 300)?;
        self.contact.validate()?;
        let mut seen = Vec::new();
        for o in &self.onboarding {
            if seen.contains(&o.platform) {
                return Err(Invalid::Format {
                    field: "onboarding",
                    value: o.platform.to_string(),
                    rule: Rule::PlatformTwice,
                });
            }
            seen.push(o.platform);
            check_opt_line("listing_url", o.listing_url.as_deref(), 2000)?;
        }
        Ok(())
    }
}

/// What tells one seller from another, so that a seller recorded twice (by two district
/// offices, or once by hand and once from a list) can be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SellerMark {
    /// A GSTIN is one business's in one state.
    Gstin,
    /// A PAN (the GSTIN's third to twelfth characters) is one legal person's: two GSTINs of
    /// one PAN in a state are registrations of one business, such as its two units.
    Pan,
    /// A Udyam number is one enterprise's.
    Udyam,
    /// A phone number may be shared (an SHG's coordinator answers for its members), so it
    /// only suggests that two records are one seller.
    Phone,
}

impl SellerMark {
    pub fn name(self) -> &'static str {
        match self {
            SellerMark::Gstin => "GSTIN",
            SellerMark::Pan => "PAN",
            SellerMark::Udyam => "Udyam number",
            SellerMark::Phone => "phone number",
        }
    }
}

impl std::fmt::Display for SellerMark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Seller {
    /// This seller's marks as two records of one seller would share them: the GSTIN and Udyam
    /// number as written, the GSTIN's PAN, and the phone number's last ten digits (without +91
    /// or a leading 0).
    pub fn marks(&self) -> Vec<(SellerMark, String)> {
        let mut marks = Vec::new();
        if let Some(g) = &self.gstin {
            marks.push((SellerMark::Gstin, g.as_str().to_owned()));
            marks.push((SellerMark::Pan, g.pan().to_owned()));
        }
        if let Some(u) = &self.udyam {
            marks.push((SellerMark::Udyam, u.as_str().to_owned()));
        }
        if let Some(phone) = self.contact.phone.as_deref().and_then(phone_mark) {
            marks.push((SellerMark::Phone, phone));
        }
        marks
    }

    /// Takes into this record what it lacks from `other`, another record of the same seller:
    /// contact details, GSTIN and Udyam number it has none of, the products it does not list,
    /// the platforms it has no status on, and a packaging status when its own is not assessed.
    /// What this record holds always stands. Says which fields changed, by their form keys.
    pub fn absorb(&mut self, other: &Seller) -> Vec<&'static str> {
        fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) -> bool {
            let lacking = mine.is_none() && theirs.is_some();
            if lacking {
                mine.clone_from(theirs);
            }
            lacking
        }
        let mut taken = Vec::new();
        let (mine, theirs) = (&mut self.contact, &other.contact);
        for (key, done) in [
            ("contact.person", fill(&mut mine.person, &theirs.person)),
            ("contact.phone", fill(&mut mine.phone, &theirs.phone)),
            ("contact.email", fill(&mut mine.email, &theirs.email)),
            ("contact.address", fill(&mut mine.address, &theirs.address)),
            ("gstin", fill(&mut self.gstin, &other.gstin)),
            ("udyam", fill(&mut self.udyam, &other.udyam)),
        ] {
            if done {
                taken.push(key);
            }
        }
        let before = self.products.len();
        for p in &other.products {
            if !self.products.contains(p) {
                self.products.push(*p);
            }
        }
        if self.products.len() > before {
            taken.push("products");
        }
        let before = self.onboarding.len();
        for o in &other.onboarding {
            if !self.onboarding.iter().any(|m| m.platform == o.platform) {
                self.onboarding.push(o.clone());
            }
        }
        if self.onboarding.len() > before {
            taken.push("onboarding");
        }
        if self.packaging == PackagingStatus::NotAssessed
            && other.packaging != PackagingStatus::NotAssessed
        {
            self.packaging = other.packaging;
            taken.push("packaging");
        }
        taken
    }
}

/// A phone number's last ten digits, as two ways of writing one number share them.
pub fn phone_mark(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 10).then(|| digits[digits.len() - 10..].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_check(first14: &str) -> String {
        format!(
            "{first14}{}",
            Gstin::check_char(first14.as_bytes()).unwrap()
        )
    }

    #[test]
    fn gstin_check_character() {
        // A commonly published sample GSTIN whose check character is known.
        assert_eq!(with_check("27AAPFU0939F1Z"), "27AAPFU0939F1ZV");
        assert!("27AAPFU0939F1ZV".parse::<Gstin>().is_ok());
        assert!("27aapfu0939f1zv ".parse::<Gstin>().is_ok());
        let err = "27AAPFU0939F1ZX".parse::<Gstin>().unwrap_err();
        assert!(err.to_string().contains("should be V"), "{err}");
        assert!("27AAPFU0939F1Z".parse::<Gstin>().is_err());
        assert!("2XAAPFU0939F1ZV".parse::<Gstin>().is_err());
        assert!("27AAPFU0939F1AV".parse::<Gstin>().is_err());
    }

    #[test]
    fn gstin_starts_with_a_gst_state_code() {
        for state in ["01", "38", "97", "99"] {
            let g = with_check(&format!("{state}AAPFU0939F1Z"));
            assert!(g.parse::<Gstin>().is_ok(), "{g}");
        }
        for state in ["00", "39", "96", "98"] {
            let g = with_check(&format!("{state}AAPFU0939F1Z"));
            let err = g.parse::<Gstin>().unwrap_err();
            assert_eq!(err.rule(), Some(&Rule::GstinState), "{g}");
        }
    }

    #[test]
    fn udyam_layout() {
        assert!("UDYAM-UP-76-0012345".parse::<Udyam>().is_ok());
        assert!("udyam-up-76-0012345".parse::<Udyam>().is_ok());
        assert!("UDYAM-UP-76-12345".parse::<Udyam>().is_err());
        assert!("UDYOG-UP-76-0012345".parse::<Udyam>().is_err());
    }

    #[test]
    fn words_parse_loosely() {
        assert_eq!("FPO".parse::<SellerKind>().unwrap(), SellerKind::Fpo);
        assert_eq!(
            "not started".parse::<OnboardingStatus>().unwrap(),
            OnboardingStatus::NotStarted
        );
        assert_eq!(
            "own-website".parse::<Platform>().unwrap(),
            Platform::OwnWebsite
        );
        assert!("trader"
            .parse::<SellerKind>()
            .unwrap_err()
            .to_string()
            .contains("artisan"));
    }

    #[test]
    fn contacts_are_checked() {
        let mut c = Contact {
            phone: Some("+91 98765 43210".into()),
            email: Some("weaver@example.in".into()),
            ..Contact::default()
        };
        assert!(c.validate().is_ok());
        c.phone = Some("12345".into());
        assert_eq!(c.validate().unwrap_err().field(), "phone");
        c.phone = None;
        c.email = Some("no-at-sign".into());
        assert_eq!(c.validate().unwrap_err().field(), "email");
    }

    fn seller(name: &str) -> Seller {
        Seller {
            id: Id::derived("seller", name),
            state: StateCode(9),
            district: DistrictCode(187),
            name: name.into(),
            kind: SellerKind::Weaver,
            contact: Contact::default(),
            gstin: None,
            udyam: None,
            products: vec![],
            onboarding: vec![],
            packaging: PackagingStatus::NotAssessed,
        }
    }

    #[test]
    fn a_phone_is_marked_by_its_last_ten_digits() {
        let mut s = seller("Asha Weavers");
        s.contact.phone = Some("+91 98765-43210".into());
        s.udyam = Some("udyam-up-76-0012345".parse().unwrap());
        let mut t = seller("Asha Weavers SHG");
        t.contact.phone = Some("098765 43210".into());
        assert_eq!(
            s.marks(),
            [
                (SellerMark::Udyam, "UDYAM-UP-76-0012345".to_owned()),
                (SellerMark::Phone, "9876543210".to_owned()),
            ]
        );
        assert_eq!(t.marks(), [(SellerMark::Phone, "9876543210".to_owned())]);
        assert!(seller("No marks").marks().is_empty());
        let mut g = seller("Asha Exports");
        g.gstin = Some(with_check("09AAACA1234A1Z").parse().unwrap());
        assert_eq!(g.marks()[1..], [(SellerMark::Pan, "AAACA1234A".to_owned())]);
    }

    #[test]
    fn absorbing_takes_only_what_the_record_lacks() {
        let (p1, p2) = (Id::derived("product", "1"), Id::derived("product", "2"));
        let mut kept = seller("Asha Weavers");
        kept.contact.phone = Some("9876543210".into());
        kept.products = vec![p1];
        kept.onboarding = vec![Onboarding {
            platform: Platform::Gem,
            status: OnboardingStatus::InProgress,
            listing_url: None,
        }];
        let mut other = seller("Asha Weavers SHG");
        other.contact.phone = Some("9123456789".into());
        other.contact.email = Some("asha@example.in".into());
        other.gstin = Some(
            format!(
                "09AAPFU0939F1Z{}",
                Gstin::check_char(b"09AAPFU0939F1Z").unwrap()
            )
            .parse()
            .unwrap(),
        );
        other.products = vec![p2, p1];
        other.onboarding = vec![
            Onboarding {
                platform: Platform::Gem,
                status: OnboardingStatus::Onboarded,
                listing_url: None,
            },
            Onboarding {
                platform: Platform::Ondc,
                status: OnboardingStatus::Onboarded,
                listing_url: None,
            },
        ];
        other.packaging = PackagingStatus::Needed;
        let taken = kept.absorb(&other);
        assert_eq!(
            taken,
            [
                "contact.email",
                "gstin",
                "products",
                "onboarding",
                "packaging"
            ]
        );
        assert_eq!(kept.name, "Asha Weavers");
        assert_eq!(kept.contact.phone.as_deref(), Some("9876543210"));
        assert_eq!(kept.products, [p1, p2]);
        let statuses: Vec<_> = kept
            .onboarding
            .iter()
            .map(|o| (o.platform, o.status))
            .collect();
        assert_eq!(
            statuses,
            [
                (Platform::Gem, OnboardingStatus::InProgress),
                (Platform::Ondc, OnboardingStatus::Onboarded)
            ]
        );
        assert_eq!(kept.packaging, PackagingStatus::Needed);
        // A second time there is nothing left to take.
        assert!(kept.absorb(&other).is_empty());
    }
}
