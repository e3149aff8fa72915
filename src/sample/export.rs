//! The messy "real export" layout of the committed sample data: each log as
//! two overlapping half-range exports. File A is a UTF-8 system export with
//! English headers; file B is what Excel on a Chinese Windows saves (GBK,
//! Chinese headers in another order, every spelling the spec accepts, CRLF).
//!
//! Merging A and B by id gives back the clean logs of the same options,
//! except for the deliberately bad rows (extra rows, all rejected), and the
//! two quoted mediator_org cells of file B (a comma, a line break). To keep
//! that exact, only A's rows of the overlap months are shown as they stood
//! at A's export; its earlier rows carry their final state.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use encoding_rs::{EncoderResult, GBK};

use super::calendar::{
    SECS_PER_DAY, civil_from_days, days_in_month, excel_serial, month_from_index, push_2, push_hms,
    push_i64, push_iso_date, push_iso_datetime, push_padded, push_u64, push_yuan, split_datetime,
};
use super::clean::{HOTLINE_HEADER, MEDIATION_HEADER, push_case_id, push_ticket_id};
use super::generate::{
    BadCase, BadEvent, BadTicket, Case, ExportFile, ExportSplit, Geo, NO_COUNTY, Sink, Ticket,
};
use super::profile::{
    Category, Channel, EXTRA_SPELLINGS, Outcome, STATUS_CLOSED, STATUS_OPEN, Satisfaction,
};
use super::rng::Rng;

// Canonical column positions.
const T_ID: usize = 0;
const T_RECEIVED: usize = 1;
const T_PREF: usize = 2;
const T_COUNTY: usize = 3;
const T_CATEGORY: usize = 4;
const T_HANDLING: usize = 5;
const T_STATUS: usize = 6;
const T_CLOSED: usize = 7;
const T_SATISFACTION: usize = 8;
const T_PHONE: usize = 9;
const T_WORKERS: usize = 10;
const T_COLUMNS: usize = 11;

const C_ID: usize = 0;
const C_CHANNEL: usize = 1;
const C_PREF: usize = 2;
const C_COUNTY: usize = 3;
const C_SOURCE: usize = 4;
const C_TICKET: usize = 5;
const C_TYPE: usize = 6;
const C_ORG: usize = 7;
const C_RECEIVED: usize = 8;
const C_CLOSED: usize = 9;
const C_OUTCOME: usize = 10;
const C_WORKERS: usize = 11;
const C_AMOUNT: usize = 12;
const C_SETTLED: usize = 13;
const C_COLUMNS: usize = 14;

/// File B's column order (canonical positions) and Chinese headers.
const HOTLINE_B_ORDER: [usize; T_COLUMNS] = [
    T_ID,
    T_RECEIVED,
    T_PHONE,
    T_PREF,
    T_COUNTY,
    T_CATEGORY,
    T_WORKERS,
    T_HANDLING,
    T_STATUS,
    T_CLOSED,
    T_SATISFACTION,
];
const HOTLINE_B_HEADERS: [&str; T_COLUMNS] = [
    "工单编号",
    "来电时间",
    "来电号码",
    "市州",
    "县市区",
    "诉求类型",
    "涉及人数",
    "处理方式",
    "办理状态",
    "办结时间",
    "满意度",
];
const MEDIATION_B_ORDER: [usize; C_COLUMNS] = [
    C_ID, C_RECEIVED, C_PREF, C_COUNTY, C_CHANNEL, C_SOURCE, C_TICKET, C_TYPE, C_WORKERS, C_AMOUNT,
    C_ORG, C_OUTCOME, C_CLOSED, C_SETTLED,
];
const MEDIATION_B_HEADERS: [&str; C_COLUMNS] = [
    "案件编号",
    "受理日期",
    "市州",
    "县市区",
    "对接渠道",
    "案件来源",
    "热线工单编号",
    "纠纷类型",
    "涉及职工人数",
    "涉案金额(元)",
    "调解组织",
    "调解结果",
    "结案日期",
    "调解金额(元)",
];
const HOTLINE_A_ORDER: [usize; T_COLUMNS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const MEDIATION_A_ORDER: [usize; C_COLUMNS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

/// The four export file names for a range, in reading order.
pub(crate) fn export_names(split: ExportSplit) -> [String; 4] {
    let span = |(lo, hi): (i32, i32)| {
        let (y0, m0) = month_from_index(lo);
        let (y1, m1) = month_from_index(hi);
        format!("{y0:04}-{m0:02}_{y1:04}-{m1:02}")
    };
    [
        format!("hotline_{}.csv", span(split.a)),
        format!("hotline_{}.csv", span(split.b)),
        format!("mediation_{}.csv", span(split.a)),
        format!("mediation_{}.csv", span(split.b)),
    ]
}

/// One output file, written to a temporary name and renamed when complete
/// (the temporary file is removed if the export fails).
struct Output {
    file: Option<BufWriter<File>>,
    temp: PathBuf,
    path: PathBuf,
    gbk: bool,
    crlf: bool,
}

impl Output {
    fn create(dir: &Path, name: &str, gbk: bool, crlf: bool) -> io::Result<Output> {
        let path = dir.join(name);
        let temp = dir.join(format!(".{name}.tmp"));
        let file = BufWriter::with_capacity(1 << 16, File::create(&temp)?);
        Ok(Output {
            file: Some(file),
            temp,
            path,
            gbk,
            crlf,
        })
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("output already finished")
    }

    fn finish(mut self) -> io::Result<PathBuf> {
        let file = self.file.take().expect("output already finished");
        let file = file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.temp, &self.path)?;
        Ok(std::mem::take(&mut self.path))
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Which cells a row writes, how.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// File A: canonical English layout, ISO dates.
    System,
    /// File B: Excel on Chinese Windows.
    Excel,
}

pub(crate) struct ExportSink {
    split: ExportSplit,
    /// File A was exported at the end of its last month: cases still open
    /// then show as open / pending there.
    a_cutoff_day: i32,
    a_cutoff_t: i64,
    hotline_a: Output,
    hotline_b: Output,
    mediation_a: Output,
    mediation_b: Output,
    rng: Rng,
    cells: Vec<Vec<u8>>,
    line: Vec<u8>,
    encoded: Vec<u8>,
    encoder: encoding_rs::Encoder,
    pref_extra: Vec<Vec<&'static str>>,
    county_extra: Vec<Vec<Vec<&'static str>>>,
    /// Days from which file B's two special mediator_org cells are written.
    comma_cell_from: i32,
    multiline_cell_from: i32,
    comma_cell_done: bool,
    multiline_cell_done: bool,
    /// `--workbook`: file B's cases of one prefecture in the second half of
    /// the range, kept as clean lines for a register.
    register: Option<RegisterCapture>,
}

/// The cases a register of one prefecture holds, by month received.
pub(crate) struct RegisterCapture {
    pub prefecture: u16,
    /// First month (index) it covers.
    pub from_month: i32,
    pub lines: std::collections::BTreeMap<(i32, u32), Vec<String>>,
}

fn in_months(day: i32, (lo, hi): (i32, i32)) -> bool {
    let (y, m, _) = civil_from_days(day);
    let month = y * 12 + m as i32 - 1;
    (lo..=hi).contains(&month)
}

fn last_day(month: i32) -> i32 {
    super::calendar::last_day_of(month)
}

impl ExportSink {
    pub(crate) fn new(
        seed: u64,
        geo: &Geo,
        split: ExportSplit,
        dir: &Path,
    ) -> io::Result<ExportSink> {
        let names = export_names(split);
        let mut hotline_a = Output::create(dir, &names[0], false, false)?;
        let hotline_b = Output::create(dir, &names[1], true, true)?;
        let mut mediation_a = Output::create(dir, &names[2], false, false)?;
        let mediation_b = Output::create(dir, &names[3], true, true)?;

        let pref_extra = geo
            .prefectures
            .iter()
            .map(|p| {
                EXTRA_SPELLINGS
                    .iter()
                    .filter(|(code, _, pref_col)| *pref_col && *code == p.place.code)
                    .map(|(_, s, _)| *s)
                    .collect()
            })
            .collect();
        let county_extra = geo
            .prefectures
            .iter()
            .map(|p| {
                p.counties
                    .iter()
                    .map(|c| {
                        EXTRA_SPELLINGS
                            .iter()
                            .filter(|(code, _, pref_col)| !*pref_col && *code == c.place.code)
                            .map(|(_, s, _)| *s)
                            .collect()
                    })
                    .collect()
            })
            .collect();

        let a_cutoff_day = last_day(split.a.1);
        let b_own_from = a_cutoff_day + 1;
        let b_last = last_day(split.b.1);
        let (lo, hi) = if b_own_from <= b_last {
            (b_own_from, b_last)
        } else {
            (super::calendar::first_day_of(split.b.0), b_last)
        };
        let len = hi - lo + 1;

        // Headers. Mediation A carries a BOM, as Excel's "CSV UTF-8" does.
        hotline_a.writer().write_all(HOTLINE_HEADER.as_bytes())?;
        hotline_a.writer().write_all(b"\n")?;
        mediation_a.writer().write_all(b"\xEF\xBB\xBF")?;
        mediation_a
            .writer()
            .write_all(MEDIATION_HEADER.as_bytes())?;
        mediation_a.writer().write_all(b"\n")?;
        let mut sink = ExportSink {
            split,
            a_cutoff_day,
            a_cutoff_t: (a_cutoff_day as i64 + 1) * SECS_PER_DAY - 1,
            hotline_a,
            hotline_b,
            mediation_a,
            mediation_b,
            rng: Rng::new(seed, 0xE2_7047),
            cells: vec![Vec::new(); C_COLUMNS],
            line: Vec::with_capacity(512),
            encoded: Vec::with_capacity(512),
            encoder: GBK.new_encoder(),
            pref_extra,
            county_extra,
            comma_cell_from: lo + len / 3,
            multiline_cell_from: lo + 2 * len / 3,
            comma_cell_done: false,
            multiline_cell_done: false,
            register: None,
        };
        let header = HOTLINE_B_HEADERS.join(",");
        sink.emit_text(ExportFile::B, true, &header)?;
        let header = MEDIATION_B_HEADERS.join(",");
        sink.emit_text(ExportFile::B, false, &header)?;
        Ok(sink)
    }

    /// Excel leaves all-empty records after the last row; then close the files.
    /// Keeps file B's cases of `prefecture` from `from_month` on for a
    /// register (see [`ExportSink::take_register`]).
    pub(crate) fn capture_register(&mut self, prefecture: u16, from_month: i32) {
        self.register = Some(RegisterCapture {
            prefecture,
            from_month,
            lines: Default::default(),
        });
    }

    pub(crate) fn take_register(&mut self) -> Option<RegisterCapture> {
        self.register.take()
    }

    pub(crate) fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        let blank = ",".repeat(T_COLUMNS - 1);
        self.emit_text(ExportFile::B, true, &blank)?;
        let blank = ",".repeat(C_COLUMNS - 1);
        for _ in 0..3 {
            self.emit_text(ExportFile::B, false, &blank)?;
        }
        Ok(vec![
            self.hotline_a.finish()?,
            self.hotline_b.finish()?,
            self.mediation_a.finish()?,
            self.mediation_b.finish()?,
        ])
    }

    /// Write one physical record (already joined) to a file in its encoding.
    fn emit_text(&mut self, file: ExportFile, hotline: bool, text: &str) -> io::Result<()> {
        self.line.clear();
        self.line.extend_from_slice(text.as_bytes());
        self.emit_line(file, hotline)
    }

    fn emit_line(&mut self, file: ExportFile, hotline: bool) -> io::Result<()> {
        let out = match (file, hotline) {
            (ExportFile::A, true) => &mut self.hotline_a,
            (ExportFile::B, true) => &mut self.hotline_b,
            (ExportFile::A, false) => &mut self.mediation_a,
            (ExportFile::B, false) => &mut self.mediation_b,
        };
        let ending: &[u8] = if out.crlf { b"\r\n" } else { b"\n" };
        if out.gbk {
            let text = std::str::from_utf8(&self.line)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            self.encoded.clear();
            encode_gbk(&mut self.encoder, text, &mut self.encoded)?;
            out.writer().write_all(&self.encoded)?;
        } else {
            out.writer().write_all(&self.line)?;
        }
        out.writer().write_all(ending)
    }

    /// Join the cells in a file's column order, quoting where CSV needs it.
    /// `raw` leaves one cell unquoted (the ragged row's stray comma).
    fn emit_cells(
        &mut self,
        file: ExportFile,
        hotline: bool,
        order: &[usize],
        raw: Option<usize>,
    ) -> io::Result<()> {
        self.line.clear();
        for (i, &col) in order.iter().enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            let cell = &self.cells[col];
            let needs_quotes = raw != Some(col)
                && cell
                    .iter()
                    .any(|&b| b == b',' || b == b'"' || b == b'\n' || b == b'\r');
            if needs_quotes {
                self.line.push(b'"');
                for &b in cell {
                    if b == b'"' {
                        self.line.push(b'"');
                    }
                    self.line.push(b);
                }
                self.line.push(b'"');
            } else {
                self.line.extend_from_slice(cell);
            }
        }
        self.emit_line(file, hotline)
    }

    fn clear_cells(&mut self) {
        for c in &mut self.cells {
            c.clear();
        }
    }

    // ------------------------------------------------------------ cells

    fn prefecture_cell(&mut self, geo: &Geo, pref: u16, style: Style, col: usize) {
        let place = geo.prefecture(pref);
        let cell = &mut self.cells[col];
        if style == Style::System {
            cell.extend_from_slice(place.name.as_bytes());
            return;
        }
        let extra = &self.pref_extra[pref as usize];
        let r = self.rng.unit();
        if r < 0.50 {
            cell.extend_from_slice(place.name.as_bytes());
        } else if r < 0.85 {
            cell.extend_from_slice(place.short_name.as_bytes());
        } else if r < 0.90 || extra.is_empty() {
            push_u64(cell, place.code as u64);
        } else {
            let s = extra[self.rng.below(extra.len() as u64) as usize];
            cell.extend_from_slice(s.as_bytes());
        }
    }

    fn county_cell(&mut self, geo: &Geo, pref: u16, county: u16, style: Style, col: usize) {
        let cell = &mut self.cells[col];
        let Some(place) = geo.county_place(pref, county) else {
            // A directly administered unit is sometimes repeated as its own county.
            if style == Style::Excel
                && geo.prefectures[pref as usize].is_direct()
                && self.rng.chance(0.15)
            {
                let unit = geo.prefecture(pref);
                let name = if self.rng.chance(0.5) {
                    &unit.name
                } else {
                    &unit.short_name
                };
                cell.extend_from_slice(name.as_bytes());
            }
            return;
        };
        if style == Style::System {
            cell.extend_from_slice(place.name.as_bytes());
            return;
        }
        let extra = &self.county_extra[pref as usize][county as usize];
        let r = self.rng.unit();
        if r < 0.55 {
            cell.extend_from_slice(place.name.as_bytes());
        } else if r < 0.85 {
            cell.extend_from_slice(place.short_name.as_bytes());
        } else if r < 0.95 || extra.is_empty() {
            push_u64(cell, place.code as u64);
        } else {
            let s = extra[self.rng.below(extra.len() as u64) as usize];
            cell.extend_from_slice(s.as_bytes());
        }
    }

    /// A date in one of the spellings Excel users produce.
    fn date_cell(&mut self, day: i32, style: Style, date_style: u8, col: usize) {
        let cell = &mut self.cells[col];
        if style == Style::System {
            push_iso_date(cell, day);
            return;
        }
        let (y, m, d) = civil_from_days(day);
        match date_style {
            0 => push_slash_date(cell, day),
            1 => {
                push_i64(cell, y as i64);
                cell.extend_from_slice("年".as_bytes());
                push_u64(cell, m as u64);
                cell.extend_from_slice("月".as_bytes());
                push_u64(cell, d as u64);
                cell.extend_from_slice("日".as_bytes());
            }
            2 => {
                push_padded(cell, y as u64, 4);
                push_2(cell, m);
                push_2(cell, d);
            }
            3 => push_i64(cell, excel_serial(day) as i64),
            4 => push_iso_date(cell, day),
            _ => {
                push_i64(cell, y as i64);
                cell.push(b'.');
                push_u64(cell, m as u64);
                cell.push(b'.');
                push_u64(cell, d as u64);
            }
        }
    }

    fn pick_date_style(&mut self) -> u8 {
        let r = self.rng.unit();
        match r {
            _ if r < 0.40 => 0,
            _ if r < 0.55 => 1,
            _ if r < 0.70 => 2,
            _ if r < 0.85 => 3,
            _ if r < 0.95 => 4,
            _ => 5,
        }
    }

    /// received_at keeps its seconds in every spelling.
    fn received_at_cell(&mut self, t: i64, style: Style, col: usize) {
        let r = self.rng.unit();
        let cell = &mut self.cells[col];
        if style == Style::System || (0.60..0.85).contains(&r) {
            push_iso_datetime(cell, t);
            return;
        }
        let (day, secs) = split_datetime(t);
        if r < 0.60 {
            push_slash_date(cell, day);
            cell.push(b' ');
            push_hms(cell, secs);
        } else if r < 0.95 {
            push_iso_date(cell, day);
            cell.push(b'T');
            push_hms(cell, secs);
        } else {
            push_serial_datetime(cell, day, secs);
        }
    }

    /// closed_at is whole minutes, so Excel's `2023/6/1 9:15` loses nothing.
    fn closed_at_cell(&mut self, t: i64, style: Style, col: usize) {
        let r = self.rng.unit();
        let cell = &mut self.cells[col];
        let (day, secs) = split_datetime(t);
        if style == Style::System || (0.75..0.90).contains(&r) {
            push_iso_datetime(cell, t);
        } else if r < 0.55 {
            push_slash_date(cell, day);
            cell.push(b' ');
            push_u64(cell, (secs / 3600) as u64);
            cell.push(b':');
            push_2(cell, secs / 60 % 60);
        } else if r < 0.75 {
            push_slash_date(cell, day);
            cell.push(b' ');
            push_2(cell, secs / 3600);
            cell.push(b':');
            push_2(cell, secs / 60 % 60);
        } else if r < 0.95 {
            let (y, m, d) = civil_from_days(day);
            push_i64(cell, y as i64);
            cell.extend_from_slice("年".as_bytes());
            push_u64(cell, m as u64);
            cell.extend_from_slice("月".as_bytes());
            push_u64(cell, d as u64);
            cell.extend_from_slice("日 ".as_bytes());
            push_2(cell, secs / 3600);
            cell.push(b':');
            push_2(cell, secs / 60 % 60);
        } else {
            push_serial_datetime(cell, day, secs);
        }
    }

    fn phone_cell(&mut self, phone: Option<u64>, style: Style, col: usize) {
        let Some(phone) = phone else { return };
        let r = self.rng.unit();
        let cell = &mut self.cells[col];
        if style == Style::System || r < 0.70 {
            push_u64(cell, phone);
            return;
        }
        let (a, b, c) = (phone / 100_000_000, phone / 10_000 % 10_000, phone % 10_000);
        if r < 0.80 {
            push_u64(cell, a);
            cell.push(b' ');
            push_padded(cell, b, 4);
            cell.push(b' ');
            push_padded(cell, c, 4);
        } else if r < 0.90 {
            push_u64(cell, a);
            cell.push(b'-');
            push_padded(cell, b, 4);
            cell.push(b'-');
            push_padded(cell, c, 4);
        } else {
            cell.extend_from_slice(b"+86 ");
            push_u64(cell, phone);
        }
    }

    fn money_cell(&mut self, fen: Option<u64>, style: Style, col: usize) {
        let Some(fen) = fen else { return };
        let padded = style == Style::Excel && fen % 100 == 0 && self.rng.chance(0.2);
        let cell = &mut self.cells[col];
        push_yuan(cell, fen);
        if padded {
            cell.extend_from_slice(b".00");
        }
    }

    fn ticket_cells(&mut self, geo: &Geo, t: &Ticket, style: Style) {
        self.clear_cells();
        push_ticket_id(&mut self.cells[T_ID], t.id);
        self.received_at_cell(t.received_at, style, T_RECEIVED);
        self.prefecture_cell(geo, t.pref, style, T_PREF);
        self.county_cell(geo, t.pref, t.county, style, T_COUNTY);
        put(&mut self.cells[T_CATEGORY], t.category.label());
        put(&mut self.cells[T_HANDLING], t.handling.label());
        match t.closed_at {
            Some(closed) => {
                put(&mut self.cells[T_STATUS], STATUS_CLOSED);
                self.closed_at_cell(closed, style, T_CLOSED);
            }
            None => put(&mut self.cells[T_STATUS], STATUS_OPEN),
        }
        put(&mut self.cells[T_SATISFACTION], t.satisfaction.label());
        self.phone_cell(t.phone, style, T_PHONE);
        if let Some(n) = t.workers {
            push_u64(&mut self.cells[T_WORKERS], n as u64);
        }
    }

    fn case_cells(&mut self, geo: &Geo, c: &Case, style: Style) {
        self.clear_cells();
        push_case_id(&mut self.cells[C_ID], geo, c);
        let channel = if style == Style::Excel && self.rng.chance(0.10) {
            c.channel.english()
        } else {
            c.channel.label()
        };
        put(&mut self.cells[C_CHANNEL], channel);
        self.prefecture_cell(geo, c.pref, style, C_PREF);
        self.county_cell(geo, c.pref, c.county, style, C_COUNTY);
        if let Some(s) = c.source {
            put(&mut self.cells[C_SOURCE], s.label());
        }
        if let Some(id) = c.ticket {
            push_ticket_id(&mut self.cells[C_TICKET], id);
        }
        put(&mut self.cells[C_TYPE], c.dispute_type.label());
        if c.has_org {
            put(
                &mut self.cells[C_ORG],
                geo.mediator_org(c.pref, c.county, c.channel),
            );
        }
        let date_style = self.pick_date_style();
        self.date_cell(c.received_on, style, date_style, C_RECEIVED);
        if let Some(d) = c.closed_on {
            self.date_cell(d, style, date_style, C_CLOSED);
        }
        let outcome = match c.outcome {
            Outcome::Failure if style == Style::Excel && self.rng.chance(0.5) => "调解失败",
            o => o.label(),
        };
        put(&mut self.cells[C_OUTCOME], outcome);
        if let Some(n) = c.workers {
            push_u64(&mut self.cells[C_WORKERS], n as u64);
        }
        self.money_cell(c.amount, style, C_AMOUNT);
        self.money_cell(c.settled, style, C_SETTLED);
    }

    fn file_layout(file: ExportFile, hotline: bool) -> (Style, &'static [usize]) {
        match (file, hotline) {
            (ExportFile::A, true) => (Style::System, &HOTLINE_A_ORDER),
            (ExportFile::B, true) => (Style::Excel, &HOTLINE_B_ORDER),
            (ExportFile::A, false) => (Style::System, &MEDIATION_A_ORDER),
            (ExportFile::B, false) => (Style::Excel, &MEDIATION_B_ORDER),
        }
    }

    // ------------------------------------------------------------ A's copy

    /// File A's view of a row of the overlap months: as it stood at A's
    /// export, and now and then with a value that B corrects.
    fn ticket_as_in_a(&mut self, t: &Ticket) -> Ticket {
        let mut t = *t;
        if t.closed_at.is_some_and(|c| c > self.a_cutoff_t) {
            t.closed_at = None;
            t.satisfaction = Satisfaction::None;
        }
        if self.rng.chance(0.005) {
            match self.rng.below(3) {
                0 => {
                    t.category = match t.category {
                        Category::WageArrears => Category::Pay,
                        Category::Pay => Category::WageArrears,
                        Category::LegalAdvice => Category::Contract,
                        _ => Category::Other,
                    }
                }
                1 => t.workers = Some(t.workers.unwrap_or(1) + 1),
                _ => {
                    if let Some(p) = t.phone {
                        // One mistyped digit.
                        let digit = p % 10;
                        t.phone = Some(p - digit + (digit + 1) % 10);
                    } else {
                        t.workers = Some(t.workers.unwrap_or(1) + 1);
                    }
                }
            }
        }
        t
    }

    fn case_as_in_a(&mut self, geo: &Geo, c: &Case) -> Case {
        let mut c = *c;
        if c.closed_on.is_some_and(|d| d > self.a_cutoff_day) {
            c.closed_on = None;
            c.outcome = Outcome::Pending;
            c.settled = None;
        }
        if self.rng.chance(0.01) {
            match self.rng.below(3) {
                0 if c.amount.is_some() => c.amount = c.amount.map(|a| a * 10), // an extra zero
                1 => {
                    c.dispute_type = match c.dispute_type {
                        Category::WageArrears => Category::Pay,
                        Category::Pay => Category::WageArrears,
                        Category::Contract => Category::Other,
                        _ => Category::Contract,
                    }
                }
                _ => {
                    let p = &geo.prefectures[c.pref as usize];
                    if p.counties.len() > 1 && c.county != NO_COUNTY {
                        c.county = (c.county + 1) % p.counties.len() as u16;
                    } else {
                        c.workers = Some(c.workers.unwrap_or(1) + 1);
                    }
                }
            }
        }
        c
    }

    // ------------------------------------------------------------ bad rows

    fn write_bad_ticket(
        &mut self,
        geo: &Geo,
        file: ExportFile,
        kind: BadTicket,
        t: &Ticket,
    ) -> io::Result<()> {
        let (style, order) = Self::file_layout(file, true);
        self.ticket_cells(geo, t, style);
        let mut order: &[usize] = order;
        match kind {
            BadTicket::MissingCategory => self.cells[T_CATEGORY].clear(),
            BadTicket::BadHandling => set(&mut self.cells[T_HANDLING], "转仲裁"),
            BadTicket::UnparseableReceivedAt => {
                // A day the month does not have: the 31st of a 30-day month
                // (or the 29th/30th of February), near the row's own date.
                let (day, secs) = split_datetime(t.received_at);
                let (y, m, bad_day) = impossible_date(day);
                let cell = &mut self.cells[T_RECEIVED];
                cell.clear();
                push_i64(cell, y as i64);
                if style == Style::System {
                    cell.push(b'-');
                    push_2(cell, m);
                    cell.push(b'-');
                    push_2(cell, bad_day);
                    cell.push(b' ');
                    push_hms(cell, secs);
                } else {
                    cell.push(b'/');
                    push_u64(cell, m as u64);
                    cell.push(b'/');
                    push_u64(cell, bad_day as u64);
                    cell.push(b' ');
                    push_u64(cell, (secs / 3600) as u64);
                    cell.push(b':');
                    push_2(cell, secs / 60 % 60);
                }
            }
            BadTicket::UnknownPrefecture => {
                set(&mut self.cells[T_PREF], "江汉油田");
                self.cells[T_COUNTY].clear();
            }
            BadTicket::CountyOutsidePrefecture => {
                let Some((pref, county)) = mismatched_county(geo, 4, 0, false) else {
                    return Ok(());
                };
                set(&mut self.cells[T_PREF], &pref);
                set(&mut self.cells[T_COUNTY], &county);
            }
            BadTicket::ClosedBeforeReceived => {
                set(&mut self.cells[T_STATUS], STATUS_CLOSED);
                self.cells[T_CLOSED].clear();
                let before = (t.received_at - 3 * 3600).div_euclid(60) * 60;
                self.closed_at_cell(before, style, T_CLOSED);
            }
            BadTicket::ClosedAtMissing => {
                set(&mut self.cells[T_STATUS], STATUS_CLOSED);
                self.cells[T_CLOSED].clear();
            }
            BadTicket::ClosedAtOnOpenTicket => {
                set(&mut self.cells[T_STATUS], STATUS_OPEN);
                self.cells[T_CLOSED].clear();
                self.cells[T_SATISFACTION].clear();
                let later = (t.received_at + 5 * 3600).div_euclid(60) * 60 + 60;
                self.closed_at_cell(later, style, T_CLOSED);
            }
            BadTicket::MangledId => {
                // A county office typed its numeric ticket number (yyyymmdd + 6
                // digits, 14 digits) into a General cell.
                let (y, m, d) = civil_from_days(t.id.day);
                let digits = format!("{y:04}{m:02}{d:02}");
                set(&mut self.cells[T_ID], &excel_scientific(&digits, 13));
            }
            BadTicket::BadStatus => set(&mut self.cells[T_STATUS], "已回访"),
            BadTicket::ZeroWorkers => set(&mut self.cells[T_WORKERS], "0"),
            BadTicket::Ragged => order = &order[..order.len() - 1],
        }
        self.emit_cells(file, true, order, None)
    }

    fn write_bad_case(
        &mut self,
        geo: &Geo,
        file: ExportFile,
        kind: BadCase,
        c: &Case,
    ) -> io::Result<()> {
        let (style, order) = Self::file_layout(file, false);
        let mut c = *c;
        // Bad rows start from a decided case so that only the intended rule fails.
        if c.closed_on.is_none() {
            let last = last_day(self.split.b.1);
            c.closed_on = Some((c.received_on + 20).min(last).max(c.received_on));
            c.outcome = Outcome::Failure;
            c.settled = None;
        }
        let mut raw = None;
        match kind {
            BadCase::SettledOnFailure => {
                let amount = c.amount.unwrap_or(2_000_000);
                c.amount = Some(amount);
                c.outcome = Outcome::Failure;
                c.settled = Some(amount / 200 * 100);
            }
            BadCase::ClosedOnMissing => {
                c.outcome = Outcome::Success;
                c.settled = c.amount.map(|a| a / 100 * 80);
            }
            _ => {}
        }
        self.case_cells(geo, &c, style);
        match kind {
            BadCase::UnparseableAmount => set(&mut self.cells[C_AMOUNT], "约5万"),
            BadCase::MissingDisputeType => self.cells[C_TYPE].clear(),
            BadCase::UnknownPrefecture => {
                set(&mut self.cells[C_PREF], "武汗市"); // a typo of 武汉市
                self.cells[C_COUNTY].clear();
                self.cells[C_ORG].clear();
            }
            BadCase::CountyOutsidePrefecture => {
                let Some((pref, county)) = mismatched_county(geo, 0, 3, true) else {
                    return Ok(());
                };
                set(&mut self.cells[C_PREF], &pref);
                set(&mut self.cells[C_COUNTY], &county);
                self.cells[C_ORG].clear();
            }
            BadCase::ClosedBeforeReceived => {
                self.cells[C_CLOSED].clear();
                let style_of_row = self.pick_date_style();
                self.date_cell(c.received_on - 9, style, style_of_row, C_CLOSED);
            }
            BadCase::ClosedOnMissing => self.cells[C_CLOSED].clear(),
            BadCase::SettledOnFailure => set(&mut self.cells[C_OUTCOME], "调解失败"),
            BadCase::MangledId => {
                let code = geo
                    .county_place(c.pref, c.county)
                    .unwrap_or_else(|| geo.prefecture(c.pref))
                    .code;
                set(
                    &mut self.cells[C_ID],
                    &excel_scientific(&code.to_string(), 17),
                );
            }
            BadCase::UnparseableReceivedOn => set(&mut self.cells[C_RECEIVED], "待补录"),
            BadCase::BadOutcome => {
                set(&mut self.cells[C_OUTCOME], "待定");
                self.cells[C_CLOSED].clear();
                self.cells[C_SETTLED].clear();
            }
            BadCase::Ragged => {
                // A comma typed into an unquoted cell: one field too many.
                let place = geo.prefecture(c.pref);
                let org = format!("{}总工会,法院联合调解室", place.name);
                set(&mut self.cells[C_ORG], &org);
                raw = Some(C_ORG);
            }
        }
        self.emit_cells(file, false, order, raw)
    }
}

impl Sink for ExportSink {
    fn ticket(&mut self, geo: &Geo, t: &Ticket) -> io::Result<()> {
        let day = t.id.day;
        let in_a = in_months(day, self.split.a);
        let in_b = in_months(day, self.split.b);
        if in_a {
            let copy = if in_b { self.ticket_as_in_a(t) } else { *t };
            self.ticket_cells(geo, &copy, Style::System);
            self.emit_cells(ExportFile::A, true, &HOTLINE_A_ORDER, None)?;
        }
        if in_b {
            self.ticket_cells(geo, t, Style::Excel);
            self.emit_cells(ExportFile::B, true, &HOTLINE_B_ORDER, None)?;
        }
        Ok(())
    }

    fn case(&mut self, geo: &Geo, c: &Case) -> io::Result<()> {
        let in_a = in_months(c.received_on, self.split.a);
        let in_b = in_months(c.received_on, self.split.b);
        if in_a {
            let copy = if in_b { self.case_as_in_a(geo, c) } else { *c };
            self.case_cells(geo, &copy, Style::System);
            self.emit_cells(ExportFile::A, false, &MEDIATION_A_ORDER, None)?;
        }
        if in_b {
            self.case_cells(geo, c, Style::Excel);
            // A register copies the clean text; B's rewritten cells differ.
            let mut rewritten = false;
            let special = !in_a && c.has_org && c.county != NO_COUNTY;
            if special && !self.comma_cell_done && c.received_on >= self.comma_cell_from {
                // Two offices named in one cell: quoted because of the comma.
                self.comma_cell_done = true;
                rewritten = true;
                let county = &geo.county_place(c.pref, c.county).expect("county").name;
                let partner = match c.channel {
                    Channel::Court => "人民法院",
                    Channel::Arbitration => "劳动人事争议仲裁院",
                };
                set(
                    &mut self.cells[C_ORG],
                    &format!("{county}总工会,{county}{partner}联合调解室"),
                );
            } else if special
                && !self.multiline_cell_done
                && c.received_on >= self.multiline_cell_from
            {
                // Alt+Enter in Excel: a line break inside the cell.
                self.multiline_cell_done = true;
                rewritten = true;
                let county = &geo.county_place(c.pref, c.county).expect("county").name;
                let office = match c.channel {
                    Channel::Court => "人民法院劳动争议诉调对接工作室",
                    Channel::Arbitration => "劳动人事争议仲裁院调解工作室",
                };
                set(
                    &mut self.cells[C_ORG],
                    &format!("{county}{office}\n（驻{county}总工会）"),
                );
            }
            self.emit_cells(ExportFile::B, false, &MEDIATION_B_ORDER, None)?;
            if let Some(register) = &mut self.register {
                let (y, m, _) = civil_from_days(c.received_on);
                let month = y * 12 + m as i32 - 1;
                if c.pref == register.prefecture && month >= register.from_month && !rewritten {
                    let mut line = Vec::new();
                    super::clean::push_clean_case(&mut line, geo, c);
                    let text = String::from_utf8_lossy(&line).trim_end().to_string();
                    register.lines.entry((y, m)).or_default().push(text);
                }
            }
        }
        Ok(())
    }

    fn bad_ticket(
        &mut self,
        geo: &Geo,
        event: &BadEvent,
        kind: BadTicket,
        t: &Ticket,
    ) -> io::Result<()> {
        self.write_bad_ticket(geo, event.file, kind, t)
    }

    fn bad_case(&mut self, geo: &Geo, event: &BadEvent, kind: BadCase, c: &Case) -> io::Result<()> {
        self.write_bad_case(geo, event.file, kind, c)
    }
}

fn put(cell: &mut Vec<u8>, s: &str) {
    cell.extend_from_slice(s.as_bytes());
}

fn set(cell: &mut Vec<u8>, s: &str) {
    cell.clear();
    cell.extend_from_slice(s.as_bytes());
}

/// (year, month, day) of a date that does not exist, in the month of `day`
/// or the next shorter one (November for December).
fn impossible_date(day: i32) -> (i32, u32, u32) {
    let (y, m, _) = civil_from_days(day);
    let month = (m..=12).find(|&mm| days_in_month(y, mm) < 31).unwrap_or(11);
    (y, month, days_in_month(y, month) + 1)
}

/// `2023/6/1`
fn push_slash_date(cell: &mut Vec<u8>, day: i32) {
    let (y, m, d) = civil_from_days(day);
    push_i64(cell, y as i64);
    cell.push(b'/');
    push_u64(cell, m as u64);
    cell.push(b'/');
    push_u64(cell, d as u64);
}

/// Excel serial with the time as a fraction, to the micro-day (0.09 s),
/// which reads back to the exact second.
fn push_serial_datetime(cell: &mut Vec<u8>, day: i32, secs: u32) {
    let micro = (secs as u64 * 1_000_000 + SECS_PER_DAY as u64 / 2) / SECS_PER_DAY as u64;
    push_i64(cell, excel_serial(day) as i64);
    cell.push(b'.');
    push_padded(cell, micro, 6);
}

/// How Excel's General format shows a long number: six significant digits,
/// trailing zeros dropped (`420106…` → `4.20106E+17`, `420100…` → `4.201E+17`).
fn excel_scientific(leading_digits: &str, exponent: u32) -> String {
    let digits: Vec<char> = leading_digits.chars().take(6).collect();
    let mut mantissa: String = digits[1..].iter().collect();
    while mantissa.ends_with('0') {
        mantissa.pop();
    }
    if mantissa.is_empty() {
        format!("{}E+{exponent}", digits[0])
    } else {
        format!("{}.{mantissa}E+{exponent}", digits[0])
    }
}

/// A (prefecture, county) pair whose county lies in another prefecture:
/// the `nth_pref`-th prefecture with counties, and a county of the
/// `nth_other`-th one (its last county when `last`).
fn mismatched_county(
    geo: &Geo,
    nth_pref: usize,
    nth_other: usize,
    last: bool,
) -> Option<(String, String)> {
    let with_counties: Vec<_> = geo.prefectures.iter().filter(|p| !p.is_direct()).collect();
    if with_counties.len() < 2 {
        return None;
    }
    let pref = with_counties[nth_pref % with_counties.len()];
    let mut other = with_counties[nth_other % with_counties.len()];
    if std::ptr::eq(pref, other) {
        other = with_counties[(nth_other + 1) % with_counties.len()];
    }
    let county = if last {
        other.counties.last()
    } else {
        other.counties.first()
    }?;
    Some((pref.place.name.clone(), county.place.name.clone()))
}

fn encode_gbk(encoder: &mut encoding_rs::Encoder, text: &str, out: &mut Vec<u8>) -> io::Result<()> {
    let mut rest = text;
    loop {
        out.reserve(rest.len() + 16);
        let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(rest, out, false);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => return Ok(()),
            EncoderResult::OutputFull => continue,
            EncoderResult::Unmappable(c) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("character {c:?} cannot be written in GBK"),
                ));
            }
        }
    }
}
