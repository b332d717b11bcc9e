//! One generated form as values by layout node, and its XML.
//!
//! The values are kept per element of the layout, and the XML is written by walking the
//! layout's element tree, so the generator follows `layout.tsv` for structure and element
//! order; the generator's own knowledge is only which value each element gets.

use crate::parse::NAMESPACE;
use crate::tables::cond::{Env, Var};
use crate::tables::layout::{Layout, NodeId};
use crate::tables::{FormKind, KindId, Tables};

macro_rules! elements {
    ($($variant:ident = $path:literal,)*) => {
        /// The elements the generator gives values to, by their path in the format.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum El { $($variant),* }

        impl El {
            pub const ALL: &'static [El] = &[$(El::$variant),*];
            pub const COUNT: usize = Self::ALL.len();

            pub fn path(self) -> &'static str {
                match self { $(El::$variant => $path),* }
            }
        }
    };
}

elements! {
    AppType = "Header/ApplicationType",
    Group = "Header/Disease/Group",
    KokujiNo = "Header/Disease/KokujiNo",
    DiseaseName = "Header/Disease/Name",
    DiagnosisDate = "Header/DiagnosisDate",
    WrittenDate = "Header/WrittenDate",
    FamilyName = "Patient/FamilyName",
    GivenName = "Patient/GivenName",
    FamilyKana = "Patient/FamilyNameKana",
    GivenKana = "Patient/GivenNameKana",
    Sex = "Patient/Sex",
    BirthDate = "Patient/BirthDate",
    PostalCode = "Patient/PostalCode",
    Address = "Patient/Address",
    RecipientNo = "Patient/RecipientNo",
    PayerNo = "Patient/PublicPayerNo",
    PreviousName = "Patient/PreviousName",
    Onset = "Clinical/OnsetYearMonth",
    FamilyHistory = "Clinical/FamilyHistory",
    FamilyRelation = "Clinical/FamilyRelation",
    FamilyRelationOther = "Clinical/FamilyRelationOther",
    CareCertification = "Clinical/CareCertification",
    CareLevel = "Clinical/CareLevel",
    Mobility = "Clinical/DailyLife/Mobility",
    SelfCare = "Clinical/DailyLife/SelfCare",
    UsualActivities = "Clinical/DailyLife/UsualActivities",
    PainDiscomfort = "Clinical/DailyLife/PainDiscomfort",
    AnxietyDepression = "Clinical/DailyLife/AnxietyDepression",
    DiagnosisCategory = "Clinical/DiagnosisCategory",
    Severity = "Clinical/Severity",
    Ventilator = "Clinical/Ventilator",
    VentilatorStart = "Clinical/VentilatorStartDate",
    SevereCertification = "Clinical/SevereCertification",
    VentilatorCertification = "Clinical/VentilatorCertification",
    Reason = "Attachment/Reason",
    InstitutionCode = "Author/InstitutionCode",
    InstitutionName = "Author/InstitutionName",
    InstitutionAddress = "Author/InstitutionAddress",
    Phone = "Author/Phone",
    DoctorNo = "Author/DoctorNo",
    DoctorName = "Author/DoctorName",
}

/// A form kind's layout as the generator uses it.
pub struct Shape<'t> {
    pub id: KindId,
    pub kind: &'t FormKind,
    /// Node of each element, where the kind's layout has it.
    pub node: [Option<NodeId>; El::COUNT],
    /// Element of each node, the reverse of `node`.
    el_of: Vec<Option<El>>,
}

impl<'t> Shape<'t> {
    pub fn new(tables: &'t Tables, id: KindId) -> Shape<'t> {
        let kind = tables.kind(id);
        let layout = &kind.layout;
        let mut node = [None; El::COUNT];
        let mut el_of = vec![None; layout.nodes.len()];
        for (i, el) in El::ALL.iter().enumerate() {
            if let Some(n) = layout.nodes.iter().position(|n| &*n.path == el.path()) {
                node[i] = Some(n as NodeId);
                el_of[n] = Some(*el);
            }
        }
        Shape { id, kind, node, el_of }
    }

    pub fn layout(&self) -> &'t Layout {
        &self.kind.layout
    }

    pub fn has(&self, el: El) -> bool {
        self.node[el as usize].is_some()
    }

    /// Whether form version `version` has the element.
    pub fn in_version(&self, version: usize, el: El) -> bool {
        self.node[el as usize].is_some_and(|n| self.layout().row_for(version, n).is_some())
    }
}

/// Raw markup added inside a group, for defects no value can express (an unknown or a
/// repeated element).
#[derive(Clone, Debug)]
pub struct Extra {
    pub parent: NodeId,
    pub xml: String,
}

/// One form's values. Buffers are reused from form to form.
#[derive(Clone, Debug)]
pub struct Form {
    pub kind: KindId,
    pub version: usize,
    /// The `formVersion` attribute; `None` leaves it out.
    pub version_attr: Option<String>,
    vals: Vec<String>,
    set: Vec<bool>,
    pub items: Vec<(String, String)>,
    pub extras: Vec<Extra>,
    /// Version codes of the kind, for conditions on `formVersion`.
    version_code: String,
    /// Node of each element (copied from the shape, so that conditions can be evaluated).
    node_el: Vec<Option<El>>,
}

impl Form {
    pub fn new() -> Form {
        Form {
            kind: 0,
            version: 0,
            version_attr: None,
            vals: vec![String::new(); El::COUNT],
            set: vec![false; El::COUNT],
            items: Vec::new(),
            extras: Vec::new(),
            version_code: String::new(),
            node_el: Vec::new(),
        }
    }

    pub fn reset(&mut self, shape: &Shape<'_>, version: usize) {
        self.kind = shape.id;
        self.version = version;
        let code = &shape.kind.versions[version].code;
        self.version_attr = Some(code.clone());
        self.version_code.clear();
        self.version_code.push_str(code);
        self.set.iter_mut().for_each(|s| *s = false);
        self.items.clear();
        self.extras.clear();
        self.node_el.clear();
        self.node_el.extend_from_slice(&shape.el_of);
    }

    pub fn get(&self, el: El) -> Option<&str> {
        self.set[el as usize].then(|| self.vals[el as usize].as_str())
    }

    /// Sets a value (the element is written even where the version lacks it).
    pub fn set(&mut self, el: El, value: &str) {
        let v = &mut self.vals[el as usize];
        v.clear();
        v.push_str(value);
        self.set[el as usize] = true;
    }

    /// Sets a value built in place, avoiding a temporary string.
    pub fn set_with(&mut self, el: El, build: impl FnOnce(&mut String)) {
        let v = &mut self.vals[el as usize];
        v.clear();
        build(v);
        self.set[el as usize] = true;
    }

    pub fn unset(&mut self, el: El) {
        self.set[el as usize] = false;
    }

    /// Drops every value whose element the layout says must be absent, given the others
    /// (FamilyRelation without a family history, DiagnosisDate on a form before 2309, …).
    pub fn conform(&mut self, shape: &Shape<'_>) {
        let layout = shape.layout();
        // Conditions may chain (FamilyRelationOther depends on FamilyRelation), so repeat
        // until nothing changes; the layout is shallow, two passes settle it.
        loop {
            let mut changed = false;
            for (i, el) in El::ALL.iter().enumerate() {
                let Some(node) = shape.node[i] else { continue };
                if !self.set[i] {
                    continue;
                }
                let Some(row) = layout.row_for(self.version, node) else {
                    self.set[i] = false;
                    changed = true;
                    continue;
                };
                let parent_absent = {
                    let parent = layout.node(node).parent;
                    parent != 0
                        && layout
                            .row_for(self.version, parent)
                            .and_then(|r| r.absent.as_ref())
                            .is_some_and(|c| c.holds(&*self))
                };
                if row.absent.as_ref().is_some_and(|c| c.holds(&*self)) || parent_absent {
                    self.set[*el as usize] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Writes the form's XML at `indent` levels; `xmlns` on a form that is a file's root.
    pub fn render(&self, shape: &Shape<'_>, indent: usize, xmlns: bool, out: &mut String) {
        let layout = shape.layout();
        pad(out, indent);
        out.push('<');
        out.push_str(&shape.kind.root);
        if xmlns {
            out.push_str(" xmlns=\"");
            out.push_str(NAMESPACE);
            out.push('"');
        }
        if let Some(v) = &self.version_attr {
            out.push_str(" formVersion=\"");
            escape(v, out);
            out.push('"');
        }
        out.push_str(">\n");
        self.children(layout, 0, indent + 1, out);
        pad(out, indent);
        out.push_str("</");
        out.push_str(&shape.kind.root);
        out.push_str(">\n");
    }

    fn has_content(&self, layout: &Layout, node: NodeId) -> bool {
        if Some(node) == layout.item_node {
            return !self.items.is_empty();
        }
        if self.extras.iter().any(|e| e.parent == node) {
            return true;
        }
        match self.node_el[node as usize] {
            Some(el) => self.set[el as usize],
            None => layout.node(node).children.iter().any(|&c| self.has_content(layout, c)),
        }
    }

    fn children(&self, layout: &Layout, parent: NodeId, indent: usize, out: &mut String) {
        for &c in &layout.node(parent).children {
            if !self.has_content(layout, c) {
                continue;
            }
            let name = &layout.node(c).name;
            if Some(c) == layout.item_node {
                for (code, value) in &self.items {
                    pad(out, indent);
                    out.push('<');
                    out.push_str(name);
                    out.push_str(" code=\"");
                    escape(code, out);
                    out.push_str("\" value=\"");
                    escape(value, out);
                    out.push_str("\"/>\n");
                }
                continue;
            }
            pad(out, indent);
            out.push('<');
            out.push_str(name);
            out.push('>');
            match self.node_el[c as usize] {
                Some(el) if layout.node(c).children.is_empty() => escape(&self.vals[el as usize], out),
                _ => {
                    out.push('\n');
                    self.children(layout, c, indent + 1, out);
                    pad(out, indent);
                }
            }
            out.push_str("</");
            out.push_str(name);
            out.push_str(">\n");
        }
        for e in self.extras.iter().filter(|e| e.parent == parent) {
            pad(out, indent);
            out.push_str(&e.xml);
            out.push('\n');
        }
    }
}

impl Default for Form {
    fn default() -> Self {
        Form::new()
    }
}

impl Env for Form {
    fn value(&self, var: Var) -> Option<&str> {
        match var {
            Var::FormVersion => Some(&self.version_code),
            Var::Node(n) => self.node_el.get(n as usize).copied().flatten().and_then(|el| self.get(el)),
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

/// XML character escaping for text and attribute values.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}
