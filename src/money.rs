//! Money: exact decimals, the rounding modes a rule may declare, and how amounts are written.
//! Nothing here rounds unless asked; writing an amount never rounds it silently.

use rust_decimal::{Decimal, RoundingStrategy};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A rounding mode, as named in rule files.
///
/// ```
/// use sendband::money::RoundingMode;
/// use rust_decimal::Decimal;
/// let x: Decimal = "2.345".parse().unwrap();
/// assert_eq!(RoundingMode::HalfAwayFromZero.round(x, 2).to_string(), "2.35");
/// assert_eq!(RoundingMode::HalfEven.round(x, 2).to_string(), "2.34");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 2.345 -> 2.35, -2.345 -> -2.35 (what most finance teams mean by "round").
    HalfAwayFromZero,
    /// Banker's rounding: 2.345 -> 2.34, 2.355 -> 2.36.
    HalfEven,
    /// 2.345 -> 2.34.
    HalfTowardZero,
    /// Away from zero: 2.341 -> 2.35.
    Up,
    /// Toward zero (truncate): 2.349 -> 2.34.
    Down,
    /// Toward minus infinity.
    Floor,
    /// Toward plus infinity.
    Ceiling,
}

impl RoundingMode {
    /// Every mode with its name in rule files.
    pub const ALL: [(&'static str, RoundingMode); 7] = [
        ("half_away_from_zero", RoundingMode::HalfAwayFromZero),
        ("half_even", RoundingMode::HalfEven),
        ("half_toward_zero", RoundingMode::HalfTowardZero),
        ("up", RoundingMode::Up),
        ("down", RoundingMode::Down),
        ("floor", RoundingMode::Floor),
        ("ceiling", RoundingMode::Ceiling),
    ];

    /// The mode with this name, as written in rule files.
    pub fn from_name(name: &str) -> Option<RoundingMode> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    /// The name of this mode in rule files.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("half_away_from_zero", |(n, _)| n)
    }

    /// `value` rounded to `places` decimal places with this mode.
    pub fn round(self, value: Decimal, places: u32) -> Decimal {
        let strategy = match self {
            RoundingMode::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfTowardZero => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Floor => RoundingStrategy::ToNegativeInfinity,
            RoundingMode::Ceiling => RoundingStrategy::ToPositiveInfinity,
        };
        value.round_dp_with_strategy(places, strategy)
    }
}

/// An amount as a decision writes it: exactly two decimals, no separators (`"4000.00"`).
/// `None` when the amount has a non-zero third decimal: the rule must round it first.
///
/// ```
/// use sendband::money::to_pence_string;
/// assert_eq!(to_pence_string("4000".parse().unwrap()).as_deref(), Some("4000.00"));
/// assert_eq!(to_pence_string("125.5".parse().unwrap()).as_deref(), Some("125.50"));
/// assert_eq!(to_pence_string("1.005".parse().unwrap()), None);
/// ```
pub fn to_pence_string(amount: Decimal) -> Option<String> {
    pence(amount).map(|pence| pence.to_string())
}

/// The amount with exactly two decimals, whose text is [`to_pence_string`]'s.
pub(crate) fn pence(amount: Decimal) -> Option<Decimal> {
    let mut pence = amount.normalize();
    if pence.scale() > 2 {
        return None;
    }
    pence.rescale(2);
    Some(pence)
}

/// An amount for people: thousands separators and two decimals (`4,000.00`), rounded half away
/// from zero only for display when it has more decimals.
///
/// ```
/// use sendband::money::for_people;
/// assert_eq!(for_people("1234567.5".parse().unwrap()), "1,234,567.50");
/// assert_eq!(for_people("-0.5".parse().unwrap()), "-0.50");
/// ```
pub fn for_people(amount: Decimal) -> String {
    let mut rounded = RoundingMode::HalfAwayFromZero.round(amount, 2);
    rounded.rescale(2);
    let text = rounded.abs().to_string();
    let (whole, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if rounded.is_sign_negative() && !rounded.is_zero() {
        grouped.push('-');
    }
    grouped.push_str(&thousands(whole));
    grouped.push('.');
    grouped.push_str(frac);
    // A number too large to carry two decimals keeps fewer; pad so there are always two.
    for _ in frac.len()..2 {
        grouped.push('0');
    }
    grouped
}

/// Whole-number digits with a comma between each group of three (`1234567` as `1,234,567`).
pub(crate) fn thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// The symbol shown before amounts in a currency, when there is a common one.
pub fn currency_symbol(code: &str) -> &str {
    match code {
        "GBP" => "£",
        "EUR" => "€",
        "USD" => "$",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn every_rounding_mode_at_a_midpoint_and_off_it() {
        let cases = [
            // mode, 2.345, -2.345, 2.341
            ("half_away_from_zero", "2.35", "-2.35", "2.34"),
            ("half_even", "2.34", "-2.34", "2.34"),
            ("half_toward_zero", "2.34", "-2.34", "2.34"),
            ("up", "2.35", "-2.35", "2.35"),
            ("down", "2.34", "-2.34", "2.34"),
            ("floor", "2.34", "-2.35", "2.34"),
            ("ceiling", "2.35", "-2.34", "2.35"),
        ];
        for (name, pos, neg, off) in cases {
            let mode = RoundingMode::from_name(name).unwrap();
            assert_eq!(mode.name(), name);
            assert_eq!(mode.round(d("2.345"), 2).to_string(), pos, "{name} 2.345");
            assert_eq!(mode.round(d("-2.345"), 2).to_string(), neg, "{name} -2.345");
            assert_eq!(mode.round(d("2.341"), 2).to_string(), off, "{name} 2.341");
        }
        assert_eq!(
            RoundingMode::HalfEven.round(d("2.355"), 2).to_string(),
            "2.36"
        );
        assert_eq!(
            RoundingMode::HalfAwayFromZero
                .round(d("8749.5"), 0)
                .to_string(),
            "8750"
        );
        assert_eq!(RoundingMode::from_name("bankers"), None);
    }

    #[test]
    fn pence_strings_never_round() {
        assert_eq!(to_pence_string(d("0")).unwrap(), "0.00");
        assert_eq!(to_pence_string(d("3818.500")).unwrap(), "3818.50");
        assert_eq!(to_pence_string(d("-12.3")).unwrap(), "-12.30");
        assert_eq!(to_pence_string(d("1578.947368")), None);
    }

    #[test]
    fn amounts_for_people() {
        assert_eq!(for_people(d("0")), "0.00");
        assert_eq!(for_people(d("999.999")), "1,000.00");
        assert_eq!(for_people(d("18500")), "18,500.00");
        assert_eq!(for_people(d("-1234.5")), "-1,234.50");
        assert_eq!(currency_symbol("GBP"), "£");
    }
}
