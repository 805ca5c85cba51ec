/*
** schema.c: the database schema as commented SQL literals (Fossil's schema.c).
*/
#include "schema.h"
#include "util.h"

/* 1: reference classifications, accounts, sessions, audit. */
static const char zMigration1[] =
  "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"

  /* ISCO-08: 619 groups; parent is NULL for major groups. skill_levels is the
  ** ISCO-08 skill level(s) of the major group, e.g. '3,4' for managers. */
  "CREATE TABLE isco_group(\n"
  "  code TEXT PRIMARY KEY,\n"
  "  level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 4),\n"
  "  parent TEXT REFERENCES isco_group(code),\n"
  "  title_en TEXT NOT NULL, title_fr TEXT, title_es TEXT,\n"
  "  definition_en TEXT,\n"
  "  skill_levels TEXT NOT NULL,\n"
  "  esco_uri TEXT\n"
  ");\n"
  "CREATE INDEX isco_group_parent ON isco_group(parent);\n"

  /* ESCO v1.1.1 occupations, each under one ISCO-08 unit group. */
  "CREATE TABLE esco_occupation(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  uri TEXT NOT NULL UNIQUE,\n"
  "  isco_code TEXT NOT NULL REFERENCES isco_group(code),\n"
  "  code TEXT,\n"
  "  title TEXT NOT NULL,\n"
  "  alt_labels TEXT,\n"
  "  description TEXT\n"
  ");\n"
  "CREATE INDEX esco_occupation_isco ON esco_occupation(isco_code);\n"
  "CREATE TABLE esco_skill(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  uri TEXT NOT NULL UNIQUE,\n"
  "  title TEXT NOT NULL,\n"
  "  skill_type TEXT,\n"
  "  reuse_level TEXT,\n"
  "  alt_labels TEXT,\n"
  "  description TEXT\n"
  ");\n"
  "CREATE TABLE esco_occupation_skill(\n"
  "  occupation_id INTEGER NOT NULL REFERENCES esco_occupation(id),\n"
  "  skill_id INTEGER NOT NULL REFERENCES esco_skill(id),\n"
  "  relation TEXT NOT NULL CHECK(relation IN ('essential','optional')),\n"
  "  PRIMARY KEY(occupation_id, skill_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX esco_occupation_skill_skill ON esco_occupation_skill(skill_id);\n"
  "CREATE TABLE esco_scheme(uri TEXT PRIMARY KEY, title TEXT, description TEXT, n_top_concepts INTEGER);\n"

  /* Full-text search over ISCO groups and ESCO occupations: porter stemming over
  ** unicode61 with diacritics removed, so 'nurse' finds 'Nursing' and 'electricien'
  ** finds 'électricien'. kind is 'isco' or 'esco'; ref is the code or id. */
  "CREATE VIRTUAL TABLE occupation_fts USING fts5(\n"
  "  kind UNINDEXED, ref UNINDEXED, title, other_titles, body,\n"
  "  tokenize = 'porter unicode61 remove_diacritics 2'\n"
  ");\n"

  /* UN M49 regions (global, region, sub-region, intermediate region). */
  "CREATE TABLE m49_region(\n"
  "  code TEXT PRIMARY KEY,\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('global','region','subregion','intermediate')),\n"
  "  parent TEXT REFERENCES m49_region(code),\n"
  "  name_en TEXT NOT NULL, name_fr TEXT, name_es TEXT\n"
  ");\n"
  "CREATE TABLE country(\n"
  "  alpha2 TEXT PRIMARY KEY,\n"
  "  alpha3 TEXT NOT NULL UNIQUE,\n"
  "  numeric TEXT NOT NULL UNIQUE,\n"
  "  name_en TEXT NOT NULL, name_fr TEXT, name_es TEXT,\n"
  "  official_name_en TEXT,\n"
  "  region TEXT REFERENCES m49_region(code),\n"
  "  subregion TEXT REFERENCES m49_region(code),\n"
  "  intermediate_region TEXT REFERENCES m49_region(code),\n"
  "  currency TEXT,\n"
  "  ldc INTEGER NOT NULL DEFAULT 0, lldc INTEGER NOT NULL DEFAULT 0, sids INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE language(alpha2 TEXT PRIMARY KEY, alpha3 TEXT NOT NULL, name_en TEXT NOT NULL);\n"
  "CREATE TABLE currency(code TEXT PRIMARY KEY, numeric TEXT, name_en TEXT NOT NULL);\n"

  /* International instruments on migrant workers and their ratifications. */
  "CREATE TABLE instrument(\n"
  "  code TEXT PRIMARY KEY,\n"               /* C097 ... or ICMW */
  "  organisation TEXT NOT NULL,\n"
  "  number INTEGER,\n"
  "  year INTEGER NOT NULL,\n"
  "  title_en TEXT NOT NULL, title_fr TEXT, title_es TEXT,\n"
  "  topic TEXT, source TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE ratification(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  instrument TEXT NOT NULL REFERENCES instrument(code),\n"
  "  date TEXT, year INTEGER,\n"
  "  status TEXT NOT NULL CHECK(status IN ('in force','not in force','denounced','signed')),\n"
  "  exclusions TEXT, notes TEXT,\n"
  "  source TEXT NOT NULL,\n"
  "  UNIQUE(country, instrument)\n"
  ");\n"

  /* Accounts. role values are those of policy.c; the CHECK keeps the data honest. */
  "CREATE TABLE account(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  username TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
  "  display_name TEXT,\n"
  "  role TEXT NOT NULL CHECK(role IN ('migrant','employment_officer','statistician',"
  "'labour_inspector','recruitment_regulator','social_partner','immigration_officer','admin')),\n"
  "  password_hash TEXT NOT NULL,\n"
  "  disabled INTEGER NOT NULL DEFAULT 0,\n"
  "  created_at INTEGER NOT NULL\n"
  ");\n"
  /* Sessions and API tokens store only a hash of the token. */
  "CREATE TABLE session(\n"
  "  token_hash TEXT PRIMARY KEY,\n"
  "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
  "  csrf TEXT NOT NULL,\n"
  "  created_at INTEGER NOT NULL,\n"
  "  expires_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE api_token(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  token_hash TEXT NOT NULL UNIQUE,\n"
  "  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
  "  name TEXT NOT NULL,\n"
  "  created_at INTEGER NOT NULL,\n"
  "  last_used_at INTEGER,\n"
  "  revoked INTEGER NOT NULL DEFAULT 0\n"
  ");\n"
  "CREATE TABLE login_failure(id INTEGER PRIMARY KEY, username TEXT, address TEXT, at INTEGER NOT NULL);\n"
  "CREATE INDEX login_failure_user ON login_failure(username, at);\n"
  "CREATE INDEX login_failure_addr ON login_failure(address, at);\n"
  /* Every access to personal data and every change of account is audited. */
  "CREATE TABLE audit_log(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  at INTEGER NOT NULL,\n"
  "  account_id INTEGER,\n"
  "  action TEXT NOT NULL,\n"
  "  object TEXT,\n"
  "  address TEXT,\n"
  "  detail TEXT\n"
  ");\n";

/* 2: survey microdata, stored column by column (see survey.h). */
static const char zMigration2[] =
  "CREATE TABLE survey(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  name TEXT NOT NULL UNIQUE,\n"
  "  title TEXT,\n"
  "  ref_area TEXT NOT NULL,\n"          /* ISO 3166-1 alpha-3 */
  "  ref_period TEXT NOT NULL,\n"
  "  source TEXT,\n"
  "  n_rows INTEGER NOT NULL,\n"
  "  codebook TEXT NOT NULL,\n"          /* the codebook JSON as imported */
  "  lonely_psu TEXT NOT NULL DEFAULT 'adjust',\n"
  "  imported_at INTEGER NOT NULL,\n"
  "  imported_by TEXT\n"
  ");\n"
  "CREATE TABLE survey_column(\n"
  "  survey_id INTEGER NOT NULL REFERENCES survey(id) ON DELETE CASCADE,\n"
  "  position INTEGER NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('numeric','categorical')),\n"
  "  role TEXT NOT NULL CHECK(role IN ('weight','strata','psu','fpc','variable','derived')),\n"
  "  concept TEXT,\n"
  "  levels TEXT,\n"                      /* JSON array of level codes (categorical) */
  "  n_missing INTEGER NOT NULL DEFAULT 0,\n"
  "  data BLOB NOT NULL,\n"               /* float64 or int32 little-endian, n_rows values */
  "  PRIMARY KEY(survey_id, name)\n"
  ");\n";

/* 3: aggregate statistics: observations keyed as SDMX series, whether computed
** by lmis from a survey, imported from SDMX-CSV, or loaded from public series
** (UN DESA, World Bank). One table so that a country or corridor page shows
** them side by side. */
static const char zMigration3[] =
  "CREATE TABLE dataflow(\n"
  "  id TEXT PRIMARY KEY,\n"               /* e.g. LMIS_MIG */
  "  agency TEXT NOT NULL,\n"
  "  version TEXT NOT NULL,\n"
  "  name_en TEXT NOT NULL, name_fr TEXT, name_es TEXT,\n"
  "  dimensions TEXT NOT NULL,\n"          /* JSON array of dimension ids in key order */
  "  source TEXT\n"
  ");\n"
  "CREATE TABLE observation(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  dataflow TEXT NOT NULL REFERENCES dataflow(id),\n"
  "  series_key TEXT NOT NULL,\n"          /* dimension codes joined by '.' in key order */
  "  ref_area TEXT,\n"
  "  counterpart_area TEXT,\n"
  "  indicator TEXT,\n"
  "  sex TEXT,\n"
  "  classif1 TEXT,\n"
  "  classif2 TEXT,\n"
  "  time_period TEXT NOT NULL,\n"
  "  obs_value REAL,\n"
  "  obs_status TEXT,\n"
  "  unit_measure TEXT,\n"
  "  unit_mult INTEGER,\n"
  "  attributes TEXT,\n"                   /* JSON object: SE, CI_LOW, CI_HIGH, CV, N, ... */
  "  origin TEXT NOT NULL,\n"              /* survey:NAME, import:FILE, or the public source */
  "  UNIQUE(dataflow, series_key, time_period)\n"
  ");\n"
  "CREATE INDEX observation_area ON observation(ref_area, counterpart_area);\n"
  "CREATE INDEX observation_indicator ON observation(indicator, ref_area);\n"
  "CREATE INDEX observation_origin ON observation(origin, indicator);\n"

  /* The built-in dataflows over the lmis DSD (docs/sdmx.md). Imported SDMX-CSV
  ** adds the dataflows it names. */
  "INSERT INTO dataflow(id, agency, version, name_en, name_fr, name_es, dimensions, source) VALUES\n"
  "  ('LMIS_MIG', 'LMIS', '1.0', 'Labour migration indicators computed from survey microdata',\n"
  "   'Indicateurs de migration de main-d''oeuvre calcul\u00e9s \u00e0 partir de microdonn\u00e9es d''enqu\u00eate',\n"
  "   'Indicadores de migraci\u00f3n laboral calculados a partir de microdatos de encuestas',\n"
  "   '[\"REF_AREA\",\"COUNTERPART_AREA\",\"INDICATOR\",\"SEX\",\"CLASSIF1\",\"CLASSIF2\"]', 'lmis'),\n"
  "  ('LMIS_PUBLIC', 'LMIS', '1.0', 'Public migration and remittance series (UN DESA, World Bank)',\n"
  "   'S\u00e9ries publiques sur les migrations et les envois de fonds (DAES de l''ONU, Banque mondiale)',\n"
  "   'Series p\u00fablicas de migraci\u00f3n y remesas (DAES de la ONU, Banco Mundial)',\n"
  "   '[\"REF_AREA\",\"COUNTERPART_AREA\",\"INDICATOR\",\"SEX\",\"CLASSIF1\",\"CLASSIF2\"]',\n"
  "   'UN DESA International Migrant Stock 2020 and 2019; World Bank bilateral estimates 2017, "
  "Remittance Prices Worldwide, WDI');\n";

/* 4: job matching (seekers, vacancies, recognition); see docs/matching.md.
** Codes are checked by jobs.c against the reference tables; the REFERENCES
** clauses keep the data honest. Dates are ISO 8601 'YYYY-MM-DD' text. */
static const char zMigration4[] =
  /* A job seeker; ref is the external key used by imports (unique). account_id
  ** links a migrant's own profile to their account (at most one each). */
  "CREATE TABLE seeker(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  ref TEXT NOT NULL UNIQUE,\n"
  "  account_id INTEGER UNIQUE REFERENCES account(id) ON DELETE SET NULL,\n"
  "  sex TEXT NOT NULL CHECK(sex IN ('F','M','O')),\n"
  "  birth_year INTEGER,\n"
  "  citizenship TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  residence TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  isced INTEGER NOT NULL CHECK(isced BETWEEN 0 AND 8),\n"   /* highest ISCED 2011 level */
  "  isced_field TEXT,\n"                                      /* ISCED-F 2013 code */
  "  available_from TEXT,\n"
  "  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','closed')),\n"
  "  updated_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE seeker_occupation(\n"
  "  seeker_id INTEGER NOT NULL REFERENCES seeker(id) ON DELETE CASCADE,\n"
  "  position INTEGER NOT NULL,\n"
  "  isco_code TEXT NOT NULL REFERENCES isco_group(code),\n"   /* a unit group */
  "  esco_id INTEGER REFERENCES esco_occupation(id),\n"
  "  years INTEGER NOT NULL DEFAULT 0 CHECK(years BETWEEN 0 AND 70),\n"
  "  PRIMARY KEY(seeker_id, position)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE seeker_skill(\n"
  "  seeker_id INTEGER NOT NULL REFERENCES seeker(id) ON DELETE CASCADE,\n"
  "  skill_id INTEGER NOT NULL REFERENCES esco_skill(id),\n"
  "  PRIMARY KEY(seeker_id, skill_id)\n"
  ") WITHOUT ROWID;\n"
  /* level: CEFR 1..6 = A1..C2, 7 = native */
  "CREATE TABLE seeker_language(\n"
  "  seeker_id INTEGER NOT NULL REFERENCES seeker(id) ON DELETE CASCADE,\n"
  "  lang TEXT NOT NULL REFERENCES language(alpha2),\n"
  "  level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 7),\n"
  "  PRIMARY KEY(seeker_id, lang)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE seeker_destination(\n"
  "  seeker_id INTEGER NOT NULL REFERENCES seeker(id) ON DELETE CASCADE,\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  PRIMARY KEY(seeker_id, country)\n"
  ") WITHOUT ROWID;\n"
  /* A qualification; isco_code (any level) is the occupation it qualifies for,
  ** NULL when it is general. */
  "CREATE TABLE qualification(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  seeker_id INTEGER NOT NULL REFERENCES seeker(id) ON DELETE CASCADE,\n"
  "  title TEXT NOT NULL,\n"
  "  isced INTEGER NOT NULL CHECK(isced BETWEEN 0 AND 8),\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"        /* awarding country */
  "  isco_code TEXT REFERENCES isco_group(code)\n"
  ");\n"
  "CREATE INDEX qualification_seeker ON qualification(seeker_id);\n"
  /* The recognition decision on a qualification in one destination country. */
  "CREATE TABLE recognition(\n"
  "  qualification_id INTEGER NOT NULL REFERENCES qualification(id) ON DELETE CASCADE,\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  status TEXT NOT NULL CHECK(status IN ('recognised','partial','refused','pending')),\n"
  "  authority TEXT,\n"
  "  decided_on TEXT,\n"
  "  PRIMARY KEY(qualification_id, country)\n"
  ") WITHOUT ROWID;\n"
  /* Recognition arrangements between countries: qualifications awarded in origin
  ** at ISCED min_isced or above, for occupations under isco_code (NULL: any), are
  ** recognised in destination automatically or by assessment. */
  "CREATE TABLE recognition_arrangement(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  origin TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  destination TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  isco_code TEXT REFERENCES isco_group(code),\n"
  "  min_isced INTEGER NOT NULL DEFAULT 0 CHECK(min_isced BETWEEN 0 AND 8),\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('automatic','assessment')),\n"
  "  title TEXT NOT NULL\n"
  ");\n"
  /* A vacancy. agency_licence_status stands in for the licensed-agency registry
  ** (issue 6), which will replace it by a lookup: only 'valid' lets seekers see it. */
  "CREATE TABLE vacancy(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  ref TEXT NOT NULL UNIQUE,\n"
  "  employer TEXT NOT NULL,\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  region TEXT,\n"
  "  isco_code TEXT NOT NULL REFERENCES isco_group(code),\n"     /* a unit group */
  "  esco_id INTEGER REFERENCES esco_occupation(id),\n"
  "  min_isced INTEGER NOT NULL DEFAULT 0 CHECK(min_isced BETWEEN 0 AND 8),\n"
  "  regulated INTEGER NOT NULL DEFAULT 0 CHECK(regulated IN (0,1)),\n"
  "  wage REAL, currency TEXT REFERENCES currency(code),\n"
  "  contract_months INTEGER,\n"
  "  positions INTEGER NOT NULL DEFAULT 1 CHECK(positions >= 1),\n"
  "  agency_licence TEXT,\n"
  "  agency_licence_status TEXT CHECK(agency_licence_status IN ('valid','suspended','revoked','expired','unknown')),\n"
  "  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','filled','closed')),\n"
  "  posted_on TEXT NOT NULL,\n"
  "  valid_until TEXT NOT NULL,\n"
  "  updated_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX vacancy_isco ON vacancy(isco_code, country);\n"
  "CREATE TABLE vacancy_skill(\n"
  "  vacancy_id INTEGER NOT NULL REFERENCES vacancy(id) ON DELETE CASCADE,\n"
  "  skill_id INTEGER NOT NULL REFERENCES esco_skill(id),\n"
  "  essential INTEGER NOT NULL CHECK(essential IN (0,1)),\n"
  "  PRIMARY KEY(vacancy_id, skill_id)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE vacancy_language(\n"
  "  vacancy_id INTEGER NOT NULL REFERENCES vacancy(id) ON DELETE CASCADE,\n"
  "  lang TEXT NOT NULL REFERENCES language(alpha2),\n"
  "  level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 7),\n"
  "  PRIMARY KEY(vacancy_id, lang)\n"
  ") WITHOUT ROWID;\n";

/* 5: agreements, good practices, ratifications (issue 5; docs/agreements.md).
** Ratifications extend the table of migration 1; everything here cites a source. */
static const char zMigration5[] =
  /* Assessment criteria of the ILO review of 144 agreements (2015), in three groups. */
  "CREATE TABLE agreement_criterion(\n"
  "  code TEXT PRIMARY KEY,\n"
  "  grp TEXT NOT NULL CHECK(grp IN ('governance','protection','development')),\n"
  "  position INTEGER NOT NULL UNIQUE,\n"
  "  title_en TEXT NOT NULL\n"
  ");\n"
  "INSERT INTO agreement_criterion(code, grp, position, title_en) VALUES\n"
  "  ('ilo_un_instruments','governance',1,'Grounded in ILO and UN instruments'),\n"
  "  ('text_public','governance',2,'Text made public'),\n"
  "  ('joint_committee','governance',3,'Joint committee meeting regularly'),\n"
  "  ('monitoring_evaluation','governance',4,'Monitoring and evaluation'),\n"
  "  ('social_partners','governance',5,'Social partners involved'),\n"
  "  ('recruitment_fees','protection',6,'Regulation of recruitment and fees'),\n"
  "  ('equal_treatment','protection',7,'Equal treatment with nationals'),\n"
  "  ('employment_contract','protection',8,'Standard employment contract'),\n"
  "  ('wage_protection','protection',9,'Wage protection'),\n"
  "  ('social_security','protection',10,'Social security'),\n"
  "  ('complaints','protection',11,'Complaint and dispute mechanism'),\n"
  "  ('freedom_of_association','protection',12,'Freedom of association'),\n"
  "  ('women_domestic_workers','protection',13,'Provisions for women and domestic workers'),\n"
  "  ('documents_kept','protection',14,'Workers keep their documents'),\n"
  "  ('skills_recognition','development',15,'Skills recognition'),\n"
  "  ('remittances','development',16,'Remittances'),\n"
  "  ('return_reintegration','development',17,'Return and reintegration');\n"

  /* An agreement: ref is the stable id of the import file ("mercosur-ss-1997").
  ** Dates are ISO 8601 to the precision known: YYYY, YYYY-MM or YYYY-MM-DD.
  ** lang is the language of summary and text, title_lang that of title_original;
  ** search stems each in its language. The flags feed the indicators of para 44:
  ** 1 yes, 0 no, NULL unknown. JSON arrays: worker_categories, sectors (ISIC Rev.4),
  ** occupations (ISCO-08). */
  "CREATE TABLE agreement(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  ref TEXT NOT NULL UNIQUE,\n"
  "  type TEXT NOT NULL CHECK(type IN ('bilateral_labour_agreement','memorandum_of_understanding',"
  "'social_security_agreement','regional_framework','framework_agreement')),\n"
  "  title_en TEXT NOT NULL, title_original TEXT, title_lang TEXT,\n"
  "  regional_body TEXT,\n"
  "  date_signed TEXT, place_signed TEXT, date_in_force TEXT, date_expiry TEXT, renewal TEXT,\n"
  "  status TEXT NOT NULL CHECK(status IN ('draft','signed','in force','expired','terminated','unknown')),\n"
  "  facilitates_mobility INTEGER CHECK(facilitates_mobility IN (0,1)),\n"
  "  social_security_portability INTEGER CHECK(social_security_portability IN (0,1)),\n"
  "  worker_categories TEXT NOT NULL DEFAULT '[]', sectors TEXT NOT NULL DEFAULT '[]',\n"
  "  occupations TEXT NOT NULL DEFAULT '[]',\n"
  "  lang TEXT, summary TEXT, full_text TEXT,\n"
  "  source TEXT NOT NULL, source_url TEXT, notes TEXT,\n"
  "  updated_at INTEGER NOT NULL, updated_by TEXT\n"
  ");\n"
  /* Parties: role 'party' signs; 'member' is a member of the regional body that signed. */
  "CREATE TABLE agreement_party(\n"
  "  agreement_id INTEGER NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  role TEXT NOT NULL CHECK(role IN ('party','member')),\n"
  "  PRIMARY KEY(agreement_id, country)\n"
  ") WITHOUT ROWID;\n"
  "CREATE INDEX agreement_party_country ON agreement_party(country);\n"
  /* Amendments and protocols as versions (1 is the original text). */
  "CREATE TABLE agreement_version(\n"
  "  agreement_id INTEGER NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,\n"
  "  version INTEGER NOT NULL CHECK(version >= 1),\n"
  "  date TEXT, description TEXT NOT NULL, source TEXT,\n"
  "  PRIMARY KEY(agreement_id, version)\n"
  ") WITHOUT ROWID;\n"
  /* Clause-level assessment: one rating per criterion, with the clause that shows it. */
  "CREATE TABLE agreement_assessment(\n"
  "  agreement_id INTEGER NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,\n"
  "  criterion TEXT NOT NULL REFERENCES agreement_criterion(code),\n"
  "  rating TEXT NOT NULL CHECK(rating IN ('met','partly','not met','unknown')),\n"
  "  clause TEXT, article TEXT,\n"
  "  assessor TEXT NOT NULL, assessed_on TEXT NOT NULL, source TEXT,\n"
  "  PRIMARY KEY(agreement_id, criterion)\n"
  ") WITHOUT ROWID;\n"
  /* Tripartite review: social partners' comments, kept apart from the assessment. */
  "CREATE TABLE agreement_comment(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  agreement_id INTEGER NOT NULL REFERENCES agreement(id) ON DELETE CASCADE,\n"
  "  criterion TEXT REFERENCES agreement_criterion(code),\n"
  "  author TEXT NOT NULL, role TEXT NOT NULL,\n"
  "  body TEXT NOT NULL,\n"
  "  created_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX agreement_comment_agreement ON agreement_comment(agreement_id);\n"
  /* The model agreement annexed to Recommendation No. 86 as a checklist (data/agreements/r86-model.json);
  ** terms: JSON {"en":[...],"fr":[...],"es":[...]} phrases whose presence suggests the article is covered. */
  "CREATE TABLE r86_item(\n"
  "  article INTEGER PRIMARY KEY,\n"
  "  title_en TEXT NOT NULL,\n"
  "  summary TEXT NOT NULL,\n"
  "  terms TEXT NOT NULL\n"
  ");\n"
  /* Good practices, tied to the ILO Multilateral Framework on Labour Migration
  ** (principle areas I-IX, stored as a JSON array of roman numerals). */
  "CREATE TABLE practice(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  ref TEXT NOT NULL UNIQUE,\n"
  "  title_en TEXT NOT NULL,\n"
  "  theme TEXT NOT NULL,\n"
  "  mflm TEXT NOT NULL DEFAULT '[]',\n"
  "  regional_body TEXT, year INTEGER,\n"
  "  lang TEXT, description TEXT NOT NULL, evidence TEXT,\n"
  "  source TEXT NOT NULL, source_url TEXT,\n"
  "  updated_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE practice_country(\n"
  "  practice_id INTEGER NOT NULL REFERENCES practice(id) ON DELETE CASCADE,\n"
  "  country TEXT NOT NULL REFERENCES country(alpha2),\n"
  "  PRIMARY KEY(practice_id, country)\n"
  ") WITHOUT ROWID;\n"
  /* How complete the ratifications held for an instrument are: a complete list lets
  ** the corridor view say "has not ratified"; otherwise it can only say "none recorded". */
  "CREATE TABLE ratification_coverage(\n"
  "  instrument TEXT PRIMARY KEY REFERENCES instrument(code),\n"
  "  complete INTEGER NOT NULL CHECK(complete IN (0,1)),\n"
  "  as_of TEXT, note TEXT\n"
  ");\n"
  /* Full-text search over agreements and practices. title and body are the words as
  ** written (diacritics removed by the tokenizer); stems holds the Snowball stems of
  ** every word in its own language (English, French, Spanish; libstemmer), so that a
  ** query stemmed the same way finds inflected forms. kind: 'agreement' or 'practice'. */
  "CREATE VIRTUAL TABLE repo_fts USING fts5(\n"
  "  kind UNINDEXED, ref UNINDEXED, title, body, stems,\n"
  "  tokenize = 'unicode61 remove_diacritics 2'\n"
  ");\n";

/* 6: social security coordination (issue 7): national schemes and instruments,
** loaded from the data/socsec JSON files at init. `definition` is the validated JSON
** object; socsec.c parses it again with the same checks when it computes. */
static const char zMigration6[] =
  "CREATE TABLE socsec_scheme(\n"
  "  id TEXT PRIMARY KEY,\n"
  "  country TEXT NOT NULL UNIQUE,\n"        /* one old-age scheme per country */
  "  name TEXT NOT NULL,\n"
  "  illustrative INTEGER NOT NULL,\n"       /* 1: invented example parameters */
  "  source_file TEXT NOT NULL,\n"
  "  definition TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE socsec_instrument(\n"
  "  id TEXT PRIMARY KEY,\n"
  "  name TEXT NOT NULL,\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('bilateral', 'multilateral')),\n"
  "  in_force TEXT,\n"
  "  illustrative INTEGER NOT NULL,\n"
  "  source_file TEXT NOT NULL,\n"
  "  definition TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE socsec_instrument_member(\n"
  "  instrument_id TEXT NOT NULL REFERENCES socsec_instrument(id) ON DELETE CASCADE,\n"
  "  country TEXT NOT NULL,\n"
  "  PRIMARY KEY(instrument_id, country)\n"
  ");\n";

/* 7: the audit log becomes append-only and hash-chained (audit.c). Entries from
** before this migration keep NULL seq/hash and are reported as not verifiable. */
static const char zMigration7[] =
  "ALTER TABLE audit_log ADD COLUMN seq INTEGER;\n"
  "ALTER TABLE audit_log ADD COLUMN role TEXT;\n"
  "ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;\n"
  "ALTER TABLE audit_log ADD COLUMN hash TEXT;\n"
  "CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);\n"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
  "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n";

/* 8: fair recruitment: agencies and licences, cost reports, reviews (issue 6);
** see docs/recruitment.md. Countries are ISO 3166-1 alpha-3, currencies ISO 4217,
** dates 'YYYY-MM-DD'; money is integer minor units of the currency named beside it. */
static const char zMigration8[] =
  /* A licence issued by one country's regulator; name_norm is agency_normalize()
  ** of the name, kept for matching. status is the regulator's decision; whether a
  ** 'valid' licence has expired is decided at read time from valid_to. */
  "CREATE TABLE agency(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  licence TEXT NOT NULL,\n"
  "  country TEXT NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  name_norm TEXT NOT NULL,\n"
  "  status TEXT NOT NULL CHECK(status IN ('valid','suspended','cancelled','delisted','banned')),\n"
  "  valid_from TEXT, valid_to TEXT,\n"
  "  address TEXT,\n"
  "  source TEXT,\n"                        /* the file last imported from, or 'cli' */
  "  updated_at INTEGER NOT NULL,\n"
  "  UNIQUE(country, licence)\n"
  ");\n"
  "CREATE INDEX agency_licence ON agency(licence);\n"
  "CREATE TABLE agency_alias(\n"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,\n"
  "  alias TEXT NOT NULL,\n"
  "  alias_norm TEXT NOT NULL,\n"
  "  PRIMARY KEY(agency_id, alias)\n"
  ");\n"
  "CREATE TABLE agency_branch(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,\n"
  "  address TEXT NOT NULL\n"
  ");\n"
  /* Every status an agency has had, with the decision behind it; old_status is
  ** NULL for the first entry. Written by import and by `lmis agency status`. */
  "CREATE TABLE agency_status_history(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,\n"
  "  old_status TEXT,\n"
  "  new_status TEXT NOT NULL,\n"
  "  decided_on TEXT,\n"
  "  decision_ref TEXT,\n"
  "  authority TEXT,\n"
  "  reason TEXT,\n"
  "  recorded_at INTEGER NOT NULL,\n"
  "  recorded_by TEXT\n"
  ");\n"
  "CREATE INDEX agency_status_history_agency ON agency_status_history(agency_id, id);\n"
  "CREATE TABLE agency_sanction(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  agency_id INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,\n"
  "  kind TEXT NOT NULL CHECK(kind IN ('warning','fine','suspension','cancellation','ban')),\n"
  "  decided_on TEXT,\n"
  "  decision_ref TEXT NOT NULL,\n"
  "  authority TEXT,\n"
  "  description TEXT,\n"
  "  UNIQUE(agency_id, kind, decision_ref)\n"
  ");\n"
  /* A worker's or a survey's report of what it cost to get a first job abroad.
  ** Nothing identifies the reporter. Totals are in the reporting currency, each
  ** item converted at the rate stated in the report. */
  "CREATE TABLE cost_report(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  ref TEXT UNIQUE,\n"                    /* the importer's id, so a file loads once */
  "  source TEXT NOT NULL CHECK(source IN ('worker','survey')),\n"
  "  origin TEXT NOT NULL, destination TEXT NOT NULL,\n"
  "  sex TEXT NOT NULL CHECK(sex IN ('F','M','O')),\n"
  "  isco TEXT,\n"
  "  agency_id INTEGER REFERENCES agency(id),\n"
  "  agency_name TEXT,\n"                   /* as reported when no licence was given */
  "  year INTEGER,\n"
  "  reporting_currency TEXT NOT NULL,\n"
  "  earnings_minor INTEGER NOT NULL CHECK(earnings_minor > 0),\n"
  "  earnings_currency TEXT NOT NULL,\n"
  "  earnings_rate REAL NOT NULL CHECK(earnings_rate > 0),\n"
  "  earnings_reporting_minor INTEGER NOT NULL,\n"
  "  worker_paid_minor INTEGER NOT NULL,\n"    /* reporting currency */
  "  no_fee_breach INTEGER NOT NULL,\n"        /* 1 when any cost was borne by the worker */
  "  created_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX cost_report_corridor ON cost_report(origin, destination);\n"
  "CREATE TABLE cost_item(\n"
  "  report_id INTEGER NOT NULL REFERENCES cost_report(id) ON DELETE CASCADE,\n"
  "  seq INTEGER NOT NULL,\n"
  "  category TEXT NOT NULL CHECK(category IN ('recruitment_fee','medical','insurance','skills_test','training',"
  "'equipment','travel_lodging','administrative','illegitimate')),\n"
  "  paid_by TEXT NOT NULL CHECK(paid_by IN ('worker','employer','agency','government')),\n"
  "  amount_minor INTEGER NOT NULL CHECK(amount_minor >= 0),\n"
  "  currency TEXT NOT NULL,\n"
  "  rate REAL NOT NULL CHECK(rate > 0),\n"
  "  reporting_minor INTEGER NOT NULL,\n"
  "  note TEXT,\n"
  "  PRIMARY KEY(report_id, seq)\n"
  ");\n"
  /* Reviews of an agency or an employer. No account, address or time of day is
  ** kept: only the day of submission, and who moderated. */
  "CREATE TABLE review(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  agency_id INTEGER REFERENCES agency(id) ON DELETE CASCADE,\n"
  "  employer TEXT,\n"
  "  employer_country TEXT,\n"
  "  fees INTEGER CHECK(fees BETWEEN 1 AND 5),\n"
  "  contract INTEGER CHECK(contract BETWEEN 1 AND 5),\n"
  "  documents INTEGER CHECK(documents BETWEEN 1 AND 5),\n"
  "  information INTEGER CHECK(information BETWEEN 1 AND 5),\n"
  "  body TEXT,\n"
  "  lang TEXT,\n"
  "  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','published','rejected')),\n"
  "  submitted_on TEXT NOT NULL,\n"
  "  moderator TEXT,\n"
  "  moderated_at INTEGER,\n"
  "  moderation_note TEXT,\n"
  "  CHECK((agency_id IS NULL) <> (employer IS NULL))\n"
  ");\n"
  "CREATE INDEX review_agency ON review(agency_id, status);\n";

/* 9: complaints and cases behind the firewall (case.c, docs/complaints.md).
** Identities, contact details, the employer and the description are only in
** `pii`, encrypted with a key from the key file; *_bidx are keyed blind indexes
** for exact search. The receipt code is kept only as a keyed hash. */
static const char zMigration9[] =
  "CREATE TABLE complaint(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  receipt_hash TEXT NOT NULL UNIQUE,\n"
  "  category TEXT NOT NULL CHECK(category IN ('unpaid_wages','contract_substitution','document_retention',\n"
  "    'recruitment_fees','unsafe_work','harassment','forced_labour','other')),\n"
  "  source TEXT NOT NULL CHECK(source IN ('public','migrant','officer')),\n"
  "  filed_by INTEGER REFERENCES account(id),\n"
  "  employer_country TEXT,\n"
  "  agency_name TEXT,\n"
  "  agency_licence TEXT,\n"
  "  occurred_from TEXT,\n"
  "  occurred_to TEXT,\n"
  "  language TEXT NOT NULL,\n"
  "  contact_method TEXT NOT NULL CHECK(contact_method IN ('none','email','phone','post','in_person')),\n"
  "  anonymous INTEGER NOT NULL CHECK(anonymous IN (0,1)),\n"
  "  pii BLOB NOT NULL,\n"
  "  name_bidx TEXT,\n"
  "  passport_bidx TEXT,\n"
  "  phone_bidx TEXT,\n"
  "  state TEXT NOT NULL CHECK(state IN ('received','assigned','in_mediation','referred','resolved','closed')),\n"
  "  assigned_to INTEGER REFERENCES account(id),\n"
  "  deadline INTEGER,\n"
  "  escalated INTEGER NOT NULL DEFAULT 0,\n"
  "  outcome TEXT,\n"
  "  amount_recovered INTEGER,\n"        /* minor units of amount_currency */
  "  amount_currency TEXT,\n"
  "  referral_country TEXT,\n"
  "  received_at INTEGER NOT NULL,\n"
  "  updated_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX complaint_assigned ON complaint(assigned_to, state);\n"
  "CREATE INDEX complaint_name_bidx ON complaint(name_bidx);\n"
  "CREATE INDEX complaint_passport_bidx ON complaint(passport_bidx);\n"
  "CREATE INDEX complaint_phone_bidx ON complaint(phone_bidx);\n"
  "CREATE TABLE complaint_event(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  complaint_id INTEGER NOT NULL REFERENCES complaint(id),\n"
  "  at INTEGER NOT NULL,\n"
  "  actor INTEGER REFERENCES account(id),\n"
  "  kind TEXT NOT NULL,\n"                 /* filed, assigned, state, note, referred, escalated */
  "  state_from TEXT,\n"
  "  state_to TEXT,\n"
  "  note BLOB,\n"                          /* encrypted */
  "  visible INTEGER NOT NULL DEFAULT 0\n"  /* shown to the complainant */
  ");\n"
  "CREATE INDEX complaint_event_case ON complaint_event(complaint_id, id);\n";

/* 10: notifications about cases (notify.c; "Notifications" in docs/complaints.md).
** Staff accounts get an optional email (a work address, kept in clear like the
** username). The outbox keeps each message's address and template values only
** sealed with the key of pii.c; the values are wiped once the message is sent. */
static const char zMigration10[] =
  "ALTER TABLE account ADD COLUMN email TEXT;\n"
  "CREATE TABLE outbox(\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  complaint_id INTEGER NOT NULL REFERENCES complaint(id),\n"
  "  recipient TEXT NOT NULL CHECK(recipient IN ('complainant','inspector','supervisor')),\n"
  "  account_id INTEGER REFERENCES account(id),\n"   /* staff recipients */
  "  channel TEXT NOT NULL CHECK(channel IN ('email','sms')),\n"
  "  address BLOB NOT NULL,\n"                        /* encrypted */
  "  language TEXT NOT NULL,\n"
  "  event TEXT NOT NULL CHECK(event IN ('received','state','assigned','escalated')),\n"
  "  params BLOB,\n"                                  /* encrypted JSON; NULL once sent */
  "  created_at INTEGER NOT NULL,\n"
  "  due_at INTEGER NOT NULL,\n"
  "  attempts INTEGER NOT NULL DEFAULT 0,\n"
  "  last_error TEXT,\n"
  "  sent_at INTEGER,\n"
  "  state TEXT NOT NULL DEFAULT 'queued' CHECK(state IN ('queued','sent','failed'))\n"
  ");\n"
  "CREATE INDEX outbox_due ON outbox(state, due_at);\n"
  "CREATE INDEX outbox_case ON outbox(complaint_id);\n";

/* 11: each survey's data token, new at each import: it names the survey's
** columns cached as files beside the database (colcache.h), so that a file of
** an earlier import is never taken for the current one. */
static const char zMigration11[] = "ALTER TABLE survey ADD COLUMN data_token TEXT;\n";

static const char *const azMigration[] = {
  zMigration1,
  zMigration2,
  zMigration3,
  zMigration4,
  zMigration5,
  zMigration6,
  zMigration7,
  zMigration8,
  zMigration9,
  zMigration10,
  zMigration11,
};

int schema_migration_count(void) { return (int)COUNT(azMigration); }
const char *schema_migration(int i) { return azMigration[i]; }
