//! RFC 8785 JSON Canonicalization Scheme (JCS): one exact text for a JSON value, so that two
//! parties hash the same bytes.
//!
//! - Objects: members sorted by their names' UTF-16 code units, no whitespace.
//! - Strings: as ECMAScript `JSON.stringify` writes them: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
//!   `\t`, other controls below U+0020 as `\u00xx` (lower-case hex), everything else literally.
//! - Numbers: as ECMAScript `Number.prototype.toString` writes an IEEE 754 double.
//!   * Integers that serde_json holds as `i64`/`u64` are written exactly when
//!     |n| ≤ 2^53; larger ones are refused ([`JcsError::IntegerOutOfRange`]), because a double
//!     cannot hold them and ECMAScript would silently write another number.
//!   * Other numbers (parsed from text with a fraction or exponent) follow the ECMAScript rules in
//!     full, including the exponent form (`1e+21`, `1e-7`); the shortest round-trip digits come
//!     from Rust's float formatting. Note that serde_json's own text-to-double parsing may be off
//!     by one unit in the last place unless its `float_roundtrip` feature is on, so documents that
//!     must verify elsewhere should keep to integers (ours do).
//!
//! serde_json keeps only the last of duplicate member names; RFC 8785 inputs must not have any.

use serde_json::{Map, Number, Value};
use thiserror::Error;

/// 2^53: the largest integer below which every integer is an exact IEEE 754 double.
pub const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JcsError {
    /// An integer beyond ±2^53, which an IEEE 754 double (and so JCS) cannot hold exactly.
    #[error("the integer {0} is beyond ±2^53 and has no exact JSON canonical form")]
    IntegerOutOfRange(String),
    /// A number that is not finite (serde_json never makes one, but a caller's `Number` might).
    #[error("the number {0} is not finite")]
    NotFinite(String),
}

/// The canonical (RFC 8785) text of `value`.
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), JcsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&number(n)?),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(members) => write_object(out, members)?,
    }
    Ok(())
}

fn write_object(out: &mut String, members: &Map<String, Value>) -> Result<(), JcsError> {
    let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
    // UTF-16 order differs from Rust's (UTF-8, code point) order for characters above U+FFFF
    // against U+E000..U+FFFF, e.g. an emoji sorts before U+FB33 here.
    sorted.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        write_value(out, value)?;
    }
    out.push('}');
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn number(n: &Number) -> Result<String, JcsError> {
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_EXACT_INTEGER {
            return Err(JcsError::IntegerOutOfRange(i.to_string()));
        }
        return Ok(i.to_string());
    }
    if let Some(u) = n.as_u64() {
        if u > MAX_EXACT_INTEGER {
            return Err(JcsError::IntegerOutOfRange(u.to_string()));
        }
        return Ok(u.to_string());
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(ecmascript_number(f)),
        _ => Err(JcsError::NotFinite(n.to_string())),
    }
}

/// ECMAScript's Number::toString(x) for a finite double (ECMA-262, 6.1.6.1.20).
fn ecmascript_number(x: f64) -> String {
    if x == 0.0 {
        // Both zeros are "0".
        return "0".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // `{:e}` gives the shortest digits that round-trip, as "d.ddde-7" or "de21".
    let scientific = format!("{:e}", x.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    prefer_even_on_a_tie(x.abs(), &mut digits);
    // ECMAScript's k (number of digits) and n (the decimal point's position).
    let k = digits.len() as i32;
    let n = exponent + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e_sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{e_sign}{}", e.abs())
        }
    };
    format!("{sign}{body}")
}

/// ECMAScript wants, of two shortest digit strings equally near `x`, the even one; Rust's
/// shortest formatting may give the odd one (RFC 8785's 1424953923781206.25 case).
fn prefer_even_on_a_tie(x: f64, digits: &mut String) {
    let Some(last) = digits.bytes().last() else {
        return;
    };
    // A double's exact decimal expansion has at most 767 significant digits.
    let exact = format!("{x:.800e}");
    let exact: Vec<u8> = exact
        .split_once('e')
        .map_or(exact.as_str(), |(m, _)| m)
        .bytes()
        .filter(u8::is_ascii_digit)
        .collect();
    let k = digits.len();
    let halfway = exact.get(k) == Some(&b'5') && exact[k + 1..].iter().all(|&d| d == b'0');
    if !halfway || last % 2 == 0 {
        return;
    }
    // On a tie the candidates are the truncation T and T + 1 (T cannot end in 9 when k is
    // the shortest length, since T + 1 would then be shorter).
    let truncated = &exact[..k];
    if digits.as_bytes() == truncated {
        if last != b'9' {
            digits.pop();
            digits.push(char::from(last + 1));
        }
    } else {
        *digits = String::from_utf8_lossy(truncated).into_owned();
    }
}

#[cfg(test)]
mod tests;
