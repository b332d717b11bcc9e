//! What generated forms are made of: names, places, institutions and disease choices.
//!
//! Every string here is clean for the checker: CP932-encodable without machine-dependent
//! characters, no half-width kana, within its element's length. That is what lets a form
//! without a planted defect have no finding at all, and lets a Shift_JIS defect re-encode
//! any form losslessly.

use crate::tables::diseases::{Entry, Program};
use crate::tables::tsv::Tsv;
use crate::tables::{Prefectures, TableError, TableFiles};
use crate::text::chars;
use crate::text::date::Date;

/// (kanji, katakana) family names: the most common Japanese surnames.
pub const FAMILY_NAMES: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("坂本", "サカモト"),
    ("斉藤", "サイトウ"),
    ("福田", "フクダ"),
    ("太田", "オオタ"),
    ("西村", "ニシムラ"),
    ("藤井", "フジイ"),
    ("金子", "カネコ"),
    ("岡本", "オカモト"),
    ("藤原", "フジワラ"),
    ("中野", "ナカノ"),
    ("三浦", "ミウラ"),
];

/// (kanji, katakana) given names, by sex code: 1 男, 2 女.
pub const MALE_NAMES: &[(&str, &str)] = &[
    ("蓮", "レン"),
    ("陽翔", "ハルト"),
    ("湊", "ミナト"),
    ("大翔", "ヒロト"),
    ("悠真", "ユウマ"),
    ("翔太", "ショウタ"),
    ("健太", "ケンタ"),
    ("拓也", "タクヤ"),
    ("大輔", "ダイスケ"),
    ("直樹", "ナオキ"),
    ("誠", "マコト"),
    ("健一", "ケンイチ"),
    ("浩", "ヒロシ"),
    ("隆", "タカシ"),
    ("修", "オサム"),
    ("茂", "シゲル"),
    ("和夫", "カズオ"),
    ("正男", "マサオ"),
    ("一郎", "イチロウ"),
    ("勝", "マサル"),
    ("亮", "リョウ"),
    ("聡", "サトシ"),
    ("悠人", "ユウト"),
    ("颯太", "ソウタ"),
];

pub const FEMALE_NAMES: &[(&str, &str)] = &[
    ("陽菜", "ヒナ"),
    ("結衣", "ユイ"),
    ("葵", "アオイ"),
    ("さくら", "サクラ"),
    ("美咲", "ミサキ"),
    ("凛", "リン"),
    ("芽依", "メイ"),
    ("紬", "ツムギ"),
    ("莉子", "リコ"),
    ("花子", "ハナコ"),
    ("和子", "カズコ"),
    ("幸子", "サチコ"),
    ("恵子", "ケイコ"),
    ("由美", "ユミ"),
    ("真理", "マリ"),
    ("直子", "ナオコ"),
    ("裕子", "ユウコ"),
    ("明美", "アケミ"),
    ("久美子", "クミコ"),
    ("洋子", "ヨウコ"),
    ("愛", "アイ"),
    ("彩", "アヤ"),
    ("千尋", "チヒロ"),
    ("美穂", "ミホ"),
];

/// Town names that exist in many cities; with the prefecture's main city they make plausible
/// addresses without claiming any real one.
pub const TOWNS: &[&str] = &[
    "本町",
    "中央",
    "栄町",
    "旭町",
    "緑町",
    "桜町",
    "東町",
    "西町",
    "南町",
    "北町",
    "新町",
    "幸町",
    "宮前",
    "大手町",
    "元町",
    "港町",
    "若葉",
    "泉町",
    "富士見",
    "松が丘",
    "柳町",
    "清水町",
    "千代田",
    "末広町",
];

pub const BUILDINGS: &[&str] = &["コーポ", "ハイツ", "レジデンス", "メゾン", "グランドハイツ", "サンハイム"];

/// What a relative 11 (その他) may be.
pub const OTHER_RELATIONS: &[&str] = &["叔母", "叔父", "伯母", "伯父", "甥", "姪", "曾祖母", "異母兄"];

/// 別紙 sentences for 意見書 whose patient meets the severe or ventilator criteria.
pub const ATTACHMENT_REASONS: &[&str] = &[
    "日常生活のほぼ全般に介助を要し、継続的な医療的ケアが必要である。",
    "人工呼吸器を常時装着しており、在宅での管理を継続している。",
    "経管栄養と頻回の吸引を要し、重症患者認定基準に該当する。",
    "重度の運動障害があり、移動・食事・排泄に全介助を要する。",
];

/// One place per prefecture (JIS X 0401 order): main city, the first three digits of its
/// postal codes, and its telephone area code.
pub struct Place {
    pub prefecture: &'static str,
    pub city: &'static str,
    pub postal: &'static str,
    pub area: &'static str,
}

macro_rules! places {
    ($(($p:literal, $c:literal, $z:literal, $a:literal)),* $(,)?) => {
        pub const PLACES: &[Place] = &[$(Place { prefecture: $p, city: $c, postal: $z, area: $a }),*];
    };
}

places![
    ("北海道", "札幌市中央区", "060", "011"),
    ("青森県", "青森市", "030", "017"),
    ("岩手県", "盛岡市", "020", "019"),
    ("宮城県", "仙台市青葉区", "980", "022"),
    ("秋田県", "秋田市", "010", "018"),
    ("山形県", "山形市", "990", "023"),
    ("福島県", "福島市", "960", "024"),
    ("茨城県", "水戸市", "310", "029"),
    ("栃木県", "宇都宮市", "320", "028"),
    ("群馬県", "前橋市", "371", "027"),
    ("埼玉県", "さいたま市浦和区", "330", "048"),
    ("千葉県", "千葉市中央区", "260", "043"),
    ("東京都", "新宿区", "160", "03"),
    ("神奈川県", "横浜市中区", "231", "045"),
    ("新潟県", "新潟市中央区", "951", "025"),
    ("富山県", "富山市", "930", "076"),
    ("石川県", "金沢市", "920", "076"),
    ("福井県", "福井市", "910", "0776"),
    ("山梨県", "甲府市", "400", "055"),
    ("長野県", "長野市", "380", "026"),
    ("岐阜県", "岐阜市", "500", "058"),
    ("静岡県", "静岡市葵区", "420", "054"),
    ("愛知県", "名古屋市中区", "460", "052"),
    ("三重県", "津市", "514", "059"),
    ("滋賀県", "大津市", "520", "077"),
    ("京都府", "京都市中京区", "604", "075"),
    ("大阪府", "大阪市北区", "530", "06"),
    ("兵庫県", "神戸市中央区", "650", "078"),
    ("奈良県", "奈良市", "630", "0742"),
    ("和歌山県", "和歌山市", "640", "073"),
    ("鳥取県", "鳥取市", "680", "0857"),
    ("島根県", "松江市", "690", "0852"),
    ("岡山県", "岡山市北区", "700", "086"),
    ("広島県", "広島市中区", "730", "082"),
    ("山口県", "山口市", "753", "083"),
    ("徳島県", "徳島市", "770", "088"),
    ("香川県", "高松市", "760", "087"),
    ("愛媛県", "松山市", "790", "089"),
    ("高知県", "高知市", "780", "088"),
    ("福岡県", "福岡市中央区", "810", "092"),
    ("佐賀県", "佐賀市", "840", "0952"),
    ("長崎県", "長崎市", "850", "095"),
    ("熊本県", "熊本市中央区", "860", "096"),
    ("大分県", "大分市", "870", "097"),
    ("宮崎県", "宮崎市", "880", "0985"),
    ("鹿児島県", "鹿児島市", "890", "099"),
    ("沖縄県", "那覇市", "900", "098"),
];

/// The place of a prefecture number 1..=47.
pub fn place(prefecture: u8) -> &'static Place {
    &PLACES[usize::from(prefecture.clamp(1, 47)) - 1]
}

/// A real institution from `code-tables/gen/institutions.tsv`.
#[derive(Debug, Clone)]
pub struct Institution {
    pub code: String,
    pub name: String,
    /// 01..=47 (alternate prefecture numbers 51..=97 folded back).
    pub prefecture: u8,
}

pub const INSTITUTIONS_TABLE: &str = "gen/institutions.tsv";

pub fn load_institutions(files: &TableFiles, prefectures: &Prefectures) -> Result<Vec<Institution>, TableError> {
    let bytes = files.bytes(INSTITUTIONS_TABLE).ok_or_else(|| TableError {
        file: INSTITUTIONS_TABLE.into(),
        line: 0,
        column: 0,
        message: "missing table".into(),
    })?;
    let t = Tsv::parse(INSTITUTIONS_TABLE, bytes)?;
    let (cc, cn) = (t.col("code")?, t.col("name")?);
    let mut out = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let code = row.get(cc);
        let pp: u8 = code.get(..2).and_then(|p| p.parse().ok()).unwrap_or(0);
        let prefecture = if pp > 50 { pp - 50 } else { pp };
        let ok = code.len() == 10
            && code.bytes().all(|b| b.is_ascii_digit())
            && crate::check::ident::institution_problem(code, prefectures).is_none();
        if !ok {
            return Err(t.err(row, cc, "not a valid 10-digit 医療機関コード"));
        }
        let name = row.get(cn);
        if !clean_text(name, 100) || name.contains(['&', '<', '>', '"']) {
            return Err(t.err(row, cn, "a name that would not pass as text(100)"));
        }
        out.push(Institution { code: code.to_owned(), name: name.to_owned(), prefecture });
    }
    if out.is_empty() {
        return Err(TableError {
            file: INSTITUTIONS_TABLE.into(),
            line: 0,
            column: 0,
            message: "no institutions".into(),
        });
    }
    Ok(out)
}

/// Text a `text(max)` element takes without any finding, L011 warnings included.
pub fn clean_text(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.chars().count() <= max
        && s.chars().all(|c| {
            !chars::is_forbidden_control(c) && !chars::is_halfwidth_katakana(c) && chars::machine_dependent(c).is_none()
        })
}

/// The diseases of one revision that a clean form may name: names that pass as text(120).
pub struct Revision<'t> {
    pub start: Date,
    pub entries: Vec<&'t Entry>,
}

pub fn clean_revisions(program: &Program) -> Vec<Revision<'_>> {
    program
        .revisions
        .iter()
        .map(|r| Revision {
            start: r.start,
            entries: r.entries.iter().filter(|e| clean_text(&e.name, 120) && !e.name.contains(['&', '<'])).collect(),
        })
        .collect()
}

/// Half-width katakana for a full-width katakana string (voiced kana become two characters),
/// the most common vendor mistake in kana fields. Characters without a half-width form stay.
pub fn to_halfwidth_katakana(s: &str) -> String {
    const FULL: &str = "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロワヲンヴー";
    const HALF: &[&str] = &[
        "ｧ", "ｱ", "ｨ", "ｲ", "ｩ", "ｳ", "ｪ", "ｴ", "ｫ", "ｵ", "ｶ", "ｶﾞ", "ｷ", "ｷﾞ", "ｸ", "ｸﾞ", "ｹ", "ｹﾞ", "ｺ", "ｺﾞ", "ｻ", "ｻﾞ",
        "ｼ", "ｼﾞ", "ｽ", "ｽﾞ", "ｾ", "ｾﾞ", "ｿ", "ｿﾞ", "ﾀ", "ﾀﾞ", "ﾁ", "ﾁﾞ", "ｯ", "ﾂ", "ﾂﾞ", "ﾃ", "ﾃﾞ", "ﾄ", "ﾄﾞ", "ﾅ", "ﾆ", "ﾇ",
        "ﾈ", "ﾉ", "ﾊ", "ﾊﾞ", "ﾊﾟ", "ﾋ", "ﾋﾞ", "ﾋﾟ", "ﾌ", "ﾌﾞ", "ﾌﾟ", "ﾍ", "ﾍﾞ", "ﾍﾟ", "ﾎ", "ﾎﾞ", "ﾎﾟ", "ﾏ", "ﾐ", "ﾑ", "ﾒ", "ﾓ",
        "ｬ", "ﾔ", "ｭ", "ﾕ", "ｮ", "ﾖ", "ﾗ", "ﾘ", "ﾙ", "ﾚ", "ﾛ", "ﾜ", "ｦ", "ﾝ", "ｳﾞ", "ｰ",
    ];
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match FULL.chars().position(|f| f == c) {
            Some(i) => out.push_str(HALF[i]),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn every_list_is_clean_and_kana_is_kana() {
        for (k, kana) in FAMILY_NAMES.iter().chain(MALE_NAMES).chain(FEMALE_NAMES) {
            assert!(clean_text(k, 20), "{k}");
            assert!(kana.chars().all(chars::is_kana_field_char), "{kana}");
        }
        for s in TOWNS.iter().chain(BUILDINGS).chain(OTHER_RELATIONS).chain(ATTACHMENT_REASONS) {
            assert!(clean_text(s, 400), "{s}");
        }
        for p in PLACES {
            assert!(clean_text(p.prefecture, 10) && clean_text(p.city, 20));
            assert_eq!(p.postal.len(), 3);
            assert!(p.area.starts_with('0') && (2..=4).contains(&p.area.len()));
        }
        assert_eq!(PLACES.len(), 47);
    }

    #[test]
    fn half_width_kana_round_trips_through_nfkc() {
        for (_, kana) in FAMILY_NAMES.iter().chain(MALE_NAMES).chain(FEMALE_NAMES) {
            let half = to_halfwidth_katakana(kana);
            assert!(half.chars().all(chars::is_halfwidth_katakana), "{kana} → {half}");
            assert_eq!(half.nfkc().collect::<String>(), *kana);
        }
    }

    #[test]
    fn the_institution_table_is_real_and_clean() {
        let tables = crate::tables::Tables::embedded().unwrap();
        let list = load_institutions(&TableFiles::embedded(), &tables.prefectures).unwrap();
        assert!(list.len() > 2000, "a few thousand institutions");
        let prefectures: std::collections::BTreeSet<u8> = list.iter().map(|i| i.prefecture).collect();
        assert!(prefectures.len() >= 46, "spread over the country");
    }
}
