//! Delivery: one task per remote host sends that host's due deliveries in order, up to eight
//! at a time (never two about the same object at once), signed by the activity's actor. A failure postpones the host's queue with exponential backoff (from
//! `retry_base`, four times longer each attempt, capped at three days) until the attempts run
//! out and the delivery is dead. Everything is read from and written to the database, so a
//! restart resumes where it stopped; a crash between sending and recording resends, and
//! receivers drop the duplicate by activity id.

use crate::context::{Fed, FederationData};
use crate::signer::LocalActor;
use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::FederationConfig;
use activitypub_federation::traits::Activity;
use chrono::{DateTime, Utc};
use inspraak_db::entity::{delivery, outbox_activity};
use inspraak_db::outbox;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use url::Url;

/// How many due deliveries a host task takes per database round.
const BATCH: u64 = 50;

/// The longest wait between attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3 * 24 * 3600);

/// When to try again after `attempts` failed attempts, or `None` to give up.
pub fn next_attempt(
    base: Duration,
    max_attempts: i32,
    attempts: i32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if attempts >= max_attempts {
        return None;
    }
    let exponent = u32::try_from(attempts.saturating_sub(1).max(0))
        .unwrap_or(0)
        .min(20);
    let wait = base
        .saturating_mul(4u32.saturating_pow(exponent))
        .min(MAX_BACKOFF);
    Some(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(3)))
}

/// Runs until the process ends: wakes when told new deliveries exist, or when the next one
/// falls due, and keeps one task per host with due work.
pub async fn run(config: FederationConfig<FederationData>) {
    let data = config.to_request_data();
    let busy: Arc<Mutex<HashSet<String>>> = Arc::default();
    let permits = Arc::new(tokio::sync::Semaphore::new(
        data.settings.parallel_hosts.max(1),
    ));
    loop {
        match outbox::due_hosts(&data.db, Utc::now()).await {
            Ok(hosts) => {
                for host in hosts {
                    let fresh = busy
                        .lock()
                        .map(|mut b| b.insert(host.clone()))
                        .unwrap_or(false);
                    if !fresh {
                        continue;
                    }
                    let (config, busy, permits) = (config.clone(), busy.clone(), permits.clone());
                    tokio::spawn(async move {
                        let _permit = permits.acquire_owned().await;
                        deliver_host(&config.to_request_data(), &host).await;
                        if let Ok(mut b) = busy.lock() {
                            b.remove(&host);
                        }
                    });
                }
            }
            Err(err) => tracing::warn!(%err, "cannot read the delivery queue"),
        }
        let wait = match outbox::next_due(&data.db).await {
            Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO),
            _ => Duration::from_secs(30),
        }
        .clamp(Duration::from_millis(200), Duration::from_secs(30));
        tokio::select! {
            () = data.outbox_signal.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Requests in flight to one host at a time: with 150 ms to a far server, one at a time would
/// cap a host at about 7 activities per second.
const WINDOW: usize = 8;

/// The next window: up to [`WINDOW`] due deliveries from the front, ending before the first
/// one whose subject is already in it (those must arrive in order).
fn window(due: &[(delivery::Model, outbox_activity::Model)]) -> usize {
    let mut subjects = HashSet::new();
    let mut taken = 0;
    for (_, activity) in due.iter().take(WINDOW) {
        if let Some(subject) = &activity.object_id
            && !subjects.insert(subject.as_str())
        {
            break;
        }
        taken += 1;
    }
    taken.max(1)
}

/// Sends `host`'s due deliveries, oldest first and several at a time, until none is due or
/// one fails.
pub async fn deliver_host(data: &Fed, host: &str) {
    loop {
        let due = match outbox::due_for_host(&data.db, host, Utc::now(), BATCH).await {
            Ok(due) => due,
            Err(err) => {
                tracing::warn!(%err, host, "cannot read due deliveries");
                return;
            }
        };
        if due.is_empty() {
            return;
        }
        let mut rest = due.as_slice();
        while !rest.is_empty() {
            let (now, later) = rest.split_at(window(rest));
            rest = later;
            let results = futures::future::join_all(
                now.iter().map(|(row, activity)| send(data, row, activity)),
            )
            .await;
            let mut host_failed = false;
            for ((row, activity), result) in now.iter().zip(results) {
                host_failed |= record_outcome(data, row, activity, result).await;
            }
            // The host is probably down: its other deliveries wait for the retry.
            if host_failed {
                return;
            }
        }
    }
}

/// Records how a delivery went; `true` when it will be retried (the host seems down).
async fn record_outcome(
    data: &Fed,
    row: &delivery::Model,
    activity: &outbox_activity::Model,
    result: Result<(), Failure>,
) -> bool {
    let failure = match result {
        Ok(()) => {
            if let Err(err) = outbox::mark_delivered(&data.db, row.id, Utc::now()).await {
                tracing::warn!(%err, "cannot record a delivery");
            }
            return false;
        }
        Err(failure) => failure,
    };
    let settings = &data.settings;
    let (err, retry) = match failure {
        Failure::Retry(err) => (
            err,
            next_attempt(
                settings.retry_base,
                settings.max_attempts,
                row.attempts + 1,
                Utc::now(),
            ),
        ),
        Failure::GiveUp(err) => (err, None),
    };
    tracing::info!(
        activity = %activity.ap_id, inbox = %row.inbox, attempt = row.attempts + 1,
        retry_at = ?retry, error = %err, "delivery failed"
    );
    if let Err(db_err) = outbox::mark_failed(&data.db, row, &err, retry).await {
        tracing::warn!(%db_err, "cannot record a failed delivery");
    }
    retry.is_some()
}

/// A stored activity, ready to be signed and sent.
#[derive(Debug, Clone)]
struct StoredActivity {
    id: Url,
    actor: Url,
    json: serde_json::Value,
}

impl Serialize for StoredActivity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}

#[async_trait::async_trait]
impl Activity for StoredActivity {
    type DataType = FederationData;
    type Error = crate::FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Fed) -> Result<(), Self::Error> {
        Ok(())
    }

    async fn receive(self, _data: &Fed) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Why a delivery did not happen.
enum Failure {
    /// Worth another attempt later (network error, 5xx, 408, 429).
    Retry(String),
    /// Never deliverable (a blocked or invalid inbox, a broken stored activity).
    GiveUp(String),
}

/// Signs and sends one delivery. A 2xx answer is success; so is a 4xx other than 408 and 429,
/// which means the receiver refuses it for good (activitypub_federation's rule, like
/// Mastodon's).
async fn send(
    data: &Fed,
    row: &delivery::Model,
    activity: &outbox_activity::Model,
) -> Result<(), Failure> {
    let parse = |s: &str| Url::parse(s).map_err(|e| Failure::GiveUp(format!("bad URL {s}: {e}")));
    let stored = StoredActivity {
        id: parse(&activity.ap_id)?,
        actor: parse(&activity.actor)?,
        json: serde_json::from_str(&activity.data).map_err(|e| Failure::GiveUp(e.to_string()))?,
    };
    let signer = LocalActor::load(data, stored.actor.clone())
        .await
        .map_err(|e| Failure::Retry(e.to_string()))?;
    let inbox = parse(&row.inbox)?;
    let tasks = SendActivityTask::prepare(&stored, &signer, vec![inbox], data)
        .await
        .map_err(|e| Failure::Retry(e.to_string()))?;
    if tasks.is_empty() {
        // activitypub_federation refused the inbox URL (a blocked domain, or not allowed).
        return Err(Failure::GiveUp(format!(
            "inbox {} refused by URL checks",
            row.inbox
        )));
    }
    for task in tasks {
        task.sign_and_send(data)
            .await
            .map_err(|e| Failure::Retry(e.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(subjects: &str) -> Vec<(delivery::Model, outbox_activity::Model)> {
        subjects
            .split_whitespace()
            .enumerate()
            .map(|(n, subject)| {
                let n = i32::try_from(n).unwrap_or(0);
                (
                    delivery::Model {
                        id: n,
                        activity_id: n,
                        inbox: "https://b.example/inbox".into(),
                        host: "b.example".into(),
                        state: "pending".into(),
                        attempts: 0,
                        next_attempt_at: Utc::now(),
                        last_error: None,
                        delivered_at: None,
                    },
                    outbox_activity::Model {
                        id: n,
                        ap_id: format!("https://a.example/activities/{n}"),
                        kind: "Announce".into(),
                        actor: "https://a.example/consultations/x".into(),
                        object_id: Some(subject.to_owned()),
                        data: "{}".into(),
                        created_at: Utc::now(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_window_never_holds_two_deliveries_about_one_object() {
        assert_eq!(window(&due("p1 p2 p3")), 3);
        assert_eq!(window(&due("p1 p2 p1 p3")), 2, "the second p1 waits");
        assert_eq!(window(&due("p1 p1 p1 p1")), 1);
        let many: Vec<String> = (0..20).map(|n| format!("p{n}")).collect();
        assert_eq!(window(&due(&many.join(" "))), WINDOW);
    }

    #[test]
    fn backoff_grows_from_a_minute_to_days_then_stops() {
        let now = Utc::now();
        let base = Duration::from_secs(60);
        let wait = |n| next_attempt(base, 10, n, now).map(|t| (t - now).num_seconds());
        assert_eq!(wait(1), Some(60));
        assert_eq!(wait(2), Some(240));
        assert_eq!(wait(3), Some(960));
        assert_eq!(wait(9), Some(3 * 24 * 3600));
        assert_eq!(wait(10), None, "the tenth failure is the last");
    }
}
