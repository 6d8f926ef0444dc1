//! Actors as `activitypub_federation` sees them: ours (which sign what we send) and remote
//! ones (fetched, stored, and used to verify what they send).

use crate::FederationError;
use crate::actors;
use crate::context::{Fed, FederationData};
use crate::keys;
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::{ActorDocument, VerifiableActor};
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, Utc};
use inspraak_db::entity::remote_actor;
use inspraak_db::remote_actors;
use url::Url;

/// An actor hosted here, with its keys: the instance, the organization, a consultation's
/// group or a resident.
#[derive(Debug, Clone)]
pub struct LocalActor {
    /// Its id.
    pub id: Url,
    /// Public key PEM.
    pub public_pem: String,
    /// Private key PEM.
    pub private_pem: Option<String>,
}

impl LocalActor {
    /// The actor with this id, with its keys (made on first use).
    pub async fn load(data: &FederationData, id: Url) -> Result<Self, FederationError> {
        let keys = keys::for_local_actor(&data.db, id.as_str()).await?;
        Ok(Self {
            id,
            public_pem: keys.public_pem,
            private_pem: keys.private_pem,
        })
    }

    /// The instance `Application` actor, which signs fetches.
    pub async fn instance(data: &FederationData) -> Result<Self, FederationError> {
        Self::load(data, actors::instance_actor_id(&data.base)?).await
    }
}

#[async_trait::async_trait]
impl Object for LocalActor {
    type DataType = FederationData;
    type Kind = ActorDocument;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(_id: Url, _data: &Fed) -> Result<Option<Self>, Self::Error> {
        // Only used for signing; never looked up through activitypub_federation.
        Ok(None)
    }

    async fn into_json(self, _data: &Fed) -> Result<ActorDocument, Self::Error> {
        Err(FederationError::Invalid(
            "local actors are served by the web layer".into(),
        ))
    }

    async fn verify(
        _json: &ActorDocument,
        _expected: &Url,
        _data: &Fed,
    ) -> Result<(), Self::Error> {
        Err(FederationError::Invalid("not a remote actor".into()))
    }

    async fn from_json(_json: ActorDocument, _data: &Fed) -> Result<Self, Self::Error> {
        Err(FederationError::Invalid("not a remote actor".into()))
    }
}

impl Actor for LocalActor {
    fn public_key_pem(&self) -> &str {
        &self.public_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        self.private_pem.clone()
    }

    fn inbox(&self) -> Url {
        let mut inbox = self.id.clone();
        inbox.set_path(&format!("{}/inbox", self.id.path().trim_end_matches('/')));
        inbox
    }
}

/// An actor hosted elsewhere, as stored.
#[derive(Debug, Clone)]
pub struct RemoteActor {
    /// Its id, parsed.
    pub id: Url,
    /// The stored row.
    pub row: remote_actor::Model,
}

/// Plain text of at most `max` characters, with any markup removed.
pub fn plain_text(text: &str, max: usize) -> String {
    let cleaned = ammonia_free_text(text);
    cleaned
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Drops tags; remote names and summaries are shown as text, never as HTML.
fn ammonia_free_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag && !c.is_control() => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

#[async_trait::async_trait]
impl Object for RemoteActor {
    type DataType = FederationData;
    type Kind = VerifiableActor;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.row.fetched_at)
    }

    async fn read_from_id(id: Url, data: &Fed) -> Result<Option<Self>, Self::Error> {
        Ok(remote_actors::find(&data.db, id.as_str())
            .await?
            .map(|row| RemoteActor { id, row }))
    }

    async fn into_json(self, _data: &Fed) -> Result<VerifiableActor, Self::Error> {
        Err(FederationError::Invalid(
            "remote actors are not served here".into(),
        ))
    }

    async fn verify(
        actor: &VerifiableActor,
        expected: &Url,
        _data: &Fed,
    ) -> Result<(), Self::Error> {
        let id = &actor.document.id;
        if id.host_str() != expected.host_str() {
            return Err(FederationError::Forbidden(format!(
                "actor {id} was served by {}",
                expected.host_str().unwrap_or("?")
            )));
        }
        if &actor.public_key.owner != id {
            return Err(FederationError::Forbidden(format!(
                "the key of {id} belongs to {}",
                actor.public_key.owner
            )));
        }
        let key_host = Url::parse(&actor.public_key.id)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        if key_host.as_deref() != id.host_str() {
            return Err(FederationError::Forbidden(format!(
                "key {} is not on the actor's host",
                actor.public_key.id
            )));
        }
        if actor.document.kind == ActorKind::Other {
            return Err(FederationError::Invalid(format!("{id} is not an actor")));
        }
        if actor.inbox.host_str() != id.host_str() {
            return Err(FederationError::Forbidden("inbox on another host".into()));
        }
        Ok(())
    }

    async fn from_json(actor: VerifiableActor, data: &Fed) -> Result<Self, Self::Error> {
        let VerifiableActor {
            document,
            inbox,
            public_key,
        } = actor;
        let host = crate::discovery::handle_host(&document.id);
        let username = document
            .preferred_username
            .as_deref()
            .map(|u| plain_text(u, 64))
            .filter(|u| !u.is_empty() && !u.contains('@'))
            .unwrap_or_else(|| "actor".into());
        let display_name = document
            .name
            .as_deref()
            .map(|n| plain_text(n, 120))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| username.clone());
        let row = remote_actor::Model {
            ap_id: document.id.to_string(),
            kind: document.kind.name().to_owned(),
            username,
            host,
            display_name,
            url: document.url.map(String::from),
            inbox: inbox.to_string(),
            shared_inbox: document
                .endpoints
                .and_then(|e| e.shared_inbox)
                .filter(|s| s.host_str() == document.id.host_str())
                .map(|s| s.to_string()),
            followers: document.followers.map(|f| f.to_string()),
            public_key_pem: public_key.public_key_pem,
            user_id: None,
            fetched_at: Utc::now(),
        };
        let row = remote_actors::upsert(&data.db, row).await?;
        Ok(RemoteActor {
            id: document.id,
            row,
        })
    }
}

impl Actor for RemoteActor {
    fn public_key_pem(&self) -> &str {
        &self.row.public_key_pem
    }

    fn private_key_pem(&self) -> Option<String> {
        None
    }

    fn inbox(&self) -> Url {
        Url::parse(&self.row.inbox).unwrap_or_else(|_| self.id.clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.row
            .shared_inbox
            .as_deref()
            .and_then(|s| Url::parse(s).ok())
    }
}
