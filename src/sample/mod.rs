// TEMPORARY placeholder until the generator lands (replaced wholesale).
use crate::regions::RegionTable;
pub struct SampleOptions { pub seed: u64, pub from: (i32, u32), pub to: (i32, u32), pub scale: f64 }
pub struct SampleCounts { pub hotline_rows: u64, pub mediation_rows: u64 }
pub fn write_clean(_o: &SampleOptions, _r: &RegionTable, _h: &mut dyn std::io::Write, _m: &mut dyn std::io::Write) -> std::io::Result<SampleCounts> { unimplemented!() }
pub fn write_exports(_o: &SampleOptions, _r: &RegionTable, _d: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> { unimplemented!() }
