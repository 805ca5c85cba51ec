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

/* 4: job matching (seekers, vacancies, recognition). Owned by match work (issue 4). */
static const char zMigration4[] =
  "SELECT 1;\n";

/* 5: agreements, good practices, ratifications (issue 5). */
static const char zMigration5[] =
  "SELECT 1;\n";

/* 6: social security coordination (issue 7). */
static const char zMigration6[] =
  "SELECT 1;\n";

static const char *const azMigration[] = {
  zMigration1,
  zMigration2,
  zMigration3,
  zMigration4,
  zMigration5,
  zMigration6,
};

int schema_migration_count(void) { return (int)COUNT(azMigration); }
const char *schema_migration(int i) { return azMigration[i]; }
