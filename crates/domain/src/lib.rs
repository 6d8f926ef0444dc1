//! Inspraak's domain: the things a municipality's participation platform is about and the rules
//! over them, as plain types and pure functions. No SQL, no HTTP, no clocks: callers pass `now`.

pub mod account;
pub mod audit;
pub mod blocklist;
pub mod budget;
pub mod catalogue;
pub mod comment;
pub mod consultation;
pub mod conversation;
pub mod csv;
pub mod deal;
pub mod forward;
pub mod guide;
pub mod ids;
pub mod joint_vote;
pub mod moderation;
pub mod participation;
pub mod phase;
pub mod poll;
pub mod proposal;
pub mod role;
pub mod statistics;
pub mod template;
pub mod text;
pub mod validation;
pub mod verification;

pub use account::{validate_display_name, validate_email, validate_password, validate_username};
pub use consultation::{ConsultationInput, PhaseInput, ValidConsultation, slugify, validate_slug};
pub use participation::{Action, Participant, ParticipationSettings, Refusal};
pub use phase::{Phase, PhaseKind, PhaseRules, PhaseState, Timeline};
pub use role::Role;
pub use validation::{FieldError, Problem, ValidationErrors};
pub use verification::VerificationMethod;
