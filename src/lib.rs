//! `disputes`: checks and analyses Hubei's labour-dispute mediation logs
//! (法院+工会 and 人社+工会) and 12351 worker-hotline logs.
//!
//! Data flows one way: [`ingest`] reads, checks and merges the exports;
//! [`analysis`] computes figures from the checked rows with [`stats`];
//! [`tables`] turns each result into a titled, bilingual table; [`render`]
//! writes tables as terminal text, CSV, JSON, Markdown, xlsx or HTML; the
//! [`report`] assembles a report folder from them. The command line is the
//! binary's (src/cli.rs, src/commands/); nothing here knows of it.
//! docs/ARCHITECTURE.md has the map.

pub mod analysis;
pub mod csv_line;
pub mod ingest;
pub mod messages;
pub mod period;
pub mod regions;
pub mod render;
pub mod report;
pub mod sample;
pub mod stats;
pub mod tables;

/// Helpers shared by unit tests.
#[cfg(test)]
pub(crate) mod testing {
    /// A seeded xorshift: each call a number below the one given.
    pub fn below(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }
}

/// Language of labels in tables for people; exports keep machine names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文 (default)
    #[default]
    Zh,
    /// English
    En,
}
