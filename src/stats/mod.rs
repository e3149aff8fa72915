//! Small, dependency-free statistics used by the dispute analyses: Wilson
//! intervals for win rates, exact binomial tests against a baseline,
//! Benjamini–Hochberg correction across groups, funnel-plot control limits,
//! a reference quantile, two rates compared (Newcombe interval, Fisher's
//! exact test) and beta-binomial shrinkage for ranking.
//!
//! Each function reproduces a named scipy / statsmodels / numpy / R routine so
//! results can be checked against those tools.

pub mod beta_binomial;
pub mod binomial;
pub mod control_limits;
pub mod multiple_testing;
pub mod quantile;
pub mod two_proportions;
pub mod wilson;

pub use binomial::binomial_test_two_sided;
pub use control_limits::funnel_limits;
pub use multiple_testing::benjamini_hochberg;
pub use quantile::{quantile_linear, quantile_linear_sorted};
pub use two_proportions::{fisher_exact_two_sided, newcombe_interval};
pub use wilson::wilson_interval;
