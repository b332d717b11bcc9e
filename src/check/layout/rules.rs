//! L — layout rules: the single-element checks the layout engine performs from the tables.

use crate::finding::{Rule, Severity::*};
use crate::lang::Text;

pub static L001: Rule = Rule {
    id: "L001",
    severity: E,
    summary: Text { ja: "必須の要素がない (必須とした条件をメッセージに示す)", en: "a required element is missing (the message states the condition that made it required)" },
    why: Text {
        ja: "必須項目が欠けた様式は受け付けられません。条件付きの必須項目は、メッセージの条件 (例: ApplicationType=2) を確認してください。ブロック (Clinical など) ごと欠けている場合は、ブロックについて 1 件だけ報告します。",
        en: "A form missing a required element is rejected. For conditionally required elements, check the condition in the message (e.g. ApplicationType=2). A missing block (such as Clinical) is reported once, for the block.",
    },
    bad: "<Patient>…(no <Sex>)…</Patient>",
    good: "<Patient>…<Sex>2</Sex>…</Patient>",
};

/// L001's examples in Japanese (see `Rule::examples`).
pub const L001_EXAMPLES_JA: (&str, &str) = ("<Patient>…(<Sex> がない)…</Patient>", "<Patient>…<Sex>2</Sex>…</Patient>");

pub static L002: Rule = Rule {
    id: "L002",
    severity: E,
    summary: Text { ja: "必須の要素が空", en: "a required element is present but empty" },
    why: Text {
        ja: "空のタグは値がないのと同じです。中に要素のないブロック (<Clinical/>) も空で、中の要素を 1 つずつは報告しません。任意の要素が空のときは、ないものとして扱い報告しません。",
        en: "An empty tag is no value. A block with no elements inside (<Clinical/>) is empty too, and what it lacks is not reported element by element. An optional element that is empty is treated as absent and not reported.",
    },
    bad: "<Address></Address>",
    good: "<Address>京都府京都市上京区…</Address>",
};

pub static L003: Rule = Rule {
    id: "L003",
    severity: W,
    summary: Text { ja: "未知の要素 (近い既知の名前を示す。例: DiagnosisData → DiagnosisDate)", en: "unknown element (the message suggests the nearest known name, e.g. DiagnosisData → DiagnosisDate)" },
    why: Text {
        ja: "レイアウトにない要素は取り込まれません。綴りの誤りや置き場所の誤りであることが多く、その場合は本来の要素が欠けたことにもなります。",
        en: "Elements the layout does not define are not imported. Usually a misspelling or a misplaced element, in which case the intended element is also missing.",
    },
    bad: "<DiagnosisData>2025-06-02</DiagnosisData>",
    good: "<DiagnosisDate>2025-06-02</DiagnosisDate>",
};

pub static L004: Rule = Rule {
    id: "L004",
    severity: E,
    summary: Text {
        ja: "1 回だけの要素が 2 回以上ある", en: "an element occurs more than once where one is allowed"
    },
    why: Text {
        ja: "どちらの値が正しいか分かりません。1 つにしてください。2 回目以降を報告し、その値は検査しません。",
        en: "Which value counts is unclear; keep one. Every repetition is reported and its value is not checked.",
    },
    bad: "<Phone>075-000-0000</Phone><Phone>075-111-1111</Phone>",
    good: "<Phone>075-000-0000</Phone>",
};

pub static L005: Rule = Rule {
    id: "L005",
    severity: E,
    summary: Text { ja: "型に合わない形式 (数字でない、桁数違い、全角数字、整数でない)", en: "wrong format for its type (not digits, wrong digit count, full-width digits, not an integer)" },
    why: Text {
        ja: "数字項目は半角数字だけで書きます。全角数字やハイフンのときは、メッセージが正しい書き方を示します。",
        en: "Numeric elements take ASCII digits only. For full-width digits or hyphens the message gives the right spelling.",
    },
    bad: "<PostalCode>６０２－００００</PostalCode>",
    good: "<PostalCode>6020000</PostalCode>",
};

pub static L006: Rule = Rule {
    id: "L006",
    severity: E,
    summary: Text {
        ja: "型の長さを超える、または整数が範囲外",
        en: "too long for its type, or an integer out of range",
    },
    why: Text {
        ja: "長すぎる値は切り捨てられるか拒否されます。範囲外の値は入力誤りです。",
        en: "Values that are too long are cut or refused; values out of range are typing mistakes.",
    },
    bad: "<CareLevel>6</CareLevel> (CareCertification=1: 1..5)",
    good: "<CareLevel>5</CareLevel>",
};

/// L006's examples in Japanese (see `Rule::examples`).
pub const L006_EXAMPLES_JA: (&str, &str) =
    ("<CareLevel>6</CareLevel> (CareCertification=1 のとき 1..5)", "<CareLevel>5</CareLevel>");

pub static L007: Rule = Rule {
    id: "L007",
    severity: E,
    summary: Text { ja: "コード表にない値", en: "value not in its code list" },
    why: Text {
        ja: "コード項目は決められたコードだけを受け付けます。メッセージが使えるコードを列挙します。",
        en: "Coded elements accept only the listed codes; the message lists them.",
    },
    bad: "<Sex>3</Sex>",
    good: "<Sex>2</Sex>",
};

pub static L008: Rule = Rule {
    id: "L008",
    severity: E,
    summary: Text { ja: "正しい日付・年月でない (形式、または存在しない日)", en: "not a valid date or year-month (format, or no such calendar day)" },
    why: Text {
        ja: "日付は西暦の YYYY-MM-DD、年月は YYYY-MM です。2025/6/2 のような書き方にはメッセージが正しい形を示します。",
        en: "Dates are Western-calendar YYYY-MM-DD, year-months YYYY-MM. For spellings like 2025/6/2 the message gives the right form.",
    },
    bad: "<WrittenDate>2025-02-30</WrittenDate>",
    good: "<WrittenDate>2025-02-28</WrittenDate>",
};

pub static L009: Rule = Rule {
    id: "L009",
    severity: E,
    summary: Text {
        ja: "和暦の日付 (メッセージが西暦を示す)", en: "a 和暦 date; the message gives the 西暦 date"
    },
    why: Text {
        ja: "日付は西暦で書きます。メッセージの西暦の日付をそのまま使えます。",
        en: "Dates are written in the Western calendar; the message gives the converted date.",
    },
    bad: "<WrittenDate>令和7年5月1日</WrittenDate>",
    good: "<WrittenDate>2025-05-01</WrittenDate>",
};

pub static L010: Rule = Rule {
    id: "L010",
    severity: E,
    summary: Text { ja: "使えない文字 (かな欄のかな以外、半角カタカナ、制御文字)", en: "characters not allowed: non-kana in a kana field, half-width katakana, control characters" },
    why: Text {
        ja: "半角カタカナと制御文字 (値の中の改行・タブを含む) は登録できません。かな欄は全角カタカナ・ひらがなです。",
        en: "Half-width katakana and control characters (line breaks and tabs inside a value too) cannot be registered; kana fields take full-width katakana or hiragana.",
    },
    bad: "<FamilyNameKana>ﾔﾏﾀﾞ</FamilyNameKana>",
    good: "<FamilyNameKana>ヤマダ</FamilyNameKana>",
};

pub static L011: Rule = Rule {
    id: "L011",
    severity: W,
    summary: Text {
        ja: "登録できないことがある機種依存文字 (NEC 特殊文字 ①Ⅰ㈱㍻、NEC/IBM 拡張漢字 髙﨑、CP932 で表せない文字 𠮷 や絵文字)",
        en: "機種依存文字 that may not register: NEC special characters (①, Ⅰ, ㈱, ㍻), NEC/IBM extension kanji (髙, 﨑), or characters CP932 cannot encode (emoji, 𠮷)",
    },
    why: Text {
        ja: "受付側の文字コードで表せない字は化けるか拒否されます。人名の異体字は本人確認が必要なことがあるため、警告にとどめます。",
        en: "Characters outside the receiving side's character set are garbled or refused. Variant kanji in names may be intentional, so this is a warning.",
    },
    bad: "<FamilyName>髙橋</FamilyName>",
    good: "<FamilyName>高橋</FamilyName>",
};

pub static L012: Rule = Rule {
    id: "L012",
    severity: E,
    summary: Text { ja: "条件により書いてはいけない要素がある", en: "an element present that its condition says must be absent" },
    why: Text {
        ja: "条件に合わない項目 (家族歴なしなのに続柄がある、など) は矛盾です。その様式の版にない項目もこれに当たります。空の要素は報告しません。",
        en: "An element whose condition excludes it (a relative named while family history is none) is a contradiction; so is an element the form version does not have. Empty elements are not reported.",
    },
    bad: "<FamilyHistory>2</FamilyHistory><FamilyRelation>1</FamilyRelation>",
    good: "<FamilyHistory>2</FamilyHistory>",
};

pub static L013: Rule = Rule {
    id: "L013",
    severity: W,
    summary: Text { ja: "疾病別項目の表にその疾病の項目として定義されていない Item のコード", en: "a disease-specific Item whose code the item table does not define for this disease" },
    why: Text {
        ja: "定義のない項目は取り込まれません。別の疾病の項目を出力していないか確認してください。項目表のない疾病の Item は検査しません。",
        en: "Undefined items are not imported; check that items of another disease were not exported. Items of diseases without an item table are not checked.",
    },
    bad: "<Item code=\"UPDRS\" value=\"30\"/> (disease 6)",
    good: "<Item code=\"HY\" value=\"3\"/>",
};

/// L013's examples in Japanese (see `Rule::examples`).
pub const L013_EXAMPLES_JA: (&str, &str) =
    ("<Item code=\"UPDRS\" value=\"30\"/> (疾病 6)", "<Item code=\"HY\" value=\"3\"/>");

pub static L014: Rule = Rule {
    id: "L014",
    severity: E,
    summary: Text {
        ja: "疾病別項目の値が項目の定義に合わない",
        en: "a disease-specific Item whose value breaks its item definition",
    },
    why: Text {
        ja: "疾病別項目の値も、項目表の型・範囲・コード表に従います。",
        en: "Item values follow the type, range and code list of the item table.",
    },
    bad: "<Item code=\"HY\" value=\"6\"/> (1..5)",
    good: "<Item code=\"HY\" value=\"3\"/>",
};
