/*
** cli.c: the command table and the dispatcher. The dispatcher does every check
** once (options, arity, policy, database) so handlers stay small.
*/
#include "cli.h"
#include "auth.h"
#include "agreement.h"
#include "cmds.h"
#include "i18n.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OPT_END {0, 0, 0}

static const CliOpt aNoOpt[] = {OPT_END};
static const CliOpt aLangOpt[] = {{"--lang", "L", "language of titles: en, fr or es"}, OPT_END};
static const CliOpt aLimitOpt[] = {{"--limit", "N", "at most N results (1-100, default 20)"}, OPT_END};
static const CliOpt aAgreementOpt[] = {
  {"--country", "ISO", "only agreements this country is party to (alpha-2 or alpha-3)"},
  {"--type", "T", "bilateral_labour_agreement, memorandum_of_understanding, social_security_agreement, ..."},
  {"--status", "S", "draft, signed, in force, expired, terminated or unknown"},
  {"--year", "YYYY", "signed in this year"},
  {"--met", "CRITERION", "only agreements assessed as meeting this criterion"},
  {"--limit", "N", "at most N results (1-100, default 20)"},
  OPT_END};

/* Sorted by name; `lmis help` prints them in this order. */
/* The filters of `practice list` and `practice search` (those of the /practices page). */
static const CliOpt aPracticeOpt[] = {
  {"--country", "ISO", "only practices of this country"},
  {"--theme", "THEME", "only practices of this theme (as `practice list` shows it)"},
  {"--mflm", "AREA", "only practices under this principle area of the ILO Multilateral Framework (I to IX)"},
  {"--regional-body", "NAME", "only practices of this regional body, e.g. ASEAN"},
  {"--year", "YYYY", "only practices of this year"},
  {"--limit", "N", "at most N (1-100, default 20)"},
  {"--offset", "N", "skip the first N (paging)"},
  OPT_END,
};

static const CliCommand aCommand[] = {
  {"agency check", cmd_agency_check, "NAME...", "is this agency licensed? match a name (typos, accents, other scripts) or licence",
   "agency.read", CMD_DB | CMD_JSON, 1, 32,
   (const CliOpt[]){{"--country", "ISO3", "only licences issued by this country (ISO 3166-1 alpha-3)"},
                    {"--limit", "N", "at most N matches (1-50, default 10)"},
                    OPT_END}},
  {"agency import", cmd_agency_import, "FILE.csv", "import a regulator's licence list (all or nothing; status changes recorded)",
   "agency.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"agency list", cmd_agency_list, "", "list agencies, optionally of one status or only sanctioned ones",
   "agency.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--status", "S", "valid, suspended, cancelled, delisted, banned or expired"},
                    {"--sanctioned", NULL, "only suspended, cancelled or banned agencies and those with a sanction"},
                    {"--country", "ISO3", "only licences issued by this country"},
                    OPT_END}},
  {"agency show", cmd_agency_show, "LICENCE", "show an agency: licence status, aliases, branches, status history, sanctions",
   "agency.read", CMD_DB | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--country", "ISO3", "the issuing country, when the number exists in several"}, OPT_END}},
  {"agency status", cmd_agency_status, "LICENCE", "record a regulator's decision changing an agency's status (audited)",
   "agency.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--set", "S", "the new status: valid, suspended, cancelled, delisted or banned"},
                    {"--decision", "REF", "the reference of the decision"},
                    {"--reason", "TEXT", "why"},
                    {"--date", "YYYY-MM-DD", "the date of the decision (default today)"},
                    {"--authority", "TEXT", "who decided"},
                    {"--country", "ISO3", "the issuing country, when the number exists in several"},
                    OPT_END}},
  {"aggregate list", cmd_aggregate_list, "", "list published aggregates held (computed, imported, public series)",
   "indicator.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--area", "ISO3", "reference area (ISO 3166-1 alpha-3)"},
                    {"--counterpart", "ISO3", "counterpart area (origin or destination of a corridor)"},
                    {"--indicator", "ID", "indicator code"},
                    {"--dataflow", "ID", "dataflow"},
                    {"--limit", "N", "at most N observations (default 100)"},
                    OPT_END}},
  {"agreement assess", cmd_agreement_assess, "ID CRITERION RATING", "record one criterion's rating (met, partly, not met, unknown) with the clause",
   "agreement.manage", CMD_DB | CMD_WRITE | CMD_JSON, 3, 3,
   (const CliOpt[]){{"--clause", "TEXT", "the quoted clause that shows it (required for met and partly)"},
                    {"--article", "N", "the article number of the clause"},
                    {"--assessor", "NAME", "who assessed it (default: the operator)"},
                    {"--date", "YYYY-MM-DD", "when (default today)"},
                    OPT_END}},
  {"agreement compare", cmd_agreement_compare, "[ID]", "compare an agreement or a draft with the R86 model agreement: what is missing",
   "agreement.read", CMD_DB | CMD_JSON, 0, 1,
   (const CliOpt[]){{"--draft", "FILE", "a draft agreement as UTF-8 text instead of a stored agreement"},
                    {"--lang", "L", "language of the draft: en, fr or es (default en)"},
                    OPT_END}},
  {"agreement import", cmd_agreement_import, "FILE.json", "import agreements, assessments, practices, ratifications (all or nothing)",
   "agreement.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"agreement indicators", cmd_agreement_indicators, "", "agreements facilitating mobility and with social security portability, per country and year",
   "agreement.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--country", "ISO", "one country (alpha-2 or alpha-3)"},
                    {"--from", "YEAR", "first year (default: the earliest agreement)"},
                    {"--to", "YEAR", "last year (default: this year)"},
                    OPT_END}},
  {"agreement list", cmd_agreement_list, "", "list agreements, newest first, with facets",
   "agreement.read", CMD_DB | CMD_JSON, 0, 0, aAgreementOpt},
  {"agreement search", cmd_agreement_search, "TEXT...", "full-text search over agreements and practices (EN/FR/ES stemming)",
   "agreement.read", CMD_DB | CMD_JSON, 1, 32, aAgreementOpt},
  {"agreement show", cmd_agreement_show, "ID", "show an agreement with its assessment, scores and comments",
   "agreement.read", CMD_DB | CMD_JSON, 1, 1, aNoOpt},
  {"arrangement import", cmd_arrangement_import, "FILE", "import recognition arrangements between countries (all or nothing)",
   "recognition.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, (const CliOpt[]){{"--format", "F", "jsonl or csv (default: by extension, .csv is CSV)"}, OPT_END}},
  {"arrangement list", cmd_arrangement_list, "", "list recognition arrangements between countries",
   "recognition.manage", CMD_DB | CMD_JSON, 0, 0, (const CliOpt[]){{"--country", "CC", "only this destination country (ISO 3166-1 alpha-2)"},
                    {"--isco", "CODE", "only under this ISCO-08 group"},
                    {"--limit", "N", "at most N (default 50, 0 for all)"},
                    {"--offset", "N", "skip the first N"},
                    OPT_END}},
  {"audit head", cmd_audit_head, "", "print the head of the audit chain (SEQ:HASH), to record elsewhere as an anchor",
   "audit.read", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"audit list", cmd_audit_list, "", "list the newest audit log entries (this read is itself audited)",
   "audit.read", CMD_DB | CMD_WRITE | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--limit", "N", "at most N entries (1-10000, default 50)"},
                    {"--action", "A", "only this action, or a family when it ends with '.' (session.)"},
                    OPT_END}},
  {"audit verify", cmd_audit_verify, "", "check the audit chain: report every edited, deleted or reordered entry",
   "audit.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--anchor", "SEQ:HASH", "also check against a head recorded earlier with `audit head`"}, OPT_END}},
  {"case assign", cmd_case_assign, "CASE USER", "assign a case to a labour inspector (as an inspector: LMIS_TOKEN)",
   "case.assign", CMD_DB | CMD_WRITE | CMD_JSON, 2, 2,
   (const CliOpt[]){{"--note", "TEXT", "an internal note"}, OPT_END}},
  {"case escalate", cmd_case_escalate, "", "escalate every open case past its deadline (run daily)",
   "case.escalate", CMD_DB | CMD_WRITE | CMD_JSON, 0, 0, aNoOpt},
  {"case file", cmd_case_file, "FILE.json", "file a complaint described in a JSON file; prints its receipt code",
   "case.file", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"case move", cmd_case_move, "CASE STATE", "move a case to in_mediation, referred, resolved or closed",
   "case.update", CMD_DB | CMD_WRITE | CMD_JSON, 2, 2,
   (const CliOpt[]){{"--note", "TEXT", "a note on the change"},
                    {"--visible", NULL, "show the note to the complainant"},
                    {"--outcome", "TEXT", "the outcome (when resolving)"},
                    {"--amount", "AMOUNT", "amount recovered for the worker, e.g. 1200.50"},
                    {"--currency", "CODE", "currency of the amount (ISO 4217)"},
                    OPT_END}},
  {"case note", cmd_case_note, "CASE TEXT", "add a note to a case",
   "case.update", CMD_DB | CMD_WRITE | CMD_JSON, 2, 2,
   (const CliOpt[]){{"--visible", NULL, "show the note to the complainant"}, OPT_END}},
  {"case queue", cmd_case_queue, "", "an inspector's queue: unassigned cases (no identities) and one's own",
   "case.queue", CMD_DB | CMD_WRITE | CMD_JSON, 0, 0, aNoOpt},
  {"case refer", cmd_case_refer, "CASE ISO3", "refer a case to another country's labour inspectorate",
   "case.update", CMD_DB | CMD_WRITE | CMD_JSON, 2, 2,
   (const CliOpt[]){{"--note", "TEXT", "a note on the referral"}, OPT_END}},
  {"case search", cmd_case_search, "", "find one's own cases by the complainant's name, passport or phone",
   "case.search", CMD_DB | CMD_WRITE | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--name", "TEXT", "complainant's name"},
                    {"--passport", "NUMBER", "passport number"},
                    {"--phone", "NUMBER", "phone number"},
                    OPT_END}},
  {"case show", cmd_case_show, "CASE", "show a case in full (the inspector assigned: LMIS_TOKEN)",
   "case.read", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"case stats", cmd_case_stats, "", "complaint counts by one dimension, small cells suppressed",
   "case.stats", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--by", "DIM", "category (default), state, language, employer_country or agency_licence"},
                    {"--min-n", "N", "suppress cells with fewer complaints (default 5)"},
                    OPT_END}},
  {"case track", cmd_case_track, "RECEIPT", "follow a complaint with its receipt code",
   "case.track", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"corridor", cmd_corridor, "ORIGIN DEST", "agreements, ratifications, gaps and statistics of a migration corridor",
   "agreement.read", CMD_DB | CMD_JSON, 2, 2, aLangOpt},
  {"cost import", cmd_cost_import, "FILE.jsonl", "import recruitment cost reports, one JSON object a line (all or nothing)",
   "cost.import", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"cost sdg", cmd_cost_sdg, "", "SDG 10.7.1: worker-paid recruitment costs / first month's earnings, by corridor",
   "cost.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--by", "A,B", "breakdowns besides the corridor: sex, isco, agency"},
                    {"--min-n", "N", "suppress cells of fewer reports (default 10)"},
                    {"--isco-digits", "N", "occupation level for --by isco: 1 major group ... 4 unit group (default 1)"},
                    {"--origin", "ISO3", "only this country of origin"},
                    {"--destination", "ISO3", "only this country of destination"},
                    OPT_END}},
  {"country list", cmd_country_list, "", "list ISO 3166-1 countries with M49 regions",
   "country.read", CMD_DB | CMD_JSON, 0, 0, aLangOpt},
  {"esco search", cmd_esco_search, "TEXT...", "search ESCO occupations by title (ranked)",
   "esco.read", CMD_DB | CMD_JSON, 1, 32, aLimitOpt},
  {"esco show", cmd_esco_show, "ID|URI", "show an ESCO occupation with its essential and optional skills",
   "esco.read", CMD_DB | CMD_JSON, 1, 1, aNoOpt},
  {"help", cmd_help, "[COMMAND]", "show help for all commands or one command",
   NULL, CMD_JSON, 0, 3, aNoOpt},
  {"indicator compute", cmd_indicator_compute, "ID", "compute an indicator from a survey, by sex and age band or as asked",
   "indicator.read", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--survey", "NAME", "the survey to compute from"},
                    {"--by", "A,B", "breakdowns (default: the indicator's own)"},
                    {"--format", "F", "table, json, sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json (default table)"},
                    {"--publish", NULL, "also store the results as published aggregates"},
                    {"--cv-max", "C", "flag estimates with a larger coefficient of variation as unreliable (default 0.3)"},
                    {"--min-n", "N", "suppress estimates from fewer sample units (default 10)"},
                    {"--lang", "L", "language of labels: en, fr or es"},
                    OPT_END}},
  {"indicator list", cmd_indicator_list, "", "list the indicator catalogue",
   "indicator.read", CMD_DB | CMD_JSON, 0, 0, aLangOpt},
  {"init", cmd_init, "", "create a database with the schema and all reference data",
   "db.init", CMD_JSON, 0, 0,
   (const CliOpt[]){{"--force", NULL, "replace an existing database"},
                    {"--data", "DIR", "reference data directory (default: LMIS_DATA or the built-in path)"},
                    {"--admin", "USER", "also create an administrator USER with a generated password"},
                    OPT_END}},
  {"isco list", cmd_isco_list, "", "list ISCO-08 groups of one level or under one group",
   "isco.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--level", "N", "1 major, 2 sub-major, 3 minor, 4 unit (default 1)"},
                    {"--parent", "CODE", "only the groups directly under CODE"},
                    {"--lang", "L", "language of titles: en, fr or es"},
                    OPT_END}},
  {"isco search", cmd_isco_search, "TEXT...", "full-text search over ISCO-08 groups and ESCO occupations",
   "isco.read", CMD_DB | CMD_JSON, 1, 32,
   (const CliOpt[]){{"--limit", "N", "at most N results (1-100, default 20)"},
                    {"--lang", "L", "language of titles: en, fr or es"},
                    OPT_END}},
  {"isco show", cmd_isco_show, "CODE", "show an ISCO-08 group: path, definition, children, ESCO occupations",
   "isco.read", CMD_DB | CMD_JSON, 1, 1, aLangOpt},
  {"match batch", cmd_match_batch, "", "match every open seeker and write a report (JSON Lines)",
   "match.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--out", "FILE", "write one JSON line per seeker to FILE"},
                    {"--top", "K", "results per seeker (default 10)"},
                    {"--date", "YYYY-MM-DD", "as of this date (default today, or LMIS_TODAY)"},
                    {"--lang", "L", "language of the explanations: en, fr or es"},
                    OPT_END}},
  {"match seeker", cmd_match_seeker, "ID", "the best vacancies for a job seeker, with component scores and explanations",
   "match.read", CMD_DB | CMD_JSON, 1, 1, (const CliOpt[]){{"--top", "K", "the first K of the complete ranking (default 10, 0 for all)"},
                    {"--date", "YYYY-MM-DD", "as of this date (default today, or LMIS_TODAY)"},
                    {"--lang", "L", "language of the explanations: en, fr or es"},
                    OPT_END}},
  {"match vacancy", cmd_match_vacancy, "ID", "the best job seekers for a vacancy, with component scores and explanations",
   "match.read", CMD_DB | CMD_JSON, 1, 1, (const CliOpt[]){{"--top", "K", "the first K of the complete ranking (default 10, 0 for all)"},
                    {"--date", "YYYY-MM-DD", "as of this date (default today, or LMIS_TODAY)"},
                    {"--lang", "L", "language of the explanations: en, fr or es"},
                    OPT_END}},
  {"needs", cmd_needs, "", "labour market needs: open positions, available seekers, shortage or surplus",
   "needs.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--country", "CC", "only this destination country (ISO 3166-1 alpha-2)"},
                    {"--isco", "LEVEL", "ISCO-08 level of the occupation groups: 1 to 4 (default 2)"},
                    {"--date", "YYYY-MM-DD", "as of this date (default today, or LMIS_TODAY)"},
                    {"--lang", "L", "language of titles: en, fr or es"},
                    OPT_END}},
  {"notify list", cmd_notify_list, "", "the notification outbox: messages about cases, their state and errors (no addresses)",
   "notify.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--state", "S", "only queued, sent or failed messages"},
                    {"--limit", "N", "at most N messages, newest first (1-1000, default 50)"},
                    OPT_END}},
  {"notify retry", cmd_notify_retry, "ID", "queue a failed notification again, with its attempts reset",
   "notify.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"notify run", cmd_notify_run, "", "escalate overdue cases and send due notifications (email, SMS), retrying failures",
   "notify.manage", CMD_DB | CMD_WRITE | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--once", NULL, "one sweep, then exit (default: every --interval seconds until stopped)"},
                    {"--interval", "SECONDS", "time between sweeps without --once (10-86400, default 60)"},
                    OPT_END}},
  {"practice import", cmd_practice_import, "FILE.json", "import good practices (the agreement import format)",
   "agreement.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"practice list", cmd_practice_list, "", "list good practices",
   "agreement.read", CMD_DB | CMD_JSON, 0, 0, aPracticeOpt},
  {"practice search", cmd_practice_search, "TEXT...", "full-text search over good practices",
   "agreement.read", CMD_DB | CMD_JSON, 1, 32, aPracticeOpt},
  {"practice show", cmd_practice_show, "ID", "show a good practice",
   "agreement.read", CMD_DB | CMD_JSON, 1, 1, aNoOpt},
  {"ratification import", cmd_ratification_import, "FILE.json", "import ratifications (country, instrument, date, status, exclusions)",
   "agreement.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, aNoOpt},
  {"ratification list", cmd_ratification_list, "", "list ratifications of the migrant worker and social security instruments",
   "agreement.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--country", "ISO", "one country"}, {"--instrument", "CODE", "one instrument (C097, C143, C189, ICMW, ...)"},
                    {"--lang", "L", "language of names: en, fr or es"}, OPT_END}},
  {"review list", cmd_review_list, "", "list reviews of agencies and employers (default: pending moderation; audited)",
   "review.moderate", CMD_DB | CMD_WRITE | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--status", "S", "pending, published or rejected (default pending)"},
                    {"--agency", "LICENCE", "only reviews of this agency"},
                    {"--country", "ISO3", "the agency's issuing country"},
                    {"--limit", "N", "at most N reviews (1-1000, default 50)"},
                    OPT_END}},
  {"review moderate", cmd_review_moderate, "ID", "publish or reject a pending review (audited)",
   "review.moderate", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--publish", NULL, "publish the review"},
                    {"--reject", NULL, "reject it"},
                    {"--note", "TEXT", "the moderator's note (kept, never published)"},
                    OPT_END}},
  {"sdmx export", cmd_sdmx_export, "FLOW", "export published aggregates of a dataflow as SDMX",
   "sdmx.read", CMD_DB, 1, 1,
   (const CliOpt[]){{"--key", "KEY", "series key: dimension codes joined by '.', empty for all, '+' for or"},
                    {"--format", "F", "sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json (default sdmx-csv)"},
                    OPT_END}},
  {"sdmx import", cmd_sdmx_import, "FILE", "import SDMX-CSV (1.0 or 2.0) aggregates published elsewhere",
   "aggregate.import", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--dataflow", "ID", "dataflow to file them under when the file does not say"}, OPT_END}},
  {"sdmx structure", cmd_sdmx_structure, "", "print the lmis data structure definition and codelists as SDMX-ML 2.1",
   "sdmx.read", CMD_DB, 0, 0,
   (const CliOpt[]){{"--xsd", NULL, "print the structure-specific XML schema of the lmis DSD instead"}, OPT_END}},
  {"seeker export", cmd_seeker_export, "", "export job seekers as JSON Lines or CSV (the import format)",
   "seeker.manage", CMD_DB, 0, 0, (const CliOpt[]){{"--format", "F", "jsonl or csv (default jsonl)"}, {"--out", "FILE", "write to FILE instead of standard output"}, OPT_END}},
  {"seeker import", cmd_seeker_import, "FILE", "import job seekers from JSON Lines or CSV (all or nothing; refs replace)",
   "seeker.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, (const CliOpt[]){{"--format", "F", "jsonl or csv (default: by extension, .csv is CSV)"}, OPT_END}},
  {"seeker list", cmd_seeker_list, "", "list job seekers",
   "seeker.manage", CMD_DB | CMD_JSON, 0, 0, (const CliOpt[]){{"--country", "CC", "only this destination country (ISO 3166-1 alpha-2)"},
                    {"--isco", "CODE", "only under this ISCO-08 group"},
                    {"--limit", "N", "at most N (default 50, 0 for all)"},
                    {"--offset", "N", "skip the first N"},
                    OPT_END}},
  {"seeker show", cmd_seeker_show, "ID", "show a job seeker's profile",
   "seeker.manage", CMD_DB | CMD_JSON, 1, 1, aLangOpt},
  {"serve", cmd_serve, "", "serve the web application and JSON API",
   "server.run", CMD_DB, 0, 0,
   (const CliOpt[]){{"--port", "N", "TCP port (default 8080; 0 picks a free port)"},
                    {"--bind", "ADDR", "address to listen on (default 127.0.0.1)"},
                    {"--threads", "N", "worker threads (default 4)"},
                    {"--access-log", "FILE", "append one line per request to FILE (- for stderr)"},
                    {"--max-body", "BYTES", "largest request body accepted (default 1048576)"},
                    {"--secure-cookies", NULL, "mark cookies Secure (when served behind TLS)"},
                    {"--notify-interval", "SECONDS", "escalate cases and send notifications every SECONDS (default 60, 0: never)"},
                    OPT_END}},
  {"socsec compute", cmd_socsec_compute, "FILE.json", "compute old-age, invalidity or survivors' pensions across countries, step by step",
   "socsec.compute", CMD_DB | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--benefit", "B", "old_age (default), invalidity or survivors: sets the type of the file's \"benefit\""},
                    {"--lang", "L", "language of the explanation: en, fr or es"},
                    OPT_END}},
  {"socsec instruments", cmd_socsec_instruments, "", "list the social security coordination instruments configured",
   "socsec.read", CMD_DB | CMD_JSON, 0, 0, aLangOpt},
  {"socsec schemes", cmd_socsec_schemes, "", "list the national pension schemes configured (old age, invalidity, survivors)",
   "socsec.read", CMD_DB | CMD_JSON, 0, 0, aLangOpt},
  {"survey drop", cmd_survey_drop, "NAME", "delete a survey and its microdata",
   "survey.manage", CMD_DB | CMD_WRITE, 1, 1, aNoOpt},
  {"survey estimate", cmd_survey_estimate, "NAME", "estimate a total, mean, ratio or quantile with its standard error",
   "survey.estimate", CMD_DB | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--stat", "S", "total, mean, ratio or quantile"},
                    {"--var", "X", "variable (name or concept); X=code for an indicator of one level"},
                    {"--den", "Y", "denominator of a ratio (name, concept or Y=code)"},
                    {"--q", "P", "quantile, between 0 and 1 (default 0.5)"},
                    {"--by", "A,B", "domains: one row per combination of levels"},
                    {"--where", "A=code,B=code", "restrict to a domain (the design is kept whole)"},
                    {"--conf", "L", "confidence level (default 0.95)"},
                    {"--cv-max", "C", "flag estimates with a larger coefficient of variation as unreliable (default 0.3)"},
                    {"--min-n", "N", "suppress estimates from fewer sample units (default 10)"},
                    {"--batch", "FILE", "a JSON array of estimates ({stat, var, den, q, by, where, ...}) in one run"},
                    OPT_END}},
  {"survey import", cmd_survey_import, "NAME DATA.csv", "import survey microdata with a codebook (all or nothing)",
   "survey.import", CMD_DB | CMD_WRITE | CMD_JSON, 2, 2,
   (const CliOpt[]){{"--codebook", "FILE", "the codebook (JSON): design, variables, concepts, code maps"}, OPT_END}},
  {"survey list", cmd_survey_list, "", "list imported surveys",
   "survey.read", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"survey show", cmd_survey_show, "NAME", "show a survey's design and columns",
   "survey.read", CMD_DB | CMD_JSON, 1, 1, aNoOpt},
  {"token create", cmd_token_create, "USER", "create an API bearer token for USER (printed once)",
   "token.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--name", "NAME", "what the token is for (default \"api\")"}, OPT_END}},
  {"token list", cmd_token_list, "", "list API tokens (never their values)",
   "token.manage", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"token revoke", cmd_token_revoke, "ID", "revoke an API token",
   "token.manage", CMD_DB | CMD_WRITE, 1, 1, aNoOpt},
  {"user add", cmd_user_add, "USER", "create an account",
   "account.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--role", "ROLE", "migrant, employment_officer, statistician, labour_inspector, "
                                       "recruitment_regulator, social_partner, immigration_officer or admin"},
                    {"--name", "TEXT", "display name"},
                    {"--password-stdin", NULL, "read the password from standard input"},
                    {"--email", "ADDRESS", "where case notifications go (labour inspectors, administrators)"},
                    OPT_END}},
  {"user disable", cmd_user_disable, "USER", "disable an account and end its sessions and tokens",
   "account.manage", CMD_DB | CMD_WRITE, 1, 1, aNoOpt},
  {"user email", cmd_user_email, "USER [ADDRESS]", "set the email an account gets case notifications at (none: clear it)",
   "account.manage", CMD_DB | CMD_WRITE, 1, 2, aNoOpt},
  {"user list", cmd_user_list, "", "list accounts",
   "account.manage", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"user passwd", cmd_user_passwd, "USER", "set a new password for an account",
   "account.manage", CMD_DB | CMD_WRITE, 1, 1,
   (const CliOpt[]){{"--password-stdin", NULL, "read the password from standard input"}, OPT_END}},
  {"vacancy export", cmd_vacancy_export, "", "export vacancies as JSON Lines or CSV (the import format)",
   "vacancy.manage", CMD_DB, 0, 0, (const CliOpt[]){{"--format", "F", "jsonl or csv (default jsonl)"}, {"--out", "FILE", "write to FILE instead of standard output"}, OPT_END}},
  {"vacancy import", cmd_vacancy_import, "FILE", "import vacancies from JSON Lines or CSV (all or nothing; refs replace)",
   "vacancy.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1, (const CliOpt[]){{"--format", "F", "jsonl or csv (default: by extension, .csv is CSV)"}, OPT_END}},
  {"vacancy list", cmd_vacancy_list, "", "list vacancies",
   "vacancy.manage", CMD_DB | CMD_JSON, 0, 0, (const CliOpt[]){{"--country", "CC", "only this destination country (ISO 3166-1 alpha-2)"},
                    {"--isco", "CODE", "only under this ISCO-08 group"},
                    {"--limit", "N", "at most N (default 50, 0 for all)"},
                    {"--offset", "N", "skip the first N"},
                    OPT_END}},
  {"vacancy show", cmd_vacancy_show, "ID", "show a vacancy",
   "vacancy.manage", CMD_DB | CMD_JSON, 1, 1, aLangOpt},
  {"version", cmd_version, "", "print the version of lmis and of its libraries",
   NULL, CMD_JSON, 0, 0, aNoOpt},
};

static const CliOpt aGlobalOpt[] = {
  {"--db", "PATH", "database file (default: LMIS_DB or ./lmis.db)"},
  {"--json", NULL, "print machine-readable JSON"},
  {"--help", NULL, "show help for the command"},
  OPT_END,
};

const CliCommand *cli_commands(int *pn) {
  *pn = (int)COUNT(aCommand);
  return aCommand;
}

const char *cli_opt(CliCtx *c, const char *zName) {
  for (int i = 0; i < c->nOpt; i++)
    if (strcmp(c->azOptName[i], zName) == 0) return c->azOptVal[i];
  return NULL;
}

bool cli_flag(CliCtx *c, const char *zName) { return cli_opt(c, zName) != NULL; }

int cli_opt_int(CliCtx *c, const char *zName, long long lo, long long hi, long long iDefault, long long *pOut) {
  const char *z = cli_opt(c, zName);
  *pOut = iDefault;
  if (!z) return 0;
  if (parse_int(z, lo, hi, pOut)) {
    err_set(&c->err, ERR_USAGE, "%s: %s must be a whole number from %lld to %lld, not \"%s\"",
            c->pCmd->zName, zName, lo, hi, z);
    return -1;
  }
  return 0;
}

const char *cli_str_or(json_t *o, const char *zKey, const char *zDefault) {
  const char *z = json_string_value(json_object_get(o, zKey));
  return z ? z : zDefault;
}

void cli_put_time(FILE *out, json_t *v) {
  char z[32];
  fputs(json_is_integer(v) ? utc_minute((int64_t)json_integer_value(v), z) : "-", out);
}

int cli_print_json(CliCtx *c, json_t *j) {
  int rc = json_dumpf(j, c->out, JSON_INDENT(2));
  fputc('\n', c->out);
  json_decref(j);
  return rc == 0 ? 0 : err_set(&c->err, ERR_IO, "could not write output");
}

/* ---- progress bar ---- */

struct Progress {
  const char *zLabel;
  long long nTotal;
  struct timespec last;
};

Progress *progress_start(const char *zLabel, long long nTotal) {
  if (!isatty(STDERR_FILENO) || getenv("LMIS_NO_PROGRESS")) return NULL;
  Progress *p = xcalloc(1, sizeof(*p));
  p->zLabel = zLabel;
  p->nTotal = nTotal;
  progress_update(p, 0);
  return p;
}

void progress_update(Progress *p, long long nDone) {
  struct timespec now;
  if (!p) return;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
  if (nDone != 0 && nDone < p->nTotal && ms < 100) return;
  p->last = now;
  int pct = p->nTotal > 0 ? (int)(nDone * 100 / p->nTotal) : 0;
  if (pct > 100) pct = 100;
  char aBar[31];
  int nFill = pct * 30 / 100;
  memset(aBar, '#', (size_t)nFill);
  memset(aBar + nFill, '.', (size_t)(30 - nFill));
  aBar[30] = 0;
  fprintf(stderr, "\r%-28.28s [%s] %3d%%", p->zLabel, aBar, pct);
  fflush(stderr);
}

void progress_end(Progress *p) {
  if (!p) return;
  progress_update(p, p->nTotal);
  fputc('\n', stderr);
  free(p);
}

/* ---- dispatcher ---- */

static const CliOpt *find_opt(const CliOpt *a, const char *zName) {
  for (; a && a->zName; a++)
    if (strcmp(a->zName, zName) == 0) return a;
  return NULL;
}

/* Match the longest command name formed by the leading non-option words. */
static const CliCommand *find_command(int argc, char **argv, int *pnWords) {
  const CliCommand *pBest = NULL;
  for (size_t i = 0; i < COUNT(aCommand); i++) {
    const char *zName = aCommand[i].zName;
    int nWords = 0, k = 0;
    const char *z = zName;
    bool bMatch = true;
    while (*z) {
      size_t n = strcspn(z, " ");
      if (k >= argc || strlen(argv[k]) != n || strncmp(argv[k], z, n) != 0) { bMatch = false; break; }
      nWords++;
      k++;
      z += n;
      if (*z == ' ') z++;
    }
    if (bMatch && (!pBest || nWords > *pnWords)) {
      pBest = &aCommand[i];
      *pnWords = nWords;
    }
  }
  return pBest;
}

void cli_usage(FILE *f, const CliCommand *p);
void cli_usage(FILE *f, const CliCommand *p) {
  fprintf(f, "usage: lmis %s%s%s [options]\n\n%s\n", p->zName, *p->zArgs ? " " : "", p->zArgs, p->zHelp);
  fprintf(f, "\noptions:\n");
  for (const CliOpt *o = p->aOpt; o && o->zName; o++)
    fprintf(f, "  %s%s%-*s %s\n", o->zName, o->zArg ? " " : "", (int)(20 - strlen(o->zName)),
            o->zArg ? o->zArg : "", o->zHelp);
  for (const CliOpt *o = aGlobalOpt; o->zName; o++) {
    if (strcmp(o->zName, "--json") == 0 && !(p->flags & CMD_JSON)) continue;
    if (strcmp(o->zName, "--db") == 0 && !(p->flags & CMD_DB) && strcmp(p->zName, "init") != 0) continue;
    fprintf(f, "  %s%s%-*s %s\n", o->zName, o->zArg ? " " : "", (int)(20 - strlen(o->zName)),
            o->zArg ? o->zArg : "", o->zHelp);
  }
}

/* List the subcommands of a group word such as "user". */
static int group_usage(FILE *f, const char *zWord) {
  size_t n = strlen(zWord);
  int nFound = 0;
  for (size_t i = 0; i < COUNT(aCommand); i++) {
    if (strncmp(aCommand[i].zName, zWord, n) == 0 && aCommand[i].zName[n] == ' ') {
      if (!nFound) fprintf(f, "usage: lmis %s SUBCOMMAND ...\n\nsubcommands:\n", zWord);
      fprintf(f, "  %-14s %s\n", aCommand[i].zName + n + 1, aCommand[i].zHelp);
      nFound++;
    }
  }
  return nFound;
}

void cli_help_all(FILE *f);
void cli_help_all(FILE *f) {
  fprintf(f, "lmis: labour migration information system\n\nusage: lmis COMMAND [ARGS] [options]\n\ncommands:\n");
  for (size_t i = 0; i < COUNT(aCommand); i++) {
    char zUse[64];
    snprintf(zUse, sizeof zUse, "%s %s", aCommand[i].zName, aCommand[i].zArgs);
    /* A long usage gets a line of its own so the descriptions stay in one column. */
    if (strlen(zUse) > 26) fprintf(f, "  %s\n  %-26s %s\n", zUse, "", aCommand[i].zHelp);
    else fprintf(f, "  %-26s %s\n", zUse, aCommand[i].zHelp);
  }
  fprintf(f, "\n`lmis help COMMAND` or `lmis COMMAND --help` shows a command's options.\n"
             "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* Help for "help WORDS...": used by cmd_help. Returns 0 or -1 if unknown. */
int cli_help_for(FILE *f, int nWord, char **azWord);
int cli_help_for(FILE *f, int nWord, char **azWord) {
  int nUsed = 0;
  const CliCommand *p = find_command(nWord, azWord, &nUsed);
  if (p && nUsed == nWord) {
    cli_usage(f, p);
    return 0;
  }
  if (nWord == 1 && group_usage(f, azWord[0])) return 0;
  return -1;
}

static int usage_error(CliCtx *c, const CliCommand *p, const char *zFmt, const char *zArg) {
  char zMsg[256];
  snprintf(zMsg, sizeof zMsg, zFmt, zArg);
  err_set(&c->err, ERR_USAGE, "%s: %s", p ? p->zName : "lmis", zMsg);
  err_hint(&c->err, "see `lmis help%s%s`", p ? " " : "", p ? p->zName : "");
  return -1;
}

static int dispatch(CliCtx *c, int argc, char **argv) {
  int nWords = 0;
  const CliCommand *p;
  if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
    cli_help_all(stdout);
    return argc < 1 ? err_set(&c->err, ERR_USAGE, "no command given") : 0;
  }
  if (strcmp(argv[0], "--version") == 0) argv[0] = "version";
  p = find_command(argc, argv, &nWords);
  if (!p) {
    /* "lmis user" alone, "lmis user --help", or a typo. */
    bool bHelp = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    if (group_usage(bHelp ? stdout : stderr, argv[0])) {
      if (bHelp) return 0;
      err_set(&c->err, ERR_USAGE, "%s: missing or unknown subcommand%s%s", argv[0], argc > 1 ? " " : "",
              argc > 1 ? argv[1] : "");
      return -1;
    }
    err_set(&c->err, ERR_USAGE, "unknown command \"%s\"", argv[0]);
    err_hint(&c->err, "`lmis help` lists the commands");
    return -1;
  }
  c->pCmd = p;
  c->azArg = xcalloc((size_t)argc + 1, sizeof(char *));
  bool bOptsDone = false;
  for (int i = nWords; i < argc; i++) {
    char *zA = argv[i];
    if (!bOptsDone && strcmp(zA, "--") == 0) { bOptsDone = true; continue; }
    if (!bOptsDone && zA[0] == '-' && zA[1] != 0 && !(zA[1] >= '0' && zA[1] <= '9')) {
      char zName[64];
      const char *zVal = NULL;
      const char *zEq = strchr(zA, '=');
      size_t n = zEq ? (size_t)(zEq - zA) : strlen(zA);
      if (n >= sizeof zName) return usage_error(c, p, "unknown option %s", zA);
      memcpy(zName, zA, n);
      zName[n] = 0;
      if (strcmp(zName, "-h") == 0) snprintf(zName, sizeof zName, "%s", "--help");
      const CliOpt *o = find_opt(p->aOpt, zName);
      if (!o) o = find_opt(aGlobalOpt, zName);
      if (!o || (strcmp(zName, "--json") == 0 && !(p->flags & CMD_JSON)))
        return usage_error(c, p, "unknown option %s", zName);
      if (strcmp(zName, "--help") == 0) {
        cli_usage(stdout, p);
        c->pCmd = NULL; /* handled */
        return 0;
      }
      if (o->zArg) {
        if (zEq) zVal = zEq + 1;
        else if (i + 1 < argc) zVal = argv[++i];
        else return usage_error(c, p, "option %s needs a value", zName);
      } else if (zEq) {
        return usage_error(c, p, "option %s takes no value", zName);
      } else {
        zVal = "";
      }
      if (strcmp(zName, "--db") == 0) c->zDb = zVal;
      else if (strcmp(zName, "--json") == 0) c->bJson = true;
      else {
        if (strcmp(zName, "--lang") == 0 && !i18n_supported(zVal))
          return usage_error(c, p, "unsupported language \"%s\" (en, fr or es)", zVal);
        if (c->nOpt >= (int)COUNT(c->azOptName)) return usage_error(c, p, "too many options%s", "");
        c->azOptName[c->nOpt] = o->zName;
        c->azOptVal[c->nOpt] = zVal;
        c->nOpt++;
        if (strcmp(zName, "--lang") == 0) c->zLang = zVal;
      }
      continue;
    }
    c->azArg[c->nArg++] = zA;
  }
  if (c->nArg < p->nArgMin) return usage_error(c, p, "missing argument %s", p->zArgs);
  if (c->nArg > p->nArgMax) return usage_error(c, p, "unexpected argument \"%s\"", c->azArg[p->nArgMax]);
  if (p->flags & CMD_DB) {
    /* LMIS_TOKEN makes the CLI act as that token's account (e.g. a labour
    ** inspector working on cases) instead of the local operator; the policy
    ** then decides for that account's role, as over HTTP. */
    const char *zToken = getenv("LMIS_TOKEN");
    if (zToken && zToken[0]) {
      if (store_open(c->zDb, STORE_READWRITE, &c->store, &c->err)) return -1;
      if (auth_token(c->store, zToken, &c->who, &c->err)) {
        err_hint(&c->err, "LMIS_TOKEN must be a valid API token (lmis token create); unset it to act as the operator");
        return -1;
      }
    }
  }
  if (p->zAction && policy_check(p->zAction, &c->who, &c->err)) {
    if (c->who.accountId == 0 && c->err.code == ERR_FORBIDDEN)
      err_hint(&c->err, "this command acts for an account: set LMIS_TOKEN to its API token (lmis token create USER)");
    return -1;
  }
  if ((p->flags & CMD_DB) && !c->store) {
    if (store_open(c->zDb, STORE_READWRITE, &c->store, &c->err)) return -1;
  }
  return p->xRun(c);
}

int cli_main(int argc, char **argv) {
  CliCtx c;
  int rc;
  memset(&c, 0, sizeof c);
  c.out = stdout;
  c.zDb = getenv("LMIS_DB");
  if (!c.zDb || !*c.zDb) c.zDb = "lmis.db";
  c.zLang = getenv("LMIS_LANG");
  if (!c.zLang || !i18n_supported(c.zLang)) c.zLang = "en";
  /* The CLI is run by whoever operates the machine and holds the database file:
  ** it acts as a local administrator, and the policy table still decides. */
  c.who.role = ROLE_ADMIN;
  snprintf(c.who.zUsername, sizeof c.who.zUsername, "%s", "cli");
  rc = dispatch(&c, argc - 1, argv + 1);
  if (rc) {
    const char *zCmd = c.pCmd ? c.pCmd->zName : NULL;
    /* Messages read "lmis: <command>: <why>". */
    if (zCmd && c.err.zMsg && !str_startswith(c.err.zMsg, zCmd)) {
      char *z = xasprintf("%s: %s", zCmd, c.err.zMsg);
      free(c.err.zMsg);
      c.err.zMsg = z;
    }
    err_print(&c.err);
    rc = err_exit_code(c.err.code ? c.err.code : ERR_INTERNAL);
  }
  fflush(stdout);
  if (ferror(stdout) && !rc) rc = 1;
  store_close(c.store);
  err_clear(&c.err);
  free(c.azArg);
  return rc;
}
