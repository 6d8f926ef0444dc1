//! The demo's opinion-mapping conversation: eight statements on the Stationsplein and the
//! votes of forty neighbours in three camps (cyclists, drivers, shop owners), with some noise,
//! so the report has groups, representative statements and consensus to show.

use crate::ServerError;
use chrono::{DateTime, Duration, Utc};
use inspraak_db::{Database, conversations, new_id, users};
use inspraak_domain::Role;
use inspraak_domain::conversation::StatementVote;

const STATEMENTS: [&str; 8] = [
    "Het Stationsplein moet autovrij worden.",
    "Er moet een grote, overdekte fietsenstalling komen.",
    "Parkeren bij het station moet gratis blijven.",
    "Er moeten meer bomen en bankjes op het plein.",
    "Winkels aan het plein moeten goed bereikbaar blijven voor leveranciers.",
    "De bus moet dichter bij de ingang van het station stoppen.",
    "Een kiss-and-ride-strook is belangrijker dan een terras.",
    "Het plein moet 's avonds beter verlicht worden.",
];

/// How each camp votes per statement: 1 agree, −1 disagree, 0 pass.
const CAMPS: [[i32; 8]; 3] = [
    [1, 1, -1, 1, 0, 1, -1, 1], // cyclists
    [-1, -1, 1, 1, 1, 0, 1, 1], // drivers
    [-1, 1, 1, 1, 1, -1, 0, 1], // shop owners
];

/// Adds the conversation to the consultation `consultation_id`.
pub async fn seed(
    db: &Database,
    base: &str,
    consultation_id: &str,
    admin_id: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), ServerError> {
    let id = new_id();
    let seeds: Vec<String> = STATEMENTS.iter().map(|s| (*s).to_owned()).collect();
    conversations::create(
        &db.conn,
        conversations::NewConversation {
            ap_id: format!("{base}/conversations/{id}"),
            id: id.clone(),
            consultation_id: consultation_id.to_owned(),
            question: "Hoe moet het nieuwe Stationsplein eruitzien?".into(),
            premoderation: false,
        },
        &seeds,
        admin_id,
        |sid| format!("{base}/statements/{sid}"),
        now,
    )
    .await?;
    let statements = conversations::statements(&db.conn, &id).await?;
    let mut noise: u64 = 0x5EED_0000_2026_1130;
    for n in 0..40u32 {
        let username = format!("buurtbewoner{n:02}");
        let user = users::create(
            &db.conn,
            users::NewUser {
                username: username.clone(),
                display_name: format!("Buurtbewoner {}", n + 1),
                email: None,
                password_hash: password_hash.to_owned(),
                role: Role::Resident,
                ap_id: format!("{base}/users/{username}"),
            },
            now,
        )
        .await?;
        let camp = CAMPS[(n % 3) as usize];
        for (s, statement) in statements.iter().enumerate() {
            // xorshift: a fixed sequence, so every demo looks the same.
            noise ^= noise << 13;
            noise ^= noise >> 7;
            noise ^= noise << 17;
            let mut vote = camp[s];
            match noise % 10 {
                0 => continue,     // did not get to it
                1 => vote = 0,     // passed
                2 => vote = -vote, // thinks otherwise
                _ => {}
            }
            let at = now - Duration::minutes(i64::from(40 - n) * 7 + s as i64);
            let vote = StatementVote::from_value(vote).unwrap_or(StatementVote::Pass);
            conversations::vote(&db.conn, &id, &statement.id, &user.id, vote, at).await?;
        }
    }
    Ok(())
}
