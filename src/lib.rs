//! `disputes`: checks and analyses Hubei's labour-dispute mediation logs
//! (法院+工会 and 人社+工会) and 12351 worker-hotline logs.
//!
//! Data flows one way: [`ingest`] reads, checks and merges the exports;
//! [`analysis`] computes tables from the checked rows with [`stats`];
//! [`render`] turns them into terminal tables, CSV, JSON or Markdown. The
//! binary's [`commands`] wire these steps together.

pub mod analysis;
pub mod cli;
pub mod commands;
pub mod ingest;
pub mod period;
pub mod regions;
pub mod render;
pub mod report;
pub mod sample;
pub mod stats;

/// Language of labels in tables for people; exports keep machine names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 中文 (default)
    #[default]
    Zh,
    /// English
    En,
}
