/*
** socsec.h: social security coordination. Totalization of insurance periods
** across the countries of an agreement and pro-rata old-age pensions, EU
** Regulation 883/2004 Article 52 style, with the rules of the instrument
** (MERCOSUR: a country with less than 12 months pays nothing, Art. 7.2).
**
** Configuration (national schemes, instruments) is data: data/socsec/ (*.json),
** checked and stored at `lmis init` (socsec_load_dir), or given inline in a
** worker's file. docs/socsec.md states every formula and rounding rule.
**
** Money is int64 minor units (cents); rates are integer basis points; every
** division rounds half up to the minor unit at the points the docs name. No
** binary floating point touches an amount.
**
** Ownership: parse functions fill caller-owned structs (fixed-size fields, no
** heap) except SsRecord, released with socsec_record_free, and SsResult,
** released with socsec_result_free. json_t values returned are new references
** the caller owns. Err messages name the JSON pointer (Err.zWhere: "/periods/2/from",
** or "FILE#/schemes/0/qualifying_period" for data files).
*/
#ifndef LMIS_SOCSEC_H
#define LMIS_SOCSEC_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "err.h"
#include "store.h"
#include "util.h"

#define SS_NAME_MAX 200
#define SS_MAX_AGE_RULES 16
#define SS_MAX_MEMBERS 32
#define SS_MAX_PERIODS 200
#define SS_MAX_COUNTRIES 32
#define SS_MAX_INLINE 16
#define SS_MAX_STEPS 40
#define SS_MAX_BANDS 8
#define SS_MAX_CHILDREN 10

typedef enum SsUnit { SS_UNIT_MONTHS = 0, SS_UNIT_WEEKS, SS_UNIT_DAYS } SsUnit;
typedef enum SsFormula { SS_FLAT = 0, SS_EARNINGS } SsFormula;
typedef enum SsKind { SS_CREDITED = 1, SS_VOLUNTARY = 2, SS_CONTRIBUTION = 3 } SsKind; /* value = priority */
typedef enum SsThird { SS_THIRD_NEVER = 0, SS_THIRD_IF_NEEDED, SS_THIRD_ALWAYS } SsThird;
typedef enum SsBefore { SS_BEFORE_ALWAYS = 0, SS_BEFORE_NEVER, SS_BEFORE_IF_LATER } SsBefore;
typedef enum SsPayable { SS_PAY_HIGHER = 0, SS_PAY_PRORATA } SsPayable;

/* Pensionable age for one sex ('F', 'M', or 0 for both) and birth years [bornFrom, bornTo]. */
typedef struct SsAgeRule {
  char cSex;
  int bornFrom, bornTo;
  int years, months;
} SsAgeRule;

/* The benefit asked for (docs/socsec.md "Invalidity" and "Survivors"). */
typedef enum SsBenefit { SS_BEN_OLD_AGE = 0, SS_BEN_INVALIDITY, SS_BEN_SURVIVORS } SsBenefit;
typedef enum SsInvFormula { SS_INVF_OLD_AGE = 0, SS_INVF_EARNINGS_PERCENT, SS_INVF_FLAT } SsInvFormula;

/* A degree band: from minDegree percent of incapacity, percent of the full rate is paid. */
typedef struct SsBand {
  int minDegree;
  int percent;
} SsBand;

/* Invalidity rules of a scheme (optional "invalidity" object). Type A: the amount does
** not depend on the insurance periods (EU Reg. 883/2004 Art. 44(1), Annex VI). */
typedef struct SsInvalidity {
  bool bPresent;
  bool bTypeA;
  int64_t nQualifying;          /* in the scheme's unit */
  int minDegree;                /* percent; default 50 */
  SsInvFormula formula;
  int64_t nRateBp;              /* earnings_percent: basis points of reference earnings */
  int64_t iAmount;              /* flat: monthly amount (minor units) */
  bool bProjection;             /* periods from the onset to pensionable age are credited */
  int64_t iMinimum;             /* minimum full-rate amount, 0 = none */
  SsBand aBand[SS_MAX_BANDS];   /* ascending minDegree; default one band {minDegree, 100} */
  int nBand;
} SsInvalidity;

/* Survivors' rules of a scheme (optional "survivors" object). Shares in basis points
** of the deceased's pension (the "basis"). */
typedef struct SsSurvRules {
  bool bPresent;
  int64_t nQualifying;          /* deceased's periods needed; default the old-age qualifying period */
  bool bInvalidityBasis;        /* basis: the full invalidity pension (else the old-age formula) */
  int spouseBp, childBp, orphanBp, maxBp;
  int childAgeLimit;            /* a child gets a share when younger than this at the death */
  int spouseMinAge;             /* years at the death, 0 = no condition */
  int marriageMinYears;         /* 0 = no condition */
} SsSurvRules;

/* A national old-age scheme. Names: [0] en, [1] fr, [2] es ("" = use English). */
typedef struct SsScheme {
  char zId[64];
  char zCountry[4];             /* ISO 3166-1 alpha-3, or a user-assigned code (XAA..XZZ) */
  char azName[3][SS_NAME_MAX];
  bool bIllustrative;           /* invented parameters for examples, not a country's law */
  char zCurrency[4];
  int nDecimals;                /* digits of the minor unit (2 for cents) */
  SsUnit unit;                  /* how the scheme counts periods */
  int64_t nQualifying;          /* qualifying period, in unit */
  SsAgeRule aAge[SS_MAX_AGE_RULES];
  int nAge;
  SsFormula formula;
  int64_t iFullAmount;          /* flat: monthly amount for nFullPeriod units (minor units) */
  int64_t nFullPeriod;          /* flat: units for the full amount; 0 = the same for any period */
  int64_t nAccrualBp;           /* earnings: basis points of reference earnings per accrual step */
  int64_t nAccrualPer;          /* earnings: units per accrual step (12 months = one year) */
  int64_t nMaxPeriod;           /* earnings: units credited at most (0 = no cap) */
  int64_t iMinimum;             /* minimum pension (minor units), 0 = none */
  char zSource[SS_NAME_MAX];
  SsInvalidity inv;             /* inv.bPresent: the scheme pays invalidity pensions */
  SsSurvRules surv;             /* surv.bPresent: the scheme pays survivors' pensions */
} SsScheme;

enum { SS_BRANCH_OLD_AGE = 1, SS_BRANCH_INVALIDITY = 2, SS_BRANCH_SURVIVORS = 4 };

/* A coordination instrument (bilateral or multilateral agreement). */
typedef struct SsInstrument {
  char zId[64];
  char azName[3][SS_NAME_MAX];
  char zKind[16];               /* "bilateral" or "multilateral" */
  bool bIllustrative;
  char aMember[SS_MAX_MEMBERS][4];
  int nMember;
  unsigned branches;            /* SS_BRANCH_* */
  char zSigned[11], zInForce[11];  /* YYYY-MM-DD, "" when unknown */
  bool bTotalization;
  int nMinMonths;               /* below this a country pays nothing (0 = no such rule) */
  SsThird third;
  SsBefore before;
  SsPayable payable;
  char zSource[SS_NAME_MAX];
} SsInstrument;

typedef struct SsPeriod {
  char zCountry[4];
  int32_t from, to;             /* day numbers (days since 1970-01-01), inclusive */
  SsKind kind;
} SsPeriod;

/* A worker's record, as parsed from the input JSON (docs/socsec.md). */
typedef struct SsRecord {
  int birthYear;
  char cSex;                    /* 'F' or 'M' */
  char zInstrument[64];         /* "" = no instrument: each country alone */
  SsPeriod aPeriod[SS_MAX_PERIODS];
  int nPeriod;
  char aEarnCountry[SS_MAX_COUNTRIES][4];
  int64_t aEarn[SS_MAX_COUNTRIES];   /* reference monthly earnings, minor units */
  int nEarn;
  SsScheme *aScheme;            /* inline schemes (override the configured ones) */
  int nScheme;
  SsInstrument *aInstr;         /* inline instruments */
  int nInstr;
  SsBenefit benefit;            /* "benefit": old_age (default), invalidity or survivors */
  int32_t onset;                /* invalidity: day of the onset */
  int degree;                   /* invalidity: degree of incapacity, percent */
  char zOnsetState[4];          /* invalidity: state whose legislation applied at the onset ("" = inferred) */
  int32_t death;                /* survivors: day of the insured person's death */
  bool bSpouse;                 /* survivors: a surviving spouse */
  int spouseAge;                /* whole years at the death, -1 unknown */
  int marriedYears;             /* whole years married at the death, -1 unknown */
  int aChildAge[SS_MAX_CHILDREN];   /* whole years at the death */
  bool aChildOrphan[SS_MAX_CHILDREN];  /* full orphan: no parent left */
  int nChild;
} SsRecord;

typedef struct SsStep {
  const char *zCode;            /* static: "periods", "independent_right", ... */
  char *zText;                  /* owned */
} SsStep;

/* One survivor's share in a country's result. */
typedef struct SsShare {
  char cWho;                    /* 's' spouse, 'c' child */
  int iChild;                   /* 1-based child number */
  int age;                      /* -1 unknown */
  bool bEntitled;
  int bp;                       /* share in basis points before any cap */
  int64_t i;                    /* amount, minor units */
} SsShare;

typedef struct SsCountryResult {
  char zCountry[4];
  bool bMember;                 /* party to the instrument (or the only basis, without one) */
  bool bThird;                  /* third country: counted (or not), pays nothing here */
  bool bThirdCounted;
  SsScheme scheme;              /* valid when !bThird */
  int64_t nDays;                /* days kept after overlaps */
  int64_t nWholeMonths, nRestDays;
  int64_t nOwn;                 /* own periods, scheme unit (national law) */
  int64_t nOwnMonths;           /* own periods in months (instrument minimum) */
  int64_t nOwnTotalized;        /* own periods that count in totalization, scheme unit */
  int64_t nOthers;              /* other members' periods, scheme unit */
  int64_t nThirdUnits;          /* third-country periods counted, scheme unit */
  int64_t nTotal;               /* all totalized periods, scheme unit */
  int64_t iEarnings;            /* reference earnings used (earnings formula) */
  bool bIndependentRight;
  int64_t iIndependent;
  bool bTotalRight;
  int64_t iTheoretical;
  int64_t iProRata;
  bool bBelowMinimum;
  int64_t iPayable;
  const char *zBasis;           /* "independent", "pro_rata", "none", "below_minimum" */
  int ageYears, ageMonths, pensionYear;
  /* invalidity and survivors */
  int64_t nProjected;           /* units credited from the risk to pensionable age */
  bool bDegreeMet;
  int bandPercent;              /* percent of the full rate for the degree */
  bool bTypeA;
  int64_t iDeceased;            /* survivors: the deceased's pension the shares are based on */
  SsShare aShare[SS_MAX_CHILDREN + 1];
  int nShare;
  SsStep aStep[SS_MAX_STEPS];
  int nStep;
} SsCountryResult;

typedef struct SsTotal {
  char zCurrency[4];
  int nDecimals;
  int64_t i;
} SsTotal;

typedef struct SsResult {
  bool bInstrument;
  SsInstrument instr;
  SsCountryResult aCountry[SS_MAX_COUNTRIES];
  int nCountry;
  char **azOverlap;             /* owned texts, one per overlap resolved */
  int nOverlap;
  SsTotal aTotal[SS_MAX_COUNTRIES];
  int nTotal;
  char *zSummary;               /* owned */
  SsBenefit benefit;
  int32_t iRiskDay;             /* onset or death (day number); 0 for old age */
  int degree;
  char zOnsetState[4];          /* invalidity: the state at the onset (given or inferred) */
  bool bOnsetInferred;
  const char *zInvRule;         /* "art_44_2" (only type A), "art_46_1" (pro-rata), "national" */
  char **azNote;                /* owned texts: periods after the risk, the invalidity rule */
  int nNote;
} SsResult;

/* Parse one scheme/instrument object. zFile (may be NULL) and zPtr name it in errors. */
int socsec_scheme_parse(json_t *j, const char *zFile, const char *zPtr, SsScheme *p, Err *e);
int socsec_instrument_parse(json_t *j, const char *zFile, const char *zPtr, SsInstrument *p, Err *e);
/* Parse a worker's record (the compute input). p is filled; release with socsec_record_free
** even after a failure. */
int socsec_record_parse(json_t *j, SsRecord *p, Err *e);
void socsec_record_free(SsRecord *p);

/* Compute with an already resolved instrument (NULL: none) and schemes (one per
** country of the record that pays; third countries need none). Steps are written in
** zLang. socsec_result_free(pRes) after success or failure. */
int socsec_compute(const SsRecord *pRec, const SsInstrument *pInstr, const SsScheme *aScheme, int nScheme,
                   const char *zLang, SsResult *pRes, Err *e);
void socsec_result_free(SsResult *pRes);

/* Parse input j, look up the instrument and schemes (inline first, then the store;
** s may be NULL to use inline ones only) and compute. */
int socsec_compute_input(Store *s, json_t *j, const char *zLang, SsResult *pRes, Err *e);

/* The result as JSON (every step with its figures) / as text for people. */
json_t *socsec_result_json(const SsResult *pRes);
/* Append the human-readable explanation to b (util.h Buf). */
void socsec_result_text(const SsResult *pRes, const char *zLang, Buf *b);

/* "1234.50" for 123450 minor units with 2 decimals, into z (at least 32 bytes). */
void socsec_money(int64_t i, int nDecimals, char *z, size_t n);
/* a*b/c rounded half up (a, b, c >= 0, c > 0); -1 on overflow of int64. */
int64_t socsec_muldiv(int64_t a, int64_t b, int64_t c);
/* Year, month and day of a day number (days since 1970-01-01). */
void socsec_date_parts(int64_t iDay, int *pY, int *pM, int *pD);
/* Day number of a "YYYY-MM-DD" date in 1900..2100, or INT32_MIN when invalid. */
int32_t socsec_day(const char *z);
/* Periods between day numbers [from, to] in unit, as lmis counts them (docs/socsec.md):
** whole calendar months plus leftover days at 30 per month; weeks = days / 7. */
int64_t socsec_units(SsUnit unit, int64_t nWholeMonths, int64_t nRestDays, int64_t nDays);

/* Load data/socsec/ (*.json) (zDataDir/socsec) into the store, inside the caller's
** transaction. *pn = schemes + instruments loaded. Errors name file and pointer. */
int socsec_load_dir(Store *s, const char *zDataDir, long *pn, Err *e);
/* Configured schemes / instruments as a JSON array (names in zLang). NULL with e set. */
json_t *socsec_schemes_json(Store *s, const char *zLang, Err *e);
json_t *socsec_instruments_json(Store *s, const char *zLang, Err *e);
/* Look one up in the store: 1 found, 0 not, -1 error. */
int socsec_scheme_find(Store *s, const char *zCountry, SsScheme *p, Err *e);
int socsec_instrument_find(Store *s, const char *zId, SsInstrument *p, Err *e);

/* The name in zLang (falls back to English). */
const char *socsec_name(const char (*azName)[SS_NAME_MAX], const char *zLang);

#endif
