//! Interface languages: Dutch (the default), English and Frisian.
//!
//! Strings live in `locales/*.toml`, compiled into the binary. A key missing in one language
//! falls back to Dutch; a unit test keeps the three files in step.

use std::collections::HashMap;
use std::sync::LazyLock;

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    /// Nederlands, the default.
    Nl,
    /// English.
    En,
    /// Frysk.
    Fy,
}

impl Locale {
    /// All languages, in the order the switcher shows them.
    pub const ALL: [Locale; 3] = [Locale::Nl, Locale::En, Locale::Fy];

    /// The BCP 47 tag, used in `lang` attributes, cookies and URLs.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Nl => "nl",
            Locale::En => "en",
            Locale::Fy => "fy",
        }
    }

    /// The language's own name, for the switcher.
    pub fn endonym(self) -> &'static str {
        match self {
            Locale::Nl => "Nederlands",
            Locale::En => "English",
            Locale::Fy => "Frysk",
        }
    }

    /// Parses a tag such as `en`, `en-GB` or `FY-nl`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// Picks the best language from an `Accept-Language` header, honouring q-values.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut offers: Vec<(f32, Locale)> = accept_language
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let locale = Locale::from_tag(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, locale))
            })
            .collect();
        // A stable sort keeps the header's order among equal weights.
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|(_, l)| *l)
    }
}

/// The strings of one language, with Dutch behind it.
pub struct Translations {
    strings: HashMap<String, String>,
    fallback: Option<&'static Translations>,
}

fn load(source: &str, fallback: Option<&'static Translations>) -> Translations {
    let mut strings = HashMap::new();
    // The files are part of the build and checked by tests; a broken file yields keys as text
    // rather than a crash.
    match source.parse::<toml::Table>() {
        Ok(table) => flatten("", &table, &mut strings),
        Err(err) => tracing::error!(%err, "a locale file cannot be read; its keys show as text"),
    }
    Translations { strings, fallback }
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out),
            _ => {}
        }
    }
}

static NL: LazyLock<Translations> =
    LazyLock::new(|| load(include_str!("../locales/nl.toml"), None));
static EN: LazyLock<Translations> =
    LazyLock::new(|| load(include_str!("../locales/en.toml"), Some(&NL)));
static FY: LazyLock<Translations> =
    LazyLock::new(|| load(include_str!("../locales/fy.toml"), Some(&NL)));

impl Translations {
    /// The strings for a language.
    pub fn of(locale: Locale) -> &'static Translations {
        match locale {
            Locale::Nl => &NL,
            Locale::En => &EN,
            Locale::Fy => &FY,
        }
    }

    /// The string for `key`; the key itself when no language has it (visible, never a crash).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        match self.strings.get(key) {
            Some(s) => s,
            None => match self.fallback {
                Some(fallback) => fallback.get(key),
                None => key,
            },
        }
    }

    /// The string for `key` with `{n}` replaced by a number.
    pub fn with_number(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.get(key).replace("{n}", &n.to_string())
    }

    /// Every key this language defines itself.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.strings.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_language_file_reads() {
        for locale in [Locale::Nl, Locale::En, Locale::Fy] {
            let t = Translations::of(locale);
            // A file that does not parse (a key twice, say) would leave only keys as text.
            assert!(t.keys().count() > 500, "{locale:?} has too few strings");
            assert_ne!(t.get("nav.skip"), "nav.skip", "{locale:?}");
        }
    }

    #[test]
    fn all_languages_define_the_same_keys() {
        let nl: BTreeSet<&str> = Translations::of(Locale::Nl).keys().collect();
        assert!(
            nl.len() > 100,
            "the Dutch file should load, found {} keys",
            nl.len()
        );
        for locale in [Locale::En, Locale::Fy] {
            let other: BTreeSet<&str> = Translations::of(locale).keys().collect();
            let missing: Vec<_> = nl.difference(&other).collect();
            let extra: Vec<_> = other.difference(&nl).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
            assert!(
                extra.is_empty(),
                "{} has unknown keys {extra:?}",
                locale.tag()
            );
        }
    }

    #[test]
    fn negotiation_honours_weights_and_falls_back() {
        assert_eq!(
            Locale::negotiate("en-GB,en;q=0.9,nl;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::negotiate("de-DE, nl;q=0.5, en;q=0.7"),
            Some(Locale::En)
        );
        assert_eq!(Locale::negotiate("fy-NL"), Some(Locale::Fy));
        assert_eq!(Locale::negotiate("de, fr"), None);
        assert_eq!(Locale::negotiate("en;q=0, nl"), Some(Locale::Nl));
    }

    #[test]
    fn lookups_fall_back_to_dutch_then_to_the_key() {
        let en = Translations::of(Locale::En);
        assert_eq!(en.get("no.such.key"), "no.such.key");
        assert_ne!(
            en.get("nav.consultations"),
            Translations::of(Locale::Nl).get("nav.consultations")
        );
        assert!(en.with_number("problem.too_long", 150).contains("150"));
    }
}
