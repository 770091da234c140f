-- The clinic directory (issue 19). Doctors themselves stay in encounter_doctor (core-encounter); the directory adds
-- what patients choose a doctor by. Every doctor has a profile row, created by the directory's sync.

-- A coded list of specialities; names per language (en required, fa and ru shown when present).
CREATE TABLE directory_speciality (
    code        VARCHAR(40)  PRIMARY KEY,
    name_en     VARCHAR(200) NOT NULL,
    name_fa     VARCHAR(200),
    name_ru     VARCHAR(200),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);

CREATE TABLE directory_clinic (
    id              VARCHAR(36)  PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    address         VARCHAR(500),
    time_zone       VARCHAR(64),
    phone           VARCHAR(32),
    email           VARCHAR(254),
    -- the anonymous public may read the profiles of this clinic's doctors
    public_profiles BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT directory_clinic_name UNIQUE (name)
);

CREATE TABLE directory_profile (
    doctor_id       VARCHAR(36)  PRIMARY KEY REFERENCES encounter_doctor (id) ON DELETE CASCADE,
    bio             VARCHAR(4000),
    qualifications  VARCHAR(2000),
    licence         VARCHAR(100),
    languages       VARCHAR(8)[] NOT NULL DEFAULT '{}',
    -- [{"type":"video","fee":"40.00","currency":"EUR"}, ...]
    visit_types     JSONB        NOT NULL DEFAULT '[]',
    -- normalised words: name, specialities in every language, clinics (Normaliser)
    search_text     TEXT         NOT NULL,
    -- stored, so a prefix match's recheck reads it instead of parsing search_text again per candidate row
    search_vector   TSVECTOR     GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    rating_count    INTEGER      NOT NULL DEFAULT 0,
    rating_sum      INTEGER      NOT NULL DEFAULT 0,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX directory_profile_search ON directory_profile USING gin (search_vector);
CREATE INDEX directory_profile_languages ON directory_profile USING gin (languages);

CREATE TABLE directory_doctor_speciality (
    code        VARCHAR(40)  NOT NULL REFERENCES directory_speciality (code),
    doctor_id   VARCHAR(36)  NOT NULL REFERENCES directory_profile (doctor_id) ON DELETE CASCADE,
    PRIMARY KEY (code, doctor_id)
);
CREATE INDEX directory_doctor_speciality_doctor ON directory_doctor_speciality (doctor_id);

CREATE TABLE directory_clinic_doctor (
    clinic_id   VARCHAR(36)  NOT NULL REFERENCES directory_clinic (id) ON DELETE CASCADE,
    doctor_id   VARCHAR(36)  NOT NULL REFERENCES directory_profile (doctor_id) ON DELETE CASCADE,
    PRIMARY KEY (clinic_id, doctor_id)
);
CREATE INDEX directory_clinic_doctor_doctor ON directory_clinic_doctor (doctor_id);

-- One review per completed visit, by its patient; hidden ones count in no average.
CREATE TABLE directory_review (
    id            VARCHAR(36)   PRIMARY KEY,
    encounter_id  VARCHAR(36)   NOT NULL,
    doctor_id     VARCHAR(36)   NOT NULL REFERENCES directory_profile (doctor_id) ON DELETE CASCADE,
    patient_id    VARCHAR(36)   NOT NULL,
    author_name   VARCHAR(200)  NOT NULL,
    rating        SMALLINT      NOT NULL CHECK (rating BETWEEN 1 AND 5),
    text          VARCHAR(2000),
    hidden        BOOLEAN       NOT NULL DEFAULT FALSE,
    hidden_reason VARCHAR(500),
    moderated_by  VARCHAR(64),
    moderated_at  TIMESTAMP WITH TIME ZONE,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT directory_review_visit UNIQUE (encounter_id)
);
CREATE INDEX directory_review_doctor ON directory_review (doctor_id, created_at DESC);

-- The formulary: the clinic's list of medicines, for prescriptions.
CREATE TABLE directory_medicine (
    id           VARCHAR(36)  PRIMARY KEY,
    name         VARCHAR(200) NOT NULL,
    strength     VARCHAR(100) NOT NULL DEFAULT '',
    form         VARCHAR(100) NOT NULL DEFAULT '',
    route        VARCHAR(100) NOT NULL DEFAULT '',
    atc          VARCHAR(7),
    search_text  TEXT         NOT NULL,
    search_vector TSVECTOR    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT directory_medicine_unique UNIQUE (name, strength, form, route)
);
CREATE INDEX directory_medicine_search ON directory_medicine USING gin (search_vector);
CREATE INDEX directory_medicine_atc ON directory_medicine (atc);

INSERT INTO directory_speciality (code, name_en, name_fa, name_ru) VALUES
 ('allergy', 'Allergy and immunology', 'آلرژی و ایمنی‌شناسی', 'Аллергология и иммунология'),
 ('anaesthesia', 'Anaesthesiology', 'بیهوشی', 'Анестезиология'),
 ('cardiology', 'Cardiology', 'قلب و عروق', 'Кардиология'),
 ('dermatology', 'Dermatology', 'پوست', 'Дерматология'),
 ('endocrinology', 'Endocrinology', 'غدد درون‌ریز', 'Эндокринология'),
 ('family-medicine', 'Family medicine', 'پزشکی خانواده', 'Семейная медицина'),
 ('gastroenterology', 'Gastroenterology', 'گوارش', 'Гастроэнтерология'),
 ('general-surgery', 'General surgery', 'جراحی عمومی', 'Общая хирургия'),
 ('geriatrics', 'Geriatrics', 'سالمندی', 'Гериатрия'),
 ('gynaecology', 'Obstetrics and gynaecology', 'زنان و زایمان', 'Акушерство и гинекология'),
 ('haematology', 'Haematology', 'خون‌شناسی', 'Гематология'),
 ('infectious-diseases', 'Infectious diseases', 'بیماری‌های عفونی', 'Инфекционные болезни'),
 ('internal-medicine', 'Internal medicine', 'داخلی', 'Внутренние болезни'),
 ('nephrology', 'Nephrology', 'کلیه', 'Нефрология'),
 ('neurology', 'Neurology', 'مغز و اعصاب', 'Неврология'),
 ('oncology', 'Oncology', 'سرطان‌شناسی', 'Онкология'),
 ('ophthalmology', 'Ophthalmology', 'چشم‌پزشکی', 'Офтальмология'),
 ('orthopaedics', 'Orthopaedics', 'ارتوپدی', 'Ортопедия'),
 ('otolaryngology', 'Ear, nose and throat', 'گوش و حلق و بینی', 'Оториноларингология'),
 ('paediatrics', 'Paediatrics', 'کودکان', 'Педиатрия'),
 ('psychiatry', 'Psychiatry', 'روان‌پزشکی', 'Психиатрия'),
 ('pulmonology', 'Pulmonology', 'ریه', 'Пульмонология'),
 ('radiology', 'Radiology', 'رادیولوژی', 'Радиология'),
 ('rheumatology', 'Rheumatology', 'روماتولوژی', 'Ревматология'),
 ('urology', 'Urology', 'اورولوژی', 'Урология');
