//! The participation rules as pages use them: the use cases' consultation context, shown here
//! so page code reads `ConsultationContext::load(&state.app, session.caller(), slug)`.

pub use inspraak_app::participation::ConsultationContext;
