//! The region table: prefecture- and county-level divisions with their codes,
//! and every spelling a clerk may type for them.
//!
//! The built-in table is Hubei's (NBS 2023 division codes, see
//! `hubei_regions.csv` and `hubei_region_aliases.csv` beside this file);
//! `--regions FILE` swaps in another province's table in the same layout.

use std::collections::HashMap;
use std::path::Path;

const HUBEI_REGIONS: &str = include_str!("hubei_regions.csv");
const HUBEI_ALIASES: &str = include_str!("hubei_region_aliases.csv");

/// Values of a county column that mean "handled at prefecture level".
const NO_COUNTY_WORDS: [&str; 4] = ["市本级", "本级", "市直", "州本级"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Prefecture,
    County,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub code: u32,
    pub name: String,
    pub short_name: String,
    pub level: Level,
    /// `None` for prefecture-level rows (their parent is the province).
    pub parent_code: Option<u32>,
}

/// What a county column's value resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountyMatch {
    /// A county-level division.
    County(u32),
    /// A prefecture-level division named in the county column: fine when it
    /// repeats the row's own prefecture (read as "no county").
    Prefecture(u32),
    /// A word such as 市本级: no county.
    NoCounty,
}

#[derive(Debug, thiserror::Error)]
pub enum RegionTableError {
    #[error("cannot read region table {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("region table {path}: line {line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
}

#[derive(Debug, Clone)]
pub struct RegionTable {
    /// Prefectures first, each level in code order.
    regions: Vec<Region>,
    by_code: HashMap<u32, usize>,
    prefecture_spellings: HashMap<String, u32>,
    county_spellings: HashMap<String, CountyMatch>,
    /// Spellings of the province itself, stripped from the front of a name
    /// (湖北省武汉市 → 武汉市).
    province_spellings: Vec<String>,
    /// A hash of the text the table was made from (the checked cache's
    /// key: another table gives other checks).
    fingerprint: u64,
}

/// Folds a name or code as typed into the form the tables are keyed by:
/// no white space (ASCII or full-width), full-width letters and digits as ASCII.
pub fn normalize_spelling(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_full_width)
        .collect()
}

/// Full-width ASCII variants (U+FF01..U+FF5E) as their ASCII twins.
pub fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

impl RegionTable {
    /// The embedded Hubei table: 17 prefecture-level rows (including the four
    /// county-level units the province administers directly) and 99 counties.
    pub fn hubei() -> RegionTable {
        let mut table =
            Self::parse("hubei_regions.csv", HUBEI_REGIONS).expect("embedded Hubei table is valid");
        table.fingerprint =
            xxhash_rust::xxh3::xxh3_64(format!("{HUBEI_REGIONS}\u{0}{HUBEI_ALIASES}").as_bytes());
        for (i, line) in HUBEI_ALIASES.lines().enumerate().skip(1) {
            let fields = split_csv_line(line);
            let code: u32 = fields[1].parse().expect("embedded alias code");
            table
                .add_alias(&fields[0], code)
                .unwrap_or_else(|e| panic!("embedded alias line {}: {e}", i + 1));
        }
        table
    }

    /// A hash of the text the table was read from.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Reads a table in the layout of `hubei_regions.csv`:
    /// `code,name,level,parent_code[,parent_name][,short_name][,aliases]`,
    /// where `aliases` holds further spellings separated by `|`.
    pub fn from_file(path: &Path) -> Result<RegionTable, RegionTableError> {
        let bytes = std::fs::read(path).map_err(|source| RegionTableError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        Self::parse(&path.display().to_string(), text)
    }

    fn parse(path: &str, text: &str) -> Result<RegionTable, RegionTableError> {
        let invalid = |line: usize, message: String| RegionTableError::Invalid {
            path: path.to_string(),
            line,
            message,
        };
        let mut lines = text.lines().enumerate();
        let header: Vec<String> = match lines.next() {
            Some((_, h)) => split_csv_line(h)
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            None => return Err(invalid(1, "the file is empty".into())),
        };
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(c_code), Some(c_name), Some(c_level), Some(c_parent)) =
            (col("code"), col("name"), col("level"), col("parent_code"))
        else {
            return Err(invalid(
                1,
                "the header must name code, name, level and parent_code".into(),
            ));
        };
        let (c_parent_name, c_short, c_aliases) =
            (col("parent_name"), col("short_name"), col("aliases"));

        let mut regions = Vec::new();
        let mut aliases = Vec::new();
        let mut province_names: Vec<String> = Vec::new();
        for (i, line) in lines {
            let line_no = i + 1;
            if line.trim().is_empty() {
                continue;
            }
            let f = split_csv_line(line);
            let get = |c: usize| f.get(c).map(|s| s.trim()).unwrap_or("");
            let code: u32 = get(c_code)
                .parse()
                .map_err(|_| invalid(line_no, format!("code {:?} is not a number", get(c_code))))?;
            let level = match get(c_level) {
                "prefecture" => Level::Prefecture,
                "county" => Level::County,
                other => {
                    return Err(invalid(
                        line_no,
                        format!("level {other:?} must be prefecture or county"),
                    ));
                }
            };
            let parent: Option<u32> = match level {
                Level::Prefecture => {
                    if let Some(p) = c_parent_name.map(get).filter(|p| !p.is_empty())
                        && !province_names.iter().any(|n| n == p)
                    {
                        province_names.push(p.to_string());
                    }
                    None
                }
                Level::County => Some(get(c_parent).parse().map_err(|_| {
                    invalid(
                        line_no,
                        format!("parent_code {:?} is not a number", get(c_parent)),
                    )
                })?),
            };
            let name = get(c_name).to_string();
            let short_name = c_short
                .map(get)
                .filter(|s| !s.is_empty())
                .unwrap_or(&name)
                .to_string();
            if let Some(c) = c_aliases {
                for alias in get(c).split('|').filter(|a| !a.trim().is_empty()) {
                    aliases.push((line_no, alias.trim().to_string(), code));
                }
            }
            regions.push(Region {
                code,
                name,
                short_name,
                level,
                parent_code: parent,
            });
        }
        regions.sort_by_key(|r| (r.level == Level::County, r.code));
        let by_code: HashMap<u32, usize> = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code, i))
            .collect();
        if by_code.len() != regions.len() {
            return Err(invalid(0, "a code appears twice".into()));
        }
        for r in &regions {
            if let Some(p) = r.parent_code {
                match by_code.get(&p).map(|&i| regions[i].level) {
                    Some(Level::Prefecture) => {}
                    _ => {
                        return Err(invalid(
                            0,
                            format!(
                                "{} {}: parent_code {p} is not a prefecture row",
                                r.code, r.name
                            ),
                        ));
                    }
                }
            }
        }
        let mut province_spellings = Vec::new();
        for p in province_names {
            let p = normalize_spelling(&p);
            for suffix in ["省", "自治区", "市"] {
                if let Some(stem) = p.strip_suffix(suffix) {
                    province_spellings.push(stem.to_string());
                }
            }
            province_spellings.push(p);
        }
        // Longest first, so 湖北省 is stripped before 湖北.
        province_spellings.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));

        let mut table = RegionTable {
            regions,
            by_code,
            prefecture_spellings: HashMap::new(),
            county_spellings: HashMap::new(),
            province_spellings,
            fingerprint: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
        };
        table.index_spellings();
        for (line_no, alias, code) in aliases {
            table
                .add_alias(&alias, code)
                .map_err(|m| invalid(line_no, m))?;
        }
        Ok(table)
    }

    /// Names, short names and codes of every row, then the county stems
    /// (恩施市 → 恩施, 荆州区 → 荆州) that a county column may use.
    fn index_spellings(&mut self) {
        for r in &self.regions {
            let keys = [
                normalize_spelling(&r.name),
                normalize_spelling(&r.short_name),
                format!("{:06}", r.code),
            ];
            for key in keys {
                match r.level {
                    Level::Prefecture => {
                        self.prefecture_spellings.insert(key, r.code);
                    }
                    Level::County => {
                        self.county_spellings
                            .insert(key, CountyMatch::County(r.code));
                    }
                }
            }
        }
        // A county's stem reads as the county in a county column ("a name is
        // read in its column's level"), unless two counties share the stem.
        let mut stems: HashMap<String, Vec<u32>> = HashMap::new();
        for r in self.regions.iter().filter(|r| r.level == Level::County) {
            let name = normalize_spelling(&r.name);
            for suffix in ["市", "县", "区"] {
                if let Some(stem) = name.strip_suffix(suffix)
                    && stem.chars().count() >= 2
                {
                    stems.entry(stem.to_string()).or_default().push(r.code);
                }
            }
        }
        for (stem, codes) in stems {
            if codes.len() == 1 && !self.county_spellings.contains_key(&stem) {
                self.county_spellings
                    .insert(stem, CountyMatch::County(codes[0]));
            }
        }
        for word in NO_COUNTY_WORDS {
            self.county_spellings
                .entry(word.to_string())
                .or_insert(CountyMatch::NoCounty);
        }
    }

    /// Adds a further spelling (short form, historic name, former code).
    fn add_alias(&mut self, alias: &str, code: u32) -> Result<(), String> {
        let Some(region) = self.get(code) else {
            return Err(format!("alias {alias:?} names unknown code {code}"));
        };
        let key = normalize_spelling(alias);
        match region.level {
            Level::Prefecture => {
                self.prefecture_spellings.insert(key, code);
            }
            Level::County => {
                self.county_spellings.insert(key, CountyMatch::County(code));
            }
        }
        Ok(())
    }

    pub fn get(&self, code: u32) -> Option<&Region> {
        self.by_code.get(&code).map(|&i| &self.regions[i])
    }

    /// Every row: prefectures first, each level in code order.
    pub fn all(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter()
    }

    pub fn prefectures(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().filter(|r| r.level == Level::Prefecture)
    }

    pub fn counties_of(&self, prefecture_code: u32) -> impl Iterator<Item = &Region> {
        self.regions
            .iter()
            .filter(move |r| r.parent_code == Some(prefecture_code))
    }

    /// The rows a per-county table lists: every county, and each
    /// prefecture-level row that has no counties (仙桃, 潜江, 天门, 神农架),
    /// in code order, each as (prefecture code, county code).
    pub fn county_level_units(&self) -> Vec<(u32, u32)> {
        let mut units: Vec<(u32, u32)> = Vec::new();
        for p in self.prefectures() {
            let mut any = false;
            for c in self.counties_of(p.code) {
                units.push((p.code, c.code));
                any = true;
            }
            if !any {
                units.push((p.code, p.code));
            }
        }
        units.sort_by_key(|&(_, c)| c);
        units
    }

    pub fn name_of(&self, code: u32) -> &str {
        self.get(code).map(|r| r.name.as_str()).unwrap_or("")
    }

    /// The prefecture-level division a prefecture column's value names.
    pub fn lookup_prefecture(&self, raw: &str) -> Option<u32> {
        let key = normalize_spelling(raw);
        self.strip_province(&key)
            .find_map(|k| self.prefecture_spellings.get(k).copied())
    }

    /// What a county column's value names, read at county level: a county,
    /// a prefecture-level unit (fine when it repeats the row's own), or none.
    /// Accepts the prefecture written in front (武汉市江岸区).
    pub fn lookup_county(&self, raw: &str) -> Option<CountyMatch> {
        let key = normalize_spelling(raw);
        for k in self.strip_province(&key) {
            if let Some(m) = self.county_spellings.get(k) {
                return Some(*m);
            }
            if let Some(&p) = self.prefecture_spellings.get(k) {
                return Some(CountyMatch::Prefecture(p));
            }
            // 武汉市江岸区: a prefecture spelling, then a county under it.
            for (spelling, &p) in &self.prefecture_spellings {
                if let Some(rest) = k.strip_prefix(spelling.as_str())
                    && let Some(CountyMatch::County(c)) = self.county_spellings.get(rest)
                    && self.get(*c).and_then(|r| r.parent_code) == Some(p)
                {
                    return Some(CountyMatch::County(*c));
                }
            }
        }
        None
    }

    /// The key itself, then the key without a leading province name.
    fn strip_province<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::once(key).chain(
            self.province_spellings
                .iter()
                .filter_map(move |p| key.strip_prefix(p.as_str()))
                .filter(|rest| !rest.is_empty())
                .take(1),
        )
    }
}

/// Splits one line of the simple CSV files this module reads (quotes allowed,
/// no line breaks inside cells).
fn split_csv_line(line: &str) -> Vec<String> {
    crate::csv_line::split(line, b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubei_has_17_prefecture_level_and_103_county_level_units() {
        let t = RegionTable::hubei();
        assert_eq!(t.prefectures().count(), 17);
        assert_eq!(t.all().filter(|r| r.level == Level::County).count(), 99);
        assert_eq!(t.county_level_units().len(), 103);
    }

    #[test]
    fn prefecture_spellings_resolve() {
        let t = RegionTable::hubei();
        for s in [
            "武汉",
            "武汉市",
            " 武汉市 ",
            "420100",
            "湖北省武汉市",
            "４２０１００",
        ] {
            assert_eq!(t.lookup_prefecture(s), Some(420100), "{s}");
        }
        for s in ["恩施州", "恩施", "恩施土家族苗族自治州", "恩施自治州"] {
            assert_eq!(t.lookup_prefecture(s), Some(422800), "{s}");
        }
        assert_eq!(t.lookup_prefecture("襄樊"), Some(420600));
        assert_eq!(t.lookup_prefecture("襄樊市"), Some(420600));
        assert_eq!(t.lookup_prefecture("江岸区"), None);
        assert_eq!(t.lookup_prefecture("北京"), None);
    }

    #[test]
    fn a_name_is_read_in_its_columns_level() {
        let t = RegionTable::hubei();
        assert_eq!(t.lookup_county("恩施"), Some(CountyMatch::County(422801)));
        assert_eq!(t.lookup_county("荆州"), Some(CountyMatch::County(421003)));
        assert_eq!(
            t.lookup_county("恩施州"),
            Some(CountyMatch::Prefecture(422800))
        );
    }

    #[test]
    fn county_spellings_resolve() {
        let t = RegionTable::hubei();
        for s in ["江岸", "江岸区", "420102", "武汉市江岸区", "武汉江岸区"] {
            assert_eq!(t.lookup_county(s), Some(CountyMatch::County(420102)), "{s}");
        }
        assert_eq!(t.lookup_county("郧县"), Some(CountyMatch::County(420304)));
        assert_eq!(t.lookup_county("420983"), Some(CountyMatch::County(421381)));
        assert_eq!(t.lookup_county("襄阳区"), Some(CountyMatch::County(420607)));
        assert_eq!(
            t.lookup_county("仙桃"),
            Some(CountyMatch::Prefecture(429004))
        );
        assert_eq!(t.lookup_county("市本级"), Some(CountyMatch::NoCounty));
        assert_eq!(t.lookup_county("朝阳区"), None);
    }

    #[test]
    fn custom_table_with_aliases_column_loads() {
        let text = "code,name,level,parent_code,parent_name,short_name,aliases\n\
                    110100,甲市,prefecture,11,某省,甲,旧甲\n\
                    110101,乙区,county,110100,甲市,乙,\n";
        let t = RegionTable::parse("x.csv", text).unwrap();
        assert_eq!(t.lookup_prefecture("旧甲"), Some(110100));
        assert_eq!(t.lookup_prefecture("某省甲市"), Some(110100));
        assert_eq!(t.lookup_county("乙"), Some(CountyMatch::County(110101)));
    }

    #[test]
    fn custom_table_with_bad_parent_is_an_error() {
        let text = "code,name,level,parent_code\n110101,乙区,county,999999\n";
        assert!(RegionTable::parse("x.csv", text).is_err());
    }
}
