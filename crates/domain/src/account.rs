//! The checks on what people type when they make or change an account.

use crate::validation::Problem;

/// Shortest password; long passphrases beat complexity rules (NIST SP 800-63B).
pub const PASSWORD_MIN: usize = 10;
/// Longest password; bounds the hashing work an attacker can ask for.
pub const PASSWORD_MAX: usize = 256;
/// Longest display name.
pub const DISPLAY_NAME_MAX: usize = 80;

/// Handles the instance uses for its own actors (`@gemeente@host`, …): no account or
/// consultation may take them, or WebFinger could not tell them apart.
pub const RESERVED_NAMES: [&str; 6] = [
    "inspraak",
    "gemeente",
    "provincie",
    "helpdesk",
    "actor",
    "organization",
];

/// Checks a username (3-30 of `a-z`, `0-9`, `_`) and returns it lowercased.
pub fn validate_username(raw: &str) -> Result<String, Problem> {
    let name = raw.trim().to_lowercase();
    let len = name.chars().count();
    if len == 0 {
        return Err(Problem::Required);
    }
    if len < 3 {
        return Err(Problem::TooShort { min: 3 });
    }
    if len > 30 {
        return Err(Problem::TooLong { max: 30 });
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(Problem::InvalidUsername);
    }
    if RESERVED_NAMES.contains(&name.as_str()) {
        return Err(Problem::Taken);
    }
    Ok(name)
}

/// Checks a display name (1-80 characters, no control characters) and returns it trimmed.
pub fn validate_display_name(raw: &str) -> Result<String, Problem> {
    let name = raw.trim();
    let len = name.chars().count();
    if len == 0 {
        return Err(Problem::Required);
    }
    if len > DISPLAY_NAME_MAX {
        return Err(Problem::TooLong {
            max: DISPLAY_NAME_MAX,
        });
    }
    if name.chars().any(char::is_control) {
        return Err(Problem::InvalidUsername);
    }
    Ok(name.to_owned())
}

/// Checks a new password's length and that it was typed the same twice.
pub fn validate_password(password: &str, repeated: &str) -> Result<(), Problem> {
    let len = password.chars().count();
    if len == 0 {
        return Err(Problem::Required);
    }
    if len < PASSWORD_MIN {
        return Err(Problem::TooShort { min: PASSWORD_MIN });
    }
    if len > PASSWORD_MAX {
        return Err(Problem::TooLong { max: PASSWORD_MAX });
    }
    if password != repeated {
        return Err(Problem::PasswordMismatch);
    }
    Ok(())
}

/// Checks an optional e-mail address loosely (something@domain.tld) and returns it trimmed,
/// or `None` when left blank. Real proof of an address is a mail round-trip, not a regex.
pub fn validate_email(raw: &str) -> Result<Option<String>, Problem> {
    let email = raw.trim();
    if email.is_empty() {
        return Ok(None);
    }
    if email.len() > 254 {
        return Err(Problem::TooLong { max: 254 });
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(Some(email.to_owned()))
    } else {
        Err(Problem::InvalidEmail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(validate_username(" Anna_B "), Ok("anna_b".into()));
        assert_eq!(validate_username("ab"), Err(Problem::TooShort { min: 3 }));
        assert_eq!(validate_username("anna b"), Err(Problem::InvalidUsername));
        assert_eq!(validate_username("ännä"), Err(Problem::InvalidUsername));
        assert_eq!(validate_username(""), Err(Problem::Required));
        assert_eq!(
            validate_username("Gemeente"),
            Err(Problem::Taken),
            "reserved for the organization actor"
        );
    }

    #[test]
    fn passwords() {
        assert_eq!(validate_password("correct horse", "correct horse"), Ok(()));
        assert_eq!(
            validate_password("short", "short"),
            Err(Problem::TooShort { min: 10 })
        );
        assert_eq!(
            validate_password("long enough!", "long enough?"),
            Err(Problem::PasswordMismatch)
        );
    }

    #[test]
    fn display_names_and_emails() {
        assert_eq!(
            validate_display_name(" Anna de Vries "),
            Ok("Anna de Vries".into())
        );
        assert_eq!(
            validate_display_name("a\u{7}b"),
            Err(Problem::InvalidUsername)
        );
        assert_eq!(validate_email(""), Ok(None));
        assert_eq!(
            validate_email("anna@example.nl"),
            Ok(Some("anna@example.nl".into()))
        );
        assert_eq!(validate_email("anna@localhost"), Err(Problem::InvalidEmail));
        assert_eq!(
            validate_email("an na@example.nl"),
            Err(Problem::InvalidEmail)
        );
    }
}
