//! `inspraak demo network`: four demo instances in one process, federating over loopback in
//! test mode: two municipalities, a province with a deal both belong to (and a proposal of
//! A forwarded to it, waiting in its queue), and the national
//! helpdesk that follows all three. Municipality B has reused one of A's open consultations
//! and published its copy, so the reuse shows on both sides, on the deal's graph and in the
//! helpdesk's catalogue.

use super::DEMO_PASSWORD;
use crate::config::{Config, Settings};
use crate::{Instance, ServerError};
use inspraak_app::deals::{self, DealInput, Decision};
use inspraak_app::templates::{self, Placement};
use inspraak_app::{App, Caller, federation_admin, memberships};
use inspraak_db::entity::user;
use inspraak_db::users::{self, NewUser};
use inspraak_domain::Role;
use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

/// One instance of the network.
struct Member {
    name: &'static str,
    folder: &'static str,
    kind: &'static str,
    port: u16,
}

impl Member {
    fn url(&self) -> String {
        format!("http://localhost:{}", self.port)
    }
}

fn members(base_port: u16) -> [Member; 4] {
    [
        Member {
            name: "Gemeente A",
            folder: "gemeente-a",
            kind: "municipality",
            port: base_port,
        },
        Member {
            name: "Gemeente B",
            folder: "gemeente-b",
            kind: "municipality",
            port: base_port + 1,
        },
        Member {
            name: "Provincie Zuid-Holland",
            folder: "provincie",
            kind: "province",
            port: base_port + 2,
        },
        Member {
            name: "Landelijke Helpdesk Participatie",
            folder: "helpdesk",
            kind: "helpdesk",
            port: base_port + 3,
        },
    ]
}

/// The settings of one instance: its own port, URL, SQLite file and data folder.
fn settings_for(member: &Member, data_dir: &Path) -> Result<Settings, ServerError> {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("INSPRAAK_LISTEN", format!("127.0.0.1:{}", member.port));
    env.insert("INSPRAAK_PUBLIC_URL", member.url());
    env.insert(
        "INSPRAAK_DATA_DIR",
        data_dir.join(member.folder).display().to_string(),
    );
    env.insert("DATABASE_URL", String::new());
    env.insert("INSPRAAK_INSTANCE_NAME", member.name.to_owned());
    env.insert("INSPRAAK_INSTANCE_KIND", member.kind.to_owned());
    env.insert("INSPRAAK_FEDERATION_TEST_MODE", "true".to_owned());
    Ok(Config::load(None, |k| env.get(k).cloned())?)
}

/// The demo admin of an instance, made when missing (provinces and the helpdesk get no
/// municipality demo content, only their admin).
async fn admin_of(app: &App, base: &str) -> Result<user::Model, ServerError> {
    if let Some(admin) = users::find_local_by_username(app.conn(), "beheerder").await? {
        return Ok(admin);
    }
    let hash = inspraak_app::password::hash_password(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| ServerError::Demo(e.to_string()))?;
    let new = NewUser {
        username: "beheerder".into(),
        display_name: "Team Participatie".into(),
        email: None,
        password_hash: hash,
        role: Role::Admin,
        ap_id: format!("{base}/users/beheerder"),
    };
    Ok(users::create(app.conn(), new, chrono::Utc::now()).await?)
}

fn demo_error(step: &str) -> impl Fn(inspraak_app::AppError) -> ServerError + '_ {
    move |err| ServerError::Demo(format!("{step}: {}", inspraak_app::chain(&err)))
}

/// Polls `check` every 200 ms for up to 30 s.
async fn until<F, Fut>(what: &str, mut check: F) -> Result<(), ServerError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(ServerError::Demo(format!("timed out waiting until {what}")))
}

/// Runs the four instances until Ctrl-C; the first run fills them with the network's demo
/// content, later runs keep what is there.
pub async fn run(data_dir: &Path, base_port: u16) -> Result<(), ServerError> {
    let members = members(base_port);
    let mut apps = Vec::new();
    let mut servers = Vec::new();
    let (stop, _) = tokio::sync::broadcast::channel::<()>(1);
    for member in &members {
        let settings = settings_for(member, data_dir)?;
        let instance = Instance::build(&settings).await?;
        if member.kind == "municipality" {
            super::seed(instance.database(), &settings.public_url).await?;
        }
        apps.push(instance.app().clone());
        let mut stopped = stop.subscribe();
        servers.push(tokio::spawn(instance.run_until(async move {
            let _ = stopped.recv().await;
        })));
    }
    let [a, b, p, h] = [&apps[0], &apps[1], &apps[2], &apps[3]];
    let admins = [
        admin_of(a, &members[0].url()).await?,
        admin_of(b, &members[1].url()).await?,
        admin_of(p, &members[2].url()).await?,
        admin_of(h, &members[3].url()).await?,
    ];
    if inspraak_db::deals::list(p.conn()).await?.is_empty() {
        connect(&apps, &admins, &members).await?;
    }
    print_guide(&apps, &admins, &members).await?;
    crate::shutdown_signal().await;
    let _ = stop.send(());
    for server in servers {
        if let Ok(Err(err)) = server.await {
            tracing::warn!(%err, "an instance stopped with an error");
        }
    }
    Ok(())
}

/// The network's first run: the deal and its members, a reuse from A to B, the helpdesk
/// following everyone.
async fn connect(
    apps: &[App],
    admins: &[user::Model; 4],
    members: &[Member; 4],
) -> Result<(), ServerError> {
    let caller = |i: usize| Caller::new(Some(&admins[i]));
    let (a, b, p, h) = (&apps[0], &apps[1], &apps[2], &apps[3]);
    let input = DealInput {
        name: "Provinciedeal Participatie Zuid-Holland".into(),
        slug: "participatie-zh".into(),
        summary: "Gemeenten in Zuid-Holland leren van elkaars inspraaktrajecten.".into(),
    };
    let deal = deals::create(p, caller(2), &input)
        .await
        .map_err(demo_error("deal"))?;
    let deal_url = format!("{}/deals/{}", members[2].url(), deal.slug);
    for (i, app) in [(0, a), (1, b)] {
        memberships::apply(app, caller(i), &deal_url)
            .await
            .map_err(demo_error("apply"))?;
    }
    until("both applications arrived", || async {
        inspraak_db::deals::members(p.conn(), &deal.id)
            .await
            .is_ok_and(|m| m.len() == 2)
    })
    .await?;
    for member in inspraak_db::deals::members(p.conn(), &deal.id).await? {
        deals::decide(p, caller(2), &deal.id, &member.id, Decision::Accept)
            .await
            .map_err(demo_error("accept"))?;
    }
    // B reuses A's open consultation about the station square and publishes its copy.
    let template = templates::export(a, caller(0), "herinrichting-stationsplein")
        .await
        .map_err(demo_error("template"))?;
    let placement = Placement {
        starts_on: inspraak_app::clock::today().format("%Y-%m-%d").to_string(),
        slug: "stationsplein-b".into(),
    };
    let copy = templates::import(b, caller(1), template, placement)
        .await
        .map_err(demo_error("reuse"))?;
    let copy_id = inspraak_domain::ids::ConsultationId::from(copy.id.clone());
    inspraak_app::consultations::set_published(b, caller(1), &copy_id, true)
        .await
        .map_err(demo_error("publish the copy"))?;
    for member in &members[..3] {
        federation_admin::follow(h, caller(3), &format!("{}/organization", member.url()))
            .await
            .map_err(demo_error("helpdesk follow"))?;
    }
    until("both members are accepted", || async {
        let mut accepted = 0;
        for app in [a, b] {
            accepted += inspraak_db::memberships::accepted(app.conn())
                .await
                .map_or(0, |m| m.len());
        }
        accepted == 2
    })
    .await?;
    // Before the figures: the browser tests start once the deal counts both members.
    forward_to_province(a, caller(0), p, &members[2]).await?;
    for app in [a, b] {
        memberships::send_changed_figures(app)
            .await
            .map_err(demo_error("figures"))?;
    }
    joint_vote(apps, admins, &deal.id).await
}

/// A joint vote of the deal, open for a week: B takes part in the consultation with a poll,
/// A's invitation waits for its admin.
async fn joint_vote(
    apps: &[App],
    admins: &[user::Model; 4],
    deal_id: &str,
) -> Result<(), ServerError> {
    let caller = |i: usize| Caller::new(Some(&admins[i]));
    let (b, p) = (&apps[1], &apps[2]);
    let form = inspraak_app::joint_votes::JointVoteForm {
        question: "Komt er één regionale OV-pas voor jongeren?".into(),
        options: "Ja\nNee\nWeet ik niet".into(),
        multiple: false,
        closes_at: (chrono::Utc::now() + chrono::Duration::days(7)).to_rfc3339(),
    };
    inspraak_app::joint_votes::create(p, caller(2), deal_id, form)
        .await
        .map_err(demo_error("joint vote"))?;
    until("both members are invited", || async {
        let mut invited = 0;
        for app in &apps[..2] {
            invited += inspraak_db::joint_votes::invites(app.conn())
                .await
                .map_or(0, |i| i.len());
        }
        invited == 2
    })
    .await?;
    let invite = inspraak_db::joint_votes::invites(b.conn()).await?;
    let consultation = inspraak_db::consultations::find_with_phases(
        b.conn(),
        "begroting-2027-waar-gaat-het-geld-heen",
    )
    .await?;
    if let Some(invite) = invite.first() {
        let id = inspraak_domain::ids::ConsultationId::from(consultation.consultation.id);
        inspraak_app::joint_votes::take_part(b, caller(1), &invite.id, &id)
            .await
            .map_err(demo_error("take part"))?;
    }
    Ok(())
}

/// A forwards its most recent published stationsplein proposal to the province, which
/// keeps it in its queue (`/admin/forwards`) for staff to accept or decline.
async fn forward_to_province(
    a: &App,
    staff: Caller<'_>,
    p: &App,
    province: &Member,
) -> Result<(), ServerError> {
    let square =
        inspraak_db::consultations::find_with_phases(a.conn(), "herinrichting-stationsplein")
            .await?;
    let proposals =
        inspraak_db::proposals::list_for_consultation(a.conn(), &square.consultation.id).await?;
    let Some(first) = proposals.iter().find(|x| x.state == "published") else {
        return Ok(());
    };
    inspraak_app::forwarding::forward(
        a,
        staff,
        &first.id,
        &format!("{}/organization", province.url()),
        "De provincie beheert de weg naar het station; wilt u dit voorstel meenemen?",
    )
    .await
    .map_err(demo_error("forward"))?;
    until("the province received the forward", || async {
        inspraak_db::forwards::list(p.conn(), inspraak_domain::forward::Direction::Received)
            .await
            .is_ok_and(|f| !f.is_empty())
    })
    .await
}

/// Logs each instance's URL, the demo accounts, and API tokens for the municipalities.
async fn print_guide(
    apps: &[App],
    admins: &[user::Model; 4],
    members: &[Member; 4],
) -> Result<(), ServerError> {
    for (i, member) in members.iter().enumerate() {
        tracing::info!(url = %member.url(), kind = member.kind, "{} is running", member.name);
        if member.kind != "municipality" {
            continue;
        }
        let app = &apps[i];
        let admin_token = inspraak_app::accounts::create_token(
            app,
            Caller::new(Some(&admins[i])),
            "demo network",
        )
        .await
        .map_err(demo_error("token"))?;
        let resident = users::find_local_by_username(app.conn(), "anna")
            .await?
            .ok_or_else(|| ServerError::Demo("the demo resident is missing".into()))?;
        let resident_token =
            inspraak_app::accounts::create_token(app, Caller::new(Some(&resident)), "demo network")
                .await
                .map_err(demo_error("token"))?;
        tracing::info!(
            admin_token,
            resident_token,
            "API tokens for {} (admin beheerder, resident anna)",
            member.name
        );
    }
    tracing::warn!(
        password = DEMO_PASSWORD,
        "DEMO network: log in as beheerder on every instance (and anna, bram, chantal on the municipalities) with this password; never run a demo in production"
    );
    tracing::info!(
        dashboard = %format!("{}/deals/participatie-zh", members[2].url()),
        catalogue = %format!("{}/catalogue", members[3].url()),
        reuse = %format!("{}/consultations/herinrichting-stationsplein", members[0].url()),
        "Try these"
    );
    Ok(())
}
