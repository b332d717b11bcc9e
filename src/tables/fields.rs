//! Stable keys by which the domain rules find elements, whatever path the layout gives them.
//! A vendor may move `WrittenDate` elsewhere in `layout.tsv`; as long as the row keeps
//! `field = written_date`, the date rules still find it.

macro_rules! fields {
    ($($variant:ident = $key:literal, patient: $patient:literal;)*) => {
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

            /// Values that identify a patient: `--redact` hides them in every output.
            pub fn is_patient_data(self) -> bool {
                match self { $(Field::$variant => $patient),* }
            }
        }
    };
}

fields! {
    AppType = "app_type", patient: false;
    DiseaseGroup = "disease_group", patient: false;
    DiseaseNo = "disease_no", patient: false;
    DiseaseName = "disease_name", patient: false;
    DiagnosisDate = "diagnosis_date", patient: false;
    WrittenDate = "written_date", patient: false;
    FamilyName = "family_name", patient: true;
    GivenName = "given_name", patient: true;
    FamilyKana = "family_kana", patient: true;
    GivenKana = "given_kana", patient: true;
    Sex = "sex", patient: false;
    BirthDate = "birth_date", patient: true;
    PostalCode = "postal_code", patient: true;
    Address = "address", patient: true;
    RecipientNo = "recipient_no", patient: true;
    PayerNo = "payer_no", patient: false;
    PreviousName = "previous_name", patient: true;
    Onset = "onset", patient: false;
    Ventilator = "ventilator", patient: false;
    VentilatorStart = "ventilator_start", patient: false;
    InstitutionCode = "institution_code", patient: false;
    DoctorNo = "doctor_no", patient: false;
    DoctorName = "doctor_name", patient: false;
}

impl Field {
    pub fn index(self) -> usize {
        self as usize
    }
}
