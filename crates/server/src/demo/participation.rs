//! The demo's participation: proposals with supports and answers, comment threads with
//! stances, polls with ballots, and moderation at work.

use crate::ServerError;
use chrono::{DateTime, Duration, Utc};
use inspraak_db::{Database, comments, moderation, new_id, polls, proposals};
use inspraak_domain::comment::Stance;
use inspraak_domain::moderation::{ContentKind, ReportReason};
use inspraak_domain::poll::{ResultsVisibility, ValidPoll};
use inspraak_domain::proposal::ValidProposal;
use inspraak_domain::text::markdown_to_safe_html;
use std::collections::HashMap;

/// The demo accounts by username, and the staff ids.
pub struct People {
    /// Every demo account's id by username.
    pub ids: HashMap<&'static str, String>,
    /// The admin.
    pub admin: String,
    /// The moderator.
    pub moderator: String,
}

impl People {
    /// The id of the demo account with this username.
    pub fn id(&self, name: &str) -> Result<&str, ServerError> {
        self.ids
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| ServerError::Demo(format!("no demo account {name}")))
    }
}

struct Seeder<'a> {
    db: &'a Database,
    base: &'a str,
    now: DateTime<Utc>,
}

// Each demo row reads best as one call with all its values in order, like a table row.
#[allow(clippy::too_many_arguments)]
impl Seeder<'_> {
    async fn proposal(
        &self,
        consultation: &str,
        author: &str,
        title: &str,
        summary: &str,
        body: &str,
        tags: &[&str],
        minutes_ago: i64,
    ) -> Result<String, ServerError> {
        let id = new_id();
        let fields = ValidProposal {
            title: title.to_owned(),
            summary: summary.to_owned(),
            body: body.to_owned(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        let new = proposals::NewProposal {
            ap_id: format!("{}/proposals/{id}", self.base),
            id: id.clone(),
            consultation_id: consultation.to_owned(),
            author_id: author.to_owned(),
            body_html: markdown_to_safe_html(body),
            fields,
            pending: false,
        };
        proposals::create(
            &self.db.conn,
            new,
            self.now - Duration::minutes(minutes_ago),
        )
        .await?;
        Ok(id)
    }

    async fn comment(
        &self,
        consultation: &str,
        proposal: Option<&str>,
        parent: Option<(&str, i32)>,
        author: &str,
        stance: Stance,
        body: &str,
        minutes_ago: i64,
    ) -> Result<String, ServerError> {
        let id = new_id();
        let new = comments::NewComment {
            ap_id: format!("{}/comments/{id}", self.base),
            id: id.clone(),
            consultation_id: consultation.to_owned(),
            proposal_id: proposal.map(str::to_owned),
            budget_project_id: None,
            parent_id: parent.map(|(p, _)| p.to_owned()),
            depth: parent.map(|(_, d)| d + 1).unwrap_or(0),
            author_id: author.to_owned(),
            body: body.to_owned(),
            body_html: markdown_to_safe_html(body),
            stance,
            pending: false,
        };
        comments::create(
            &self.db.conn,
            new,
            self.now - Duration::minutes(minutes_ago),
        )
        .await?;
        Ok(id)
    }

    async fn poll(
        &self,
        consultation: &str,
        by: &str,
        question: &str,
        options: &[&str],
        closes_at: DateTime<Utc>,
        results: ResultsVisibility,
    ) -> Result<Vec<String>, ServerError> {
        let id = new_id();
        let valid = ValidPoll {
            question: question.to_owned(),
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            multiple: false,
            closes_at: Some(closes_at),
            results,
        };
        polls::create(
            &self.db.conn,
            id.clone(),
            format!("{}/polls/{id}", self.base),
            consultation,
            valid,
            by,
            self.now,
        )
        .await?;
        let item = polls::find(&self.db.conn, &id).await?;
        let mut out = vec![id];
        out.extend(item.options.into_iter().map(|o| o.id));
        Ok(out)
    }
}

/// Adds the participation to the demo consultations.
pub async fn seed(
    db: &Database,
    base: &str,
    people: &People,
    consultations: &HashMap<&'static str, String>,
    now: DateTime<Utc>,
) -> Result<(), ServerError> {
    let s = Seeder { db, base, now };
    let c = |title: &str| {
        consultations
            .get(title)
            .cloned()
            .ok_or_else(|| ServerError::Demo(format!("no demo consultation {title}")))
    };
    let plein = c("Herinrichting Stationsplein")?;
    let begroting = c("Begroting 2027: waar gaat het geld heen?")?;
    let verkeer = c("Verkeersplan Binnenstad")?;
    let (anna, bram, chantal, dewi, erik) = (
        people.id("anna")?,
        people.id("bram")?,
        people.id("chantal")?,
        people.id("dewi")?,
        people.id("erik")?,
    );
    let (fatima, gerrit, hanna) = (
        people.id("fatima")?,
        people.id("gerrit")?,
        people.id("hanna")?,
    );

    // Proposals on the Stationsplein: one over its threshold with an answer and its history.
    let bomen = s
        .proposal(&plein, anna, "Meer bomen en bankjes op het plein", "Maak van het plein een plek waar je graag even zit, in de schaduw van bomen.", "Het plein is nu een hitte-eiland. Met **vijf grote bomen** en bankjes in de schaduw wordt het een plek om op elkaar te wachten.\n\n- bomen aan de zonkant\n- bankjes met rugleuning, ook voor ouderen", &["groen", "centrum"], 9000)
        .await?;
    for who in [anna, bram, dewi, erik, fatima, gerrit] {
        proposals::add_support(&db.conn, &bomen, who, now - Duration::days(3)).await?;
    }
    let answer = |status: &str, text: &str| proposals::NewAnswer {
        status_key: status.to_owned(),
        markdown: text.to_owned(),
        html: markdown_to_safe_html(text),
        answered_by: people.admin.clone(),
    };
    proposals::answer(&db.conn, &bomen, answer("under_consideration", "Dank voor dit voorstel. De ontwerpers bekijken waar bomen kunnen staan, gezien de kabels en leidingen onder het plein."), now - Duration::days(5)).await?;
    proposals::answer(&db.conn, &bomen, answer("accepted", "Het voorstel is overgenomen: het ontwerp krijgt zes bomen en twaalf bankjes. Lees het [ontwerp](https://example.nl/ontwerp)."), now - Duration::days(1)).await?;

    let fietsen = s
        .proposal(&plein, bram, "Overdekte fietsenstalling bij de ingang", "Een bewaakte, overdekte stalling zodat fietsen niet meer over het plein verspreid staan.", "", &["verkeer", "fiets"], 7000)
        .await?;
    for who in [bram, hanna] {
        proposals::add_support(&db.conn, &fietsen, who, now - Duration::days(2)).await?;
    }
    let water = s
        .proposal(
            &plein,
            chantal,
            "Waterspeelplaats voor kinderen",
            "Fonteintjes in de bestrating waar kinderen in de zomer kunnen spelen.",
            "",
            &["spelen"],
            6000,
        )
        .await?;
    proposals::withdraw(&db.conn, &water, now - Duration::days(2)).await?;

    // A thread with stances on the consultation, and one on a proposal.
    let first = s
        .comment(
            &plein,
            None,
            None,
            dewi,
            Stance::For,
            "Goed dat het plein eindelijk aangepakt wordt. Denk ook aan mensen met een rolstoel.",
            5000,
        )
        .await?;
    let reply = s
        .comment(
            &plein,
            None,
            Some((&first, 0)),
            &people.admin,
            Stance::Neutral,
            "Dank je, Dewi. Toegankelijkheid is een eis in het ontwerp; het adviespanel kijkt mee.",
            4800,
        )
        .await?;
    s.comment(
        &plein,
        None,
        Some((&reply, 1)),
        dewi,
        Stance::For,
        "Fijn om te horen!",
        4700,
    )
    .await?;
    s.comment(
        &plein,
        None,
        None,
        erik,
        Stance::Against,
        "Ik vind het zonde van het geld. Het plein werkt prima zoals het is.",
        4000,
    )
    .await?;
    let rude = s
        .comment(
            &plein,
            None,
            None,
            chantal,
            Stance::Against,
            "Wat een onzin allemaal, die ambtenaren snappen er niks van.",
            3000,
        )
        .await?;
    moderation::decide(
        &db.conn,
        ContentKind::Comment,
        &rude,
        moderation::Decision::Hide("Beledigend taalgebruik; kritiek mag, scheldwoorden niet."),
        &people.moderator,
        now - Duration::hours(20),
    )
    .await?;
    let on_bomen = s
        .comment(
            &plein,
            Some(&bomen),
            None,
            gerrit,
            Stance::For,
            "Bomen graag! In de zomer is het hier niet uit te houden.",
            3500,
        )
        .await?;
    s.comment(
        &plein,
        Some(&bomen),
        Some((&on_bomen, 0)),
        hanna,
        Stance::Neutral,
        "Welke bomen worden het? Geen bomen die veel blad of vruchten laten vallen, hoop ik.",
        3400,
    )
    .await?;
    let doubt = s.comment(&plein, Some(&fietsen), None, fatima, Stance::Against, "Koop gewoon een goed slot, dan heb je geen stalling nodig! Reclame: sloten-shop.example", 2000).await?;
    let spam = moderation::NewReport {
        kind: ContentKind::Comment,
        content_id: &doubt,
        reporter_id: anna,
        reason: ReportReason::Spam,
        note: "Dit is reclame.",
    };
    moderation::report(&db.conn, spam, 3, now - Duration::hours(5)).await?;

    // An open poll with live results, and a closed one with results after closing.
    let open = s
        .poll(
            &begroting,
            &people.admin,
            "Welk project verdient het grootste deel van het budget?",
            &[
                "Buurtmoestuin Oost",
                "Betere straatverlichting",
                "Speeltoestellen Westpark",
                "Bankjes langs de rivier",
            ],
            now + Duration::days(10),
            ResultsVisibility::Live,
        )
        .await?;
    for (who, choice) in [
        (anna, 1),
        (bram, 2),
        (dewi, 1),
        (erik, 3),
        (fatima, 1),
        (gerrit, 2),
    ] {
        polls::cast(
            &db.conn,
            &open[0],
            who,
            &[open[choice].clone()],
            now - Duration::hours(30),
        )
        .await?;
    }
    let closed = s
        .poll(
            &verkeer,
            &people.admin,
            "Moet de Kerkstraat een fietsstraat worden?",
            &["Ja", "Nee", "Geen mening"],
            now - Duration::days(105),
            ResultsVisibility::AfterClosing,
        )
        .await?;
    for (who, choice) in [
        (anna, 1),
        (bram, 1),
        (dewi, 2),
        (erik, 2),
        (fatima, 1),
        (gerrit, 1),
        (hanna, 3),
    ] {
        polls::cast(
            &db.conn,
            &closed[0],
            who,
            &[closed[choice].clone()],
            now - Duration::days(110),
        )
        .await?;
    }
    Ok(())
}
