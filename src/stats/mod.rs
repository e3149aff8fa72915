//! Small, dependency-free statistics used by the dispute analyses: Wilson
//! intervals for win rates, exact binomial tests against a baseline,
//! Benjamini–Hochberg correction across groups, funnel-plot control limits
//! and a reference quantile.
//!
//! Each function reproduces a named scipy / statsmodels / numpy / R routine so
//! results can be checked against those tools.

pub mod binomial;
pub mod control_limits;
pub mod multiple_testing;
pub mod quantile;
pub mod wilson;

pub use binomial::binomial_test_two_sided;
pub use control_limits::funnel_limits;
pub use multiple_testing::benjamini_hochberg;
pub use quantile::quantile_linear;
pub use wilson::wilson_interval;
