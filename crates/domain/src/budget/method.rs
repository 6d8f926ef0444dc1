//! How residents vote in a budget and what a ballot must respect.
