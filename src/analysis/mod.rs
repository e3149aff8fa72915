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

use polars::prelude::{DataFrame, Engine, LazyFrame, PolarsResult, polars_bail};
use polars_core::query_result::QueryResult;

/// Runs the analysis' queries on Polars' streaming engine: the rows a
/// filter keeps and the figures computed per row go through the grouping
/// in morsels, rather than each being copied whole into one chunk first.
/// On 5 million cases `report` runs 12 % faster and `rates` peaks 230 MB
/// lower (docs/BENCHMARKS.md); the whole test suite passes on either engine.
pub trait Streamed {
    fn collect_streamed(self) -> PolarsResult<DataFrame>;
}

impl Streamed for LazyFrame {
    fn collect_streamed(self) -> PolarsResult<DataFrame> {
        match self.collect_with_engine(Engine::Streaming)? {
            QueryResult::Single(frame) => Ok(frame),
            QueryResult::Multiple(_) => {
                polars_bail!(ComputeError: "a query gave several results")
            }
        }
    }
}
