//! sea-orm entities, one per table. The migrations are the schema's authority; these mirror them.

pub mod audit_log;
pub mod consultation;
pub mod phase;
pub mod session;
pub mod user;
pub mod verification_code;
