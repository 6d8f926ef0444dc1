//! sea-orm entities, one per table. The migrations are the schema's authority; these mirror them.

pub mod actor_key;
pub mod api_token;
pub mod audit_log;
pub mod ballot;
pub mod ballot_choice;
pub mod comment;
pub mod consultation;
pub mod custom_status;
pub mod delivery;
pub mod domain_block;
pub mod fediverse_like;
pub mod fediverse_vote;
pub mod follow;
pub mod outbox_activity;
pub mod phase;
pub mod poll;
pub mod poll_option;
pub mod proposal;
pub mod proposal_answer;
pub mod received_activity;
pub mod remote_actor;
pub mod report;
pub mod session;
pub mod support;
pub mod user;
pub mod verification_code;
