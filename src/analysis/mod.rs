//! Computing tables from checked rows. Returns data, never text.

pub mod groups;
pub mod rates;
