//! Proving that an account belongs to a resident of the municipality.
//!
//! Methods are pluggable: each is named here and stored with the account, so a later method
//! (DigiD, eHerkenning, a Yivi credential) adds a variant and its own flow without touching the
//! rules that ask "is this a verified resident?".

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How an account was verified as a resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// A one-time code the municipality printed on a letter to the resident's address.
    LetterCode,
    /// An admin checked the resident in person or on paper.
    Manual,
}

impl VerificationMethod {
    /// All methods this build knows.
    pub const ALL: [VerificationMethod; 2] =
        [VerificationMethod::LetterCode, VerificationMethod::Manual];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationMethod::LetterCode => "letter_code",
            VerificationMethod::Manual => "manual",
        }
    }
}

impl FromStr for VerificationMethod {
    type Err = crate::Problem;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(crate::Problem::UnknownChoice)
    }
}

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read off paper is hard to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Number of symbols in a code: 12 × 5 bits = 60 bits, beyond guessing under a rate limit.
pub const CODE_SYMBOLS: usize = 12;

/// Formats random bytes (at least 8) as a code like `7KQ2-M9XD-4RTB`.
pub fn format_code(random: &[u8; 8]) -> String {
    let mut bits = u64::from_be_bytes(*random);
    let mut symbols = Vec::with_capacity(CODE_SYMBOLS);
    for _ in 0..CODE_SYMBOLS {
        symbols.push(ALPHABET[(bits & 31) as usize] as char);
        bits >>= 5;
    }
    symbols
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Normalises a typed code the Crockford way: case-insensitive, dashes and spaces ignored,
/// O read as 0 and I/L as 1. Returns `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_SYMBOLS);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c if ALPHABET.contains(&(c as u8)) && c.is_ascii() => c,
            _ => return None,
        };
        code.push(c);
    }
    (code.len() == CODE_SYMBOLS).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_typos_are_forgiven() {
        let code = format_code(&[0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67]);
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        let compact = code.replace('-', "");
        assert_eq!(normalize_code(&code.to_lowercase()), Some(compact.clone()));
        assert_eq!(
            normalize_code(&format!(" {} ", code.replace('-', " "))),
            Some(compact)
        );
        assert_eq!(
            normalize_code("OIL0-0000-0000"),
            Some("011000000000".into())
        );
        assert_eq!(normalize_code("too-short"), None);
        assert_eq!(normalize_code("UUUU-UUUU-UUUU"), None);
    }

    #[test]
    fn different_bytes_give_different_codes() {
        assert_ne!(format_code(&[0; 8]), format_code(&[0, 0, 0, 0, 0, 0, 0, 1]));
    }
}
