//! Joint regional votes. On the organizer (a province deal): staff open a vote for the deal's
//! members, and the results page adds up the members' counted tallies. On a member: admins
//! take part (a local poll in one of their consultations, where their own verified residents
//! vote) or decline; at closing, the tally is signed and sent by a background step.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use inspraak_db::entity::{joint_vote, joint_vote_invite, joint_vote_member};
use inspraak_db::joint_votes::{self, NewJointVote, NewMember};
use inspraak_db::{consultations, deals, new_id, polls};
use inspraak_domain::deal::MemberState;
use inspraak_domain::ids::ConsultationId;
use inspraak_domain::joint_vote::{OptionCount, Participation, TallyFigures, TallyState, total};
use inspraak_domain::poll::{PollInput, ResultsVisibility};
use inspraak_domain::{Problem, ValidationErrors};
use inspraak_federation::joint_votes as send;
use inspraak_federation::publish;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// A joint vote as typed into the form or sent to the API.
#[derive(Debug, Clone, Default)]
pub struct JointVoteForm {
    /// The question.
    pub question: String,
    /// Options, one per line.
    pub options: String,
    /// More than one option may be chosen.
    pub multiple: bool,
    /// Closing time, `YYYY-MM-DDTHH:MM` in Amsterdam time (a form) or RFC 3339 (the API).
    pub closes_at: String,
}

fn parse_url(id: &str) -> Result<Url, AppError> {
    Url::parse(id).map_err(|e| AppError::internal("stored id", e))
}

fn options_of(json: &str) -> Result<Vec<String>, AppError> {
    serde_json::from_str(json).map_err(|e| AppError::internal("stored options", e))
}

/// Reads a closing time: RFC 3339, or a `datetime-local` value in Amsterdam time.
fn closing_time(typed: &str, errors: &mut ValidationErrors) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(typed.trim()) {
        return Some(at.with_timezone(&Utc));
    }
    let parsed = crate::polls::parse_local(typed, errors);
    if parsed.is_none() && !errors.0.iter().any(|e| e.field == "closes_at") {
        errors.add("closes_at", Problem::Required);
    }
    parsed
}

/// Province staff open a joint vote for a deal's members: each member gets an `Invite`.
pub async fn create(
    app: &App,
    caller: Caller<'_>,
    deal_id: &str,
    form: JointVoteForm,
) -> Result<joint_vote::Model, AppError> {
    let admin = caller.require_admin()?;
    let deal = deals::find(app.conn(), deal_id).await?;
    let mut errors = ValidationErrors::new();
    let closes_at = closing_time(&form.closes_at, &mut errors);
    let input = PollInput {
        question: form.question.clone(),
        options: form.options.clone(),
        multiple: form.multiple,
        closes_at,
        results: ResultsVisibility::AfterClosing,
    };
    let now = Utc::now();
    let valid = input
        .validate(now)
        .map_err(|problems| errors.0.extend(problems.0))
        .ok();
    let members: Vec<_> = deals::members(app.conn(), &deal.id)
        .await?
        .into_iter()
        .filter(|m| MemberState::parse(&m.state) == Some(MemberState::Member))
        .collect();
    if members.is_empty() {
        errors.add("members", Problem::Required);
    }
    let (Some(valid), Some(closes_at), true) = (valid, closes_at, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let id = new_id();
    let ap_id = app.url(&format!("/joint-votes/{id}"));
    let options =
        serde_json::to_string(&valid.options).map_err(|e| AppError::internal("options", e))?;
    let txn = app.begin().await?;
    let vote = joint_votes::create(
        &txn,
        NewJointVote {
            id: &id,
            ap_id: &ap_id,
            deal_id: &deal.id,
            question: &valid.question,
            options: &options,
            multiple: valid.multiple,
            closes_at,
            created_by: &admin.id,
        },
        now,
    )
    .await?;
    let deal_url = parse_url(&deal.ap_id)?;
    let document = send::document(&app.federation, &vote, &deal_url)?;
    for member in &members {
        let organization = parse_url(&member.organization_ap_id)?;
        let invite = send::invite(
            &txn,
            &app.federation,
            &deal_url,
            &organization,
            &member.inbox,
            document.clone(),
        )
        .await?;
        let new = NewMember {
            joint_vote_id: &vote.id,
            organization_ap_id: &member.organization_ap_id,
            name: &member.name,
            inbox: &member.inbox,
            invite_activity_id: invite.as_str(),
        };
        joint_votes::add_member(&txn, new, now).await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::JointVoteCreate,
        ("joint_vote", &vote.id),
        valid.question,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(vote)
}

/// A member's row on the results page.
#[derive(Debug, Clone, Serialize)]
pub struct MemberResult {
    /// Its entry's id (for the tally download).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its organization actor.
    pub organization: String,
    /// Its answer to the invitation.
    pub participation: Participation,
    /// Its tally's state now (a missing tally past the grace period is late).
    pub tally_state: TallyState,
    /// The counted tally's figures.
    pub tally: Option<TallyFigures>,
    /// Why its last tally was refused.
    pub note: Option<String>,
}

/// A joint vote with every member's result and the total of the counted tallies.
#[derive(Debug, Clone, Serialize)]
pub struct JointVoteResults {
    /// Its id.
    pub id: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// The deal.
    pub deal_id: String,
    /// The question.
    pub question: String,
    /// The options in order.
    pub options: Vec<String>,
    /// Multiple choice.
    pub multiple: bool,
    /// Closing time.
    pub closes_at: DateTime<Utc>,
    /// Whether voting has closed.
    pub closed: bool,
    /// The members asked.
    pub members: Vec<MemberResult>,
    /// Members whose tally counts.
    pub counted: usize,
    /// The sum of the counted tallies.
    pub total: TallyFigures,
}

fn member_result(
    row: joint_vote_member::Model,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> MemberResult {
    let tally = match (row.voters, row.counts.as_deref()) {
        (Some(voters), Some(counts)) => serde_json::from_str::<Vec<OptionCount>>(counts)
            .inspect_err(|err| tracing::warn!(member = %row.organization_ap_id, %err, "stored counts unreadable"))
            .ok()
            .map(|counts| TallyFigures {
                voters: u64::try_from(voters).unwrap_or(0),
                counts,
            }),
        _ => None,
    };
    let participation = Participation::parse(&row.participation).unwrap_or(Participation::Invited);
    let state = TallyState::parse(&row.tally_state);
    // Only a member that takes part owes a tally.
    let state = if participation == Participation::TakingPart {
        state.as_of(closes_at, now)
    } else {
        state
    };
    MemberResult {
        id: row.id,
        name: row.name,
        organization: row.organization_ap_id,
        participation,
        tally_state: state,
        tally: tally.filter(|_| state == TallyState::Valid),
        note: row.tally_note,
    }
}

/// A joint vote's results, for anyone.
pub async fn results(app: &App, id: &str) -> Result<JointVoteResults, AppError> {
    let vote = joint_votes::find(app.conn(), id).await?;
    let options = options_of(&vote.options)?;
    let now = Utc::now();
    let members: Vec<MemberResult> = joint_votes::members(app.conn(), &vote.id)
        .await?
        .into_iter()
        .map(|row| member_result(row, vote.closes_at, now))
        .collect();
    let counted: Vec<&TallyFigures> = members.iter().filter_map(|m| m.tally.as_ref()).collect();
    Ok(JointVoteResults {
        total: total(&options, counted.iter().copied()),
        counted: counted.len(),
        id: vote.id,
        ap_id: vote.ap_id,
        deal_id: vote.deal_id,
        question: vote.question,
        options,
        multiple: vote.multiple,
        closed: now >= vote.closes_at,
        closes_at: vote.closes_at,
        members,
    })
}

/// A deal's joint votes, newest first.
pub async fn of_deal(app: &App, deal_id: &str) -> Result<Vec<joint_vote::Model>, AppError> {
    Ok(joint_votes::of_deal(app.conn(), deal_id).await?)
}

/// A counted tally as the organizer republishes it, unchanged, with the member's key as it
/// was when the tally was verified: everything `inspraak tally verify` needs offline.
pub async fn tally_bundle(app: &App, vote_id: &str, member_id: &str) -> Result<Value, AppError> {
    let member = joint_votes::member(app.conn(), member_id).await?;
    if member.joint_vote_id != vote_id {
        return Err(AppError::NotFound("tally"));
    }
    let stored = member.tally.ok_or(AppError::NotFound("tally"))?;
    serde_json::from_str(&stored).map_err(|e| AppError::internal("stored tally", e))
}

/// Our invitations to joint votes, newest first.
pub async fn invites(app: &App) -> Result<Vec<joint_vote_invite::Model>, AppError> {
    Ok(joint_votes::invites(app.conn()).await?)
}

/// The invitation whose poll this is, if the poll belongs to a joint vote.
pub async fn invite_of_poll(
    app: &App,
    poll_id: &str,
) -> Result<Option<joint_vote_invite::Model>, AppError> {
    Ok(joint_votes::invite_of_poll(app.conn(), poll_id).await?)
}

/// The invitation, still open for an answer, or why not.
async fn answerable(app: &App, invite_id: &str) -> Result<joint_vote_invite::Model, AppError> {
    let invite = joint_votes::invite(app.conn(), invite_id).await?;
    if Participation::parse(&invite.participation) != Some(Participation::Invited) {
        return Err(AppError::Conflict("answer"));
    }
    if Utc::now() >= invite.closes_at {
        return Err(AppError::BadRequest("this joint vote has closed".into()));
    }
    Ok(invite)
}

/// Our admin takes part: the question becomes a poll in one of our consultations, where our
/// residents vote under its rules, and the deal hears `Accept`.
pub async fn take_part(
    app: &App,
    caller: Caller<'_>,
    invite_id: &str,
    consultation_id: &ConsultationId,
) -> Result<String, AppError> {
    let admin = caller.require_admin()?;
    let invite = answerable(app, invite_id).await?;
    // Only one of our own consultations: a copy of another instance's is not ours to poll in.
    let consultation = consultations::find(app.conn(), consultation_id)
        .await
        .ok()
        .filter(|c| c.local)
        .ok_or_else(|| AppError::field("consultation", Problem::UnknownChoice))?;
    let valid = PollInput {
        question: invite.question.clone(),
        options: options_of(&invite.options)?.join("\n"),
        multiple: invite.multiple,
        closes_at: Some(invite.closes_at),
        results: ResultsVisibility::AfterClosing,
    }
    .validate(Utc::now())
    .map_err(AppError::Invalid)?;
    let now = Utc::now();
    let poll_id = new_id();
    let ap_id = app.url(&format!("/polls/{poll_id}"));
    let txn = app.begin().await?;
    let poll = polls::create(
        &txn,
        poll_id.clone(),
        ap_id,
        &consultation.id,
        valid,
        &admin.id,
        now,
    )
    .await?;
    publish::poll_changed(&txn, &app.federation, &poll, crate::Change::Published).await?;
    joint_votes::answer_invite(
        &txn,
        &invite,
        Participation::TakingPart,
        Some(&poll.id),
        now,
    )
    .await?;
    let deal = parse_url(&invite.organizer_ap_id)?;
    send::answer_invite(
        &txn,
        &app.federation,
        &deal,
        &invite.organizer_inbox,
        &invite.invite_activity_id,
        true,
    )
    .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::JointVoteTakePart,
        ("joint_vote_invite", &invite.id),
        &invite.joint_vote_ap_id,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(poll.id)
}

/// Our admin declines: the deal hears `Reject`.
pub async fn decline(app: &App, caller: Caller<'_>, invite_id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let invite = answerable(app, invite_id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    joint_votes::answer_invite(&txn, &invite, Participation::Declined, None, now).await?;
    let deal = parse_url(&invite.organizer_ap_id)?;
    send::answer_invite(
        &txn,
        &app.federation,
        &deal,
        &invite.organizer_inbox,
        &invite.invite_activity_id,
        false,
    )
    .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::JointVoteDecline,
        ("joint_vote_invite", &invite.id),
        &invite.joint_vote_ap_id,
        now,
    )
    .await?;
    app.commit(txn).await
}

/// Our counts of the local poll, in the organizer's option order.
async fn count_poll(
    app: &App,
    invite: &joint_vote_invite::Model,
) -> Result<TallyFigures, AppError> {
    let poll_id = invite
        .poll_id
        .as_deref()
        .ok_or_else(|| AppError::internal("joint vote without a poll", "no poll"))?;
    let poll = polls::find(app.conn(), poll_id).await?;
    let results = polls::results(app.conn(), poll_id).await?;
    let options = options_of(&invite.options)?;
    let counts = options
        .iter()
        .map(|name| OptionCount {
            name: name.clone(),
            votes: poll
                .options
                .iter()
                .find(|o| &o.label == name)
                .and_then(|o| results.per_option.get(&o.id).copied())
                .unwrap_or(0),
        })
        .collect();
    Ok(TallyFigures {
        voters: results.voters,
        counts,
    })
}

/// Signs and sends our tally of every joint vote we take part in that has closed; returns
/// how many were sent. A tally is stored before it is sent, once: a second process finds it
/// stored and sends nothing.
pub async fn publish_due_tallies(app: &App) -> Result<usize, AppError> {
    let now = Utc::now();
    let due = joint_votes::due_tallies(app.conn(), now).await?;
    let mut sent = 0;
    for invite in due {
        let figures = count_poll(app, &invite).await?;
        let voters = figures.voters;
        let vote = parse_url(&invite.joint_vote_ap_id)?;
        let txn = app.begin().await?;
        let signed =
            send::signed_tally(&txn, &app.federation, &invite.id, &vote, figures, now).await?;
        if !joint_votes::store_own_tally(&txn, &invite.id, &signed, now).await? {
            continue;
        }
        let deal = parse_url(&invite.organizer_ap_id)?;
        send::send_tally(
            &txn,
            &app.federation,
            &deal,
            &invite.organizer_inbox,
            &signed,
        )
        .await?;
        audit::record(
            &txn,
            None,
            AuditAction::TallyPublish,
            ("joint_vote_invite", &invite.id),
            format!("{voters} voters"),
            now,
        )
        .await?;
        app.commit(txn).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Our signed tally of the joint vote we were invited to as `invite_id`, as published.
pub async fn own_tally(app: &App, invite_id: &str) -> Result<Value, AppError> {
    let invite = joint_votes::invite(app.conn(), invite_id).await?;
    let stored = invite.tally.ok_or(AppError::NotFound("tally"))?;
    serde_json::from_str(&stored).map_err(|e| AppError::internal("stored tally", e))
}

/// Runs for the life of the process: every `interval`, publishes the tallies that are due.
pub async fn run_tally_worker(app: App, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match publish_due_tallies(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(tallies = n, "joint vote tallies published"),
            Err(err) => tracing::warn!(error = %crate::chain(&err), "could not publish tallies"),
        }
    }
}
