# gen_fixtures.R: reference estimates from R's survey package for lmis's
# estimation engine (src/estimate.c), checked by tests/unit/test_estimate.c.
#
# Run from the repository root (NOT run by the tests; the outputs are committed):
#   Rscript tests/r/gen_fixtures.R [SOURCE_DIR]
# SOURCE_DIR (or env LMIS_SURVEY_DATA; default /work/shared/data/survey) holds the
# CSV exports of the survey package's data sets (api*, nhanes, yrbs, fpc). The
# script copies the ones it needs, and writes the derived ones, into
# tests/fixtures/estimate/, then computes everything from those copies so the
# C tests read exactly the data R read. Requires R >= 4 and survey 4.1.1.
#
# Outputs in tests/fixtures/estimate/:
#   designs.csv    design_id, data, ids, strata, weights, fpc, lonely: the
#                  svydesign(ids=, strata=, weights=, fpc=, nest=TRUE) calls
#                  ("" = none; ids "" is ids=~1) and options(survey.lonely.psu)
#   estimates.csv  design_id, stat, var, den, q, domain, estimate, se, ci_low,
#                  ci_high, n, how
#                  stat: total | mean | ratio | quantile
#                  var/den: a column, or COL=LEVEL for the proportion (mean) or
#                  count (total) of one level, from svymean(~factor)/svytotal(~factor)
#                  domain: "" (whole sample) or "A=a;B=b"
#                  how: all (whole design), svyby (svyby(..., na.rm=TRUE)),
#                  subset (subset(design, A == a) then the estimator), or
#                  domain (svyquantile on design[domain, ]: what svyby calls)
#                  ci: confint() (normal, df=Inf) for total/mean/ratio; for
#                  quantiles svyquantile(ci=TRUE) intervals (qrule="math",
#                  interval.type="mean", df=degf) and the SE R derives from them
#                  n: units in the domain with non-missing var (and den)
#   qt.csv         p, df, qt (qt(p, df); df=Inf gives qnorm) for est_qt/est_qnorm
# Numbers are printed with 17 significant digits.

suppressMessages(library(survey))
stopifnot(packageVersion("survey") == "4.1.1")
args <- commandArgs(trailingOnly = TRUE)
src <- if (length(args) >= 1) args[1] else Sys.getenv("LMIS_SURVEY_DATA", "/work/shared/data/survey")
out <- "tests/fixtures/estimate"
dir.create(out, recursive = TRUE, showWarnings = FALSE)
g17 <- function(x) ifelse(is.na(x), "NaN", sprintf("%.17g", x))

for (f in c("api_apisrs.csv", "api_apistrat.csv", "api_apiclus1.csv", "api_apiclus2.csv", "nhanes.csv",
            "yrbs.csv", "fpc.csv"))
  stopifnot(file.copy(file.path(src, f), file.path(out, f), overwrite = TRUE, copy.mode = FALSE))

# fpc given as sampling fractions (<= 1) instead of population sizes.
fp <- read.csv(file.path(out, "fpc.csv"))
fp$frac <- fp$nh / fp$Nh
write.csv(fp, file.path(out, "fpc_frac.csv"), row.names = FALSE)

# Lonely PSUs: NHANES strata 75-80 with the second PSU of strata 79 and 80
# dropped, and a population PSU count per stratum: 2 in stratum 75 (a census of
# PSUs: f = 0), 1 in stratum 80 (a certainty PSU: f = 0, so even "fail" passes
# it), 10 elsewhere (stratum 79 is the lonely one that matters).
nh <- read.csv(file.path(out, "nhanes.csv"))
lon <- nh[nh$SDMVSTRA <= 80 & !(nh$SDMVSTRA %in% c(79, 80) & nh$SDMVPSU == 2), ]
lon$popn <- ifelse(lon$SDMVSTRA == 75, 2, ifelse(lon$SDMVSTRA == 80, 1, 10))
write.csv(lon, file.path(out, "nhanes_lonely.csv"), row.names = FALSE)

designs <- data.frame(
  design_id = c("srs", "strat", "clus1", "clus2_stage1", "nhanes", "yrbs", "fpc", "fpc_frac",
                "lonely_remove", "lonely_adjust", "lonely_average", "lonely_certainty"),
  data = c("api_apisrs.csv", "api_apistrat.csv", "api_apiclus1.csv", "api_apiclus2.csv", "nhanes.csv",
           "yrbs.csv", "fpc.csv", "fpc_frac.csv", rep("nhanes_lonely.csv", 4)),
  ids = c("", "", "dnum", "dnum", "SDMVPSU", "psu", "psuid", "psuid", rep("SDMVPSU", 4)),
  strata = c("", "stype", "", "", "SDMVSTRA", "stratum", "stratid", "stratid", rep("SDMVSTRA", 4)),
  weights = c("pw", "pw", "pw", "pw", "WTMEC2YR", "weight", "weight", "weight", rep("WTMEC2YR", 4)),
  fpc = c("fpc", "fpc", "fpc", "fpc1", "", "", "Nh", "frac", rep("popn", 4)),
  lonely = c(rep("fail", 8), "remove", "adjust", "average", "certainty"),
  stringsAsFactors = FALSE)
write.csv(designs, file.path(out, "designs.csv"), row.names = FALSE)

make_design <- function(row) {
  df <- read.csv(file.path(out, row$data), stringsAsFactors = FALSE)
  fml <- function(v) if (v == "") NULL else as.formula(paste0("~", v))
  svydesign(ids = if (row$ids == "") ~1 else fml(row$ids), strata = fml(row$strata), weights = fml(row$weights),
            fpc = fml(row$fpc), nest = TRUE, data = df)
}

rows <- list()
# Variables derived here, named in the fixtures as what lmis computes them from.
alias <- c(female = "RIAGENDR=2", qn8num = "qn8")
add <- function(design_id, stat, var, den, q, domain, est, se, lo, hi, n, how) {
  if (var %in% names(alias)) var <- alias[[var]]
  if (den %in% names(alias)) den <- alias[[den]]
  rows[[length(rows) + 1]] <<- data.frame(design_id = design_id, stat = stat, var = var, den = den,
    q = if (is.na(q)) "" else format(q), domain = domain, estimate = g17(est), se = g17(se), ci_low = g17(lo),
    ci_high = g17(hi), n = n, how = how, stringsAsFactors = FALSE)
}

# Design variables with the categorical ones as factors (levels over the whole sample).
prepare <- function(d, cats) {
  for (v in cats) d$variables[[v]] <- factor(d$variables[[v]])
  d
}

# "A=a;B=b" for the rows of a by-data frame.
dom_labels <- function(byf) {
  apply(byf, 1, function(r) paste0(names(byf), "=", trimws(as.character(r)), collapse = ";"))
}

count_n <- function(vars, idx, d) {
  ok <- idx
  for (v in vars) ok <- ok & !is.na(d$variables[[v]])
  sum(ok)
}

# Totals, means, ratios over the whole design and by domains (svyby), and one
# subset() restriction. cat: var is categorical, one row per level.
linear <- function(id, d, stat, var, den = "", by = list(), where = NULL, cat = FALSE) {
  FUN <- switch(stat, total = svytotal, mean = svymean, ratio = svyratio)
  vf <- as.formula(paste0("~", var))
  vars <- c(var, if (den != "") den)
  labels <- if (cat) paste0(var, "=", levels(d$variables[[var]])) else var
  emit <- function(est, se, ci, domain, n, how) {
    for (j in seq_along(labels))
      add(id, stat, labels[j], den, NA, domain, est[j], se[j], ci[j, 1], ci[j, 2], n, how)
  }
  one <- function(dd, domain, idx, how) {
    r <- if (stat == "ratio") svyratio(vf, as.formula(paste0("~", den)), dd, na.rm = TRUE) else FUN(vf, dd, na.rm = TRUE)
    emit(as.vector(coef(r)), as.vector(as.matrix(SE(r))), confint(r), domain, count_n(vars, idx, d), how)
  }
  one(d, "", rep(TRUE, nrow(d$variables)), "all")
  for (b in by) {
    bf <- as.formula(paste0("~", paste(b, collapse = "+")))
    r <- if (stat == "ratio") svyby(vf, bf, denominator = as.formula(paste0("~", den)), design = d, FUN = svyratio,
                                    na.rm = TRUE)
         else svyby(vf, bf, d, FUN, na.rm = TRUE)
    byf <- as.data.frame(r)[, b, drop = FALSE]
    labs <- dom_labels(byf)
    est <- matrix(coef(r), nrow = nrow(byf))
    se <- matrix(as.vector(as.matrix(SE(r))), nrow = nrow(byf))
    ci <- confint(r)
    for (i in seq_len(nrow(byf))) {
      idx <- rep(TRUE, nrow(d$variables))
      for (v in b) idx <- idx & !is.na(d$variables[[v]]) & as.character(d$variables[[v]]) == as.character(byf[i, v])
      k <- (seq_along(labels) - 1) * nrow(byf) + i
      emit(est[i, ], se[i, ], ci[k, , drop = FALSE], labs[i], count_n(vars, idx, d), "svyby")
    }
  }
  if (!is.null(where)) {
    idx <- !is.na(d$variables[[where[1]]]) & as.character(d$variables[[where[1]]]) == where[2]
    one(d[idx, ], paste0(where[1], "=", where[2]), idx, "subset")
  }
}

# Quantiles: svyquantile(ci=TRUE) on the design and on design[domain, ] (what
# svyby does for each domain; svyby's own confint() would give Wald intervals).
quant <- function(id, d, var, qs, by = list(), where = NULL) {
  vf <- as.formula(paste0("~", var))
  one <- function(dd, domain, idx, how) {
    r <- svyquantile(vf, dd, qs, ci = TRUE, na.rm = TRUE)[[1]]
    for (j in seq_along(qs))
      add(id, "quantile", var, "", qs[j], domain, r[j, 1], r[j, 4], r[j, 2], r[j, 3], count_n(var, idx, d), how)
  }
  one(d, "", rep(TRUE, nrow(d$variables)), "all")
  for (b in by) {
    byf <- unique(d$variables[!is.na(d$variables[[b[1]]]), b, drop = FALSE])
    byf <- byf[do.call(order, byf), , drop = FALSE]
    labs <- dom_labels(byf)
    for (i in seq_len(nrow(byf))) {
      idx <- rep(TRUE, nrow(d$variables))
      for (v in b) idx <- idx & !is.na(d$variables[[v]]) & as.character(d$variables[[v]]) == as.character(byf[i, v])
      one(d[idx, ], labs[i], idx, "domain")
    }
  }
  if (!is.null(where)) {
    idx <- !is.na(d$variables[[where[1]]]) & as.character(d$variables[[where[1]]]) == where[2]
    one(d[idx, ], paste0(where[1], "=", where[2]), idx, "subset")
  }
}

for (k in seq_len(nrow(designs))) {
  row <- designs[k, ]
  options(survey.lonely.psu = row$lonely)
  d <- make_design(row)
  id <- row$design_id
  if (startsWith(row$data, "api_")) {
    d <- prepare(d, c("stype", "sch.wide", "awards"))
    linear(id, d, "total", "enroll", by = list("stype"))
    linear(id, d, "mean", "api00", by = list("stype", c("stype", "awards")), where = c("awards", "Yes"))
    linear(id, d, "mean", "enroll", by = list("stype"))
    linear(id, d, "mean", "sch.wide", by = list("stype"), cat = TRUE)
    linear(id, d, "total", "sch.wide", cat = TRUE)
    linear(id, d, "ratio", "api.stu", den = "enroll", by = list("stype"))
    quant(id, d, "api00", c(0.25, 0.5, 0.9), by = list("stype"), where = c("awards", "Yes"))
    quant(id, d, "enroll", 0.5)
  } else if (row$data == "nhanes.csv") {
    d <- prepare(d, c("agecat"))
    d <- update(d, female = as.numeric(RIAGENDR == 2))
    linear(id, d, "mean", "HI_CHOL", by = list("race", "RIAGENDR", c("race", "RIAGENDR")), where = c("RIAGENDR", "2"))
    linear(id, d, "total", "HI_CHOL", by = list("race"))
    linear(id, d, "mean", "agecat", by = list("RIAGENDR"), cat = TRUE)
    linear(id, d, "ratio", "HI_CHOL", den = "female", by = list("race"))
    quant(id, d, "HI_CHOL", c(0.5, 0.9), by = list("race"))
    quant(id, d, "race", c(0.25, 0.5, 0.9), by = list("RIAGENDR"))
  } else if (row$data == "yrbs.csv") {
    d <- prepare(d, c("qn8"))
    linear(id, d, "mean", "qn8", cat = TRUE)
    d <- update(d, qn8num = as.numeric(as.character(qn8)))
    linear(id, d, "total", "qn8num")
    quant(id, d, "qn8num", c(0.5, 0.9))
  } else if (startsWith(row$data, "fpc")) {
    linear(id, d, "total", "x", by = list("stratid"))
    linear(id, d, "mean", "x", by = list("stratid"))
    quant(id, d, "x", c(0.25, 0.5, 0.9))
  } else {
    d <- prepare(d, c("agecat"))
    linear(id, d, "mean", "HI_CHOL", by = list("race"))
    linear(id, d, "total", "HI_CHOL")
    linear(id, d, "mean", "agecat", cat = TRUE)
    quant(id, d, "race", 0.5, by = list("RIAGENDR"))
  }
}
est <- do.call(rbind, rows)
write.csv(est, file.path(out, "estimates.csv"), row.names = FALSE)

qt_rows <- expand.grid(p = c(0.975, 0.995, 0.025, 0.6, 0.9, 0.999999, 1e-10),
                       df = c(1, 2, 3, 4.5, 7, 14, 30, 101, 196, 999, 2000, 5e4, 1e6, Inf))
qt_rows$qt <- g17(qt(qt_rows$p, qt_rows$df))
qt_rows$p <- g17(qt_rows$p)
write.csv(qt_rows, file.path(out, "qt.csv"), row.names = FALSE)
cat("wrote", nrow(est), "estimates for", nrow(designs), "designs to", out, "\n")
