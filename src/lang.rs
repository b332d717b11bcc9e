//! Message language. Messages are formatted once, in the language of the run, at the place
//! where a finding is made; `tr!` keeps the Japanese and English wording side by side there.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    /// Picks the Japanese or the English text.
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

/// A piece of documentation text in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Text {
    pub ja: &'static str,
    pub en: &'static str,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }
}

/// `tr!(lang, "日本語 {x}", "English {x}")` formats only the chosen language.
/// Arguments are captured by name from the surrounding scope, or given after the texts as
/// in `format!` (only the chosen language's arm evaluates them).
#[macro_export]
macro_rules! tr {
    ($lang:expr, $ja:literal, $en:literal $(,)?) => {
        match $lang {
            $crate::lang::Lang::Ja => format!($ja),
            $crate::lang::Lang::En => format!($en),
        }
    };
    ($lang:expr, $ja:literal, $en:literal, $($args:tt)+) => {
        match $lang {
            $crate::lang::Lang::Ja => format!($ja, $($args)+),
            $crate::lang::Lang::En => format!($en, $($args)+),
        }
    };
}
