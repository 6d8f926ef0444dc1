//! Why each project was or was not funded.
