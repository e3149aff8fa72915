//! Computing tables from checked rows. Returns data, never text.

pub mod filters;
pub mod funnel;
pub mod groups;
pub mod hotline;
pub mod query;
pub mod rates;
