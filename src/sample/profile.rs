//! The domain vocabulary of the two logs (the spec's enum spellings) and the
//! fixed profile behind the sample's story: volumes, success rates and speed
//! by prefecture. Changing a number here changes every sample ever written.

/// Hotline 诉求类型 / mediation 纠纷类型.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Category {
    WageArrears,
    Contract,
    SocialInsurance,
    WorkInjury,
    Pay,
    LegalAdvice,
    Hardship,
    Other,
}

impl Category {
    pub(crate) const ALL: [Category; 8] = [
        Category::WageArrears,
        Category::Contract,
        Category::SocialInsurance,
        Category::WorkInjury,
        Category::Pay,
        Category::LegalAdvice,
        Category::Hardship,
        Category::Other,
    ];

    /// The types a mediation case can have (no 法律咨询 / 困难帮扶).
    pub(crate) const DISPUTES: [Category; 6] = [
        Category::WageArrears,
        Category::Contract,
        Category::SocialInsurance,
        Category::WorkInjury,
        Category::Pay,
        Category::Other,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Category::WageArrears => "欠薪",
            Category::Contract => "劳动合同",
            Category::SocialInsurance => "社会保险",
            Category::WorkInjury => "工伤",
            Category::Pay => "劳动报酬",
            Category::LegalAdvice => "法律咨询",
            Category::Hardship => "困难帮扶",
            Category::Other => "其他",
        }
    }

    /// Share of hotline calls (before seasonality).
    pub(crate) fn hotline_weight(self) -> f64 {
        match self {
            Category::WageArrears => 30.0,
            Category::Contract => 18.0,
            Category::SocialInsurance => 14.0,
            Category::WorkInjury => 8.0,
            Category::Pay => 8.0,
            Category::LegalAdvice => 14.0,
            Category::Hardship => 5.0,
            Category::Other => 3.0,
        }
    }

    /// Share of mediation cases not referred by the hotline.
    pub(crate) fn dispute_weight(self) -> f64 {
        match self {
            Category::WageArrears => 30.0,
            Category::Contract => 25.0,
            Category::SocialInsurance => 10.0,
            Category::WorkInjury => 12.0,
            Category::Pay => 17.0,
            Category::Other => 6.0,
            Category::LegalAdvice | Category::Hardship => 0.0,
        }
    }

    /// Wage arrears peak around the Spring Festival and at year end
    /// (the winter campaigns against 欠薪).
    pub(crate) fn seasonal_factor(self, month: u32) -> f64 {
        if self != Category::WageArrears {
            return 1.0;
        }
        [1.6, 1.3, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.2, 1.6][month as usize - 1]
    }

    /// The mediation dispute type of a case referred from a hotline ticket.
    pub(crate) fn as_dispute(self) -> Category {
        match self {
            Category::LegalAdvice => Category::Contract,
            Category::Hardship => Category::Pay,
            c => c,
        }
    }

    /// Handling mix of a ticket of this category:
    /// [当场解答, 转办, 转调解, 转法律援助, 其他]. Overall 转调解 ≈ 9.7%.
    pub(crate) fn handling_weights(self) -> [f64; 5] {
        match self {
            Category::WageArrears => [30.0, 45.0, 14.0, 8.0, 3.0],
            Category::Contract => [40.0, 30.0, 14.0, 12.0, 4.0],
            Category::SocialInsurance => [45.0, 45.0, 4.0, 3.0, 3.0],
            Category::WorkInjury => [30.0, 35.0, 10.0, 22.0, 3.0],
            Category::Pay => [35.0, 38.0, 15.0, 9.0, 3.0],
            Category::LegalAdvice => [80.0, 6.0, 2.0, 10.0, 2.0],
            Category::Hardship => [20.0, 72.0, 1.0, 2.0, 5.0],
            Category::Other => [60.0, 25.0, 2.0, 3.0, 10.0],
        }
    }

    /// Median claim per worker in yuan, and its log-scale spread.
    pub(crate) fn claim_per_worker(self) -> (f64, f64) {
        match self {
            Category::WageArrears => (9_000.0, 0.8),
            Category::Contract => (28_000.0, 0.9),
            Category::SocialInsurance => (15_000.0, 0.9),
            Category::WorkInjury => (75_000.0, 0.8),
            Category::Pay => (8_000.0, 0.8),
            _ => (6_000.0, 1.0),
        }
    }
}

/// Hotline 处理方式.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Handling {
    Answered,
    Transferred,
    ToMediation,
    LegalAid,
    Other,
}

impl Handling {
    pub(crate) const ALL: [Handling; 5] = [
        Handling::Answered,
        Handling::Transferred,
        Handling::ToMediation,
        Handling::LegalAid,
        Handling::Other,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Handling::Answered => "当场解答",
            Handling::Transferred => "转办",
            Handling::ToMediation => "转调解",
            Handling::LegalAid => "转法律援助",
            Handling::Other => "其他",
        }
    }

    /// Median hours from call to 办结 (a 当场解答 ticket is closed after the
    /// next-day call-back); log-normal with sigma 1 around it.
    pub(crate) fn median_hours_to_close(self) -> f64 {
        match self {
            Handling::Answered => 20.0,
            Handling::Transferred => 72.0,
            Handling::ToMediation => 72.0,
            Handling::LegalAid => 60.0,
            Handling::Other => 36.0,
        }
    }
}

pub(crate) const STATUS_CLOSED: &str = "已办结";
pub(crate) const STATUS_OPEN: &str = "办理中";

/// Hotline 满意度 (None = empty cell).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Satisfaction {
    None,
    Satisfied,
    Fair,
    Dissatisfied,
    NotEvaluated,
}

impl Satisfaction {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Satisfaction::None => "",
            Satisfaction::Satisfied => "满意",
            Satisfaction::Fair => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
            Satisfaction::NotEvaluated => "未评价",
        }
    }
}

/// Mediation 对接渠道.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Channel {
    Court,
    Arbitration,
}

impl Channel {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Channel::Court => "法院+工会",
            Channel::Arbitration => "人社+工会",
        }
    }

    pub(crate) fn english(self) -> &'static str {
        match self {
            Channel::Court => "court",
            Channel::Arbitration => "arbitration",
        }
    }
}

/// Mediation 案件来源.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Source {
    Court,
    Arbitration,
    Hotline,
    Party,
}

impl Source {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Source::Court => "法院委派",
            Source::Arbitration => "仲裁委派",
            Source::Hotline => "12351转入",
            Source::Party => "当事人申请",
        }
    }
}

/// Mediation 调解结果.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    Success,
    Failure,
    Withdrawn,
    Pending,
}

impl Outcome {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Outcome::Success => "调解成功",
            Outcome::Failure => "调解不成功",
            Outcome::Withdrawn => "撤回",
            Outcome::Pending => "进行中",
        }
    }
}

/// Volumes at scale 1, per year.
pub(crate) const HOTLINE_PER_YEAR: f64 = 10_000.0;
pub(crate) const CASES_PER_YEAR: f64 = 2_500.0;

/// Share of 转调解 tickets that get a mediation case.
pub(crate) const REFERRAL_LINK_RATE: f64 = 0.75;

/// Calls and cases by month (Spring Festival dip in February, year-end rush).
pub(crate) const MONTH_FACTOR: [f64; 12] = [
    1.12, 0.80, 1.05, 1.00, 0.95, 1.00, 1.00, 0.98, 1.00, 0.92, 1.03, 1.15,
];

/// Monday..Sunday. The hotline answers at weekends; mediation offices
/// barely register cases then.
pub(crate) const HOTLINE_WEEKDAY: [f64; 7] = [1.05, 1.0, 1.0, 1.0, 0.95, 0.45, 0.35];
pub(crate) const CASE_WEEKDAY: [f64; 7] = [1.05, 1.0, 1.0, 1.0, 0.95, 0.08, 0.04];

/// Calls by hour of day (peaks 9–11 and 14–16).
pub(crate) const CALL_HOURS: [f64; 24] = [
    1.0, 0.5, 0.3, 0.2, 0.2, 0.3, 1.0, 3.0, 8.0, 14.0, 15.0, 13.0, 7.0, 9.0, 13.0, 13.0, 12.0, 8.0,
    4.0, 3.0, 3.0, 2.0, 1.5, 1.0,
];

/// What the sample says about one prefecture-level division.
pub(crate) struct PrefectureProfile {
    /// Relative mediation case volume.
    pub case_weight: f64,
    /// Relative hotline call volume.
    pub hotline_weight: f64,
    /// Mediation success rate (successes / decided) the division is built around.
    pub success_rate: f64,
    /// Multiplier on times to close (> 1 is slower; slow ones also please fewer callers).
    pub slowness: f64,
}

/// Hubei's profile, by division code. Volumes roughly follow population and
/// economy (Wuhan ≈ 30% of cases; 神农架 a handful a year). Success rates:
/// 武汉 and 宜昌 clearly above 50%, 荆州 and 黄冈 clearly below, the rest
/// close to 50–56% (not distinguishable at one year's volume), 神农架 too few.
pub(crate) fn hubei_profile(code: u32) -> Option<PrefectureProfile> {
    let (case_weight, hotline_weight, success_rate, slowness) = match code {
        420100 => (301.0, 260.0, 0.62, 0.85), // 武汉市
        420200 => (45.0, 45.0, 0.53, 1.0),    // 黄石市
        420300 => (50.0, 55.0, 0.50, 1.1),    // 十堰市
        420500 => (75.0, 75.0, 0.66, 0.8),    // 宜昌市
        420600 => (85.0, 85.0, 0.56, 1.0),    // 襄阳市
        420700 => (22.0, 22.0, 0.52, 0.9),    // 鄂州市
        420800 => (45.0, 45.0, 0.54, 1.0),    // 荆门市
        420900 => (60.0, 70.0, 0.47, 1.1),    // 孝感市
        421000 => (75.0, 80.0, 0.355, 1.45),  // 荆州市
        421100 => (70.0, 85.0, 0.35, 1.35),   // 黄冈市
        421200 => (40.0, 42.0, 0.51, 1.0),    // 咸宁市
        421300 => (30.0, 35.0, 0.55, 1.0),    // 随州市
        422800 => (40.0, 55.0, 0.50, 1.25),   // 恩施州
        429004 => (22.0, 22.0, 0.53, 0.95),   // 仙桃市
        429005 => (18.0, 18.0, 0.55, 0.95),   // 潜江市
        429006 => (20.0, 22.0, 0.49, 1.0),    // 天门市
        429021 => (1.6, 2.0, 0.60, 1.0),      // 神农架林区
        _ => return None,
    };
    Some(PrefectureProfile {
        case_weight,
        hotline_weight,
        success_rate,
        slowness,
    })
}

/// For a region table other than Hubei's (`--regions`): the first
/// prefecture (the capital, in code order) is the big one, the others alike.
pub(crate) fn default_profile(index: usize) -> PrefectureProfile {
    let big = index == 0;
    PrefectureProfile {
        case_weight: if big { 200.0 } else { 40.0 },
        hotline_weight: if big { 180.0 } else { 40.0 },
        success_rate: 0.52,
        slowness: 1.0,
    }
}

/// Spellings of the export files that the region table itself does not
/// carry: historic names and the bare 恩施 (see hubei_region_aliases.csv).
/// (code, spelling, used in the prefecture column?)
pub(crate) const EXTRA_SPELLINGS: [(u32, &str, bool); 6] = [
    (420600, "襄樊", true),
    (420600, "襄樊市", true),
    (422800, "恩施", true),
    (422801, "恩施", false),
    (420304, "郧县", false),
    (421088, "监利县", false),
];

/// Plausible mobile prefixes (1[3-9]x).
pub(crate) const MOBILE_PREFIXES: [u16; 40] = [
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 145, 147, 150, 151, 152, 153, 155, 156, 157,
    158, 159, 166, 170, 173, 175, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191,
    193, 199,
];
