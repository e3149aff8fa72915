//! A small deterministic PRNG (xoshiro256**, seeded through SplitMix64) and
//! the few distributions the generator needs. Written out here rather than
//! taken from a crate so that the bytes `disputes sample --seed N` writes
//! never change with a dependency upgrade. `exp` and `ln` are written out
//! too, with basic IEEE operations only: the platform's libm may differ in
//! the last bit between systems, and one flipped comparison would change
//! the output.

/// One SplitMix64 step: also used as a fixed hash of region codes.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable hash of a value, for per-region properties that must not depend
/// on the seed (the "story" of the sample stays the same for every seed).
pub(crate) fn hash64(value: u64, salt: u64) -> u64 {
    let mut s = value ^ salt.rotate_left(17);
    splitmix64(&mut s);
    splitmix64(&mut s)
}

/// A stable hash mapped to [0, 1).
pub(crate) fn hash_unit(value: u64, salt: u64) -> f64 {
    (hash64(value, salt) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    #[cfg(test)]
    pub(crate) fn from_state(s: [u64; 4]) -> Rng {
        Rng { s }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform integer in [0, n) (n > 0), by the multiply-high method.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform integer in [lo, hi] inclusive.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Marsaglia's polar method, one value per call).
    pub(crate) fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.unit() - 1.0;
            let v = 2.0 * self.unit() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * ln(s) / s).sqrt();
            }
        }
    }

    /// Log-normal with the given median and log-scale sigma.
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }

    /// Poisson; exact for small means, normal approximation for large ones
    /// (daily row counts at large --scale).
    pub(crate) fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean < 40.0 {
            let limit = exp(-mean);
            let mut k = 0u64;
            let mut p = self.unit();
            while p > limit {
                k += 1;
                p *= self.unit();
            }
            k
        } else {
            let x = mean + mean.sqrt() * self.normal();
            if x < 0.0 { 0 } else { x.round() as u64 }
        }
    }

    /// Index drawn from a cumulative weight table (last entry = total).
    pub(crate) fn pick(&mut self, cumulative: &[f64]) -> usize {
        let total = *cumulative.last().expect("non-empty weight table");
        let x = self.unit() * total;
        let i = cumulative.partition_point(|&c| c <= x);
        i.min(cumulative.len() - 1)
    }
}

/// Turn weights into a cumulative table for [`Rng::pick`].
pub(crate) fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut total = 0.0;
    weights
        .into_iter()
        .map(|w| {
            total += w.max(0.0);
            total
        })
        .collect()
}

const LN_2: f64 = std::f64::consts::LN_2;

/// e^x to within a couple of ulps, from +, −, ×, ÷ and rounding only.
pub(crate) fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    // x = k ln2 + r with |r| ≤ ln2 / 2 (Cody–Waite split of ln 2).
    // fdlibm's ln2_hi (6.93147180369123816490e-01) and ln2_lo.
    const LN_2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
    const LN_2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
    let k = (x / LN_2).round();
    let r = (x - k * LN_2_HI) - k * LN_2_LO;
    // Taylor series in Horner form: 1 + r(1 + r/2(1 + r/3(…))).
    let mut sum = 1.0;
    for i in (1..=18).rev() {
        sum = 1.0 + sum * r / i as f64;
    }
    // × 2^k, built from the exponent bits (k is within the normal range).
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    sum * scale
}

/// ln x for x > 0 (normal numbers), from basic operations only.
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    // x = m · 2^e with m in [√½, √2).
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7FF) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    // ln m = 2 atanh(s), s = (m − 1) / (m + 1), |s| < 0.172.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut power = s;
    let mut sum = 0.0;
    for i in 0..14 {
        sum += power / (2 * i + 1) as f64;
        power *= s2;
    }
    e as f64 * LN_2 + 2.0 * sum
}
