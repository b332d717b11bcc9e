//! F — file rules: can the file be read, decoded and parsed, and does it say what it is.

use super::{FileKind, Sink};
use crate::finding::{Rule, Severity::*};
use crate::input::decode::{self, Decoded, Detected, Encoding, Refusal};
use crate::input::load::LoadError;
use crate::lang::Text;
use crate::parse::{DocInfo, Root, BATCH_ROOT, NAMESPACE};
use crate::tables::Tables;
use crate::text::date::Date;
use crate::tr;

pub static F001: Rule = Rule {
    id: "F001",
    severity: E,
    summary: Text {
        ja: "ファイルを読み取れない (権限、I/O エラー、消えたファイル)",
        en: "the file cannot be read (permission, I/O error, vanished)",
    },
    why: Text {
        ja: "読めないファイルは検査も登録もできません。ファイルが存在し、読み取り権限があることを確認してください。",
        en: "A file that cannot be read can be neither checked nor registered. Check that it exists and is readable.",
    },
    bad: "chmod 000 R131331572820250612000001.xml",
    good: "chmod 644 R131331572820250612000001.xml",
};

pub static F002: Rule = Rule {
    id: "F002",
    severity: E,
    summary: Text { ja: "ファイルが空、または空白だけ", en: "the file is empty or only whitespace" },
    why: Text {
        ja: "出力の途中で止まったか、書き込みに失敗したファイルです。出力し直してください。先頭の BOM は内容に数えません。",
        en: "The export stopped or failed to write. Export the file again. A leading byte-order mark does not count as content.",
    },
    bad: "(0 bytes)",
    good: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Rinkohyo …>…</Rinkohyo>",
};

/// F002's examples in Japanese (see `Rule::examples`).
pub const F002_EXAMPLES_JA: (&str, &str) =
    ("(0 バイト)", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Rinkohyo …>…</Rinkohyo>");

pub static F003: Rule = Rule {
    id: "F003",
    severity: E,
    summary: Text {
        ja: "Shift_JIS/CP932 のファイル (宣言または内容から判定)。復号した内容も検査する",
        en: "the file is Shift_JIS/CP932 (declared, or not UTF-8 but CP932); the decoded text is still checked",
    },
    why: Text {
        ja: "提出ファイルは UTF-8 と定められています。Shift_JIS は最も多い出力設定の誤りです。UTF-8 で出力し、XML 宣言を encoding=\"UTF-8\" にしてください。",
        en: "Submissions must be UTF-8; Shift_JIS is the most common export setting mistake. Export as UTF-8 with encoding=\"UTF-8\" in the declaration.",
    },
    bad: "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>",
    good: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
};

pub static F004: Rule = Rule {
    id: "F004",
    severity: E,
    summary: Text {
        ja: "UTF-8 でも CP932 でもないバイト列、または UTF-8/Shift_JIS 以外の encoding 宣言",
        en: "bytes that are neither UTF-8 nor CP932, or a declared encoding other than UTF-8/Shift_JIS",
    },
    why: Text {
        ja: "文字コードが読み取れないと内容を検査できません。UTF-8 (BOM なし) で出力してください。",
        en: "Text in an unreadable encoding cannot be checked. Export as UTF-8 without a BOM.",
    },
    bad: "<?xml version=\"1.0\" encoding=\"EUC-JP\"?>",
    good: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
};

pub static F005: Rule = Rule {
    id: "F005",
    severity: W,
    summary: Text { ja: "UTF-8 の BOM がある", en: "UTF-8 byte-order mark" },
    why: Text {
        ja: "BOM 付きのファイルを受け付けない取込処理があります。BOM なしの UTF-8 で出力してください。",
        en: "Some import pipelines reject a BOM. Export UTF-8 without a BOM.",
    },
    bad: "EF BB BF 3C 3F 78 6D 6C …",
    good: "3C 3F 78 6D 6C …",
};

pub static F006: Rule = Rule {
    id: "F006",
    severity: E,
    summary: Text { ja: "整形式の XML ではない (最初の誤りの位置)", en: "not well-formed XML (position of the first error)" },
    why: Text {
        ja: "XML として読めないファイルは、その先を検査できません。示した位置のタグの閉じ忘れ、& や < のエスケープ漏れ、属性や XML 宣言の書き方 (引用符、属性の間の空白)、XML で使えない文字 (制御文字など) を直してください。値の中の制御文字は、要素を示す L010 で報告します。",
        en: "Past the first well-formedness error nothing can be read. Fix the unclosed tag, the unescaped & or <, the malformed attribute or XML declaration (quotes, a space between attributes) or the character XML does not allow (a control character) at the position given. A control character inside a value is reported as L010, which names the element.",
    },
    bad: "<Address>京都市</Adress>",
    good: "<Address>京都市</Address>",
};

pub static F007: Rule = Rule {
    id: "F007",
    severity: E,
    summary: Text {
        ja: "DOCTYPE、DTD または実体宣言がある (展開せず拒否)",
        en: "DOCTYPE, DTD or entity declaration present (refused, never expanded)",
    },
    why: Text {
        ja: "実体宣言は billion laughs や外部実体 (XXE) 攻撃に使われるため、提出形式では禁止です。DOCTYPE を出力しないでください。",
        en: "Entity declarations enable billion-laughs and external-entity (XXE) attacks, so the format forbids them. Do not emit a DOCTYPE.",
    },
    bad: "<!DOCTYPE Rinkohyo [<!ENTITY a \"…\">]>",
    good: "(no DOCTYPE)",
};

/// F007's examples in Japanese (see `Rule::examples`).
pub const F007_EXAMPLES_JA: (&str, &str) = ("<!DOCTYPE Rinkohyo [<!ENTITY a \"…\">]>", "(DOCTYPE なし)");

pub static F008: Rule = Rule {
    id: "F008",
    severity: E,
    summary: Text {
        ja: "ルート要素が名前空間 urn:rinken:nanbyo-shoman:1 の Rinkohyo、Ikensho、FormBatch のいずれでもない",
        en: "root element is not Rinkohyo, Ikensho or FormBatch in the namespace urn:rinken:nanbyo-shoman:1",
    },
    why: Text {
        ja: "何の様式か分からないファイルは検査できません。ルート要素名と xmlns 属性を確認してください。",
        en:
            "A file that does not say which form it holds cannot be checked. Check the root element name and its xmlns.",
    },
    bad: "<Rinkohyo formVersion=\"2403\">",
    good: "<Rinkohyo xmlns=\"urn:rinken:nanbyo-shoman:1\" formVersion=\"2403\">",
};

pub static F009: Rule = Rule {
    id: "F009",
    severity: W,
    summary: Text {
        ja: "ファイル名が {R,S,B}{医療機関コード10桁}{作成日YYYYMMDD}{連番6桁}.xml の形でない",
        en: "file name does not follow {R,S,B}{10 digits}{YYYYMMDD}{6 digits}.xml",
    },
    why: Text {
        ja: "ファイル名は種別・医療機関・作成日で提出物を識別するために使われます。",
        en: "The file name identifies the kind, the institution and the date of a submission.",
    },
    bad: "rinkohyo_yamada.xml",
    good: "R111010273120250510000001.xml",
};

pub static F010: Rule = Rule {
    id: "F010",
    severity: E,
    summary: Text {
        ja: "ファイル名と内容が食い違う (種別の文字とルート要素、またはファイル名の医療機関コードと Author/InstitutionCode)",
        en: "file name disagrees with content: kind letter vs root, or its 医療機関コード vs Author/InstitutionCode",
    },
    why: Text {
        ja: "ファイル名で振り分ける処理が、内容と違う扱いをしてしまいます。ファイル名を内容に合わせてください。",
        en: "Processing that routes by file name would treat the content wrongly. Make the name match the content.",
    },
    bad: "S2610102093… containing <Rinkohyo>",
    good: "R2610102093… containing <Rinkohyo>",
};

pub static F011: Rule = Rule {
    id: "F011",
    severity: E,
    summary: Text {
        ja: "FormBatch の count が様式の数と違う", en: "FormBatch count differs from the number of forms"
    },
    why: Text {
        ja: "件数の食い違いは、出力の途中で様式が欠けたか重複した印です。",
        en: "A mismatch means forms were lost or repeated during export.",
    },
    bad: "<FormBatch count=\"3\"> with 2 forms",
    good: "<FormBatch count=\"2\"> with 2 forms",
};

/// F011's examples in Japanese (see `Rule::examples`).
pub const F011_EXAMPLES_JA: (&str, &str) =
    ("<FormBatch count=\"3\"> に様式が 2 件", "<FormBatch count=\"2\"> に様式が 2 件");

pub static F012: Rule = Rule {
    id: "F012",
    severity: E,
    summary: Text {
        ja: "様式の formVersion がない、または未知の版 (その様式はそれ以上検査しない)",
        en: "a form's formVersion is missing or not a known version (its record is not checked further)",
    },
    why: Text {
        ja: "版によって項目が違うため、版が分からない様式は検査できません。",
        en: "Elements differ between versions, so a form of unknown version cannot be checked.",
    },
    bad: "<Rinkohyo … formVersion=\"2404\">",
    good: "<Rinkohyo … formVersion=\"2403\">",
};

pub fn unreadable(sink: &mut Sink<'_>, e: &LoadError) {
    let lang = sink.lang();
    let reason = e.describe(lang);
    let msg = match e {
        LoadError::Unlistable(_) => {
            tr!(lang, "フォルダを読み取れません: {reason}", "the folder cannot be read: {reason}")
        }
        _ => tr!(lang, "ファイルを読み取れません: {reason}", "the file cannot be read: {reason}"),
    };
    sink.emit(&F001, 0, "", None, "", msg);
}

/// F002 for a file of `len` bytes with nothing but whitespace after its UTF-8 BOM, if `bom`.
pub fn empty(sink: &mut Sink<'_>, len: usize, bom: bool) {
    let lang = sink.lang();
    let msg = if bom {
        tr!(
            lang,
            "ファイルには BOM (と空白) しかありません ({len} バイト)。出力し直してください",
            "the file holds only a byte-order mark (and whitespace) ({len} bytes); export it again"
        )
    } else if len == 0 {
        tr!(lang, "ファイルが空です (0 バイト)。出力し直してください", "the file is empty (0 bytes); export it again")
    } else {
        tr!(
            lang,
            "ファイルが空白だけです ({len} バイト)。出力し直してください",
            "the file holds only whitespace ({len} bytes); export it again"
        )
    };
    sink.emit(&F002, 0, "", None, "", msg);
}

/// Detects the encoding; `None` when the content cannot be read at all (F004).
pub fn decode<'b>(sink: &mut Sink<'_>, bytes: &'b [u8]) -> Option<Decoded<'b>> {
    match decode::decode(bytes) {
        Err(refusal) => {
            refused(sink, &refusal);
            None
        }
        Ok(d) => {
            encoding(sink, &d.encoding);
            Some(d)
        }
    }
}

/// F004 for a file whose content cannot be read at all.
pub fn refused(sink: &mut Sink<'_>, refusal: &Refusal) {
    match refusal {
        Refusal::Wide(bits) => wide(sink, *bits),
        Refusal::Declared(name) => declared_not_utf8(sink, name),
        Refusal::Undecodable { offset, pos } => undecodable(sink, *offset, *pos),
        Refusal::BadCp932 { offset, pos } => bad_cp932(sink, *offset, *pos),
    }
}

/// The findings about how a readable file is encoded, in one order for both ways of reading.
pub fn encoding(sink: &mut Sink<'_>, e: &Encoding) {
    if e.bom {
        bom(sink);
    }
    if let Detected::Cp932 { declared } = e.detected {
        cp932(sink, declared);
    }
    if let Some((offset, pos)) = e.cut {
        cut_utf8(sink, offset, pos);
    }
    match e.mislabel.as_deref() {
        Some(name) if decode::is_sjis(name) => sjis_over_utf8(sink, name),
        Some(name) => declared_other(sink, name),
        None => {}
    }
}

/// F004: the file ends inside a UTF-8 character (cut off); the text before it was checked.
pub fn cut_utf8(sink: &mut Sink<'_>, offset: usize, pos: (u32, u32)) {
    let lang = sink.lang();
    // Said as an ordinal ("the 384th byte"), counting from 1.
    let offset = offset + 1;
    let msg = tr!(
        lang,
        "ファイルが UTF-8 の文字の途中で終わっています (先頭から {offset} バイト目の文字が欠けています)。途中で切れたファイルです。出力し直してください (その前までは検査しました)",
        "the file ends in the middle of a UTF-8 character (the character at byte {offset}, counting from 1, is incomplete): it was cut off; export it again (the text before it was checked)"
    );
    sink.emit_at(&F004, 0, "", pos, "", msg);
}

pub fn wide(sink: &mut Sink<'_>, bits: u8) {
    let lang = sink.lang();
    let msg =
        tr!(lang, "UTF-{bits} のファイルです。UTF-8 で出力してください", "the file is UTF-{bits}; export it as UTF-8");
    sink.emit_at(&F004, 0, "", (1, 1), "", msg);
}

/// F004: declared as another encoding, and the bytes are not UTF-8 either.
pub fn declared_not_utf8(sink: &mut Sink<'_>, name: &str) {
    let lang = sink.lang();
    let msg = tr!(
        lang,
        "encoding=\"{name}\" と宣言され、UTF-8 としても読めません。UTF-8 で出力し encoding=\"UTF-8\" としてください",
        "declared encoding=\"{name}\" and not UTF-8 either; export as UTF-8 with encoding=\"UTF-8\""
    );
    sink.emit_at(&F004, 0, "", (1, 1), "", msg);
}

/// F004: bytes that are neither UTF-8 nor CP932, the first at `offset` (line, column `pos`).
pub fn undecodable(sink: &mut Sink<'_>, offset: usize, pos: (u32, u32)) {
    let lang = sink.lang();
    let offset = offset + 1;
    let msg = tr!(
        lang,
        "UTF-8 としても CP932 (Shift_JIS) としても読めないバイトがあります (先頭から {offset} バイト目)。UTF-8 で出力してください",
        "bytes that are neither UTF-8 nor CP932 (Shift_JIS) at byte {offset} (counting from 1); export as UTF-8"
    );
    sink.emit_at(&F004, 0, "", pos, "", msg);
}

/// F004: declared Shift_JIS, but not CP932 from `offset` on.
pub fn bad_cp932(sink: &mut Sink<'_>, offset: usize, pos: (u32, u32)) {
    let lang = sink.lang();
    let offset = offset + 1;
    let msg = tr!(
        lang,
        "Shift_JIS と宣言されていますが、CP932 として読めないバイトがあります (先頭から {offset} バイト目)。UTF-8 で出力してください",
        "declared Shift_JIS but not valid CP932 at byte {offset} (counting from 1); export as UTF-8"
    );
    sink.emit_at(&F004, 0, "", pos, "", msg);
}

pub fn bom(sink: &mut Sink<'_>) {
    let lang = sink.lang();
    let msg =
        tr!(lang, "UTF-8 の BOM があります。BOM なしで出力してください", "UTF-8 byte-order mark; export without a BOM");
    sink.emit_at(&F005, 0, "", (1, 1), "", msg);
}

/// F003: the text is CP932, declared as such or found to be.
pub fn cp932(sink: &mut Sink<'_>, declared: bool) {
    let lang = sink.lang();
    let msg = if declared {
        tr!(lang, "Shift_JIS (CP932) で出力されています。UTF-8 で出力し encoding=\"UTF-8\" としてください (内容は復号して検査しました)", "the file is Shift_JIS (CP932); export as UTF-8 with encoding=\"UTF-8\" (the content was decoded and checked)")
    } else {
        tr!(
            lang,
            "UTF-8 ではなく CP932 (Shift_JIS) のバイト列です。UTF-8 で出力してください (内容は復号して検査しました)",
            "the bytes are CP932 (Shift_JIS), not UTF-8; export as UTF-8 (the content was decoded and checked)"
        )
    };
    sink.emit_at(&F003, 0, "", (1, 1), "", msg);
}

/// F003 for a Shift_JIS declaration over bytes that are UTF-8: F003 is the rule for what a
/// Shift_JIS declaration gets wrong, and the text is checked as the UTF-8 it is.
pub fn sjis_over_utf8(sink: &mut Sink<'_>, name: &str) {
    let lang = sink.lang();
    let msg = tr!(
        lang,
        "encoding=\"{name}\" と宣言されていますが、内容は UTF-8 です。宣言を encoding=\"UTF-8\" にしてください (内容は UTF-8 として検査しました)",
        "declared encoding=\"{name}\", but the content is UTF-8; declare encoding=\"UTF-8\" (the content was checked as UTF-8)"
    );
    sink.emit_at(&F003, 0, "", (1, 1), name, msg);
}

/// F004 for a declaration of another encoding over text that reads as UTF-8.
pub fn declared_other(sink: &mut Sink<'_>, name: &str) {
    let lang = sink.lang();
    let msg = tr!(
        lang,
        "encoding=\"{name}\" と宣言されていますが、提出ファイルは UTF-8 です。宣言を encoding=\"UTF-8\" にしてください (内容は UTF-8 として検査しました)",
        "declared encoding=\"{name}\", but submissions are UTF-8; declare encoding=\"UTF-8\" (the content was checked as UTF-8)"
    );
    sink.emit_at(&F004, 0, "", (1, 1), name, msg);
}

/// The parts of a well-formed file name.
#[derive(Debug, PartialEq, Eq)]
pub struct FileName<'a> {
    pub letter: char,
    pub institution: &'a str,
}

/// Parses `{K}{10 digits}{YYYYMMDD}{6 digits}.xml`; the extension in any case.
pub fn parse_name(name: &str) -> Option<FileName<'_>> {
    let b = name.as_bytes();
    if b.len() != 29 || !name.is_ascii() || !name[25..].eq_ignore_ascii_case(".xml") {
        return None;
    }
    let letter = b[0] as char;
    if !letter.is_ascii_uppercase() || !b[1..25].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Date::parse_compact(&name[11..19])?;
    Some(FileName { letter, institution: &name[1..11] })
}

/// A name that follows the pattern with a kind letter the tables know (or `B`): the only
/// names F010 compares with the content. An unknown letter is F009's finding alone.
pub fn known_name<'n>(tables: &Tables, name: &'n str) -> Option<FileName<'n>> {
    parse_name(name).filter(|n| n.letter == 'B' || tables.kinds.iter().any(|k| k.letter == n.letter))
}

/// What F010 compares with the content, from a name [`known_name`] read: kept by value, so
/// that a file's check allocates nothing for it and reads the name once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NamedFile {
    pub letter: char,
    code: [u8; 10],
}

impl NamedFile {
    fn of(name: &FileName<'_>) -> NamedFile {
        let mut code = [0; 10];
        code.copy_from_slice(name.institution.as_bytes());
        NamedFile { letter: name.letter, code }
    }

    /// The 医療機関コード: ten ASCII digits, as [`parse_name`] found them.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).expect("ASCII digits")
    }
}

/// F009 for a name off the pattern; otherwise the name's letter and 医療機関コード are kept for
/// F010.
pub fn check_name(sink: &mut Sink<'_>, name: &str) {
    sink.file_name = known_name(sink.ctx.tables, name).map(|n| NamedFile::of(&n));
    if sink.file_name.is_some() {
        return;
    }
    let lang = sink.lang();
    let letters: String =
        sink.ctx.tables.kinds.iter().map(|k| k.letter).chain(['B']).map(String::from).collect::<Vec<_>>().join(",");
    let msg = tr!(
        lang,
        "ファイル名が規則 {{{letters}}}{{医療機関コード10桁}}{{作成日YYYYMMDD}}{{連番6桁}}.xml に合いません (例: R111010273120250510000001.xml)",
        "the file name does not follow {{{letters}}}{{10-digit institution code}}{{YYYYMMDD}}{{6-digit serial}}.xml (e.g. R111010273120250510000001.xml)"
    );
    sink.emit(&F009, 0, "", None, name, msg);
}

pub fn kind_of(tables: &Tables, root: &Root) -> FileKind {
    match root {
        Root::Batch => FileKind::Batch,
        Root::Form(k) => match tables.kind(*k).id.as_str() {
            "rinkohyo" => FileKind::Rinkohyo,
            "ikensho" => FileKind::Ikensho,
            _ => FileKind::Unknown,
        },
        _ => FileKind::Unknown,
    }
}

/// File-level findings known once the parse is over: F006–F008, F010 (kind letter), F011.
pub fn after_parse(sink: &mut Sink<'_>, info: &DocInfo, name: &str) {
    let lang = sink.lang();
    if let Some((pos, shown)) = &info.doctype {
        let msg = tr!(
            lang,
            "DOCTYPE 宣言があります。実体宣言・DTD は禁止のため、展開せずにこのファイルの検査を中止しました。DOCTYPE を出力しないでください",
            "a DOCTYPE declaration: DTDs and entity declarations are forbidden, so the file was not expanded and not checked further; do not emit a DOCTYPE"
        );
        sink.emit_at(&F007, 0, "", *pos, shown, msg);
        return;
    }
    if let Some(err) = &info.error {
        let problem = if sink.ctx.redact { err.problem.redacted() } else { err.problem.clone() };
        sink.emit_at(&F006, 0, "", err.pos, &err.snippet, problem.describe(lang));
    }
    if let Root::Other { name: root, namespace } = &info.root {
        let roots: Vec<&str> = sink.ctx.tables.kinds.iter().map(|k| k.root.as_str()).chain([BATCH_ROOT]).collect();
        let roots = roots.join(", ");
        let ns = namespace.as_deref().unwrap_or("");
        let msg = if namespace.as_deref() != Some(NAMESPACE)
            && roots.split(", ").any(|r| r == root.rsplit(':').next().unwrap_or(root))
        {
            tr!(
                lang,
                "ルート要素 <{root}> の名前空間が \"{ns}\" です。xmlns=\"{NAMESPACE}\" が必要です",
                "root element <{root}> is in namespace \"{ns}\"; it needs xmlns=\"{NAMESPACE}\""
            )
        } else {
            tr!(
                lang,
                "ルート要素 <{root}> は提出様式ではありません。{roots} (名前空間 {NAMESPACE}) のいずれかです",
                "root element <{root}> is not a submission form; expected one of {roots} (namespace {NAMESPACE})"
            )
        };
        sink.emit_at(&F008, 0, "", info.root_pos, root, msg);
        return;
    }
    if let Some(count) = &info.batch_count {
        let forms = info.forms;
        if info.error.is_none() && count.trim().parse::<u32>().ok() != Some(forms) {
            let msg = tr!(
                lang,
                "FormBatch の count=\"{count}\" ですが、様式は {forms} 件です。count=\"{forms}\" が正しい値です (出力漏れ・重複がないかも確認してください)",
                "FormBatch count=\"{count}\" but it holds {forms} forms; count=\"{forms}\" would be right (also check that no form was lost or repeated)"
            );
            sink.emit_at(&F011, 0, BATCH_ROOT, info.root_pos, count, msg);
        }
    }
    for stray in &info.stray {
        let child = &stray.name;
        let msg = match stray.foreign.as_deref() {
            Some("") => tr!(lang, "FormBatch の中の <{child}> が名前空間に属していません。様式として検査するには名前空間 {NAMESPACE} に置いてください", "<{child}> inside FormBatch is in no namespace; to be checked as a form it must be in {NAMESPACE}"),
            Some(ns) => tr!(lang, "FormBatch の中の <{child}> は名前空間 {ns} にあります。様式として検査するには名前空間 {NAMESPACE} に置いてください", "<{child}> inside FormBatch is in the namespace {ns}; to be checked as a form it must be in {NAMESPACE}"),
            None => tr!(
                lang,
                "FormBatch の中の <{child}> は様式ではありません。FormBatch に入れられるのは Rinkohyo と Ikensho だけです",
                "<{child}> inside FormBatch is not a form; a FormBatch holds only Rinkohyo and Ikensho"
            ),
        };
        sink.emit_at(&super::layout::L003, 0, &format!("{BATCH_ROOT}/{child}"), stray.pos, child, msg);
    }
    check_kind_letter(sink, info, name);
}

/// F010 for one record: the code in the file name against Author/InstitutionCode.
pub fn check_code(sink: &mut Sink<'_>, view: &crate::check::view::View<'_>) {
    use crate::tables::Field;
    let (Some(named), Some(code)) = (sink.file_name, view.get(Field::InstitutionCode)) else { return };
    let named = named.code();
    // A code that fails its own check (I001–I003) is reported there: that it then differs
    // from the name is the same mistake again (one cause, one finding).
    if named == code || crate::check::ident::institution_problem(code, &sink.ctx.tables.prefectures).is_some() {
        return;
    }
    let lang = sink.lang();
    let named = named.to_owned();
    let msg = tr!(
        lang,
        "ファイル名の医療機関コード {named} と、この様式の医療機関コード {code} が違います。ファイル名か医療機関コードを直してください",
        "the file name's institution code {named} differs from this form's institution code {code}; fix the name or the code"
    );
    sink.emit(&F010, view.record(), view.path(Field::InstitutionCode), view.offset(Field::InstitutionCode), code, msg);
}

fn check_kind_letter(sink: &mut Sink<'_>, info: &DocInfo, name: &str) {
    let tables = sink.ctx.tables;
    let Some(parsed) = sink.file_name else { return };
    let (expected, what) = match &info.root {
        Root::Batch => ('B', BATCH_ROOT),
        Root::Form(k) => (tables.kind(*k).letter, tables.kind(*k).root.as_str()),
        _ => return,
    };
    if parsed.letter != expected {
        let lang = sink.lang();
        let letter = parsed.letter;
        let fixed = format!("{expected}{}", &name[1..]);
        let msg = tr!(
            lang,
            "ファイル名の種別 {letter} と内容 <{what}> が合いません。ファイル名は {fixed} が正しい形です",
            "the file name's kind letter {letter} does not match the content <{what}>; the name should be {fixed}"
        );
        sink.emit_at(&F010, 0, "", info.root_pos, name, msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_file_names() {
        let n = parse_name("R111010273120250510000001.xml").unwrap();
        assert_eq!((n.letter, n.institution), ('R', "1110102731"));
        assert!(parse_name("R111010273120250510000001.XML").is_some());
        assert!(parse_name("R111010273120250230000001.xml").is_none(), "no such day");
        assert!(parse_name("r111010273120250510000001.xml").is_none());
        assert!(parse_name("R11101027312025051000001.xml").is_none());
        assert!(parse_name("R１11010273120250510000001.xml").is_none());
        assert!(parse_name("").is_none());
    }
}
