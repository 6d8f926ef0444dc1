//! Demo content: a believable municipality to look around in, with consultations in every
//! state. Dates are relative to today, so the demo is always current.

use crate::ServerError;
use chrono::{Duration, NaiveDate, Utc};
use inspraak_db::consultations::{self, ConsultationSettings, NewConsultation, Visibility};
use participation::People;
use std::collections::HashMap;

mod budget;
mod conversation;
pub mod network;
mod participation;
use inspraak_db::{Database, users, verification};
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_domain::verification::format_code;
use inspraak_domain::{ConsultationInput, Phase, PhaseKind, Role, Timeline, VerificationMethod};
use url::Url;

/// The password of every demo account. Demo instances are for looking around, never for
/// production: the start-up log says so next to this password.
pub const DEMO_PASSWORD: &str = "inspraak-demo";

/// What was created, for the start-up log.
#[derive(Debug, Default)]
pub struct DemoSummary {
    /// Consultations created.
    pub consultations: usize,
    /// Usernames created, with their roles.
    pub accounts: Vec<(String, Role)>,
    /// Unused verification codes to try.
    pub codes: Vec<String>,
}

fn phase(kind: PhaseKind, title: Option<&str>, starts_on: NaiveDate, days: i64) -> Phase {
    Phase {
        kind,
        title: title.map(str::to_owned),
        starts_on,
        ends_on: starts_on + Duration::days(days - 1),
        rules: kind.default_rules(),
    }
}

struct DemoConsultation {
    settings: ConsultationSettings,
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    themes: &'static str,
    publish: bool,
    phases: Vec<Phase>,
}

fn consultations(today: NaiveDate) -> Vec<DemoConsultation> {
    let d = |offset: i64| today + Duration::days(offset);
    vec![
        DemoConsultation {
            settings: ConsultationSettings {
                support_threshold: 5,
                ..Default::default()
            },
            title: "Herinrichting Stationsplein",
            summary: "Het Stationsplein wordt opnieuw ingericht. Wat moet er komen: meer groen, fietsparkeren, een plek om te zitten?",
            body: "## Waarom\n\nHet Stationsplein is de entree van onze gemeente, maar het is er nu vooral **grijs en druk**. In 2027 gaat de schop erin.\n\n## Wat we vragen\n\n- Doe een voorstel voor het plein.\n- Steun de voorstellen die jij goed vindt.\n- Reageer op elkaars ideeën.\n\nVoorstellen met minstens 5 steunbetuigingen neemt het college mee in het ontwerp. Meer informatie staat op [de projectpagina](https://example.nl/stationsplein).",
            themes: "groen, verkeer",
            publish: true,
            phases: vec![
                phase(PhaseKind::Information, None, d(-30), 14),
                phase(
                    PhaseKind::Proposals,
                    Some("Ideeën voor het plein"),
                    d(-16),
                    30,
                ),
                phase(PhaseKind::Voting, None, d(15), 14),
                phase(PhaseKind::Evaluation, None, d(29), 30),
            ],
        },
        DemoConsultation {
            settings: ConsultationSettings::default(),
            title: "Begroting 2027: waar gaat het geld heen?",
            summary: "De gemeenteraad wil weten welke wijkprojecten inwoners het belangrijkst vinden. Stem mee over 250.000 euro.",
            body: "Elk jaar is er **250.000 euro** voor projecten die inwoners zelf kiezen. Dit jaar staan er zeven projecten op de lijst, van een buurtmoestuin tot betere straatverlichting.\n\nJe kunt stemmen tot het einde van de stemfase. De uitslag is bindend voor de verdeling van het budget.",
            themes: "begroting",
            publish: true,
            phases: vec![
                phase(PhaseKind::Proposals, Some("Projecten indienen"), d(-45), 30),
                phase(PhaseKind::Budgeting, None, d(-10), 21),
                phase(
                    PhaseKind::Evaluation,
                    Some("Uitslag en uitvoering"),
                    d(11),
                    60,
                ),
            ],
        },
        DemoConsultation {
            settings: ConsultationSettings::default(),
            title: "Nieuw speelplein Oosterpark",
            summary: "In het Oosterpark komt een nieuw speelplein. Kinderen en ouders denken mee over het ontwerp.",
            body: "Het oude speelplein in het Oosterpark is versleten. Samen met kinderen uit de buurt, ouders en de speeltuinvereniging maken we een nieuw ontwerp.\n\nIn de informatiefase laten we zien wat er kan binnen het budget en de regels voor veilige speeltoestellen.",
            themes: "spelen, groen",
            publish: true,
            phases: vec![
                phase(PhaseKind::Information, None, d(14), 14),
                phase(PhaseKind::Proposals, None, d(28), 28),
                phase(PhaseKind::Voting, None, d(56), 14),
            ],
        },
        DemoConsultation {
            settings: ConsultationSettings::default(),
            title: "Verkeersplan Binnenstad",
            summary: "Hoe houden we de binnenstad bereikbaar, veilig en leefbaar? Het plan is vastgesteld; lees hier hoe jouw inbreng is gebruikt.",
            body: "Ruim 1.200 inwoners deden mee aan het verkeersplan. De gemeenteraad stelde het plan vast op basis van hun inbreng.\n\n### Wat er verandert\n\n1. De Kerkstraat wordt fietsstraat.\n2. Er komt een 30 km-zone in de hele binnenstad.\n3. Laden en lossen alleen tussen 7 en 11 uur.",
            themes: "verkeer",
            publish: true,
            phases: vec![
                phase(PhaseKind::Information, None, d(-200), 30),
                phase(PhaseKind::Proposals, None, d(-170), 45),
                phase(PhaseKind::Voting, None, d(-125), 21),
                phase(
                    PhaseKind::Evaluation,
                    Some("Besluit van de raad"),
                    d(-104),
                    60,
                ),
            ],
        },
        DemoConsultation {
            settings: ConsultationSettings::default(),
            title: "Klimaatadaptatie Noordwijk",
            summary: "Hoe bereiden we de wijk Noordwijk voor op hoosbuien en hitte? (Concept, nog niet gepubliceerd.)",
            body: "Dit traject is nog in voorbereiding.",
            themes: "wonen",
            publish: false,
            phases: vec![phase(PhaseKind::Information, None, d(40), 21)],
        },
    ]
}

/// Fills an empty database with the demo municipality; does nothing when consultations exist.
pub async fn seed(db: &Database, public_url: &Url) -> Result<Option<DemoSummary>, ServerError> {
    if consultations::count(&db.conn, Visibility::All).await? > 0 {
        return Ok(None);
    }
    let now = Utc::now();
    let today = inspraak_app::clock::today();
    let base = public_url.as_str().trim_end_matches('/');
    let mut summary = DemoSummary::default();

    let password_hash = inspraak_app::password::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| ServerError::Demo(e.to_string()))?;
    let people = [
        ("beheerder", "Team Participatie", Role::Admin, None),
        ("moderator", "Moderator Voorbeeld", Role::Moderator, None),
        (
            "anna",
            "Anna de Vries",
            Role::Resident,
            Some(VerificationMethod::LetterCode),
        ),
        (
            "bram",
            "Bram Jansen",
            Role::Resident,
            Some(VerificationMethod::Manual),
        ),
        ("chantal", "Chantal Bakker", Role::Resident, None),
        (
            "dewi",
            "Dewi Pranoto",
            Role::Resident,
            Some(VerificationMethod::Manual),
        ),
        (
            "erik",
            "Erik Visser",
            Role::Resident,
            Some(VerificationMethod::LetterCode),
        ),
        (
            "fatima",
            "Fatima el Amrani",
            Role::Resident,
            Some(VerificationMethod::LetterCode),
        ),
        (
            "gerrit",
            "Gerrit Hoekstra",
            Role::Resident,
            Some(VerificationMethod::Manual),
        ),
        (
            "hanna",
            "Hanna Smit",
            Role::Resident,
            Some(VerificationMethod::LetterCode),
        ),
    ];
    let mut admin_id = String::new();
    let mut moderator_id = String::new();
    let mut user_ids: HashMap<&'static str, String> = HashMap::new();
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    for (username, display_name, role, verified) in people {
        let user = users::create(
            &db.conn,
            users::NewUser {
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                email: None,
                password_hash: password_hash.clone(),
                role,
                ap_id: format!("{base}/users/{username}"),
            },
            now,
        )
        .await?;
        if role == Role::Admin {
            admin_id = user.id.clone();
        }
        if role == Role::Moderator {
            moderator_id = user.id.clone();
        }
        user_ids.insert(username, user.id.clone());
        if let Some(method) = verified {
            let by = (method == VerificationMethod::Manual).then_some(admin_id.as_str());
            users::mark_verified(&db.conn, &user.id, method, by, now).await?;
        }
        summary.accounts.push((username.to_owned(), role));
    }

    // Lists show the newest first: create in reverse so the demo reads top-down as written.
    for demo in consultations(today).into_iter().rev() {
        let input = ConsultationInput {
            slug: String::new(),
            title: demo.title.to_owned(),
            summary: demo.summary.to_owned(),
            body: demo.body.to_owned(),
            themes: demo.themes.to_owned(),
        };
        let fields = input
            .validate()
            .map_err(|e| ServerError::Demo(format!("{}: {e}", demo.title)))?;
        let timeline = Timeline::new(demo.phases)
            .map_err(|e| ServerError::Demo(format!("{}: {e}", demo.title)))?;
        let new = NewConsultation {
            body_html: markdown_to_safe_html(&fields.body),
            ap_id: format!("{base}/consultations/{}", fields.slug),
            created_by: admin_id.clone(),
            publish: demo.publish,
            settings: demo.settings,
            fields,
            timeline,
            derived_from: None,
            ancestry: Vec::new(),
        };
        let created = consultations::create(&db.conn, new, now).await?;
        ids.insert(demo.title, created.id);
        summary.consultations += 1;
    }
    let people = People {
        ids: user_ids,
        admin: admin_id.clone(),
        moderator: moderator_id,
    };
    participation::seed(db, base, &people, &ids, now).await?;
    if let (Some(begroting), Some(finished)) = (
        ids.get("Begroting 2027: waar gaat het geld heen?"),
        ids.get("Verkeersplan Binnenstad"),
    ) {
        budget::seed(db, base, &people, begroting, finished, now).await?;
    }
    if let Some(stationsplein) = ids.get("Herinrichting Stationsplein") {
        conversation::seed(db, base, stationsplein, &admin_id, &password_hash, now).await?;
    }

    let mut hashes = Vec::new();
    for _ in 0..5 {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| ServerError::Demo(format!("no randomness: {e}")))?;
        let code = format_code(&random);
        hashes.push(inspraak_app::secrets::sha256_hex(&code.replace('-', "")));
        summary.codes.push(code);
    }
    verification::create_batch(
        &db.conn,
        hashes,
        "Demobrief",
        None,
        &admin_id,
        now,
        now + Duration::days(90),
    )
    .await?;
    Ok(Some(summary))
}
