//! `Wide`, an unsigned 256-bit integer: the exact sum of squares behind
//! [`Moments`](crate::estimate::Moments), with the few operations it needs (square, add,
//! multiply by a count, subtract) and its decimal text for part files. Not a general big-integer
//! type.

/// An unsigned 256-bit integer, just wide enough for [`Moments::sumsq`](crate::estimate::Moments::sumsq): the square of a
/// 128-bit value summed over many replications. Written and read as a decimal string (the
/// same text a `u128` sum had, so older part files still read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wide {
    hi: u128,
    lo: u128,
}

impl Wide {
    /// Zero.
    pub const ZERO: Wide = Wide { hi: 0, lo: 0 };

    /// `v` as a wide integer.
    pub fn from_u128(v: u128) -> Wide {
        Wide { hi: 0, lo: v }
    }

    /// The value, when it fits in 128 bits.
    pub fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self == Wide::ZERO
    }

    /// `v²`, exact (schoolbook multiplication on 64-bit halves).
    pub fn square(v: u128) -> Wide {
        let (a1, a0) = (v >> 64, v & u128::from(u64::MAX));
        let low = a0 * a0; // < 2^128
        let mid = a0 * a1; // < 2^128, counted twice
        let high = a1 * a1;
        // v² = high·2^128 + 2·mid·2^64 + low.
        let (mid2_lo, mid2_carry) = (mid << 1, mid >> 127);
        let (lo, c1) = low.overflowing_add(mid2_lo << 64);
        let hi = high + (mid2_lo >> 64) + (mid2_carry << 64) + u128::from(c1);
        Wide { hi, lo }
    }

    /// `self + other`, exact. The sums here stay far below 2²⁵⁶; an overflow would be a bug
    /// upstream, so it saturates rather than wrap into a small number.
    #[must_use]
    pub fn saturating_add(self, other: Wide) -> Wide {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        match self
            .hi
            .checked_add(other.hi)
            .and_then(|h| h.checked_add(u128::from(carry)))
        {
            Some(hi) => Wide { hi, lo },
            None => Wide {
                hi: u128::MAX,
                lo: u128::MAX,
            },
        }
    }

    /// The nearest `f64` (to within rounding of the two halves).
    pub fn to_f64(self) -> f64 {
        self.hi as f64 * 2f64.powi(128) + self.lo as f64
    }

    /// Divides by a small divisor, returning the quotient and the remainder.
    fn div_rem_small(self, d: u64) -> (Wide, u64) {
        let d = u128::from(d);
        let mut rem = 0u128;
        let mut out = [0u64; 4];
        let limbs = [
            (self.hi >> 64) as u64,
            self.hi as u64,
            (self.lo >> 64) as u64,
            self.lo as u64,
        ];
        for (i, limb) in limbs.iter().enumerate() {
            let cur = (rem << 64) | u128::from(*limb);
            out[i] = (cur / d) as u64;
            rem = cur % d;
        }
        let hi = (u128::from(out[0]) << 64) | u128::from(out[1]);
        let lo = (u128::from(out[2]) << 64) | u128::from(out[3]);
        (Wide { hi, lo }, rem as u64)
    }

    /// `self · 10 + digit`, or `None` past 2²⁵⁶.
    fn times_ten_plus(self, digit: u8) -> Option<Wide> {
        let mut acc = Wide::ZERO;
        for _ in 0..10 {
            acc = acc.checked_add(self)?;
        }
        acc.checked_add(Wide::from_u128(u128::from(digit)))
    }

    /// `self · k`, or `None` past 2²⁵⁶.
    pub fn checked_mul_small(self, k: u64) -> Option<Wide> {
        let k = u128::from(k);
        let mask = u128::from(u64::MAX);
        // Four 64-bit limbs, least significant first, each times k plus the carry.
        let limbs = [self.lo & mask, self.lo >> 64, self.hi & mask, self.hi >> 64];
        let mut out = [0u128; 4];
        let mut carry = 0u128;
        for (o, limb) in out.iter_mut().zip(limbs) {
            let v = limb * k + carry;
            *o = v & mask;
            carry = v >> 64;
        }
        (carry == 0).then(|| Wide {
            hi: (out[3] << 64) | out[2],
            lo: (out[1] << 64) | out[0],
        })
    }

    /// `self − other`, or `None` below zero.
    pub fn checked_sub(self, other: Wide) -> Option<Wide> {
        let (lo, borrow) = self.lo.overflowing_sub(other.lo);
        let hi = self
            .hi
            .checked_sub(other.hi)?
            .checked_sub(u128::from(borrow))?;
        Some(Wide { hi, lo })
    }

    fn checked_add(self, other: Wide) -> Option<Wide> {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        let hi = self
            .hi
            .checked_add(other.hi)?
            .checked_add(u128::from(carry))?;
        Some(Wide { hi, lo })
    }
}

impl std::fmt::Display for Wide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.hi == 0 {
            return write!(f, "{}", self.lo);
        }
        let mut digits = Vec::new();
        let mut v = *self;
        while !v.is_zero() {
            let (q, r) = v.div_rem_small(10);
            digits.push(b'0' + r as u8);
            v = q;
        }
        digits.reverse();
        f.write_str(std::str::from_utf8(&digits).map_err(|_| std::fmt::Error)?)
    }
}

/// A decimal string that is not a 256-bit unsigned integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideParseError;

impl std::str::FromStr for Wide {
    type Err = WideParseError;
    fn from_str(s: &str) -> Result<Wide, WideParseError> {
        if s.is_empty() || s.len() > 78 {
            return Err(WideParseError);
        }
        s.bytes().try_fold(Wide::ZERO, |acc, b| {
            if b.is_ascii_digit() {
                acc.times_ten_plus(b - b'0').ok_or(WideParseError)
            } else {
                Err(WideParseError)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_squares_and_decimal_text_are_exact() {
        // Small values against u128 arithmetic.
        for v in [0u128, 1, 7, u128::from(u64::MAX), 1 << 70] {
            if let Some(sq) = v.checked_mul(v) {
                assert_eq!(Wide::square(v), Wide::from_u128(sq), "{v}");
                assert_eq!(Wide::square(v).to_string(), sq.to_string());
            }
        }
        // (2^127)^2 = 2^254; (2^128 − 1)^2 = 2^256 − 2^129 + 1.
        assert_eq!(
            Wide::square(1 << 127),
            Wide {
                hi: 1 << 126,
                lo: 0
            }
        );
        assert_eq!(
            Wide::square(u128::MAX),
            Wide {
                hi: u128::MAX - 1,
                lo: 1
            }
        );
        // 2^128 in decimal (a published constant), and back.
        let two_128 = Wide { hi: 1, lo: 0 };
        assert_eq!(
            two_128.to_string(),
            "340282366920938463463374607431768211456"
        );
        assert_eq!(
            "340282366920938463463374607431768211456".parse(),
            Ok(two_128)
        );
        for w in [
            Wide::square(u128::MAX),
            Wide::square(12345678901234567890123),
            Wide::ZERO,
        ] {
            assert_eq!(w.to_string().parse::<Wide>(), Ok(w));
        }
        // k · v against u128 arithmetic, and a product past 2^256.
        let v = Wide::from_u128(u128::from(u64::MAX) * 3);
        assert_eq!(
            v.checked_mul_small(1000),
            Some(Wide::from_u128(u128::from(u64::MAX) * 3000))
        );
        assert_eq!(Wide::square(u128::MAX).checked_mul_small(2), None);
        assert_eq!(
            Wide::square(1 << 100).checked_mul_small(1 << 20),
            Some(Wide { hi: 1 << 92, lo: 0 })
        );
        assert_eq!(Wide::from_u128(5).checked_sub(Wide::from_u128(7)), None);
        assert_eq!(
            Wide { hi: 1, lo: 0 }.checked_sub(Wide::from_u128(1)),
            Some(Wide::from_u128(u128::MAX))
        );
        // One past 2^256 − 1, and non-digits, are refused.
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert!(max.parse::<Wide>().is_ok());
        assert!(
            "115792089237316195423570985008687907853269984665640564039457584007913129639936"
                .parse::<Wide>()
                .is_err()
        );
        assert!("12a".parse::<Wide>().is_err() && "".parse::<Wide>().is_err());
    }
}
