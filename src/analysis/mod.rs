//! Computing from checked rows: figures per group, the headline and the
//! trend, the referral funnel, SQL tables. Returns data, never text.

pub mod changes;
pub mod coverage;
pub mod filters;
pub mod groups;
pub mod headline;
pub mod hotline;
pub mod query;
pub mod rates;
pub mod referral;
pub mod sql;
pub mod trend;
