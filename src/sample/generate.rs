//! The record stream shared by the clean and the export writers: one pass
//! over the days of the range, hotline tickets first, then the mediation
//! cases of the day (some of them referred by tickets a few days earlier).
//! Memory is bounded by one day's rows plus the referrals in flight.

use std::io;

use super::SampleOptions;
use super::calendar::{
    SECS_PER_DAY, civil_from_days, first_day_of, last_day_of, month_index, weekday,
};
use super::profile::{
    CALL_HOURS, CASE_WEEKDAY, CASES_PER_YEAR, Category, Channel, HOTLINE_PER_YEAR, HOTLINE_WEEKDAY,
    Handling, MOBILE_PREFIXES, MONTH_FACTOR, Outcome, REFERRAL_LINK_RATE, Satisfaction, Source,
    default_profile, hubei_profile,
};
use super::rng::{Rng, cumulative, exp, hash_unit, ln};
use crate::regions::RegionTable;

// ---------------------------------------------------------------- geography

pub(crate) struct Place {
    pub code: u32,
    pub name: String,
    pub short_name: String,
    /// The union mediation office at the court / the arbitration body here.
    pub court_org: String,
    pub arbitration_org: String,
}

pub(crate) struct County {
    pub place: Place,
    success_logit: f64,
}

pub(crate) struct Prefecture {
    pub place: Place,
    pub counties: Vec<County>,
    county_cumulative: Vec<f64>,
    success_logit: f64,
    slowness: f64,
}

impl Prefecture {
    /// Directly administered units (仙桃, 潜江, 天门, 神农架) have no counties.
    pub(crate) fn is_direct(&self) -> bool {
        self.counties.is_empty()
    }
}

/// The region table prepared for sampling.
pub(crate) struct Geo {
    pub prefectures: Vec<Prefecture>,
    case_cumulative: Vec<f64>,
    hotline_cumulative: Vec<f64>,
}

fn logit(p: f64) -> f64 {
    ln(p / (1.0 - p))
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + exp(-x))
}

/// A standard normal value that depends only on `code`.
fn fixed_normal(code: u32, salt: u64) -> f64 {
    Rng::new(code as u64, salt).normal()
}

fn place(code: u32, name: &str, short_name: &str, level: OrgLevel) -> Place {
    // Each place keeps one name per office; which wording it uses is fixed
    // by its code, as real office names are.
    let variant = hash_unit(code as u64, 0x0F6) < 0.5;
    let (court_org, arbitration_org) = match (level, variant) {
        (OrgLevel::County, true) => (
            format!("{name}总工会驻法院劳动争议调解工作室"),
            format!("{name}总工会驻劳动人事争议仲裁院调解工作室"),
        ),
        (OrgLevel::County, false) => (
            format!("{name}人民法院劳动争议诉调对接工作室"),
            format!("{name}劳动人事争议仲裁委员会工会调解中心"),
        ),
        (OrgLevel::Prefecture, true) => (
            format!("{name}总工会驻中级人民法院调解工作室"),
            format!("{name}总工会驻劳动人事争议仲裁院调解工作室"),
        ),
        (OrgLevel::Prefecture, false) => (
            format!("{name}中级人民法院劳动争议诉调对接工作室"),
            format!("{name}劳动人事争议仲裁委员会工会调解中心"),
        ),
    };
    Place {
        code,
        name: name.to_string(),
        short_name: short_name.to_string(),
        court_org,
        arbitration_org,
    }
}

#[derive(Clone, Copy)]
enum OrgLevel {
    Prefecture,
    County,
}

impl Geo {
    pub(crate) fn new(regions: &RegionTable) -> io::Result<Geo> {
        let mut prefectures = Vec::new();
        let mut case_weights = Vec::new();
        let mut hotline_weights = Vec::new();
        for (index, p) in regions.prefectures().enumerate() {
            let profile = hubei_profile(p.code).unwrap_or_else(|| default_profile(index));
            let mut counties: Vec<County> = Vec::new();
            let mut weights = Vec::new();
            for c in regions.counties_of(p.code) {
                // Urban districts (区) draw more disputes than rural counties.
                let urban = if c.name.ends_with('区') { 1.5 } else { 1.0 };
                weights.push((0.4 + 1.2 * hash_unit(c.code as u64, 0xC0)) * urban);
                counties.push(County {
                    place: place(c.code, &c.name, &c.short_name, OrgLevel::County),
                    success_logit: 0.35 * fixed_normal(c.code, 0x5CC),
                });
            }
            // Centre the county offsets so the prefecture keeps its rate.
            let total: f64 = weights.iter().sum();
            if total > 0.0 {
                let mean: f64 = counties
                    .iter()
                    .zip(&weights)
                    .map(|(c, w)| c.success_logit * w)
                    .sum::<f64>()
                    / total;
                for c in &mut counties {
                    c.success_logit -= mean;
                }
            }
            let base = logit(profile.success_rate);
            for c in &mut counties {
                c.success_logit += base;
            }
            let level = if counties.is_empty() {
                OrgLevel::County
            } else {
                OrgLevel::Prefecture
            };
            case_weights.push(profile.case_weight);
            hotline_weights.push(profile.hotline_weight);
            prefectures.push(Prefecture {
                place: place(p.code, &p.name, &p.short_name, level),
                counties,
                county_cumulative: cumulative(weights),
                success_logit: base,
                slowness: profile.slowness,
            });
        }
        if prefectures.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the region table has no prefecture-level rows",
            ));
        }
        if prefectures.len() > u16::MAX as usize
            || prefectures
                .iter()
                .any(|p| p.counties.len() >= NO_COUNTY as usize)
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the region table is too large for the sample generator",
            ));
        }
        Ok(Geo {
            prefectures,
            case_cumulative: cumulative(case_weights),
            hotline_cumulative: cumulative(hotline_weights),
        })
    }

    /// A county of the prefecture, or none: always none for a directly
    /// administered unit, and for about 10% of the rows of the others.
    fn county(&self, pref: u16, rng: &mut Rng) -> u16 {
        let p = &self.prefectures[pref as usize];
        if p.is_direct() || rng.chance(0.10) {
            NO_COUNTY
        } else {
            rng.pick(&p.county_cumulative) as u16
        }
    }

    /// The index of the prefecture with this division code.
    pub(crate) fn prefecture_index(&self, code: u32) -> Option<u16> {
        self.prefectures
            .iter()
            .position(|p| p.place.code == code)
            .map(|i| i as u16)
    }

    pub(crate) fn prefecture(&self, pref: u16) -> &Place {
        &self.prefectures[pref as usize].place
    }

    pub(crate) fn county_place(&self, pref: u16, county: u16) -> Option<&Place> {
        if county == NO_COUNTY {
            None
        } else {
            Some(&self.prefectures[pref as usize].counties[county as usize].place)
        }
    }

    /// The office named in mediator_org: the county's, else the prefecture's.
    pub(crate) fn mediator_org(&self, pref: u16, county: u16, channel: Channel) -> &str {
        let place = self
            .county_place(pref, county)
            .unwrap_or_else(|| self.prefecture(pref));
        match channel {
            Channel::Court => &place.court_org,
            Channel::Arbitration => &place.arbitration_org,
        }
    }

    fn success_logit(&self, pref: u16, county: u16) -> f64 {
        let p = &self.prefectures[pref as usize];
        if county == NO_COUNTY {
            p.success_logit
        } else {
            p.counties[county as usize].success_logit
        }
    }
}

/// Sentinel for "no county" (keeps the records `Copy` and small).
pub(crate) const NO_COUNTY: u16 = u16::MAX;

// ---------------------------------------------------------------- records

/// One 12351 ticket. Datetimes are local seconds since 1970-01-01.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ticket {
    pub id: TicketId,
    pub received_at: i64,
    pub pref: u16,
    pub county: u16,
    pub category: Category,
    pub handling: Handling,
    /// None while 办理中. Whole minutes (staff type the closing time).
    pub closed_at: Option<i64>,
    pub satisfaction: Satisfaction,
    pub phone: Option<u64>,
    pub workers: Option<u32>,
}

/// `RX` + yyyymmdd of the call + the day's sequence number (5+ digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TicketId {
    pub day: i32,
    pub seq: u32,
}

/// One mediation case. Dates are day numbers since 1970-01-01.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Case {
    /// Prefecture, year and per-prefecture-year sequence of `TJ-420100-2023-000123`.
    pub id_year: i32,
    pub id_seq: u32,
    pub channel: Channel,
    pub pref: u16,
    pub county: u16,
    pub source: Option<Source>,
    pub ticket: Option<TicketId>,
    pub dispute_type: Category,
    pub has_org: bool,
    pub received_on: i32,
    pub closed_on: Option<i32>,
    pub outcome: Outcome,
    pub workers: Option<u32>,
    /// Money in fen.
    pub amount: Option<u64>,
    pub settled: Option<u64>,
}

// ---------------------------------------------------------------- bad rows

/// Which of the two overlapping exports of a kind a bad row goes into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportFile {
    A,
    B,
}

/// A rule-breaking hotline row written into one export file only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadTicket {
    MissingCategory,
    BadHandling,
    UnparseableReceivedAt,
    UnknownPrefecture,
    CountyOutsidePrefecture,
    ClosedBeforeReceived,
    ClosedAtMissing,
    ClosedAtOnOpenTicket,
    MangledId,
    BadStatus,
    ZeroWorkers,
    Ragged,
}

/// A rule-breaking mediation row written into one export file only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadCase {
    UnparseableAmount,
    MissingDisputeType,
    UnknownPrefecture,
    CountyOutsidePrefecture,
    ClosedBeforeReceived,
    ClosedOnMissing,
    SettledOnFailure,
    MangledId,
    UnparseableReceivedOn,
    BadOutcome,
    Ragged,
}

const BAD_TICKETS_A: [BadTicket; 3] = [
    BadTicket::MissingCategory,
    BadTicket::BadHandling,
    BadTicket::UnparseableReceivedAt,
];
const BAD_TICKETS_B: [BadTicket; 10] = [
    BadTicket::UnknownPrefecture,
    BadTicket::CountyOutsidePrefecture,
    BadTicket::ClosedBeforeReceived,
    BadTicket::ClosedAtMissing,
    BadTicket::ClosedAtOnOpenTicket,
    BadTicket::MangledId,
    BadTicket::UnparseableReceivedAt,
    BadTicket::BadStatus,
    BadTicket::ZeroWorkers,
    BadTicket::Ragged,
];
const BAD_CASES_A: [BadCase; 3] = [
    BadCase::UnparseableAmount,
    BadCase::ClosedBeforeReceived,
    BadCase::MissingDisputeType,
];
const BAD_CASES_B: [BadCase; 9] = [
    BadCase::UnknownPrefecture,
    BadCase::CountyOutsidePrefecture,
    BadCase::ClosedBeforeReceived,
    BadCase::ClosedOnMissing,
    BadCase::SettledOnFailure,
    BadCase::MangledId,
    BadCase::UnparseableReceivedOn,
    BadCase::BadOutcome,
    BadCase::Ragged,
];

/// The months (as month indexes, inclusive) of the two overlapping exports:
/// for a whole year, A = Jan..Jul and B = Jun..Dec.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExportSplit {
    pub a: (i32, i32),
    pub b: (i32, i32),
}

impl ExportSplit {
    pub(crate) fn new(from: i32, to: i32) -> ExportSplit {
        let n = to - from + 1;
        let half = n / 2;
        ExportSplit {
            a: (from, (from + half).min(to)),
            b: ((from + half - 1).max(from), to),
        }
    }

    /// Days only file A holds, or all of A's days when none are only A's.
    fn own_days(&self, file: ExportFile) -> (i32, i32) {
        match file {
            ExportFile::A => {
                let lo = first_day_of(self.a.0);
                let hi = first_day_of(self.b.0) - 1;
                if hi >= lo {
                    (lo, hi)
                } else {
                    (lo, last_day_of(self.a.1))
                }
            }
            ExportFile::B => {
                let lo = last_day_of(self.a.1) + 1;
                let hi = last_day_of(self.b.1);
                if hi >= lo {
                    (lo, hi)
                } else {
                    (first_day_of(self.b.0), hi)
                }
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum BadRow {
    Ticket(BadTicket),
    Case(BadCase),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct BadEvent {
    pub day: i32,
    pub file: ExportFile,
    pub row: BadRow,
}

/// Where the bad rows go: spread evenly over the days only their file holds.
/// A fixed handful, whatever the scale. The slot of a bad row is reserved in
/// every output (its id is skipped in the clean logs) so that the records
/// are the same for the clean and the export writers.
fn bad_row_plan(split: ExportSplit) -> Vec<BadEvent> {
    let mut plan = Vec::new();
    let mut spread = |file: ExportFile, rows: &[BadRow]| {
        let (lo, hi) = split.own_days(file);
        let len = (hi - lo + 1) as i64;
        let n = rows.len() as i64;
        for (i, row) in rows.iter().enumerate() {
            let day = lo + ((2 * i as i64 + 1) * len / (2 * n)) as i32;
            plan.push(BadEvent {
                day,
                file,
                row: *row,
            });
        }
    };
    let tickets = |k: &[BadTicket]| k.iter().map(|&b| BadRow::Ticket(b)).collect::<Vec<_>>();
    let cases = |k: &[BadCase]| k.iter().map(|&b| BadRow::Case(b)).collect::<Vec<_>>();
    spread(ExportFile::A, &tickets(&BAD_TICKETS_A));
    spread(ExportFile::B, &tickets(&BAD_TICKETS_B));
    spread(ExportFile::A, &cases(&BAD_CASES_A));
    spread(ExportFile::B, &cases(&BAD_CASES_B));
    plan.sort_by_key(|e| e.day);
    plan
}

// ---------------------------------------------------------------- the stream

/// Receives the records in generation order.
pub(crate) trait Sink {
    fn ticket(&mut self, geo: &Geo, ticket: &Ticket) -> io::Result<()>;
    fn case(&mut self, geo: &Geo, case: &Case) -> io::Result<()>;
    fn bad_ticket(
        &mut self,
        _geo: &Geo,
        _event: &BadEvent,
        _kind: BadTicket,
        _ticket: &Ticket,
    ) -> io::Result<()> {
        Ok(())
    }
    fn bad_case(
        &mut self,
        _geo: &Geo,
        _event: &BadEvent,
        _kind: BadCase,
        _case: &Case,
    ) -> io::Result<()> {
        Ok(())
    }
}

/// A 转调解 ticket whose case arrives on a later day.
#[derive(Clone, Copy)]
struct Referral {
    ticket: TicketId,
    pref: u16,
    county: u16,
    category: Category,
    workers: Option<u32>,
}

/// Referrals land at most this many days after the call (a ring of buckets).
const RING: usize = 16;

pub(crate) fn check_options(opts: &SampleOptions) -> io::Result<(i32, i32)> {
    let invalid = |msg: String| Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
    let (fy, fm) = opts.from;
    let (ty, tm) = opts.to;
    if !(1..=12).contains(&fm) || !(1..=12).contains(&tm) {
        return invalid(format!("month out of range: from {fy}-{fm}, to {ty}-{tm}"));
    }
    if !(1901..=9999).contains(&fy) || !(1901..=9999).contains(&ty) {
        return invalid(format!(
            "year out of range: from {fy}, to {ty} (1901..9999)"
        ));
    }
    let (from, to) = (month_index(fy, fm), month_index(ty, tm));
    if from > to {
        return invalid(format!(
            "the range is empty: from {fy}-{fm:02} is after to {ty}-{tm:02}"
        ));
    }
    if !opts.scale.is_finite() || opts.scale < 0.0 {
        return invalid(format!("scale must be a number ≥ 0, not {}", opts.scale));
    }
    Ok((from, to))
}

pub(crate) struct Generator<'g> {
    geo: &'g Geo,
    rng: Rng,
    from_day: i32,
    to_day: i32,
    /// Last second of the range: anything closing later is still open.
    end_t: i64,
    hotline_per_weight: f64,
    cases_per_weight: f64,
    category_by_month: Vec<Vec<f64>>,
    dispute_by_month: Vec<Vec<f64>>,
    handling_by_category: Vec<Vec<f64>>,
    call_hours: Vec<f64>,
    referral_delay: Vec<f64>,
    plan: Vec<BadEvent>,
    /// Per prefecture: expected minus realised successes so far.
    success_gap: Vec<f64>,
    referred_cases: u64,
}

impl<'g> Generator<'g> {
    pub(crate) fn new(opts: &SampleOptions, geo: &'g Geo) -> io::Result<Generator<'g>> {
        let (from, to) = check_options(opts)?;
        let from_day = first_day_of(from);
        let to_day = last_day_of(to);

        // Daily volumes are scaled so that a whole calendar year (the first
        // of the range) receives the yearly targets.
        let (year, _, _) = civil_from_days(from_day);
        let year_days = first_day_of(month_index(year, 1))..first_day_of(month_index(year + 1, 1));
        let (mut wh, mut wc) = (0.0, 0.0);
        for d in year_days {
            wh += day_weight(d, &HOTLINE_WEEKDAY);
            wc += day_weight(d, &CASE_WEEKDAY);
        }
        let p_referred: f64 = Category::ALL
            .iter()
            .map(|c| {
                let h = c.handling_weights();
                c.hotline_weight() * h[2] / h.iter().sum::<f64>()
            })
            .sum::<f64>()
            / Category::ALL
                .iter()
                .map(|c| c.hotline_weight())
                .sum::<f64>();
        let linked_per_year = HOTLINE_PER_YEAR * p_referred * REFERRAL_LINK_RATE;
        let own_cases_per_year = (CASES_PER_YEAR - linked_per_year).max(0.0);

        let category_by_month = (1..=12)
            .map(|m| {
                cumulative(
                    Category::ALL
                        .iter()
                        .map(|c| c.hotline_weight() * c.seasonal_factor(m)),
                )
            })
            .collect();
        let dispute_by_month = (1..=12)
            .map(|m| {
                cumulative(
                    Category::DISPUTES
                        .iter()
                        .map(|c| c.dispute_weight() * c.seasonal_factor(m)),
                )
            })
            .collect();
        let handling_by_category = Category::ALL
            .iter()
            .map(|c| cumulative(c.handling_weights()))
            .collect();

        let split = ExportSplit::new(from, to);
        Ok(Generator {
            geo,
            rng: Rng::new(opts.seed, 0x5A_3B1E),
            from_day,
            to_day,
            end_t: (to_day as i64 + 1) * SECS_PER_DAY - 1,
            hotline_per_weight: HOTLINE_PER_YEAR * opts.scale / wh,
            cases_per_weight: own_cases_per_year * opts.scale / wc,
            category_by_month,
            dispute_by_month,
            handling_by_category,
            call_hours: cumulative(CALL_HOURS),
            referral_delay: cumulative([10.0, 20.0, 20.0, 15.0, 10.0, 8.0, 6.0, 5.0, 3.0, 3.0]),
            plan: bad_row_plan(split),
            success_gap: vec![0.0; geo.prefectures.len()],
            referred_cases: 0,
        })
    }

    pub(crate) fn run(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        let n_pref = self.geo.prefectures.len();
        let mut case_seq = vec![0u32; n_pref];
        let mut case_year = i32::MIN;
        let mut times: Vec<u32> = Vec::new();
        let mut referrals: Vec<Vec<Referral>> = (0..RING).map(|_| Vec::new()).collect();
        let mut day_counts = [(i32::MIN, 0u32); RING];
        let mut plan_at = 0;
        let plan = std::mem::take(&mut self.plan);

        for day in self.from_day..=self.to_day {
            let (year, month, _) = civil_from_days(day);
            if year != case_year {
                case_year = year;
                case_seq.iter_mut().for_each(|s| *s = 0);
            }
            let plan_end = plan[plan_at..]
                .iter()
                .position(|e| e.day != day)
                .map_or(plan.len(), |k| plan_at + k);
            let today = &plan[plan_at..plan_end];
            plan_at = plan_end;

            // Hotline: the day's calls in time order, numbered 1, 2, ...
            let bad_tickets: Vec<(&BadEvent, BadTicket)> = today
                .iter()
                .filter_map(|e| match e.row {
                    BadRow::Ticket(k) => Some((e, k)),
                    BadRow::Case(_) => None,
                })
                .collect();
            let n = self
                .rng
                .poisson(self.hotline_per_weight * day_weight(day, &HOTLINE_WEEKDAY));
            let total = n as usize + bad_tickets.len();
            times.clear();
            for _ in 0..total {
                let hour = self.rng.pick(&self.call_hours) as u32;
                times.push(hour * 3600 + self.rng.below(3600) as u32);
            }
            times.sort_unstable();
            let mut next_bad = 0;
            for (slot, &secs) in times.iter().enumerate() {
                let id = TicketId {
                    day,
                    seq: slot as u32 + 1,
                };
                let ticket = self.ticket(id, month, secs);
                let bad_here = next_bad < bad_tickets.len()
                    && slot == (next_bad + 1) * total / (bad_tickets.len() + 1);
                if bad_here {
                    let (event, kind) = bad_tickets[next_bad];
                    next_bad += 1;
                    sink.bad_ticket(self.geo, event, kind, &ticket)?;
                    continue;
                }
                sink.ticket(self.geo, &ticket)?;
                if ticket.handling == Handling::ToMediation && self.rng.chance(REFERRAL_LINK_RATE) {
                    let mut on = day + 1 + self.rng.pick(&self.referral_delay) as i32;
                    match weekday(on) {
                        5 => on += 2,
                        6 => on += 1,
                        _ => {}
                    }
                    if on <= self.to_day {
                        referrals[on as usize % RING].push(Referral {
                            ticket: id,
                            pref: ticket.pref,
                            county: ticket.county,
                            category: ticket.category,
                            workers: ticket.workers,
                        });
                    }
                }
            }
            day_counts[day as usize % RING] = (day, total as u32);

            // Mediation: referred cases arriving today mixed with the others.
            let bad_cases: Vec<(&BadEvent, BadCase)> = today
                .iter()
                .filter_map(|e| match e.row {
                    BadRow::Case(k) => Some((e, k)),
                    BadRow::Ticket(_) => None,
                })
                .collect();
            let mut arriving = std::mem::take(&mut referrals[day as usize % RING]);
            let own = self
                .rng
                .poisson(self.cases_per_weight * day_weight(day, &CASE_WEEKDAY))
                as usize;
            let total = arriving.len() + own + bad_cases.len();
            let (mut left_referred, mut left_own) = (arriving.len(), own);
            let mut next_bad = 0;
            for slot in 0..total {
                let bad_here = next_bad < bad_cases.len()
                    && slot == (next_bad + 1) * total / (bad_cases.len() + 1);
                let referral = if bad_here {
                    None
                } else if (self.rng.below((left_referred + left_own) as u64) as usize)
                    < left_referred
                {
                    left_referred -= 1;
                    Some(arriving[arriving.len() - 1 - left_referred])
                } else {
                    left_own -= 1;
                    None
                };
                let case = self.case(day, year, month, referral, &day_counts, &mut case_seq);
                if bad_here {
                    let (event, kind) = bad_cases[next_bad];
                    next_bad += 1;
                    sink.bad_case(self.geo, event, kind, &case)?;
                } else {
                    sink.case(self.geo, &case)?;
                }
            }
            arriving.clear();
            referrals[day as usize % RING] = arriving;
        }
        Ok(())
    }

    fn ticket(&mut self, id: TicketId, month: u32, secs: u32) -> Ticket {
        let rng = &mut self.rng;
        let geo = self.geo;
        let received_at = id.day as i64 * SECS_PER_DAY + secs as i64;
        let pref = rng.pick(&geo.hotline_cumulative) as u16;
        let county = geo.county(pref, rng);
        let category = Category::ALL[rng.pick(&self.category_by_month[month as usize - 1])];
        let handling = Handling::ALL[rng.pick(&self.handling_by_category[category as usize])];
        let slowness = geo.prefectures[pref as usize].slowness;
        let hours = rng.lognormal(handling.median_hours_to_close() * slowness, 1.0);
        // Staff close tickets in office hours and type the time to the
        // minute: round up, never before the call.
        let mut close = received_at + (hours * 3600.0) as i64 + 1;
        let (close_day, close_secs) = (
            close.div_euclid(SECS_PER_DAY),
            close.rem_euclid(SECS_PER_DAY),
        );
        if !(8 * 3600..21 * 3600).contains(&close_secs) {
            let morning = if close_secs < 8 * 3600 {
                close_day
            } else {
                close_day + 1
            };
            close = morning * SECS_PER_DAY + 8 * 3600 + rng.below(100 * 60) as i64;
        }
        let close = (close + 59).div_euclid(60) * 60;
        let stuck = rng.chance(0.002);
        let closed_at = (!stuck && close <= self.end_t).then_some(close);
        let satisfaction = if closed_at.is_none() {
            Satisfaction::None
        } else {
            let r = rng.unit();
            let unhappy = 0.07 * slowness * if hours > 168.0 { 2.5 } else { 1.0 };
            if r < 0.04 {
                Satisfaction::None
            } else if r < 0.11 {
                Satisfaction::NotEvaluated
            } else if rng.chance(unhappy) {
                Satisfaction::Dissatisfied
            } else if rng.chance(0.7) {
                Satisfaction::Satisfied
            } else {
                Satisfaction::Fair
            }
        };
        let phone = if rng.chance(0.06) {
            None
        } else {
            let prefix = MOBILE_PREFIXES[rng.below(MOBILE_PREFIXES.len() as u64) as usize];
            Some(prefix as u64 * 100_000_000 + rng.below(100_000_000))
        };
        let workers = if rng.chance(0.04) {
            None
        } else if category == Category::WageArrears && rng.chance(0.10) {
            Some((2.0 + rng.lognormal(6.0, 1.0)).min(200.0) as u32)
        } else if rng.chance(0.02) {
            Some(rng.range(2, 4) as u32)
        } else {
            Some(1)
        };
        Ticket {
            id,
            received_at,
            pref,
            county,
            category,
            handling,
            closed_at,
            satisfaction,
            phone,
            workers,
        }
    }

    fn case(
        &mut self,
        day: i32,
        year: i32,
        month: u32,
        referral: Option<Referral>,
        day_counts: &[(i32, u32); RING],
        case_seq: &mut [u32],
    ) -> Case {
        let geo = self.geo;
        let rng = &mut self.rng;
        let channel = if rng.chance(0.55) {
            Channel::Court
        } else {
            Channel::Arbitration
        };
        let (pref, county, source, ticket, dispute_type, workers) = match referral {
            Some(r) => {
                // One referred case in 400 is registered in another division
                // (two a year at scale 1).
                self.referred_cases += 1;
                let (pref, county) =
                    if self.referred_cases % 400 == 200 && geo.prefectures.len() > 1 {
                        let mut other = r.pref;
                        while other == r.pref {
                            other = rng.pick(&geo.case_cumulative) as u16;
                        }
                        (other, geo.county(other, rng))
                    } else {
                        (r.pref, r.county)
                    };
                let workers = r.workers.or(Some(1));
                (
                    pref,
                    county,
                    Some(Source::Hotline),
                    Some(r.ticket),
                    r.category.as_dispute(),
                    workers,
                )
            }
            None => {
                let pref = rng.pick(&geo.case_cumulative) as u16;
                let county = geo.county(pref, rng);
                let dispute_type =
                    Category::DISPUTES[rng.pick(&self.dispute_by_month[month as usize - 1])];
                let r = rng.unit();
                // About 1% of all cases name a ticket that is not in the log.
                let (source, ticket) = if r < 0.013 {
                    let back = rng.range(1, 10) as i32;
                    let ticket_day = day - back;
                    let (counted_day, count) =
                        day_counts[ticket_day.rem_euclid(RING as i32) as usize];
                    let seq = if counted_day == ticket_day {
                        count + 1 + rng.below(40) as u32
                    } else {
                        1 + rng.below(60) as u32 // before the range: not in the log
                    };
                    let id = TicketId {
                        day: ticket_day,
                        seq,
                    };
                    (Some(Source::Hotline), Some(id))
                } else if r < 0.016 {
                    (Some(Source::Hotline), None)
                } else if r < 0.026 {
                    (None, None)
                } else if r < 0.026 + 0.974 * 0.78 {
                    let dispatched = match channel {
                        Channel::Court => Source::Court,
                        Channel::Arbitration => Source::Arbitration,
                    };
                    (Some(dispatched), None)
                } else {
                    (Some(Source::Party), None)
                };
                let workers = case_workers(rng, dispute_type);
                (pref, county, source, ticket, dispute_type, workers)
            }
        };

        case_seq[pref as usize] += 1;
        let id_seq = case_seq[pref as usize];

        let withdrawn = rng.chance(0.08);
        let median_days = if withdrawn {
            10.0
        } else if referral.is_some() {
            15.0
        } else {
            match channel {
                Channel::Court => 28.0,
                Channel::Arbitration => 18.0,
            }
        } * geo.prefectures[pref as usize].slowness;
        let days = rng.lognormal(median_days, 0.75).min(3650.0) as i32;
        let stuck = rng.chance(0.004);
        // Agreements and closing papers are signed on working days.
        let close = match weekday(day + days) {
            5 => day + days + 2,
            6 => day + days + 1,
            _ => day + days,
        };
        let closed = !stuck && close <= self.to_day;

        let mut logit = geo.success_logit(pref, county);
        logit += match channel {
            Channel::Court => 0.06,
            Channel::Arbitration => -0.06,
        };
        if referral.is_some() {
            logit += 0.15;
        }
        let p = logistic(logit);
        // Keep each prefecture's realised rate near its design (a gentle pull
        // on the running gap), so every seed tells the same story; counties
        // keep their binomial noise.
        let gap = &mut self.success_gap[pref as usize];
        let pulled = (p + 0.15 * *gap).clamp(0.02, 0.98);
        let success = rng.chance(pulled);
        let (outcome, closed_on) = if !closed {
            (Outcome::Pending, None)
        } else if withdrawn {
            (Outcome::Withdrawn, Some(close))
        } else {
            *gap += p - if success { 1.0 } else { 0.0 };
            let outcome = if success {
                Outcome::Success
            } else {
                Outcome::Failure
            };
            (outcome, Some(close))
        };

        let amount = if rng.chance(0.04) {
            None
        } else {
            let (median, sigma) = dispute_type.claim_per_worker();
            let per_worker = rng.lognormal(median, sigma);
            let n = match dispute_type {
                Category::WageArrears | Category::Pay => workers.unwrap_or(1) as f64,
                _ => 1.0,
            };
            let yuan = (per_worker * n).clamp(200.0, 50_000_000.0);
            Some(if rng.chance(0.75) {
                yuan.round() as u64 * 100
            } else {
                (yuan * 100.0).round() as u64
            })
        };
        let settled = match (outcome, amount) {
            (Outcome::Success, Some(fen)) if !rng.chance(0.03) => {
                if rng.chance(0.12) {
                    Some(fen)
                } else {
                    // Mostly most of the claim: share in [0.5, 1), mean 0.83.
                    let u = rng.unit();
                    let share = 0.5 + 0.5 * (1.0 - (1.0 - u) * (1.0 - u));
                    Some((fen as f64 * share / 100.0).floor() as u64 * 100)
                }
            }
            _ => None,
        };
        let has_org = !rng.chance(0.05);
        Case {
            id_year: year,
            id_seq,
            channel,
            pref,
            county,
            source,
            ticket,
            dispute_type,
            has_org,
            received_on: day,
            closed_on,
            outcome,
            workers,
            amount,
            settled,
        }
    }
}

/// Mostly one worker; wage arrears sometimes a whole crew.
fn case_workers(rng: &mut Rng, dispute_type: Category) -> Option<u32> {
    if rng.chance(0.03) {
        return None;
    }
    Some(match dispute_type {
        Category::WageArrears if rng.chance(0.18) => {
            (2.0 + rng.lognormal(8.0, 0.9)).min(300.0) as u32
        }
        Category::Pay if rng.chance(0.08) => (2.0 + rng.lognormal(3.0, 0.7)).min(60.0) as u32,
        _ if rng.chance(0.02) => 2,
        _ => 1,
    })
}

fn day_weight(day: i32, weekday_factor: &[f64; 7]) -> f64 {
    let (_, m, _) = civil_from_days(day);
    MONTH_FACTOR[m as usize - 1] * weekday_factor[weekday(day) as usize]
}
