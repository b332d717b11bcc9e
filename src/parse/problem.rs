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
    /// A processing instruction whose target is not a name.
    BadPiTarget(String),
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
            XmlProblem::BadPiTarget(t) => tr!(
                lang,
                "処理命令 <?{t} …?> の名前が正しくありません。処理命令を取り除いてください",
                "the processing instruction <?{t} …?> has no valid name; remove it"
            ),
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
            Q::InvalidAttr(a) => XmlProblem::BadAttribute(a.to_string()),
            Q::Encoding(_) => XmlProblem::NotUtf8,
            other => XmlProblem::Syntax(other.to_string()),
        }
    }
}

pub(super) fn attr_error(offset: usize, e: impl std::fmt::Display) -> Failure {
    XmlError::at(offset, XmlProblem::BadAttribute(e.to_string()))
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
