//! Exact decimals read from text (`6200.00`, `-3`, `1e3`): a number is held exactly or
//! refused with the reason, never rounded to fit (a `Decimal` holds 28 places, 96 bits).

use rust_decimal::Decimal;
use std::fmt;

/// Why a text is not an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Not a number at all.
    NotANumber,
    /// A number with more decimal places (or significant digits after the point) than can be
    /// held: reading it would round it.
    TooPrecise,
    /// A number whose whole part is too large to hold.
    TooLarge,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::NotANumber => "is not a number",
            NumberError::TooPrecise => {
                "cannot be held exactly: reading it would round it (a number holds at most 28 \
                 decimal places and 28 or 29 digits in all)"
            }
            NumberError::TooLarge => "is too large to hold exactly",
        })
    }
}

/// The largest mantissa a `Decimal` holds: 2^96 - 1.
const MAX_MANTISSA: u128 = (1 << 96) - 1;
/// The most decimal places a `Decimal` holds.
const MAX_SCALE: i64 = 28;

/// The exact decimal written as `text`: digits with an optional sign, point and exponent.
/// Trailing zeros are kept (`6200.00` has two places) unless there are more than can be held.
///
/// ```
/// use sendband::number::{exact_decimal, NumberError};
/// assert_eq!(exact_decimal("6200.00").unwrap().to_string(), "6200.00");
/// assert_eq!(exact_decimal("1.5e3").unwrap().to_string(), "1500");
/// assert_eq!(exact_decimal("5999.99999999999999999999999999999"), Err(NumberError::TooPrecise));
/// assert_eq!(exact_decimal("1e40"), Err(NumberError::TooLarge));
/// assert_eq!(exact_decimal("12a"), Err(NumberError::NotANumber));
/// ```
pub fn exact_decimal(text: &str) -> Result<Decimal, NumberError> {
    let b = text.as_bytes();
    // Most numbers in a profile are a few plain digits: their value is the number they
    // spell, with no places (what the general reading below gives them too). Read and
    // checked in one pass.
    if !b.is_empty() && b.len() <= 18 {
        let mut whole = 0i64;
        let all_digits = b.iter().all(|&d| {
            let digit = d.wrapping_sub(b'0');
            if digit > 9 {
                return false;
            }
            whole = whole * 10 + i64::from(digit);
            true
        });
        if all_digits {
            return Ok(Decimal::from(whole));
        }
    }
    // Amounts are mostly plain digits with a few places ("6200.00"): the same value, read
    // straight into a 64-bit mantissa.
    if let Some(dot) = b.iter().position(|&c| c == b'.') {
        let (whole, fraction) = (&b[..dot], &b[dot + 1..]);
        if !whole.is_empty()
            && !fraction.is_empty()
            && whole.len() + fraction.len() <= 18
            && whole.iter().chain(fraction).all(u8::is_ascii_digit)
        {
            let mantissa = whole
                .iter()
                .chain(fraction)
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
            // At most 17 places here, within the 28 a Decimal holds.
            return Ok(Decimal::new(mantissa, fraction.len() as u32));
        }
    }
    let (negative, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let whole_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let whole = &b[whole_start..i];
    let mut fraction: &[u8] = &[];
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        fraction = &b[start..i];
    }
    if whole.is_empty() && fraction.is_empty() {
        return Err(NumberError::NotANumber);
    }
    let mut exponent: i64 = 0;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let negative_exponent = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            // Far past any scale that can be held; saturating keeps the answer right.
            exponent = (exponent * 10 + i64::from(b[i] - b'0')).min(1_000_000);
            i += 1;
        }
        if i == start {
            return Err(NumberError::NotANumber);
        }
        if negative_exponent {
            exponent = -exponent;
        }
    }
    if i != b.len() {
        return Err(NumberError::NotANumber);
    }
    let digits = || whole.iter().chain(fraction);
    let leading = digits().take_while(|&&d| d == b'0').count();
    let significant = whole.len() + fraction.len() - leading;
    // value = mantissa * 10^-scale
    let mut scale = fraction.len() as i64 - exponent;
    if significant == 0 {
        return Ok(Decimal::new(0, scale.clamp(0, MAX_SCALE) as u32));
    }
    // Trailing zeros are dropped only when there are too many digits to keep them.
    let trailing = if significant > 38 {
        digits().rev().take_while(|&&d| d == b'0').count()
    } else {
        0
    };
    let kept = significant - trailing;
    if kept > 38 {
        return Err(too_many(scale - trailing as i64));
    }
    let mut mantissa: u128 = 0;
    for &d in digits().skip(leading).take(kept) {
        mantissa = mantissa * 10 + u128::from(d - b'0');
    }
    scale -= trailing as i64;
    while scale > MAX_SCALE && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if scale > MAX_SCALE {
        return Err(NumberError::TooPrecise);
    }
    while scale < 0 {
        mantissa = mantissa
            .checked_mul(10)
            .filter(|m| *m <= MAX_MANTISSA)
            .ok_or(NumberError::TooLarge)?;
        scale += 1;
    }
    while mantissa > MAX_MANTISSA && scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if mantissa > MAX_MANTISSA {
        return Err(too_many(scale));
    }
    // In range by the checks above: mantissa < 2^96, 0 <= scale <= 28.
    let signed = if negative {
        -(mantissa as i128)
    } else {
        mantissa as i128
    };
    Decimal::try_from_i128_with_scale(signed, scale as u32).map_err(|_| NumberError::TooLarge)
}

/// `a.cmp(&b)`, by the mantissas alone when the scales are the same (as a profile's whole
/// numbers and an input's whole limits are): `Decimal`'s own comparison costs several times
/// more, and every number of every profile is checked against its limits.
#[inline]
pub(crate) fn cmp_decimal(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    if a.scale() == b.scale() {
        // At one scale the values are in the order of their mantissas (-0 and 0 are both 0).
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(&b)
    }
}

/// A decimal written in a rule file: exact, or the reason in words, naming the text.
pub(crate) fn rule_decimal(text: &str) -> Result<Decimal, String> {
    exact_decimal(text.trim()).map_err(|e| match e {
        NumberError::NotANumber => format!("{text:?} is not a decimal number"),
        e => format!("{text:?} {e}"),
    })
}

/// Too many significant digits: too precise if some are places, else too large.
fn too_many(scale: i64) -> NumberError {
    if scale > 0 {
        NumberError::TooPrecise
    } else {
        NumberError::TooLarge
    }
}

/// Append `n` as its `Display` writes it (sign, digits, and a point before the last `scale`
/// digits), without the formatting machinery: a batch writes a few of these a row.
#[cfg(feature = "cohort")]
pub(crate) fn write_decimal(out: &mut Vec<u8>, n: Decimal) {
    // 96 bits of mantissa are at most 29 digits, least significant first here.
    let mut digits = [0u8; 32];
    let mut len = 0;
    let mantissa = n.mantissa().unsigned_abs();
    // Division of 128 bits is a call, of 64 an instruction: amounts fit in 64.
    match u64::try_from(mantissa) {
        Ok(mut m) => {
            while m > 0 {
                digits[len] = b'0' + (m % 10) as u8;
                m /= 10;
                len += 1;
            }
        }
        Err(_) => {
            let mut m = mantissa;
            while m > 0 {
                digits[len] = b'0' + (m % 10) as u8;
                m /= 10;
                len += 1;
            }
        }
    }
    let scale = n.scale() as usize;
    if n.is_sign_negative() {
        out.push(b'-');
    }
    // At least one digit before the point, and `scale` after it.
    for i in (0..len.max(scale + 1)).rev() {
        out.push(digits.get(i).copied().filter(|_| i < len).unwrap_or(b'0'));
        if i == scale && scale > 0 {
            out.push(b'.');
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn numbers_compare_as_decimal_compares_them() {
        let numbers = [
            "0", "-0", "0.00", "-0.00", "1", "-1", "1.0", "4", "190", "0.01", "-0.5",
        ];
        let numbers: Vec<rust_decimal::Decimal> = numbers
            .iter()
            .map(|t| t.parse().expect("a decimal"))
            .chain([rust_decimal::Decimal::MAX, rust_decimal::Decimal::MIN])
            .collect();
        for a in &numbers {
            for b in &numbers {
                assert_eq!(super::cmp_decimal(*a, *b), a.cmp(b), "{a} against {b}");
            }
        }
    }

    #[test]
    fn plain_amounts_read_as_rust_decimal_reads_them() {
        for text in [
            "6200.00",
            "0.000",
            "00.50",
            "0.5",
            "123456789012.345678",
            "99999999999999999.9",
            "1.00000000000000000",
            "7.25",
        ] {
            let ours = exact_decimal(text).expect("a number");
            let theirs = Decimal::from_str_exact(text).expect("a number");
            assert_eq!((ours, ours.scale()), (theirs, theirs.scale()), "{text}");
        }
    }

    #[test]
    #[cfg(feature = "cohort")]
    fn decimals_are_written_as_display_writes_them() {
        let mut cases: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "7",
            "-7",
            "10",
            "0.5",
            "-0.05",
            "3818.50",
            "1000000",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "7.9228162514264337593543950335",
            "123.4560",
        ]
        .iter()
        .map(|t| t.parse().expect("a decimal"))
        .collect();
        for scale in 0..=28 {
            cases.push(Decimal::new(-123_456_789, scale));
            cases.push(Decimal::new(1, scale));
        }
        for n in cases {
            let mut out = Vec::new();
            write_decimal(&mut out, n);
            assert_eq!(
                String::from_utf8(out).expect("ASCII"),
                n.to_string(),
                "{n:?}"
            );
        }
    }
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("decimal")
    }

    #[test]
    fn exact_numbers_keep_every_digit_and_their_places() {
        for (text, want) in [
            ("0", "0"),
            ("000", "0"),
            ("0042", "42"),
            ("999999999999999999", "999999999999999999"),
            ("9999999999999999999", "9999999999999999999"),
            ("-3", "-3"),
            ("+7", "7"),
            ("6200.00", "6200.00"),
            ("760.72", "760.72"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-0.0", "0.0"),
            ("1e3", "1000"),
            ("1.5E3", "1500"),
            ("25e-1", "2.5"),
            ("1e-28", "0.0000000000000000000000000001"),
            (
                "0.0000000000000000000000000001",
                "0.0000000000000000000000000001",
            ),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
            ),
            (
                "7922816251426433759354395033.5",
                "7922816251426433759354395033.5",
            ),
            // More places than can be held, but only zeros: exact, and held to 28 places.
            (
                "1.00000000000000000000000000000000",
                "1.0000000000000000000000000000",
            ),
            (
                "0.000000000000000000000000000000000",
                "0.0000000000000000000000000000",
            ),
            (
                "12345678901234567890.123456789",
                "12345678901234567890.123456789",
            ),
        ] {
            let got = exact_decimal(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(got.to_string(), want, "{text}");
        }
        assert_eq!(exact_decimal("6200.00"), Ok(d("6200.00")));
    }

    #[test]
    fn numbers_that_would_be_rounded_are_refused() {
        use NumberError::*;
        for (text, want) in [
            // Decimal::from_str reads these as 6000 and 4.
            ("5999.99999999999999999999999999999", TooPrecise),
            ("4.0000000000000000000000000000001", TooPrecise),
            ("0.00000000000000000000000000001", TooPrecise),
            ("1e-29", TooPrecise),
            ("1.5e-28", TooPrecise),
            ("79228162514264337593543950335.5", TooPrecise),
            ("79228162514264337593543950336", TooLarge),
            ("1e29", TooLarge),
            ("1e999999999999", TooLarge),
            ("", NotANumber),
            ("-", NotANumber),
            (".", NotANumber),
            ("1e", NotANumber),
            ("1_000", NotANumber),
            ("12a", NotANumber),
            (" 1", NotANumber),
            ("1.2.3", NotANumber),
            ("NaN", NotANumber),
        ] {
            assert_eq!(exact_decimal(text), Err(want), "{text}");
        }
        // Zero is zero however it is written.
        assert_eq!(exact_decimal("0e999999999999"), Ok(Decimal::ZERO));
    }
}
