//! The clean logs: canonical English headers, UTF-8 without BOM, ISO dates,
//! official full region names, LF line endings, no quoting needed.

use std::io::{self, Write};

use super::calendar::{push_iso_date, push_iso_datetime, push_padded, push_u64, push_yuan};
use super::generate::{Case, Geo, Sink, Ticket};
use super::profile::{STATUS_CLOSED, STATUS_OPEN};

pub(crate) const HOTLINE_HEADER: &str = "ticket_id,received_at,prefecture,county,category,handling,status,closed_at,satisfaction,caller_phone,workers_involved";
pub(crate) const MEDIATION_HEADER: &str = "case_id,channel,prefecture,county,source,hotline_ticket_id,dispute_type,mediator_org,received_on,closed_on,outcome,workers_involved,amount_yuan,settled_yuan";

/// Flush to the underlying writer in chunks of about this size.
const CHUNK: usize = 1 << 16;

pub(crate) fn push_ticket_id(buf: &mut Vec<u8>, id: super::generate::TicketId) {
    let (y, m, d) = super::calendar::civil_from_days(id.day);
    buf.extend_from_slice(b"RX");
    push_padded(buf, y as u64, 4);
    super::calendar::push_2(buf, m);
    super::calendar::push_2(buf, d);
    push_padded(buf, id.seq as u64, 5);
}

pub(crate) fn push_case_id(buf: &mut Vec<u8>, geo: &Geo, case: &Case) {
    buf.extend_from_slice(b"TJ-");
    push_u64(buf, geo.prefecture(case.pref).code as u64);
    buf.push(b'-');
    push_padded(buf, case.id_year as u64, 4);
    buf.push(b'-');
    push_padded(buf, case.id_seq as u64, 6);
}

/// Writes both clean logs, buffering each in its own chunk.
pub(crate) struct CleanSink<'w> {
    hotline: &'w mut dyn Write,
    mediation: &'w mut dyn Write,
    hotline_buf: Vec<u8>,
    mediation_buf: Vec<u8>,
    pub hotline_rows: u64,
    pub mediation_rows: u64,
}

impl<'w> CleanSink<'w> {
    pub(crate) fn new(hotline: &'w mut dyn Write, mediation: &'w mut dyn Write) -> CleanSink<'w> {
        let mut hotline_buf = Vec::with_capacity(CHUNK + 1024);
        hotline_buf.extend_from_slice(HOTLINE_HEADER.as_bytes());
        hotline_buf.push(b'\n');
        let mut mediation_buf = Vec::with_capacity(CHUNK + 1024);
        mediation_buf.extend_from_slice(MEDIATION_HEADER.as_bytes());
        mediation_buf.push(b'\n');
        CleanSink {
            hotline,
            mediation,
            hotline_buf,
            mediation_buf,
            hotline_rows: 0,
            mediation_rows: 0,
        }
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.hotline.write_all(&self.hotline_buf)?;
        self.hotline_buf.clear();
        self.hotline.flush()?;
        self.mediation.write_all(&self.mediation_buf)?;
        self.mediation_buf.clear();
        self.mediation.flush()
    }
}

pub(crate) fn push_clean_ticket(b: &mut Vec<u8>, geo: &Geo, t: &Ticket) {
    push_ticket_id(b, t.id);
    b.push(b',');
    push_iso_datetime(b, t.received_at);
    b.push(b',');
    b.extend_from_slice(geo.prefecture(t.pref).name.as_bytes());
    b.push(b',');
    if let Some(c) = geo.county_place(t.pref, t.county) {
        b.extend_from_slice(c.name.as_bytes());
    }
    b.push(b',');
    b.extend_from_slice(t.category.label().as_bytes());
    b.push(b',');
    b.extend_from_slice(t.handling.label().as_bytes());
    b.push(b',');
    match t.closed_at {
        Some(closed) => {
            b.extend_from_slice(STATUS_CLOSED.as_bytes());
            b.push(b',');
            push_iso_datetime(b, closed);
        }
        None => {
            b.extend_from_slice(STATUS_OPEN.as_bytes());
            b.push(b',');
        }
    }
    b.push(b',');
    b.extend_from_slice(t.satisfaction.label().as_bytes());
    b.push(b',');
    if let Some(phone) = t.phone {
        push_u64(b, phone);
    }
    b.push(b',');
    if let Some(n) = t.workers {
        push_u64(b, n as u64);
    }
    b.push(b'\n');
}

pub(crate) fn push_clean_case(b: &mut Vec<u8>, geo: &Geo, c: &Case) {
    push_case_id(b, geo, c);
    b.push(b',');
    b.extend_from_slice(c.channel.label().as_bytes());
    b.push(b',');
    b.extend_from_slice(geo.prefecture(c.pref).name.as_bytes());
    b.push(b',');
    if let Some(county) = geo.county_place(c.pref, c.county) {
        b.extend_from_slice(county.name.as_bytes());
    }
    b.push(b',');
    if let Some(s) = c.source {
        b.extend_from_slice(s.label().as_bytes());
    }
    b.push(b',');
    if let Some(id) = c.ticket {
        push_ticket_id(b, id);
    }
    b.push(b',');
    b.extend_from_slice(c.dispute_type.label().as_bytes());
    b.push(b',');
    if c.has_org {
        b.extend_from_slice(geo.mediator_org(c.pref, c.county, c.channel).as_bytes());
    }
    b.push(b',');
    push_iso_date(b, c.received_on);
    b.push(b',');
    if let Some(d) = c.closed_on {
        push_iso_date(b, d);
    }
    b.push(b',');
    b.extend_from_slice(c.outcome.label().as_bytes());
    b.push(b',');
    if let Some(n) = c.workers {
        push_u64(b, n as u64);
    }
    b.push(b',');
    if let Some(fen) = c.amount {
        push_yuan(b, fen);
    }
    b.push(b',');
    if let Some(fen) = c.settled {
        push_yuan(b, fen);
    }
    b.push(b'\n');
}

impl Sink for CleanSink<'_> {
    fn ticket(&mut self, geo: &Geo, t: &Ticket) -> io::Result<()> {
        push_clean_ticket(&mut self.hotline_buf, geo, t);
        self.hotline_rows += 1;
        if self.hotline_buf.len() >= CHUNK {
            self.hotline.write_all(&self.hotline_buf)?;
            self.hotline_buf.clear();
        }
        Ok(())
    }

    fn case(&mut self, geo: &Geo, c: &Case) -> io::Result<()> {
        push_clean_case(&mut self.mediation_buf, geo, c);
        self.mediation_rows += 1;
        if self.mediation_buf.len() >= CHUNK {
            self.mediation.write_all(&self.mediation_buf)?;
            self.mediation_buf.clear();
        }
        Ok(())
    }
}
