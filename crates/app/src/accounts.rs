//! Accounts: registering, logging in, verifying residents (by letter code or by hand), roles,
//! fediverse visibility and personal API tokens.

use crate::audit::{self, AuditAction};
use crate::password::{hash_password, verify_password};
use crate::secrets::{random_token, sha256_hex};
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use inspraak_db::entity::user;
use inspraak_db::{DbError, api_tokens, users, verification};
use inspraak_domain::ids::UserId;
use inspraak_domain::verification::{format_code, normalize_code};
use inspraak_domain::{Problem, Role, ValidationErrors, VerificationMethod, account};

/// Most letter codes printed in one batch.
pub const MAX_CODES: usize = 1000;

/// A sign-up as typed.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    /// The log-in name.
    pub username: String,
    /// The public name.
    pub display_name: String,
    /// An e-mail address, optional.
    pub email: String,
    /// The password.
    pub password: String,
    /// The password typed again.
    pub password_repeat: String,
}

/// Makes a resident's account; every problem is reported per field.
pub async fn register(app: &App, form: Registration) -> Result<user::Model, AppError> {
    let mut errors = ValidationErrors::new();
    let username = account::validate_username(&form.username)
        .map_err(|p| errors.add("username", p))
        .ok();
    let display_name = account::validate_display_name(&form.display_name)
        .map_err(|p| errors.add("display_name", p))
        .ok();
    let email = account::validate_email(&form.email)
        .map_err(|p| errors.add("email", p))
        .ok()
        .flatten();
    if let Err(p) = account::validate_password(&form.password, &form.password_repeat) {
        errors.add("password", p);
    }
    if let Some(name) = &username
        && let Some(field) = users::taken(app.conn(), name, email.as_deref()).await?
    {
        errors.add(field, Problem::Taken);
    }
    let (Some(username), Some(display_name), true) = (username, display_name, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let new = users::NewUser {
        ap_id: app.url(&format!("/users/{username}")),
        username,
        display_name,
        email,
        password_hash: hash_password(form.password).await?,
        role: Role::Resident,
    };
    let user = match users::create(app.conn(), new, Utc::now()).await {
        Ok(user) => user,
        Err(DbError::Conflict(field)) => return Err(AppError::field(field, Problem::Taken)),
        Err(other) => return Err(other.into()),
    };
    tracing::info!(user = %user.username, "account registered");
    Ok(user)
}

/// The local account with this name and password, or `None`. Takes as long for an unknown
/// name as for a known one.
pub async fn authenticate(
    app: &App,
    username: &str,
    password: &str,
) -> Result<Option<user::Model>, AppError> {
    let user = users::find_local_by_username(app.conn(), username).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = verify_password(password.to_owned(), stored).await?;
    Ok(user.filter(|_| ok))
}

/// Why a letter code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// It is not shaped like a code.
    Malformed,
    /// No unused, unexpired code matches.
    Invalid,
}

/// A resident redeems a letter code; `Ok(Err(_))` says why the code was refused.
pub async fn redeem_code(
    app: &App,
    caller: Caller<'_>,
    typed: &str,
) -> Result<Result<(), CodeRefusal>, AppError> {
    let user = caller.user()?;
    let Some(code) = normalize_code(typed) else {
        return Ok(Err(CodeRefusal::Malformed));
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    match verification::redeem(&txn, &sha256_hex(&code), &user.id, now).await {
        Ok(()) => {}
        Err(DbError::NotFound(_)) => {
            tracing::info!(user = %user.username, "verification code refused");
            return Ok(Err(CodeRefusal::Invalid));
        }
        Err(other) => return Err(other.into()),
    }
    audit::record(
        &txn,
        Some(&user.id),
        AuditAction::AccountVerifyCode,
        ("user", &user.id),
        "letter code redeemed",
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(user = %user.username, "resident verified with a letter code");
    Ok(Ok(()))
}

/// The caller turns appearing by name in the fediverse on or off. Contributions published
/// earlier keep the author they were published with.
pub async fn set_fediverse_visible(
    app: &App,
    caller: Caller<'_>,
    visible: bool,
) -> Result<(), AppError> {
    let user = caller.user()?;
    users::set_fediverse_visible(app.conn(), &user.id, visible).await?;
    Ok(())
}

/// Makes a personal API token for the caller; returns it (shown once, only its hash is kept).
pub async fn create_token(app: &App, caller: Caller<'_>, name: &str) -> Result<String, AppError> {
    let user = caller.user()?;
    let mut errors = ValidationErrors::new();
    let name = errors.text("token_name", name, 1, 60).to_owned();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    // The prefix lets secret scanners and people recognise a leaked token.
    let token = format!("ink_{}", random_token()?);
    api_tokens::create(app.conn(), &user.id, &name, sha256_hex(&token), Utc::now()).await?;
    tracing::info!(user = %user.username, "API token created");
    Ok(token)
}

/// The caller revokes one of their tokens.
pub async fn revoke_token(app: &App, caller: Caller<'_>, id: &str) -> Result<(), AppError> {
    let user = caller.user()?;
    api_tokens::revoke(app.conn(), &user.id, id).await?;
    Ok(())
}

/// The account an API token belongs to, if the token is valid.
pub async fn by_token(app: &App, token: &str) -> Result<Option<user::Model>, AppError> {
    Ok(api_tokens::authenticate(app.conn(), &sha256_hex(token), Utc::now()).await?)
}

/// An admin changes an account's role. The last admin cannot be demoted: an instance without
/// one can only be repaired from the command line.
pub async fn set_role(
    app: &App,
    caller: Caller<'_>,
    id: &UserId,
    role: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let role: Role = role
        .parse()
        .map_err(|_| AppError::BadRequest("unknown role".into()))?;
    let txn = app.begin().await?;
    let target = users::find(&txn, id).await?;
    if users::role_of(&target) == Role::Admin
        && role != Role::Admin
        && users::count_admins_locked(&txn).await? <= 1
    {
        return Err(AppError::BadRequest(
            "the last admin cannot be demoted".into(),
        ));
    }
    users::set_role(&txn, id, role).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::AccountRole,
        ("user", id.as_str()),
        format!("{} -> {}", target.role, role.as_str()),
        Utc::now(),
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin verifies a resident by hand (after seeing proof of residence).
pub async fn verify_manually(app: &App, caller: Caller<'_>, id: &UserId) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let now = Utc::now();
    let txn = app.begin().await?;
    users::mark_verified(&txn, id, VerificationMethod::Manual, Some(&admin.id), now).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::AccountVerifyManual,
        ("user", id.as_str()),
        "",
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin records the area (district) a resident lives in, by the area's id or slug (empty
/// forgets it): for residents verified by hand, whose district no letter code says.
pub async fn set_area(
    app: &App,
    caller: Caller<'_>,
    id: &UserId,
    area: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let area = match area.trim() {
        "" => None,
        typed => Some(
            inspraak_db::areas::find(app.conn(), typed)
                .await
                .map_err(|_| AppError::field("area", Problem::UnknownChoice))?,
        ),
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    users::set_area(&txn, id, area.as_ref().map(|a| a.id.as_str())).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::AccountArea,
        ("user", id.as_str()),
        area.map(|a| a.name).unwrap_or_default(),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// An admin withdraws a resident's verification.
pub async fn unverify(app: &App, caller: Caller<'_>, id: &UserId) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let txn = app.begin().await?;
    users::revoke_verification(&txn, id).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::AccountUnverify,
        ("user", id.as_str()),
        "",
        Utc::now(),
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// A batch of letter codes as requested.
#[derive(Debug, Clone, Default)]
pub struct CodeRequest {
    /// The batch's name (e.g. the district or mailing).
    pub batch: String,
    /// How many codes, as typed.
    pub count: String,
    /// How many days they stay valid, as typed.
    pub valid_days: String,
    /// The area (id or slug) whose residents the codes verify; empty for none.
    pub area: String,
}

/// Printed codes: shown once, only their hashes are kept.
#[derive(Debug, Clone)]
pub struct CodeBatch {
    /// The batch's name.
    pub batch: String,
    /// The codes, formatted for a letter.
    pub codes: Vec<String>,
    /// When they stop working.
    pub expires_at: DateTime<Utc>,
}

/// An admin makes a batch of letter codes.
pub async fn generate_codes(
    app: &App,
    caller: Caller<'_>,
    request: CodeRequest,
) -> Result<CodeBatch, AppError> {
    let admin = caller.require_admin()?;
    let mut errors = ValidationErrors::new();
    let batch = errors.text("batch", &request.batch, 1, 100).to_owned();
    let count = match request.count.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CODES).contains(&n) => n,
        Ok(n) if n > MAX_CODES => {
            errors.add("count", Problem::TooLong { max: MAX_CODES });
            0
        }
        _ => {
            errors.add("count", Problem::Required);
            0
        }
    };
    let days = match request.valid_days.trim().parse::<i64>() {
        Ok(d) if (1..=366).contains(&d) => d,
        _ => {
            errors.add("valid_days", Problem::UnknownChoice);
            0
        }
    };
    let area = match request.area.trim() {
        "" => None,
        typed => match inspraak_db::areas::find(app.conn(), typed).await {
            Ok(area) => Some(area.id),
            Err(inspraak_db::DbError::NotFound(_)) => {
                errors.add("area", Problem::UnknownChoice);
                None
            }
            Err(other) => return Err(other.into()),
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut codes = Vec::with_capacity(count);
    for _ in 0..count {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| AppError::internal("no randomness for codes", e.to_string()))?;
        codes.push(format_code(&random));
    }
    let hashes = codes
        .iter()
        .map(|c| sha256_hex(&c.replace('-', "")))
        .collect();
    let now = Utc::now();
    let expires_at = now + chrono::Duration::days(days);
    let txn = app.begin().await?;
    verification::create_batch(
        &txn,
        hashes,
        &batch,
        area.as_deref(),
        &admin.id,
        now,
        expires_at,
    )
    .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::VerificationCodes,
        ("batch", &batch),
        format!("{count} codes, valid {days} days"),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(CodeBatch {
        batch,
        codes,
        expires_at,
    })
}
