//! Value types of the layout and item tables, compiled from the `type`, `size` and `codes`
//! cells.

use super::codes::{CodeLists, ListId};
use super::cond::{Cond, Var};

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A container element; its value is not checked.
    Group,
    Date,
    YearMonth,
    Int(Ranges),
    Decimal(Ranges),
    Digits(usize),
    Code(ListId),
    Text(usize),
    Kana(usize),
    Phone,
    DoctorNo,
    /// `Items/Item`: attributes `code` and `value`, checked against the item table.
    Item,
}

/// An inclusive numeric range, possibly chosen by a condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub when: Option<Cond>,
    pub lo: f64,
    pub hi: f64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranges(pub Vec<Range>);

impl Type {
    pub fn is_group(&self) -> bool {
        matches!(self, Type::Group)
    }

    /// The name the `type` column gives it.
    pub fn name(&self) -> &'static str {
        match self {
            Type::Group => "group",
            Type::Date => "date",
            Type::YearMonth => "yearmonth",
            Type::Int(_) => "int",
            Type::Decimal(_) => "decimal",
            Type::Digits(_) => "digits",
            Type::Code(_) => "code",
            Type::Text(_) => "text",
            Type::Kana(_) => "kana",
            Type::Phone => "phone",
            Type::DoctorNo => "doctorno",
            Type::Item => "item",
        }
    }

    /// Compiles a type from its table cells. Errors name the offending cell: `Err((col, msg))`
    /// with col 0 = type, 1 = size, 2 = codes.
    pub fn compile(
        ty: &str,
        size: &str,
        codes: &str,
        lists: &CodeLists,
        resolve: &dyn Fn(&str) -> Result<Var, String>,
    ) -> Result<Type, (usize, String)> {
        let need_size = |what: &str| -> Result<usize, (usize, String)> {
            size.parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or((1, format!("{ty} needs {what} as a positive whole number, got `{size}`")))
        };
        let t = match ty {
            "group" => Type::Group,
            "date" => Type::Date,
            "yearmonth" => Type::YearMonth,
            "phone" => Type::Phone,
            "doctorno" => Type::DoctorNo,
            "item" => Type::Item,
            "int" => Type::Int(Ranges::parse(size, false, resolve).map_err(|m| (1, m))?),
            "decimal" => Type::Decimal(Ranges::parse(size, true, resolve).map_err(|m| (1, m))?),
            "digits" => Type::Digits(need_size("the digit count")?),
            "text" => Type::Text(need_size("the maximum length")?),
            "kana" => Type::Kana(need_size("the maximum length")?),
            "code" => Type::Code(lists.id(codes).ok_or((2, format!("unknown code list `{codes}` (see codes.tsv)")))?),
            other => {
                return Err((
                    0,
                    format!(
                        "unknown type `{other}` (group, date, yearmonth, int, decimal, digits, \
                         code, text, kana, phone, doctorno, item)"
                    ),
                ))
            }
        };
        if !matches!(t, Type::Code(_)) && !codes.is_empty() {
            return Err((2, format!("a code list is only for type code, not {ty}")));
        }
        Ok(t)
    }
}

impl Ranges {
    /// `1..5` or `1..5 if A=1; 1..2 if A=2`.
    fn parse(src: &str, decimal: bool, resolve: &dyn Fn(&str) -> Result<Var, String>) -> Result<Ranges, String> {
        let mut out = Vec::new();
        for part in src.split(';').map(str::trim) {
            let (range, when) = match part.split_once(" if ") {
                Some((r, c)) => (r.trim(), Some(Cond::parse(c, resolve)?)),
                None => (part, None),
            };
            let (lo, hi) =
                range.split_once("..").ok_or_else(|| format!("expected a range like 1..5, got `{range}`"))?;
            // A bound is written as the values are: `-1`, `nan` or `inf` would make a range no
            // value can meet or every value meets.
            let num = |s: &str| -> Result<f64, String> {
                let s = s.trim();
                let ok = well_formed(s, decimal) && (decimal || s.parse::<i64>().is_ok());
                match s.parse::<f64>() {
                    Ok(n) if ok => Ok(n),
                    _ => Err(format!(
                        "`{s}` is not a valid bound: ASCII digits{}",
                        if decimal { ", e.g. 12 or 3.5" } else { "" }
                    )),
                }
            };
            let (lo, hi) = (num(lo)?, num(hi)?);
            if lo > hi {
                return Err(format!("empty range `{range}`"));
            }
            out.push(Range { when, lo, hi, text: range.to_owned() });
        }
        if out.is_empty() || src.trim().is_empty() {
            return Err("a range is required, e.g. 1..5".into());
        }
        Ok(Ranges(out))
    }
}

/// Whether `s` is written as an int (ASCII digits) or a decimal (digits, and a fraction after
/// a `.`) value must be: the layout checks values and reads range bounds with this.
pub fn well_formed(s: &str, decimal: bool) -> bool {
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('.') {
        Some((int, frac)) if decimal => digits(int) && digits(frac),
        _ => digits(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_written_as_values_are() {
        let parse = |src: &str, decimal: bool| Ranges::parse(src, decimal, &|n| Err(n.to_owned()));
        for (src, decimal) in [("1..5", false), ("0..120", false), ("0..99.9", true), ("35..42.5", true)] {
            assert!(parse(src, decimal).is_ok(), "{src}");
        }
        for (src, decimal) in [
            ("nan..1", true),
            ("0..inf", true),
            ("0..infinity", true),
            ("-5..5", false),
            ("-2.5..1", true),
            ("1.5..3", false),
            ("1e2..300", true),
            (".5..1", true),
            ("1...2", true),
            ("5..1", false),
            ("", false),
        ] {
            assert!(parse(src, decimal).is_err(), "{src} accepted");
        }
    }
}
