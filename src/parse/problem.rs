//! Why a document is not well-formed XML (F006), in words a vendor can act on.

use crate::lang::Lang;
use crate::tr;

/// Why a file is not well-formed XML (F006).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlProblem {
    /// As quick-xml words it (for problems without a translation below).
    Syntax(String),
    /// `</found>` closes an element opened as `<expected>`.
    Mismatched {
        expected: String,
        found: String,
    },
    /// An end tag with no element open.
    UnmatchedEnd(String),
    /// `</name` with no `>` before the next markup (quick-xml reads the name up to the next `>`).
    EndTagUnclosed(String),
    /// Markup cut off by the end of the file: what was open, and what would close it.
    Cut {
        what: (&'static str, &'static str),
        closer: &'static str,
    },
    /// A malformed attribute (no `=`, no quotes, twice the same name).
    BadAttribute(String),
    /// Bytes that are not UTF-8 (only a stream can meet them: text in memory is decoded first).
    NotUtf8,
    Unclosed(String),
    UndefinedEntity(String),
    /// A character reference (`#1`, `#xZZ`) that is malformed or names a character XML 1.0
    /// does not allow.
    BadCharRef(String),
    MultipleRoots,
    TextOutsideRoot,
    /// Text before any element: the file is not XML at all.
    NotXml,
    NoRoot,
    /// An element name that is not an XML name (`<1x>`, `<a&amp;b>`).
    BadName(String),
    /// An element prefix no `xmlns:prefix` declares.
    UnboundPrefix(String),
    /// `--` inside a comment, or a comment ending in `--->`.
    DoubleHyphen,
    /// `<?xml …?>` after something but before the root: whitespace, a comment.
    DeclNotFirst,
    /// `<?xml …?>` after the root began: two files joined into one, most likely.
    DeclInside,
    /// `<?xml …?>` without `version`.
    DeclWithoutVersion,
    /// `<?xml …?>` not as XML's grammar has it (no space between pseudo-attributes, one
    /// unknown or out of order, a value not of its form).
    BadDecl(super::decl::DeclFault),
    /// A processing instruction whose target is not a name.
    BadPiTarget(String),
    /// A character XML does not allow, written as itself (a C0 control, U+FFFE, U+FFFF).
    ForbiddenChar(char),
    /// `]]>` in text, where only a CDATA section may end with it.
    CdataEndInText,
    /// `&` that starts no reference (`a & b`, `&amp b`).
    LoneAmp,
    /// `<!` that starts no comment, CDATA section or DOCTYPE.
    BadBang,
    /// An attribute written right after the previous one's value (`a="1"b="2"`).
    AttrNoSpace(String),
    /// An attribute name that is not an XML name.
    AttrBadName(String),
    /// `<` in the value of the attribute.
    AttrLt(String),
    /// The attribute twice, as written or once its prefix is resolved (`p:a`, `q:a`).
    AttrTwice(String),
    /// A name with no `=` after it, `=` with no value, a value without quotes.
    AttrNoEq,
    AttrNoValue,
    AttrUnquoted,
    /// `xmlns:p=""`: a prefix cannot be bound to no namespace.
    EmptyBinding(String),
    /// A declaration binding what XML Namespaces reserves (`xml`, `xmlns`, or their URIs).
    ReservedNamespace(String),
}

/// `s` on one line: line breaks and other control characters would split a finding across
/// lines of the text, JUnit or github outputs, and could reach a terminal as escapes.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return s.into();
    }
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().into()
}

impl XmlProblem {
    /// The same problem with nothing written inside the file's text quoted (`--redact`): an
    /// entity name or a syntax detail may come from a patient's value.
    pub fn redacted(&self) -> XmlProblem {
        let marker = || crate::check::redact::MARKER.to_owned();
        match self {
            XmlProblem::UndefinedEntity(_) => XmlProblem::UndefinedEntity(marker()),
            XmlProblem::BadCharRef(_) => XmlProblem::BadCharRef(marker()),
            XmlProblem::Syntax(_) => XmlProblem::Syntax(marker()),
            XmlProblem::BadName(_) => XmlProblem::BadName(marker()),
            XmlProblem::BadPiTarget(_) => XmlProblem::BadPiTarget(marker()),
            XmlProblem::AttrBadName(_) => XmlProblem::AttrBadName(marker()),
            other => other.clone(),
        }
    }

    pub fn describe(&self, lang: Lang) -> String {
        let text = self.describe_raw(lang);
        one_line(&text).into_owned()
    }

    fn describe_raw(&self, lang: Lang) -> String {
        match self {
            XmlProblem::Syntax(m) => tr!(lang, "XML の構文が正しくありません: {m}", "XML syntax error: {m}"),
            XmlProblem::Mismatched { expected, found } => tr!(
                lang,
                "終了タグ </{found}> がありますが、ここで閉じるべき要素は <{expected}> です。</{expected}> を書いてください (閉じ忘れか綴りの誤り)",
                "end tag </{found}> where <{expected}> must be closed; write </{expected}> (a missing or misspelt end tag)"
            ),
            XmlProblem::UnmatchedEnd(n) => tr!(
                lang,
                "開始タグのない終了タグ </{n}> があります",
                "end tag </{n}> without a start tag"
            ),
            XmlProblem::EndTagUnclosed(n) => tr!(
                lang,
                "終了タグ </{n} が > で閉じられていません。</{n}> と書いてください",
                "the end tag </{n} is not closed by >; write </{n}>"
            ),
            XmlProblem::Cut { what, closer } => tr!(
                lang,
                "{}が閉じないままファイルが終わっています ({closer} がありません。途中で切れたファイル?)",
                "the file ends inside {} ({closer} is missing; a truncated file?)",
                lang.pick(what.0, what.1)
            ),
            XmlProblem::BadAttribute(m) => tr!(lang, "属性の書き方が正しくありません: {m}", "malformed attribute: {m}"),
            XmlProblem::NotUtf8 => lang.pick("UTF-8 として読めないバイトがあります", "bytes that are not UTF-8").into(),
            XmlProblem::Unclosed(n) => tr!(
                lang,
                "要素 <{n}> が閉じられないままファイルが終わっています (途中で切れたファイル?)。</{n}> が必要です",
                "the file ends while <{n}> is still open (a truncated file?); </{n}> is missing"
            ),
            XmlProblem::UndefinedEntity(e) => tr!(
                lang,
                "未定義の実体参照 &{e}; です。使えるのは &amp; &lt; &gt; &quot; &apos; と文字参照だけです",
                "undefined entity &{e};; only &amp; &lt; &gt; &quot; &apos; and character references are allowed"
            ),
            XmlProblem::BadCharRef(r) => tr!(
                lang,
                "文字参照 &{r}; は XML で使えない文字か、正しくない書き方です。使えるのはタブ・改行と U+0020 以上の文字 (&#x3042; など) です",
                "the character reference &{r}; is malformed or names a character XML does not allow; only tab, line breaks and characters from U+0020 on can be referred to (such as &#x3042;)"
            ),
            XmlProblem::MultipleRoots => lang
                .pick(
                    "ルート要素の後に別の要素があります。1 ファイルのルート要素は 1 つです (複数の様式は FormBatch にまとめます)",
                    "another element follows the root element; a file has one root (put several forms in a FormBatch)",
                )
                .into(),
            XmlProblem::TextOutsideRoot => {
                lang.pick("ルート要素の外に文字があります", "text outside the root element").into()
            }
            XmlProblem::NoRoot => lang.pick("ルート要素がありません", "no root element").into(),
            XmlProblem::NotXml => lang
                .pick(
                    "最初の要素の前に文字があります。XML ファイルではないようです (出力したファイルを確認してください)",
                    "text before any element: this does not look like an XML file (check what was exported)",
                )
                .into(),
            XmlProblem::BadName(n) => tr!(
                lang,
                "<{n}> は XML の要素名になりません (数字や記号で始まる、& や制御文字を含むなど)。要素名を確認してください",
                "<{n}> is not an XML element name (it starts with a digit or a symbol, or holds & or a control character); check the name"
            ),
            XmlProblem::UnboundPrefix(p) => tr!(
                lang,
                "接頭辞 {p}: が宣言されていません。xmlns:{p}=\"…\" を宣言するか、接頭辞を取り除いてください",
                "the prefix {p}: is not declared; declare xmlns:{p}=\"…\" or remove the prefix"
            ),
            XmlProblem::DoubleHyphen => lang
                .pick(
                    "コメントの中に -- があります。XML のコメントには -- を書けません (--> の直前の - も)",
                    "-- inside a comment; an XML comment may not hold -- (nor end in --->)",
                )
                .into(),
            XmlProblem::DeclNotFirst => lang
                .pick(
                    "XML 宣言 <?xml …?> はファイルの先頭 (1 行目 1 文字目) にだけ書けます。前にある空白・改行やコメントを取り除いてください",
                    "the XML declaration <?xml …?> may only open the file (line 1, column 1); remove the whitespace or comments before it",
                )
                .into(),
            XmlProblem::DeclInside => lang
                .pick(
                    "文書の途中に XML 宣言 <?xml …?> があります。2 つのファイルを 1 つにつなげていませんか。ファイルを分けて出力し直してください",
                    "an XML declaration <?xml …?> in the middle of the document: were two files joined into one? export them separately",
                )
                .into(),
            XmlProblem::DeclWithoutVersion => lang
                .pick(
                    "XML 宣言に version がありません。<?xml version=\"1.0\" encoding=\"UTF-8\"?> と書いてください",
                    "the XML declaration has no version; write <?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                )
                .into(),
            XmlProblem::BadDecl(fault) => {
                use super::decl::DeclFault;
                let right = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
                let what = match fault {
                    DeclFault::NoVersion => return XmlProblem::DeclWithoutVersion.describe_raw(lang),
                    DeclFault::NoSpace(n) => tr!(
                        lang,
                        "XML 宣言の {n} が前の値のすぐ後に書かれています。空白で区切ってください",
                        "in the XML declaration, {n} follows the previous value with no space; separate them with a space"
                    ),
                    DeclFault::Unexpected(w) => tr!(
                        lang,
                        "XML 宣言に「{w}」は書けません (書けるのは version, encoding, standalone をこの順に 1 回ずつ)",
                        "the XML declaration cannot hold \"{w}\" (only version, encoding and standalone, once each, in that order)"
                    ),
                    DeclFault::NotNameEqValue(n) => tr!(
                        lang,
                        "XML 宣言の {n} が {n}=\"値\" の形で書かれていません",
                        "in the XML declaration, {n} is not written as {n}=\"value\""
                    ),
                    DeclFault::BadValue(n, v) => {
                        let form = match *n {
                            "version" => lang.pick("1.0 のような XML の版", "an XML version such as 1.0"),
                            "encoding" => lang.pick("UTF-8 のような文字コード名", "an encoding name such as UTF-8"),
                            _ => lang.pick("yes か no", "yes or no"),
                        };
                        tr!(
                            lang,
                            "XML 宣言の {n}=\"{v}\" は {form} ではありません",
                            "in the XML declaration, {n}=\"{v}\" is not {form}"
                        )
                    }
                };
                tr!(lang, "{what}。{right} と書いてください", "{what}; write {right}")
            }
            XmlProblem::BadPiTarget(t) => tr!(
                lang,
                "処理命令 <?{t} …?> の名前が正しくありません。処理命令を取り除いてください",
                "the processing instruction <?{t} …?> has no valid name; remove it"
            ),
            XmlProblem::ForbiddenChar(c) => {
                let code = format!("U+{:04X}", *c as u32);
                let what = match c {
                    '\u{FFFE}' | '\u{FFFF}' => lang.pick("非文字", "a noncharacter"),
                    _ => lang.pick("制御文字", "a control character"),
                };
                tr!(
                    lang,
                    "XML で使えない文字 {code} ({what}) がそのまま書かれています。取り除いてください (XML として読めないため、ファイルごと受け付けられません)",
                    "{code} ({what}) is written as itself, and XML does not allow it; remove it (the file cannot be read as XML and is refused whole)"
                )
            }
            XmlProblem::LoneAmp => lang
                .pick(
                    "& がそのまま書かれています。文字の & は &amp; と書いてください (& で始まるのは &lt; などの参照だけです)",
                    "& written as itself; write the character & as &amp; (only a reference such as &lt; starts with &)",
                )
                .into(),
            XmlProblem::BadBang => lang
                .pick(
                    "<! の後がコメント <!-- でも CDATA セクション <![CDATA[ でもありません。書き方を確認してください",
                    "<! starts neither a comment <!-- nor a CDATA section <![CDATA[; check the markup",
                )
                .into(),
            XmlProblem::AttrNoSpace(a) => tr!(
                lang,
                "属性 {a} が前の属性の値のすぐ後に書かれています。属性と属性の間は空白で区切ってください",
                "the attribute {a} follows the previous attribute's value with no space; separate attributes with a space"
            ),
            XmlProblem::AttrBadName(a) => tr!(
                lang,
                "{a} は XML の属性名になりません (数字や記号で始まる、使えない文字を含むなど)。属性名を確認してください",
                "{a} is not an XML attribute name (it starts with a digit or a symbol, or holds a character names cannot); check the name"
            ),
            XmlProblem::AttrLt(a) => tr!(
                lang,
                "属性 {a} の値に < があります。属性値の中の < は &lt; と書いてください",
                "< in the value of the attribute {a}; write < in an attribute value as &lt;"
            ),
            XmlProblem::AttrTwice(a) => tr!(
                lang,
                "属性 {a} が同じ要素に 2 回あります (接頭辞が違っても同じ名前空間なら同じ属性です)。1 回にしてください",
                "the attribute {a} appears twice on one element (prefixes bound to one namespace name one attribute); keep one"
            ),
            XmlProblem::AttrNoEq => lang
                .pick(
                    "属性名の後に = と値がありません。名前=\"値\" の形で書いてください",
                    "an attribute name without = and a value; write name=\"value\"",
                )
                .into(),
            XmlProblem::AttrNoValue => lang
                .pick(
                    "属性の = の後に値がありません。名前=\"値\" の形で書いてください",
                    "an attribute's = is not followed by a value; write name=\"value\"",
                )
                .into(),
            XmlProblem::AttrUnquoted => lang
                .pick(
                    "属性値が引用符で囲まれていません。名前=\"値\" の形で書いてください",
                    "an attribute value without quotes; write name=\"value\"",
                )
                .into(),
            XmlProblem::EmptyBinding(p) => tr!(
                lang,
                "xmlns:{p}=\"\" は接頭辞 {p}: を空の名前空間に結び付けていて、XML 名前空間では書けません。宣言を取り除くか URI を書いてください",
                "xmlns:{p}=\"\" binds the prefix {p}: to no namespace, which XML namespaces do not allow; remove the declaration or give a URI"
            ),
            XmlProblem::ReservedNamespace(d) => tr!(
                lang,
                "{d} は XML 名前空間が予約する接頭辞 (xml, xmlns) か名前空間名を別の意味で使っています。宣言を取り除いてください",
                "{d} uses a prefix (xml, xmlns) or a namespace name that XML namespaces reserve for another meaning; remove the declaration"
            ),
            XmlProblem::CdataEndInText => lang
                .pick(
                    "文字データの中に ]]> があります。XML では CDATA セクションの終わりにしか書けません。]]&gt; と書いてください",
                    "]]> in text; XML allows it only as the end of a CDATA section; write ]]&gt;",
                )
                .into(),
        }
    }
}

impl XmlProblem {
    /// A declaration that does not open the file: out of place before the root, or the start
    /// of a second document after it began.
    pub(super) fn misplaced_decl(info: &super::DocInfo) -> XmlProblem {
        match info.root {
            super::Root::None => XmlProblem::DeclNotFirst,
            _ => XmlProblem::DeclInside,
        }
    }

    pub(super) fn from_quick(e: &quick_xml::Error) -> XmlProblem {
        use quick_xml::errors::SyntaxError as S;
        use quick_xml::Error as Q;
        let cut = |what, closer| XmlProblem::Cut { what, closer };
        // End tags are matched by the parser (`Parser::close_name`); the readers are set up so
        // that quick-xml reports no mismatched or unmatched end tag.
        match e {
            Q::Syntax(S::UnclosedTag) => cut(("タグ", "a tag"), ">"),
            Q::Syntax(S::UnclosedComment) => cut(("コメント", "a comment"), "-->"),
            Q::Syntax(S::UnclosedCData) => cut(("CDATA", "CDATA"), "]]>"),
            Q::Syntax(S::UnclosedPI | S::UnclosedXmlDecl) => cut(("処理命令", "a processing instruction"), "?>"),
            Q::Syntax(S::UnclosedSingleQuotedAttributeValue) => cut(("属性値", "an attribute value"), "'"),
            Q::Syntax(S::UnclosedDoubleQuotedAttributeValue) => cut(("属性値", "an attribute value"), "\""),
            Q::Syntax(S::UnclosedDoctype) => cut(("DOCTYPE 宣言", "a DOCTYPE declaration"), ">"),
            Q::Syntax(S::InvalidBangMarkup) => XmlProblem::BadBang,
            Q::IllFormed(quick_xml::errors::IllFormedError::UnclosedReference) => XmlProblem::LoneAmp,
            Q::InvalidAttr(a) => XmlProblem::BadAttribute(a.to_string()),
            Q::Encoding(_) => XmlProblem::NotUtf8,
            other => XmlProblem::Syntax(other.to_string()),
        }
    }
}

/// An error quick-xml found in the attributes of the start tag at `tag` (the offset of its
/// `<`), placed where quick-xml found it.
pub(super) fn attr_error(tag: usize, content: &str, e: quick_xml::events::attributes::AttrError) -> Failure {
    use quick_xml::events::attributes::AttrError as A;
    // Positions are from the start of the tag's content, after `<`.
    let at = |p: usize| tag + 1 + p;
    let (offset, problem) = match e {
        A::ExpectedEq(p) => (at(p), XmlProblem::AttrNoEq),
        A::ExpectedValue(p) => (at(p), XmlProblem::AttrNoValue),
        A::UnquotedValue(p) => (at(p), XmlProblem::AttrUnquoted),
        A::Duplicated(p, _) => {
            let name = content.get(p..).unwrap_or_default();
            let end = name.find(|c: char| c == '=' || c.is_ascii_whitespace()).unwrap_or(name.len());
            (at(p), XmlProblem::AttrTwice(name[..end].chars().take(60).collect()))
        }
        other => (tag, XmlProblem::BadAttribute(other.to_string())),
    };
    XmlError::at(offset, problem)
}

/// An error quick-xml found in an attribute value that [`super::attrs::value_problem`] let
/// through (none is known): as quick-xml words it.
pub(super) fn value_error(tag: usize, e: impl std::fmt::Display) -> Failure {
    XmlError::at(tag, XmlProblem::BadAttribute(e.to_string()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub offset: usize,
    pub problem: XmlProblem,
    /// Line and column, and the text there, resolved when the error was found.
    pub pos: (u32, u32),
    pub snippet: String,
}

/// An error on its way out of the parser. Boxed because every event's result passes through
/// a few functions: with an 88-byte error in it, each of those results was copied whole.
pub(super) type Failure = Box<XmlError>;

impl XmlError {
    pub(super) fn at(offset: usize, problem: XmlProblem) -> Failure {
        Box::new(XmlError { offset, problem, pos: (0, 0), snippet: String::new() })
    }
}
