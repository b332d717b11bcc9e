//! An XML Schema (XSD 1.0) of the format, generated from the layout, code lists and form
//! versions, for vendors' own tooling. `schema/rinken.xsd` is this output for the embedded
//! tables, and a test keeps the two equal.
//!
//! The schema accepts a superset of what rinken accepts: sibling order is free (`xs:all`),
//! conditionally required elements are optional, conditional ranges become their union, an
//! optional element may be empty (rinken reads it as absent), values are whitespace-collapsed
//! (rinken trims them), and attributes the format does not define are ignored, as rinken
//! ignores them. What only rinken checks: conditions between elements, disease tables, item
//! tables, check digits, dates in order, 機種依存文字 and everything across files.

use crate::parse::{BATCH_ROOT, NAMESPACE};
use crate::tables::layout::{Layout, NodeId};
use crate::tables::types::{Ranges, Type};
use crate::tables::{FormKind, Tables};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Characters of a `kana` field (as [`crate::text::chars::is_kana_field_char`]), as ranges.
pub const KANA_RANGES: &[(char, char)] = &[
    ('\u{3000}', '\u{3000}'),
    ('\u{3041}', '\u{3096}'),
    ('\u{309D}', '\u{309E}'),
    ('\u{30A1}', '\u{30FA}'),
    ('\u{30FB}', '\u{30FC}'),
    ('\u{30FD}', '\u{30FE}'),
];

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn pad(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn doc(out: &mut String, level: usize, ja: &str, en: &str) {
    pad(out, level);
    let _ = writeln!(
        out,
        "<xs:annotation><xs:documentation xml:lang=\"ja\">{}</xs:documentation><xs:documentation xml:lang=\"en\">{}</xs:documentation></xs:annotation>",
        esc(ja),
        esc(en)
    );
}

/// The bounds of a (possibly conditional) range: the union of its parts, as written.
fn bounds(r: &Ranges) -> (String, String) {
    let lo = r.0.iter().min_by(|a, b| a.lo.total_cmp(&b.lo)).expect("ranges are never empty");
    let hi = r.0.iter().max_by(|a, b| a.hi.total_cmp(&b.hi)).expect("ranges are never empty");
    let part = |text: &str, i: usize| text.split("..").nth(i).unwrap_or("").trim().to_owned();
    (part(&lo.text, 0), part(&hi.text, 1))
}

/// A value type's name in the schema, and its restriction.
fn value_type(tables: &Tables, ty: &Type) -> (String, String) {
    let facets = |base: &str, body: &str| format!("<xs:restriction base=\"{base}\">{body}</xs:restriction>");
    match ty {
        Type::Date => ("date".into(), facets("xs:date", "<xs:pattern value=\"[0-9]{4}-[0-9]{2}-[0-9]{2}\"/>")),
        Type::YearMonth => ("yearmonth".into(), facets("xs:gYearMonth", "<xs:pattern value=\"[0-9]{4}-[0-9]{2}\"/>")),
        Type::Int(r) => {
            let (lo, hi) = bounds(r);
            (
                format!("int.{lo}-{hi}"),
                facets(
                    "xs:integer",
                    &format!(
                        "<xs:pattern value=\"[0-9]+\"/><xs:minInclusive value=\"{lo}\"/><xs:maxInclusive value=\"{hi}\"/>"
                    ),
                ),
            )
        }
        Type::Decimal(r) => {
            let (lo, hi) = bounds(r);
            (
                format!("decimal.{lo}-{hi}"),
                facets(
                    "xs:decimal",
                    &format!(
                        "<xs:pattern value=\"[0-9]+(\\.[0-9]+)?\"/><xs:minInclusive value=\"{lo}\"/><xs:maxInclusive value=\"{hi}\"/>"
                    ),
                ),
            )
        }
        Type::Digits(n) => {
            (format!("digits.{n}"), facets("xs:token", &format!("<xs:pattern value=\"[0-9]{{{n}}}\"/>")))
        }
        Type::Code(id) => {
            let list = tables.codes.get(*id);
            let mut body = String::new();
            for e in &list.entries {
                let _ = write!(
                    body,
                    "\n      <xs:enumeration value=\"{}\"><xs:annotation><xs:documentation xml:lang=\"ja\">{}</xs:documentation><xs:documentation xml:lang=\"en\">{}</xs:documentation></xs:annotation></xs:enumeration>",
                    esc(&e.code),
                    esc(&e.label_ja),
                    esc(&e.label_en)
                );
            }
            body.push_str("\n    ");
            (format!("code.{}", list.name), facets("xs:token", &body))
        }
        Type::Text(n) => (
            format!("text.{n}"),
            // No control characters, no half-width katakana (L010).
            facets(
                "xs:token",
                &format!("<xs:maxLength value=\"{n}\"/><xs:pattern value=\"[^\\p{{Cc}}&#xFF61;-&#xFF9F;]+\"/>"),
            ),
        ),
        Type::Kana(n) => {
            let class: String = KANA_RANGES
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        format!("&#x{:X};", a as u32)
                    } else {
                        format!("&#x{:X};-&#x{:X};", a as u32, b as u32)
                    }
                })
                .collect();
            (
                format!("kana.{n}"),
                facets("xs:token", &format!("<xs:maxLength value=\"{n}\"/><xs:pattern value=\"[{class}]+\"/>")),
            )
        }
        // 10–11 digits in all cannot be counted across hyphens by a pattern: at least 10
        // characters, digits at both ends.
        Type::Phone => (
            "phone".into(),
            facets("xs:token", "<xs:minLength value=\"10\"/><xs:pattern value=\"[0-9]([0-9\\-]*[0-9])?\"/>"),
        ),
        Type::DoctorNo => ("doctorno".into(), facets("xs:token", "<xs:pattern value=\"[A-Za-z0-9\\-]{1,20}\"/>")),
        Type::Group | Type::Item => ("token".into(), facets("xs:token", "")),
    }
}

struct Gen<'t> {
    tables: &'t Tables,
    /// Value types used, by name: their restriction, and whether an optional form is needed.
    types: BTreeMap<String, (String, bool, bool)>,
}

impl Gen<'_> {
    /// The complex type (value type plus any attribute) of a leaf; registers what it needs.
    fn leaf_type(&mut self, ty: &Type, optional: bool) -> String {
        let (name, restriction) = value_type(self.tables, ty);
        let e = self.types.entry(name.clone()).or_insert((restriction, false, false));
        if optional {
            e.2 = true;
            format!("rk:{name}.opt")
        } else {
            e.1 = true;
            format!("rk:{name}")
        }
    }

    fn children(&mut self, kind: &FormKind, parent: NodeId, level: usize, out: &mut String) {
        let layout = &kind.layout;
        for &c in &layout.node(parent).children {
            self.element(kind, layout, c, level, out);
        }
    }

    fn element(&mut self, kind: &FormKind, layout: &Layout, node: NodeId, level: usize, out: &mut String) {
        let rows: Vec<_> = (0..kind.versions.len()).filter_map(|v| layout.row_for(v, node)).collect();
        let Some(row) = rows.first() else { return };
        let n = layout.node(node);
        let in_every_version = rows.len() == kind.versions.len();
        let always = rows.iter().all(|r| r.required.as_ref().is_some_and(|c| c.source == "always"));
        let required = in_every_version && always;
        let min = if required { "" } else { " minOccurs=\"0\"" };
        let same_type = rows.iter().all(|r| r.ty == row.ty);
        if row.ty == Type::Item {
            pad(out, level);
            let _ = writeln!(out, "<xs:element name=\"{}\" minOccurs=\"0\" maxOccurs=\"unbounded\">", n.name);
            doc(out, level + 1, &row.name_ja, &row.label_en);
            pad(out, level + 1);
            out.push_str("<xs:complexType>\n");
            for attr in ["code", "value"] {
                pad(out, level + 2);
                let _ = writeln!(out, "<xs:attribute name=\"{attr}\" type=\"xs:token\"/>");
            }
            pad(out, level + 2);
            out.push_str("<xs:anyAttribute processContents=\"skip\"/>\n");
            pad(out, level + 1);
            out.push_str("</xs:complexType>\n");
            pad(out, level);
            out.push_str("</xs:element>\n");
            return;
        }
        if row.ty.is_group() {
            pad(out, level);
            let _ = writeln!(out, "<xs:element name=\"{}\"{min}>", n.name);
            doc(out, level + 1, &row.name_ja, &row.label_en);
            pad(out, level + 1);
            out.push_str("<xs:complexType>\n");
            // A group holding the repeated item element is a sequence; every other group is
            // an unordered set of elements that occur at most once.
            let repeated = n.children.iter().any(|&c| layout.any_row(c).is_some_and(|r| r.repeat));
            let model = if repeated { "xs:sequence" } else { "xs:all" };
            pad(out, level + 2);
            let _ = writeln!(out, "<{model}>");
            self.children(kind, node, level + 3, out);
            pad(out, level + 2);
            let _ = writeln!(out, "</{model}>");
            pad(out, level + 2);
            out.push_str("<xs:anyAttribute processContents=\"skip\"/>\n");
            pad(out, level + 1);
            out.push_str("</xs:complexType>\n");
            pad(out, level);
            out.push_str("</xs:element>\n");
            return;
        }
        let ty = if same_type { self.leaf_type(&row.ty, !required) } else { self.leaf_type(&Type::Group, true) };
        pad(out, level);
        let _ = writeln!(out, "<xs:element name=\"{}\" type=\"{ty}\"{min}>", n.name);
        doc(out, level + 1, &row.name_ja, &row.label_en);
        pad(out, level);
        out.push_str("</xs:element>\n");
    }

    fn form(&mut self, kind: &FormKind, out: &mut String) {
        let _ = writeln!(out, "  <xs:element name=\"{}\">", kind.root);
        doc(out, 2, &kind.name_ja, &kind.name_en);
        out.push_str("    <xs:complexType>\n      <xs:all>\n");
        self.children(kind, 0, 4, out);
        out.push_str("      </xs:all>\n");
        out.push_str("      <xs:attribute name=\"formVersion\" use=\"required\">\n");
        out.push_str("        <xs:simpleType>\n          <xs:restriction base=\"xs:token\">\n");
        for v in &kind.versions {
            let _ = writeln!(
                out,
                "            <xs:enumeration value=\"{}\"><xs:annotation><xs:documentation xml:lang=\"ja\">{}</xs:documentation><xs:documentation xml:lang=\"en\">{}</xs:documentation></xs:annotation></xs:enumeration>",
                esc(&v.code),
                esc(&v.name_ja),
                esc(&v.name_en)
            );
        }
        out.push_str("          </xs:restriction>\n        </xs:simpleType>\n      </xs:attribute>\n");
        out.push_str("      <xs:anyAttribute processContents=\"skip\"/>\n    </xs:complexType>\n  </xs:element>\n");
    }
}

/// The schema of the format described by `tables`.
pub fn generate(tables: &Tables) -> String {
    let mut g = Gen { tables, types: BTreeMap::new() };
    let mut forms = String::new();
    for kind in &tables.kinds {
        g.form(kind, &mut forms);
    }
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<!-- rinken submission format: XML Schema 1.0 generated by `rinken tables xsd` from code-tables/\n\
         \x20    (layout.tsv, codes.tsv, forms.tsv, form-versions.tsv). Do not edit: regenerate it.\n\
         \x20    It accepts a superset of what rinken accepts: conditional requirements, disease and item\n\
         \x20    tables, check digits and date order are checked by rinken only.\n\
         \x20    rinken が受け付ける範囲を含むスキーマです。条件付き必須・疾病表・検証番号・日付の順序は rinken だけが検査します。 -->\n",
    );
    let _ = writeln!(
        out,
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:rk=\"{NAMESPACE}\" targetNamespace=\"{NAMESPACE}\" elementFormDefault=\"qualified\">"
    );
    let _ = writeln!(out, "  <xs:element name=\"{BATCH_ROOT}\">");
    doc(&mut out, 2, "複数の様式をまとめたファイル", "a file holding several forms");
    out.push_str("    <xs:complexType>\n      <xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n");
    for kind in &tables.kinds {
        let _ = writeln!(out, "        <xs:element ref=\"rk:{}\"/>", kind.root);
    }
    out.push_str("      </xs:choice>\n");
    out.push_str("      <xs:attribute name=\"count\" type=\"xs:nonNegativeInteger\"/>\n");
    out.push_str("      <xs:anyAttribute processContents=\"skip\"/>\n    </xs:complexType>\n  </xs:element>\n");
    out.push_str(&forms);
    out.push_str(
        "  <xs:simpleType name=\"empty\">\n    <xs:restriction base=\"xs:token\"><xs:maxLength value=\"0\"/></xs:restriction>\n  </xs:simpleType>\n",
    );
    for (name, (restriction, plain, optional)) in &g.types {
        let _ = writeln!(out, "  <xs:simpleType name=\"v.{name}\">\n    {restriction}\n  </xs:simpleType>");
        let mut wrap = |suffix: &str, base: &str| {
            let _ = writeln!(
                out,
                "  <xs:complexType name=\"{name}{suffix}\">\n    <xs:simpleContent><xs:extension base=\"{base}\"><xs:anyAttribute processContents=\"skip\"/></xs:extension></xs:simpleContent>\n  </xs:complexType>"
            );
        };
        if *plain {
            wrap("", &format!("rk:v.{name}"));
        }
        if *optional {
            wrap(".opt", &format!("rk:v.{name}.opt"));
        }
        if *optional {
            let _ = writeln!(
                out,
                "  <xs:simpleType name=\"v.{name}.opt\">\n    <xs:union memberTypes=\"rk:v.{name} rk:empty\"/>\n  </xs:simpleType>"
            );
        }
    }
    out.push_str("</xs:schema>\n");
    out
}

/// Runs `rinken tables xsd`: the schema of the embedded tables, or of `dir` laid over them.
pub fn run(dir: Option<&std::path::Path>) -> Result<u8, crate::run::RunError> {
    let tables = Tables::with_overlay(dir)
        .map_err(|e| crate::run::RunError(format!("コード表を読めません / cannot load the code tables: {e}")))?;
    crate::cli::print_out(&generate(&tables))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::chars::is_kana_field_char;

    #[test]
    fn kana_ranges_are_the_kana_field_characters() {
        for u in 0..=0xFFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let in_ranges = KANA_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c));
            assert_eq!(in_ranges, is_kana_field_char(c), "U+{u:04X}");
        }
    }

    #[test]
    fn every_layout_element_is_in_the_schema() {
        let tables = Tables::embedded().unwrap();
        let xsd = generate(&tables);
        for kind in &tables.kinds {
            for node in kind.layout.nodes.iter().skip(1) {
                assert!(xsd.contains(&format!("<xs:element name=\"{}\"", node.name)), "{}", node.path);
            }
            for v in &kind.versions {
                assert!(xsd.contains(&format!("<xs:enumeration value=\"{}\">", v.code)));
            }
        }
        assert!(xsd.contains("<xs:element name=\"Sex\" type=\"rk:code.SEX\">"), "always required: no minOccurs");
        assert!(xsd.contains("<xs:element name=\"RecipientNo\" type=\"rk:digits.7.opt\" minOccurs=\"0\">"));
        assert!(
            xsd.contains("name=\"CareLevel\" type=\"rk:int.1-5.opt\""),
            "CareLevel's conditional ranges, as their union"
        );
    }
}
