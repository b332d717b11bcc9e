//! Stable keys by which the domain rules find elements, whatever path the layout gives them.
//! A vendor may move `WrittenDate` elsewhere in `layout.tsv`; as long as the row keeps
//! `field = written_date`, the date rules still find it.

macro_rules! fields {
    ($($variant:ident = $key:literal, $ty:literal, $on:ident, patient: $patient:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Field { $($variant),* }

        impl Field {
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];
            pub const COUNT: usize = Self::ALL.len();

            pub fn key(self) -> &'static str {
                match self { $(Field::$variant => $key),* }
            }

            pub fn from_key(key: &str) -> Option<Field> {
                match key { $($key => Some(Field::$variant),)* _ => None }
            }

            /// The layout type the rules read this field's value as (`Type::name`): a date rule
            /// cannot compare a `text` written date, nor a disease rule look up a `group`.
            pub fn type_name(self) -> &'static str {
                match self { $(Field::$variant => $ty),* }
            }

            /// Which form kinds' layouts must map the field.
            pub fn on(self) -> On {
                match self { $(Field::$variant => On::$on),* }
            }

            /// Values that identify a patient: `--redact` hides them in every output.
            pub fn is_patient_data(self) -> bool {
                match self { $(Field::$variant => $patient),* }
            }
        }
    };
}

/// Which layouts must give a field an element. A field left out of a layout silently turns
/// off every rule that reads it (and `--redact` would print a patient's value), so a layout
/// without one is a table error unless the form may lack the element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// Every form kind: the rules of both forms read it.
    Every,
    /// Exactly the kinds whose program numbers its diseases within groups (小慢's 疾患群):
    /// without it their disease keys would be read as ungrouped ones, and with it an
    /// ungrouped program's keys would never be found.
    Grouped,
    /// Exactly the kinds with a 法別番号 (forms.tsv `houbetsu`): a form without a payer number
    /// need not have the element.
    Payer,
    /// Kinds whose form has the element (臨個票 only, in the embedded layout).
    Optional,
}

fields! {
    AppType = "app_type", "code", Every, patient: false;
    DiseaseGroup = "disease_group", "int", Grouped, patient: false;
    DiseaseNo = "disease_no", "int", Every, patient: false;
    DiseaseName = "disease_name", "text", Every, patient: false;
    DiagnosisDate = "diagnosis_date", "date", Every, patient: false;
    WrittenDate = "written_date", "date", Every, patient: false;
    FamilyName = "family_name", "text", Every, patient: true;
    GivenName = "given_name", "text", Every, patient: true;
    FamilyKana = "family_kana", "kana", Every, patient: true;
    GivenKana = "given_kana", "kana", Every, patient: true;
    Sex = "sex", "code", Every, patient: false;
    BirthDate = "birth_date", "date", Every, patient: true;
    PostalCode = "postal_code", "digits", Every, patient: true;
    Address = "address", "text", Every, patient: true;
    RecipientNo = "recipient_no", "digits", Every, patient: true;
    PayerNo = "payer_no", "digits", Payer, patient: false;
    PreviousName = "previous_name", "text", Optional, patient: true;
    Onset = "onset", "yearmonth", Every, patient: false;
    Ventilator = "ventilator", "code", Optional, patient: false;
    VentilatorStart = "ventilator_start", "date", Optional, patient: false;
    InstitutionCode = "institution_code", "digits", Every, patient: false;
    DoctorNo = "doctor_no", "doctorno", Every, patient: false;
    DoctorName = "doctor_name", "text", Every, patient: false;
}

impl Field {
    pub fn index(self) -> usize {
        self as usize
    }
}
