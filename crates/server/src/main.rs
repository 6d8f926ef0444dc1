//! `inspraak`: run a participation platform instance, migrate its database, manage admins.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use inspraak_server::config::{Config, Settings};
use inspraak_server::{Instance, demo, open_database, shutdown_signal};
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "inspraak",
    version,
    about = "Inspraak: a federated participation platform for local government"
)]
struct Cli {
    /// A TOML file with settings that override the built-in defaults (config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the instance (migrations run first).
    Serve {
        /// Fill an empty database with a demo municipality.
        #[arg(long)]
        demo: bool,
    },
    /// Demo setups (never in production).
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Participatory-budgeting tools.
    Budget {
        #[command(subcommand)]
        command: BudgetCommand,
    },
    /// Joint-vote tallies.
    Tally {
        #[command(subcommand)]
        command: TallyCommand,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Opinion-mapping tools for analysts.
    Conversation {
        #[command(subcommand)]
        command: ConversationCommand,
    },
}

#[derive(Subcommand)]
enum BudgetCommand {
    /// Print the projects a Pabulib `.pb` file's budget funds.
    Outcome {
        /// The `.pb` file.
        file: PathBuf,
        /// `greedy`, `greedy-no-skip`, `equal-shares` or `equal-shares-comparison`; without
        /// it, the file's own `rule`.
        #[arg(long)]
        rule: Option<String>,
        /// Print JSON: `{"selected": [...], "cost": N, "budget": N, "rule": "..."}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TallyCommand {
    /// Check a member's signed tally (FEP-8b32, eddsa-jcs-2022) offline. FILE is a tally with a
    /// `proof`, or an organizer's bundle `{"tally": ..., "key": {Multikey}}`. Exits 0 when
    /// valid, 1 when not (the reason on standard error), 2 when the file cannot be read.
    Verify {
        /// The JSON file.
        file: PathBuf,
        /// The member's Ed25519 key, `z6Mk...`; needed for a bare tally, and overrides (skips
        /// the id and controller checks of) a bundle's key.
        #[arg(long, value_name = "MULTIBASE")]
        public_key: Option<String>,
        /// Print JSON: `{"valid", "reason", "attributedTo", "voters", ...}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Four federating demo instances in one process: gemeente-a on the base port, gemeente-b
    /// on +1, a province on +2 and the helpdesk on +3, each with its own SQLite file in the
    /// data folder, in federation test mode.
    Network {
        /// The first port.
        #[arg(long, default_value_t = 8080)]
        base_port: u16,
    },
}

#[derive(Subcommand)]
enum ConversationCommand {
    /// Analyse a conversation in the pol.is openData format (a folder with comments.csv,
    /// participants-votes.csv and, when present, votes.csv).
    Analyze {
        /// The folder.
        dir: PathBuf,
        /// Print JSON: each participant's group, representative and consensus statements,
        /// group-aware consensus per comment.
        #[arg(long)]
        json: bool,
        /// Replay votes.csv in updates of this many seconds, as pol.is computed it while votes
        /// came in (0: one update of everything).
        #[arg(long, default_value_t = 600)]
        tick_seconds: u64,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator. The password is read from standard input (one line), or from
    /// INSPRAAK_ADMIN_PASSWORD, never from the command line where `ps` would show it.
    Create {
        /// Log-in name: 3-30 of a-z, 0-9 and _.
        #[arg(long)]
        username: String,
        /// Public name, e.g. "Team Participatie".
        #[arg(long)]
        display_name: String,
        /// Optional e-mail address.
        #[arg(long)]
        email: Option<String>,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("INSPRAAK_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
            }),
        )
        .init();
    if let Command::Conversation {
        command:
            ConversationCommand::Analyze {
                dir,
                json,
                tick_seconds,
            },
    } = &cli.command
    {
        match inspraak_server::conversation::analyze_dir(dir, *json, *tick_seconds) {
            Ok(output) => {
                println!("{output}");
                return Ok(());
            }
            Err(err) => {
                eprintln!("inspraak: {err}");
                std::process::exit(2);
            }
        }
    }
    if let Command::Budget {
        command: BudgetCommand::Outcome { file, rule, json },
    } = &cli.command
    {
        match budget_outcome(file, rule.as_deref(), *json) {
            Ok(output) => {
                // A closed pipe (`| head`) is no error worth a panic.
                let _ = writeln!(std::io::stdout(), "{output}");
                return Ok(());
            }
            Err(err) => {
                eprintln!("inspraak: {err:#}");
                std::process::exit(2);
            }
        }
    }
    if let Command::Tally {
        command:
            TallyCommand::Verify {
                file,
                public_key,
                json,
            },
    } = &cli.command
    {
        tally_verify(file, public_key.as_deref(), *json);
    }
    let settings = match Config::load(cli.config.as_deref(), |k| std::env::var(k).ok()) {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("inspraak: {err}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { demo } => serve(&settings, demo).await,
            Command::Demo {
                command: DemoCommand::Network { base_port },
            } => {
                let data_dir = settings.config.database.data_dir.join("network");
                demo::network::run(&data_dir, base_port).await?;
                Ok(())
            }
            Command::Migrate => {
                open_database(&settings).await?;
                println!("database schema is up to date");
                Ok(())
            }
            Command::Admin {
                command:
                    AdminCommand::Create {
                        username,
                        display_name,
                        email,
                    },
            } => create_admin(&settings, &username, &display_name, email.as_deref()).await,
            Command::Conversation { .. } | Command::Budget { .. } | Command::Tally { .. } => Ok(()),
        }
    })
}

async fn serve(settings: &Settings, with_demo: bool) -> Result<()> {
    let instance = Instance::build(settings).await?;
    if with_demo
        && let Some(summary) = demo::seed(instance.database(), &settings.public_url).await?
    {
        tracing::warn!(
            consultations = summary.consultations,
            password = demo::DEMO_PASSWORD,
            "DEMO content created. Accounts {:?} all use the password shown; never run a demo in production",
            summary
                .accounts
                .iter()
                .map(|(name, role)| format!("{name} ({})", role.as_str()))
                .collect::<Vec<_>>()
        );
        tracing::info!(
            "demo verification codes to try on /account (log in as chantal): {}",
            summary.codes.join(", ")
        );
    }
    tracing::info!(
        address = %instance.local_addr()?,
        public_url = %settings.public_url,
        kind = %settings.config.instance.kind,
        "Inspraak is running for {}",
        settings.config.instance.name
    );
    instance.run_until(shutdown_signal()).await?;
    Ok(())
}

async fn create_admin(
    settings: &Settings,
    username: &str,
    display_name: &str,
    email: Option<&str>,
) -> Result<()> {
    use inspraak_domain::account;
    let username = account::validate_username(username)
        .map_err(|p| anyhow::anyhow!("--username: {}", p.code()))?;
    let display_name = account::validate_display_name(display_name)
        .map_err(|p| anyhow::anyhow!("--display-name: {}", p.code()))?;
    let email = account::validate_email(email.unwrap_or(""))
        .map_err(|p| anyhow::anyhow!("--email: {}", p.code()))?;
    let password = match std::env::var("INSPRAAK_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            eprint!(
                "Password for {username} (at least {} characters): ",
                account::PASSWORD_MIN
            );
            std::io::stderr().flush().ok();
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from standard input")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    if let Err(problem) = account::validate_password(&password, &password) {
        bail!(
            "password: {} (at least {} characters)",
            problem.code(),
            account::PASSWORD_MIN
        );
    }
    let db = open_database(settings).await?;
    let hash = inspraak_app::password::hash_password(password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ap_id = format!(
        "{}/users/{username}",
        settings.public_url.as_str().trim_end_matches('/')
    );
    let new = inspraak_db::users::NewUser {
        username: username.clone(),
        display_name,
        email,
        password_hash: hash,
        role: inspraak_domain::Role::Admin,
        ap_id,
    };
    // The account and its audit entry are stored together, or neither is.
    let txn = inspraak_db::begin_write(&db.conn).await?;
    let user = inspraak_db::users::create(&txn, new, chrono::Utc::now())
        .await
        .with_context(|| format!("creating admin {username}"))?;
    inspraak_app::audit::record(
        &txn,
        None,
        inspraak_app::audit::AuditAction::AccountCreateAdmin,
        ("user", &user.id),
        "from the command line",
        chrono::Utc::now(),
    )
    .await?;
    txn.commit().await.context("saving the admin")?;
    println!("admin {username} created");
    Ok(())
}

/// Checks a tally file, prints the result and exits: 0 valid, 1 invalid, 2 unreadable.
fn tally_verify(file: &std::path::Path, public_key: Option<&str>, json: bool) -> ! {
    let report = match inspraak_server::tally::verify_file(file, public_key) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("inspraak: {err}");
            std::process::exit(2);
        }
    };
    let output = if json {
        report.to_json().to_string()
    } else {
        report.human()
    };
    match &report.reason {
        None => {
            // A closed pipe (`| head`) is no error worth a panic.
            let _ = writeln!(std::io::stdout(), "{output}");
            std::process::exit(0);
        }
        Some(reason) => {
            if json {
                let _ = writeln!(std::io::stdout(), "{output}");
            }
            eprintln!("inspraak: {}: {reason}", file.display());
            std::process::exit(1);
        }
    }
}

/// The outcome of a Pabulib file's budget under `rule` (or the file's own), as text or JSON.
fn budget_outcome(file: &std::path::Path, rule: Option<&str>, json: bool) -> Result<String> {
    use inspraak_domain::budget::{Rule, outcome, pabulib};
    // A hostile file is refused by its size before it is read into memory.
    let size = std::fs::metadata(file)
        .with_context(|| format!("reading {}", file.display()))?
        .len();
    if size > pabulib::MAX_BYTES as u64 {
        bail!(
            "{}: line 1: the file has {size} bytes; at most {} are read",
            file.display(),
            pabulib::MAX_BYTES
        );
    }
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let pb = pabulib::parse_bytes(&bytes).with_context(|| format!("{}", file.display()))?;
    let name = rule
        .map(str::to_owned)
        .or(pb.rule.clone())
        .unwrap_or_default();
    let Some(rule) = Rule::parse(&name) else {
        bail!(
            "--rule: unknown rule {name:?} (greedy, greedy-no-skip, equal-shares, equal-shares-comparison)"
        );
    };
    let chosen = outcome(&pb.election, rule);
    let ids: Vec<&str> = chosen
        .iter()
        .map(|&p| pb.election.projects[p].id.as_str())
        .collect();
    let cost = pb.election.cost_of(&chosen);
    if json {
        Ok(serde_json::json!({"selected": ids, "cost": cost, "budget": pb.election.budget, "rule": name}).to_string())
    } else {
        Ok(format!(
            "{}\n(cost {cost} of {}, rule {name})",
            ids.join(" "),
            pb.election.budget
        ))
    }
}
