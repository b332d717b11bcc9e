//! The condition language of the layout table (`required`, `absent`, conditional ranges).
//!
//! ```text
//! expr := or ;  or := and ("or" and)* ;  and := not ("and" not)* ;  not := "not" not | atom
//! atom := "(" expr ")" | "always" | NAME op VALUE | NAME ["not"] "in" "(" VALUE ("," VALUE)* ")"
//! op   := "=" | "!=" | "<" | "<=" | ">" | ">="      VALUE := 123 | 'text' | bare-word
//! ```
//! `NAME` is `formVersion` or an element, by its last path segment or full path. Logic is
//! three-valued: an element that is missing or failed its own check is *unknown*, and so is a
//! comparison on it. A rule fires only on a condition that is definitely true, which is what
//! keeps one cause to one finding.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    FormVersion,
    Node(u16),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq)]
struct Lit {
    text: String,
    num: Option<f64>,
}

impl Lit {
    fn new(text: &str) -> Lit {
        Lit { text: text.to_owned(), num: number(text) }
    }
}

fn number(s: &str) -> Option<f64> {
    // Conditions compare codes and small counts: digits only, almost always.
    if let Some(x) = crate::text::small_integer(s) {
        return Some(x);
    }
    let ok = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() <= 1;
    if ok {
        s.parse().ok()
    } else {
        None
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Always,
    Cmp(Var, Op, Lit),
    In(Var, Vec<Lit>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
}

/// A compiled condition, with its source text kept for messages ("required because …").
#[derive(Clone, Debug, PartialEq)]
pub struct Cond {
    node: Node,
    pub source: String,
}

/// Three-valued truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn from(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
    fn and(self, other: impl FnOnce() -> Truth) -> Truth {
        match self {
            Truth::False => Truth::False,
            a => match (a, other()) {
                (_, Truth::False) => Truth::False,
                (Truth::True, Truth::True) => Truth::True,
                _ => Truth::Unknown,
            },
        }
    }
    fn or(self, other: impl FnOnce() -> Truth) -> Truth {
        match self {
            Truth::True => Truth::True,
            a => match (a, other()) {
                (_, Truth::True) => Truth::True,
                (Truth::False, Truth::False) => Truth::False,
                _ => Truth::Unknown,
            },
        }
    }
}

/// What a condition can ask of a record: the value of a variable, or `None` when it is
/// missing or invalid (unknown).
pub trait Env {
    fn value(&self, var: Var) -> Option<&str>;
}

impl Cond {
    pub fn always() -> Cond {
        Cond { node: Node::Always, source: "always".into() }
    }

    /// Parses `src`; `resolve` maps a NAME to a variable.
    pub fn parse(src: &str, resolve: &dyn Fn(&str) -> Result<Var, String>) -> Result<Cond, String> {
        let tokens = lex(src)?;
        let mut p = Parser { tokens, pos: 0, resolve, depth: 0, joins: 0 };
        let node = p.or()?;
        if let Some(t) = p.tokens.get(p.pos) {
            return Err(format!("unexpected `{}` at character {}", t.text, t.at + 1));
        }
        Ok(Cond { node, source: src.trim().to_owned() })
    }

    pub fn eval(&self, env: &dyn Env) -> Truth {
        eval(&self.node, env)
    }

    /// True when the condition is definitely true.
    pub fn holds(&self, env: &dyn Env) -> bool {
        self.eval(env) == Truth::True
    }

    /// The variables the condition reads.
    pub fn vars(&self) -> Vec<Var> {
        fn walk(n: &Node, out: &mut Vec<Var>) {
            match n {
                Node::Always => {}
                Node::Cmp(v, ..) | Node::In(v, _) => out.push(*v),
                Node::And(a, b) | Node::Or(a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Node::Not(a) => walk(a, out),
            }
        }
        let mut out = Vec::new();
        walk(&self.node, &mut out);
        out
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn eval(n: &Node, env: &dyn Env) -> Truth {
    match n {
        Node::Always => Truth::True,
        Node::Cmp(var, op, lit) => match env.value(*var) {
            None => Truth::Unknown,
            Some(v) => compare(v, *op, lit),
        },
        Node::In(var, lits) => match env.value(*var) {
            None => Truth::Unknown,
            Some(v) => Truth::from(lits.iter().any(|l| compare(v, Op::Eq, l) == Truth::True)),
        },
        Node::And(a, b) => eval(a, env).and(|| eval(b, env)),
        Node::Or(a, b) => eval(a, env).or(|| eval(b, env)),
        Node::Not(a) => eval(a, env).not(),
    }
}

fn compare(v: &str, op: Op, lit: &Lit) -> Truth {
    let ord = match (number(v), lit.num) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ if matches!(op, Op::Eq | Op::Ne) => Some(v.cmp(lit.text.as_str())),
        _ => None,
    };
    let Some(ord) = ord else { return Truth::Unknown };
    use std::cmp::Ordering::*;
    Truth::from(match op {
        Op::Eq => ord == Equal,
        Op::Ne => ord != Equal,
        Op::Lt => ord == Less,
        Op::Le => ord != Greater,
        Op::Gt => ord == Greater,
        Op::Ge => ord != Less,
    })
}

#[derive(Debug)]
struct Token {
    text: String,
    at: usize,
    quoted: bool,
}

fn lex(src: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "(),".contains(c) {
            out.push(Token { text: c.into(), at, quoted: false });
            i += 1;
        } else if "=!<>".contains(c) {
            let two = chars.get(i + 1).map(|x| x.1) == Some('=');
            let text: String = if two { [c, '='].iter().collect() } else { c.into() };
            if text == "!" {
                return Err(format!("`!` must be followed by `=` at character {}", at + 1));
            }
            let text = if text == "==" { "=".to_owned() } else { text };
            out.push(Token { text, at, quoted: false });
            i += if two { 2 } else { 1 };
        } else if c == '\'' || c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|x| x.1 == c)
                .ok_or_else(|| format!("unclosed quote at character {}", at + 1))?;
            let text: String = chars[i + 1..i + 1 + end].iter().map(|x| x.1).collect();
            out.push(Token { text, at, quoted: true });
            i += end + 2;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].1.is_whitespace() && !"(),=!<>'\"".contains(chars[i].1) {
                i += 1;
            }
            let text: String = chars[start..i].iter().map(|x| x.1).collect();
            out.push(Token { text, at, quoted: false });
        }
    }
    Ok(out)
}

/// How deep `(` and `not` may nest, and how many `and`/`or` one condition may join. The parser
/// and `eval` recurse once per level and per join (chains are built left-deep), so a vendor's
/// runaway cell must be a table error, not a stack overflow; real conditions use a handful.
const MAX_DEPTH: usize = 64;
const MAX_JOINS: usize = 1_000;

struct Parser<'r> {
    tokens: Vec<Token>,
    pos: usize,
    resolve: &'r dyn Fn(&str) -> Result<Var, String>,
    depth: usize,
    joins: usize,
}

impl Parser<'_> {
    fn peek_word(&self, w: &str) -> bool {
        self.tokens.get(self.pos).is_some_and(|t| !t.quoted && t.text == w)
    }

    fn next(&mut self, what: &str) -> Result<&Token, String> {
        let t = self.tokens.get(self.pos).ok_or_else(|| format!("expected {what} at the end"))?;
        self.pos += 1;
        Ok(t)
    }

    fn expect(&mut self, w: &str) -> Result<(), String> {
        let t = self.next(&format!("`{w}`"))?;
        if t.quoted || t.text != w {
            return Err(format!("expected `{w}` at character {}, found `{}`", t.at + 1, t.text));
        }
        Ok(())
    }

    fn join(&mut self) -> Result<(), String> {
        self.pos += 1;
        self.joins += 1;
        if self.joins > MAX_JOINS {
            return Err(format!("more than {MAX_JOINS} `and`/`or` in one condition; split it or use `in (…)`"));
        }
        Ok(())
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.pos += 1;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.tokens[self.pos - 1].at + 1;
            return Err(format!("`(` and `not` nested more than {MAX_DEPTH} deep at character {at}"));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node, String> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.join()?;
            left = Node::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Node, String> {
        let mut left = self.not()?;
        while self.peek_word("and") {
            self.join()?;
            left = Node::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Node, String> {
        if self.peek_word("not") {
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Node, String> {
        if self.peek_word("(") {
            self.deeper()?;
            let inner = self.or()?;
            self.expect(")")?;
            self.depth -= 1;
            return Ok(inner);
        }
        if self.peek_word("always") {
            self.pos += 1;
            return Ok(Node::Always);
        }
        let resolve = self.resolve;
        let name = self.next("a name")?;
        let (name_text, name_at) = (name.text.clone(), name.at);
        let var = if name_text == "formVersion" {
            Var::FormVersion
        } else {
            resolve(&name_text).map_err(|m| format!("{m} at character {}", name_at + 1))?
        };
        let negated_in = self.peek_word("not");
        if negated_in {
            self.pos += 1;
        }
        if self.peek_word("in") {
            self.pos += 1;
            self.expect("(")?;
            let mut lits = vec![self.value()?];
            while self.peek_word(",") {
                self.pos += 1;
                lits.push(self.value()?);
            }
            self.expect(")")?;
            let node = Node::In(var, lits);
            return Ok(if negated_in { Node::Not(Box::new(node)) } else { node });
        }
        if negated_in {
            return Err(format!("expected `in` after `{name_text} not`"));
        }
        let op_tok = self.next("a comparison")?;
        let op = match (op_tok.quoted, op_tok.text.as_str()) {
            (false, "=") => Op::Eq,
            (false, "!=") => Op::Ne,
            (false, "<") => Op::Lt,
            (false, "<=") => Op::Le,
            (false, ">") => Op::Gt,
            (false, ">=") => Op::Ge,
            _ => {
                return Err(format!("expected = != < <= > >= or in after `{name_text}` at character {}", op_tok.at + 1))
            }
        };
        Ok(Node::Cmp(var, op, self.value()?))
    }

    fn value(&mut self) -> Result<Lit, String> {
        let t = self.next("a value")?;
        if !t.quoted && "(),=!<>".contains(t.text.as_str()) {
            return Err(format!("expected a value at character {}, found `{}`", t.at + 1, t.text));
        }
        Ok(Lit::new(&t.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn numbers_read_as_parse_reads_them() {
        for s in ["0", "007", "1", "2309", "999999999999999", "9999999999999999", "1.5", "12345678901234567890"] {
            assert_eq!(number(s), s.parse::<f64>().ok(), "{s}");
        }
        for s in ["", "-1", "1e3", "1.2.3", "１"] {
            assert_eq!(number(s), None, "{s}");
        }
    }

    struct Map(HashMap<Var, &'static str>);
    impl Env for Map {
        fn value(&self, var: Var) -> Option<&str> {
            self.0.get(&var).copied()
        }
    }
    impl std::hash::Hash for Var {
        fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
            match self {
                Var::FormVersion => 0u16.hash(h),
                Var::Node(n) => (n + 1).hash(h),
            }
        }
    }

    fn resolve(name: &str) -> Result<Var, String> {
        match name {
            "ApplicationType" => Ok(Var::Node(1)),
            "Care" | "Clinical/Care" => Ok(Var::Node(2)),
            _ => Err(format!("unknown element `{name}`")),
        }
    }

    #[test]
    fn runaway_conditions_are_errors_not_stack_overflows() {
        let nested = |n: usize| format!("{}ApplicationType=1{}", "(".repeat(n), ")".repeat(n));
        assert!(Cond::parse(&nested(MAX_DEPTH), &resolve).is_ok());
        let err = Cond::parse(&nested(10_000), &resolve).unwrap_err();
        assert!(err.contains("nested more than 64 deep at character 65"), "{err}");
        let nots = format!("{}ApplicationType=1", "not ".repeat(20_000));
        assert!(Cond::parse(&nots, &resolve).unwrap_err().contains("nested more than 64"));
        let chain = |n: usize| vec!["ApplicationType=1"; n].join(" and ");
        let long = Cond::parse(&chain(MAX_JOINS + 1), &resolve).unwrap();
        assert!(long.holds(&env(&[(Var::Node(1), "1")])));
        let err = Cond::parse(&chain(50_000), &resolve).unwrap_err();
        assert!(err.contains("more than 1000 `and`/`or`"), "{err}");
    }

    fn env(pairs: &[(Var, &'static str)]) -> Map {
        Map(pairs.iter().copied().collect())
    }

    #[test]
    fn evaluates_the_formats_examples() {
        let c = Cond::parse("formVersion>=2309 and ApplicationType=1", &resolve).unwrap();
        let e = env(&[(Var::FormVersion, "2403"), (Var::Node(1), "1")]);
        assert_eq!(c.eval(&e), Truth::True);
        let e = env(&[(Var::FormVersion, "1703"), (Var::Node(1), "1")]);
        assert_eq!(c.eval(&e), Truth::False);
        let c = Cond::parse("Care in (1,2)", &resolve).unwrap();
        assert_eq!(c.eval(&env(&[(Var::Node(2), "2")])), Truth::True);
        assert_eq!(c.eval(&env(&[(Var::Node(2), "3")])), Truth::False);
        let c = Cond::parse("Clinical/Care not in (1, 2)", &resolve).unwrap();
        assert_eq!(c.eval(&env(&[(Var::Node(2), "3")])), Truth::True);
    }

    #[test]
    fn unknown_values_propagate_but_do_not_block_decided_logic() {
        let c = Cond::parse("ApplicationType=1 or Care=1", &resolve).unwrap();
        assert_eq!(c.eval(&env(&[])), Truth::Unknown);
        assert_eq!(c.eval(&env(&[(Var::Node(2), "1")])), Truth::True);
        let c = Cond::parse("ApplicationType=1 and Care=1", &resolve).unwrap();
        assert_eq!(c.eval(&env(&[(Var::Node(2), "2")])), Truth::False);
        let c = Cond::parse("not (ApplicationType=1)", &resolve).unwrap();
        assert_eq!(c.eval(&env(&[])), Truth::Unknown);
        assert!(!c.holds(&env(&[])));
    }

    #[test]
    fn compares_numbers_numerically_and_text_exactly() {
        let c = Cond::parse("ApplicationType = 01", &resolve).unwrap();
        assert!(c.holds(&env(&[(Var::Node(1), "1")])));
        let c = Cond::parse("ApplicationType = 'x'", &resolve).unwrap();
        assert!(c.holds(&env(&[(Var::Node(1), "x")])));
        let c = Cond::parse("ApplicationType > 1", &resolve).unwrap();
        assert_eq!(c.eval(&env(&[(Var::Node(1), "x")])), Truth::Unknown);
    }

    #[test]
    fn reports_errors_with_positions() {
        assert!(Cond::parse("Nope=1", &resolve).unwrap_err().contains("unknown element `Nope`"));
        assert!(Cond::parse("ApplicationType 1", &resolve).unwrap_err().contains("character 17"));
        assert!(Cond::parse("(ApplicationType=1", &resolve).is_err());
        assert!(Cond::parse("ApplicationType=1 Care=1", &resolve).is_err());
        assert!(Cond::parse("ApplicationType in (1", &resolve).is_err());
        assert!(Cond::parse("ApplicationType ! 1", &resolve).is_err());
        assert!(Cond::parse("ApplicationType='1", &resolve).is_err());
        assert!(Cond::parse("", &resolve).is_err());
    }
}
