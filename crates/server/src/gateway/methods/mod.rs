//! API method handlers, one module per area. Each module declares its methods in a `METHODS`
//! list that [`super::catalogue::GROUPS`] includes.

pub mod commerce;
pub mod user;
