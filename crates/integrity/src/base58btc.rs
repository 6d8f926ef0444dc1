//! Base58 with the Bitcoin alphabet, as multibase prefix `z` uses it (draft-msporny-base58).
//!
//! Written here rather than pulled in: it is twenty lines of big-number arithmetic, and the
//! inputs are tiny (keys of 34 and 35 bytes, signatures of 64), so the quadratic method is fine.

use thiserror::Error;

/// The 58 characters, in value order: no `0`, `O`, `I` or `l`.
const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Longest text [`decode`] accepts; the work is quadratic, so a hostile string is cut short.
pub const MAX_ENCODED_LEN: usize = 1024;

/// Why a string is not base58btc.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Base58Error {
    /// A character outside the alphabet, with its byte offset.
    #[error("character {character:?} at offset {offset} is not in the base58btc alphabet")]
    BadCharacter {
        /// The offending character.
        character: char,
        /// Its byte offset in the input.
        offset: usize,
    },
    /// The text is longer than [`MAX_ENCODED_LEN`].
    #[error("base58btc text of {0} characters is too long")]
    TooLong(usize),
}

/// Encodes bytes as base58btc (without the multibase `z`).
pub fn encode(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    // Little-endian base-58 digits of the number the remaining bytes spell.
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
    for &byte in &bytes[zeros..] {
        let mut carry = u32::from(byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out = String::with_capacity(zeros + digits.len());
    // Each leading zero byte is written as the zero digit, `1`.
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(
        digits
            .iter()
            .rev()
            .map(|&d| char::from(ALPHABET[usize::from(d)])),
    );
    out
}

/// Decodes base58btc text (without the multibase `z`) to bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, Base58Error> {
    if text.len() > MAX_ENCODED_LEN {
        return Err(Base58Error::TooLong(text.len()));
    }
    let zeros = text.bytes().take_while(|&b| b == b'1').count();
    // Little-endian bytes of the number.
    let mut bytes: Vec<u8> = Vec::with_capacity(text.len());
    for (offset, character) in text.char_indices().skip(zeros) {
        let value = u8::try_from(character)
            .ok()
            .and_then(|c| ALPHABET.iter().position(|&a| a == c))
            .ok_or(Base58Error::BadCharacter { character, offset })?;
        let mut carry = value as u32;
        for byte in &mut bytes {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let mut out = vec![0u8; zeros];
    out.extend(bytes.iter().rev());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        // Vectors from draft-msporny-base58 and the Bitcoin wiki.
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
            (
                b"The quick brown fox jumps over the lazy dog.",
                "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
            ),
            (&[0, 0, 0x28, 0x7f, 0xb4, 0xcd], "11233QC4"),
            (&[0], "1"),
        ];
        for (bytes, text) in cases {
            assert_eq!(encode(bytes), *text);
            assert_eq!(decode(text).as_deref(), Ok(*bytes));
        }
    }

    #[test]
    fn refuses_characters_outside_the_alphabet() {
        for bad in ["0", "O", "I", "l", "+", "é"] {
            let text = format!("2NEp{bad}");
            assert!(
                matches!(
                    decode(&text),
                    Err(Base58Error::BadCharacter { offset: 4, .. })
                ),
                "{text}"
            );
        }
        assert_eq!(
            decode(&"2".repeat(MAX_ENCODED_LEN + 1)),
            Err(Base58Error::TooLong(MAX_ENCODED_LEN + 1))
        );
    }

    #[test]
    fn random_bytes_round_trip() {
        // A fixed pseudo-random walk over lengths and leading zeros.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for len in 0..80 {
            let bytes: Vec<u8> = (0..len)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    if i < len % 4 { 0 } else { state as u8 }
                })
                .collect();
            assert_eq!(decode(&encode(&bytes)), Ok(bytes));
        }
    }
}
