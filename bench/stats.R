# bench/stats.R: R survey's side of bench/stats.sh. Computes the benchmark's five
# statistics by sex x migrant status x age band (working-age persons) with svyby,
# from the same CSV and codebook that lmis imports.
#
#   Rscript bench/stats.R DATA.csv CODEBOOK.json OUT.csv
#
# The codebook is applied as `lmis survey import` applies it (docs/survey-import.md):
# the global and per-variable missing codes, each variable's map (null = missing),
# and lmis's derived columns (src/survey.c compute_derived): age_band, working_age,
# migrant (foreign-born; where birthplace is missing, foreign citizen, against the
# survey's ref_area), in_labour_force. The design is the codebook's: svydesign(ids=~psu,
# strata=~strata, weights=~weight, fpc=~fpc, nest=TRUE) with
# options(survey.lonely.psu = its lonely_psu). Domains: svyby on subset(design,
# working_age == 1 and the by-variables known), which keeps the whole design for the variances as lmis does.
#
# Writes OUT.csv (domain, stat, estimate, se; domain = "sex.migrant.age_band" in lmis's
# standard codes, numbers to 17 significant digits) and prints three timings:
#   R read+design seconds: reading the CSV, recoding, svydesign, subset
#   R estimation seconds:  the five svyby calls only (system.time elapsed)
#   R total seconds:       everything in this script after R started
t_start <- proc.time()[["elapsed"]]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 3) stop("usage: Rscript bench/stats.R DATA.csv CODEBOOK.json OUT.csv")
suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

cb <- fromJSON(args[2], simplifyVector = FALSE)
vars <- cb$variables
ref_area <- cb$survey$ref_area
by_concept <- function(concept) {
  for (name in names(vars)) if (identical(vars[[name]]$concept, concept)) return(name)
  stop("the codebook has no variable of concept ", concept)
}
col_sex <- by_concept("sex")
col_age <- by_concept("age")
col_cob <- by_concept("country_of_birth")
col_cit <- by_concept("citizenship")
col_lfs <- by_concept("labour_force_status")
col_earn <- by_concept("monthly_earnings")
design <- cb$design
design_cols <- unlist(design[intersect(c("weight", "strata", "psu", "fpc"), names(design))])
wanted <- unique(c(design_cols, col_sex, col_age, col_cob, col_cit, col_lfs, col_earn))

# Every column as text, so that codes such as "008" stay codes.
if (requireNamespace("data.table", quietly = TRUE)) {
  d <- data.table::fread(args[1], select = wanted, colClasses = "character", na.strings = NULL,
                         data.table = FALSE, showProgress = FALSE)
} else {
  d <- read.csv(args[1], colClasses = "character", na.strings = character(0))[wanted]
}

global_missing <- unlist(cb$missing)
# A variable's values in standard codes (NA for missing), as lmis import reads them.
standard <- function(name) {
  v <- vars[[name]]
  x <- d[[name]]
  x[is.na(x) | x %in% c(global_missing, unlist(v$missing))] <- NA
  if (!is.null(v$map)) {
    keys <- names(v$map)
    vals <- vapply(v$map, function(z) if (is.null(z)) NA_character_ else as.character(z), "")
    k <- match(x, keys)
    if (any(!is.na(x) & is.na(k))) stop(name, ": codes not in the codebook map: ",
                                        paste(head(unique(x[!is.na(x) & is.na(k)])), collapse = ", "))
    x <- vals[k]
  }
  x
}
numeric_of <- function(name) {
  x <- d[[name]]
  x[is.na(x) | x %in% global_missing] <- NA
  as.numeric(x)
}

lfs <- standard(col_lfs)
age <- as.numeric(standard(col_age))
cob <- standard(col_cob)
cit <- standard(col_cit)
foreign <- ifelse(!is.na(cob), cob != ref_area, cit != ref_area)
band <- cut(age, c(-Inf, 15, 25, 35, 45, 55, 65, Inf), right = FALSE,
            labels = c("YLT15", "Y15-24", "Y25-34", "Y35-44", "Y45-54", "Y55-64", "YGE65"))
dd <- data.frame(
  weight = numeric_of(design$weight),
  sex = standard(col_sex),
  migrant = ifelse(foreign, "MIG", "NONMIG"),
  age_band = as.character(band),
  working_age = as.integer(age >= 15),
  emp = as.numeric(lfs == "EMP"),
  une = as.numeric(lfs == "UNE"),
  inlf = as.numeric(lfs == "EMP" | lfs == "UNE"),
  earn = numeric_of(col_earn),
  stringsAsFactors = FALSE
)
ids <- ~1
strata <- NULL
fpc <- NULL
if (!is.null(design$psu)) { dd$psu <- d[[design$psu]]; ids <- ~psu }
if (!is.null(design$strata)) { dd$stratum <- d[[design$strata]]; strata <- ~stratum }
if (!is.null(design$fpc)) { dd$fpc <- numeric_of(design$fpc); fpc <- ~fpc }
rm(d)
options(survey.lonely.psu = if (is.null(design$lonely_psu)) "adjust" else design$lonely_psu)
des <- svydesign(ids = ids, strata = strata, weights = ~weight, fpc = fpc, nest = TRUE, data = dd)
# A unit whose sex, migrant status or age band is missing is in no domain (lmis: domain -1).
des <- subset(des, working_age == 1 & !is.na(sex) & !is.na(migrant) & !is.na(age_band))
t_design <- proc.time()[["elapsed"]]

by <- ~sex + migrant + age_band
t_est <- system.time({
  r_emp <- svyby(~emp, by, des, svytotal, na.rm = TRUE)
  r_une <- svyby(~une, by, des, svytotal, na.rm = TRUE)
  r_lfpr <- svyby(~inlf, by, des, svymean, na.rm = TRUE)
  r_ur <- svyby(~une, by, des, svyratio, denominator = ~inlf, na.rm = TRUE)
  r_earn <- svyby(~earn, by, des, svymean, na.rm = TRUE)
})[["elapsed"]]

rows <- function(r, stat) {
  data.frame(domain = paste(r$sex, r$migrant, r$age_band, sep = "."), stat = stat,
             estimate = sprintf("%.17g", as.numeric(coef(r))), se = sprintf("%.17g", as.numeric(SE(r))),
             stringsAsFactors = FALSE)
}
out <- rbind(rows(r_emp, "employed"), rows(r_une, "unemployed"), rows(r_lfpr, "lfpr"),
             rows(r_ur, "unemployment_rate"), rows(r_earn, "mean_earnings"))
write.csv(out, args[3], row.names = FALSE, quote = FALSE)

cat(sprintf("R read+design seconds: %.3f\n", t_design - t_start))
cat(sprintf("R estimation seconds: %.3f (5 svyby calls, %d estimates)\n", t_est, nrow(out)))
cat(sprintf("R total seconds: %.3f\n", proc.time()[["elapsed"]] - t_start))
