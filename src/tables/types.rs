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

    /// Compiles a type from its table cells. Errors name the offending cell: `Err((col, msg))`
    /// with col 0 = type, 1 = size, 2 = codes.
    pub fn compile(
        ty: &str,
        size: &str,
        codes: &str,
        lists: &CodeLists,
        resolve: &dyn Fn(&str) -> Option<Var>,
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
    fn parse(src: &str, decimal: bool, resolve: &dyn Fn(&str) -> Option<Var>) -> Result<Ranges, String> {
        let mut out = Vec::new();
        for part in src.split(';').map(str::trim) {
            let (range, when) = match part.split_once(" if ") {
                Some((r, c)) => (r.trim(), Some(Cond::parse(c, resolve)?)),
                None => (part, None),
            };
            let (lo, hi) =
                range.split_once("..").ok_or_else(|| format!("expected a range like 1..5, got `{range}`"))?;
            let num = |s: &str| -> Result<f64, String> {
                let s = s.trim();
                let ok = if decimal {
                    s.parse::<f64>().is_ok() && !s.contains(['e', 'E', '+'])
                } else {
                    s.parse::<i64>().is_ok()
                };
                if ok {
                    Ok(s.parse::<f64>().expect("checked"))
                } else {
                    Err(format!("`{s}` is not a valid bound"))
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
