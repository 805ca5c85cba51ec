#!/usr/bin/env python3
"""gen_lfs.py: a SYNTHETIC labour force survey of a destination country, for demos,
tests and benchmarks of `lmis survey import` and the estimation engine.

    bench/gen_lfs.py N SEED OUT.csv      (OUT.csv.gz writes gzip; "-" writes stdout)

Nothing here is real data: every person is drawn from the distributions below,
which are only meant to look like an Italian LFS of 2023 (ref_area ITA) so that
the statistics computed from it are plausible. The file uses the survey's OWN
codes (sex 1/2, labour status 1/2/3, ISO 3166 numeric countries, two-digit
education codes, worked abroad 1/2), so the codebook data/samples/lfs-demo.codebook.json
has to map them to lmis's standard codes.

Design: 40 strata (20 regions x urban/rural), 8-20 PSUs per stratum numbered
1..n within each stratum (so PSU codes repeat across strata: nested ids), households of
1-6 persons, one weight per household (stratum base weight 50-3000, adjusted
+-25% for non-response), and npsu_pop, the number of PSUs in the stratum's
population, for the finite population correction.

Deterministic: the same N and SEED give the same bytes (Python 3 stdlib only).
"""
import bisect
import csv
import gzip
import io
import math
import random
import sys

REF_YEAR = 2023
HOME = "380"          # ISO 3166-1 numeric of Italy: the country surveyed

# Origins of the foreign-born: ISO numeric code, relative weight, EU member,
# median recruitment cost (EUR) paid by those recruited for a first job abroad.
ORIGINS = [
    ("642", 20.0, True, 150),    # Romania
    ("008", 9.0, False, 600),    # Albania
    ("504", 9.0, False, 1500),   # Morocco
    ("156", 6.0, False, 3000),   # China
    ("804", 7.0, False, 900),    # Ukraine
    ("608", 3.5, False, 2500),   # Philippines
    ("356", 3.5, False, 4000),   # India
    ("050", 3.0, False, 6000),   # Bangladesh
    ("818", 3.0, False, 3500),   # Egypt
    ("604", 2.0, False, 1800),   # Peru
    ("616", 2.5, True, 150),     # Poland
    ("498", 2.5, False, 1200),   # Moldova
    ("586", 2.5, False, 5000),   # Pakistan
    ("686", 2.0, False, 2500),   # Senegal
    ("566", 2.0, False, 3000),   # Nigeria
    ("788", 2.0, False, 1500),   # Tunisia
    ("144", 2.0, False, 3500),   # Sri Lanka
    ("218", 1.5, False, 1500),   # Ecuador
    ("076", 1.5, False, 800),    # Brazil
    ("276", 1.5, True, 0),       # Germany
    ("250", 1.0, True, 0),       # France
    ("826", 0.8, False, 0),      # United Kingdom
    ("032", 1.0, False, 600),    # Argentina
    ("807", 1.2, False, 700),    # North Macedonia
    ("288", 1.0, False, 2500),   # Ghana
]

# ISCO-08 unit groups: code, ISIC Rev.4 section where most of them work, weight
# among natives, weight among migrants.
OCCUPATIONS = [
    ("1120", "M", 2.0, 0.3), ("1211", "K", 1.0, 0.1), ("1221", "G", 1.2, 0.2),
    ("1321", "C", 1.0, 0.2), ("1411", "I", 0.8, 0.3), ("1420", "G", 1.5, 0.5),
    ("2211", "Q", 1.5, 0.3), ("2221", "Q", 2.0, 0.8), ("2310", "P", 1.0, 0.2),
    ("2330", "P", 2.2, 0.2), ("2341", "P", 2.0, 0.1), ("2411", "M", 1.8, 0.2),
    ("2421", "M", 1.2, 0.2), ("2512", "J", 1.5, 0.5), ("2611", "M", 1.2, 0.1),
    ("2142", "F", 0.8, 0.2), ("2144", "C", 0.8, 0.2),
    ("3112", "F", 0.8, 0.2), ("3115", "C", 1.0, 0.3), ("3313", "M", 1.5, 0.2),
    ("3322", "G", 2.0, 0.4), ("3221", "Q", 1.0, 0.4), ("3343", "O", 1.5, 0.1),
    ("3512", "J", 1.0, 0.3),
    ("4110", "O", 4.0, 0.6), ("4120", "N", 1.5, 0.2), ("4311", "M", 2.0, 0.3),
    ("4321", "G", 1.5, 0.6), ("4211", "K", 1.0, 0.1), ("4222", "N", 1.0, 0.4),
    ("5120", "I", 2.0, 3.0), ("5131", "I", 2.5, 3.0), ("5132", "I", 1.0, 1.0),
    ("5141", "S", 1.2, 0.8), ("5223", "G", 5.0, 2.5), ("5230", "G", 1.5, 0.6),
    ("5311", "P", 1.0, 0.8), ("5321", "Q", 1.5, 2.0), ("5322", "T", 0.8, 9.0),
    ("5414", "N", 1.0, 0.8),
    ("6111", "A", 1.5, 0.5), ("6112", "A", 0.8, 0.3), ("6121", "A", 0.8, 0.4),
    ("7112", "F", 1.2, 3.0), ("7115", "F", 1.0, 1.2), ("7126", "F", 1.0, 0.8),
    ("7131", "F", 0.8, 1.5), ("7212", "C", 1.0, 1.0), ("7231", "G", 1.5, 0.8),
    ("7411", "F", 1.5, 0.8), ("7512", "C", 1.0, 0.8), ("7531", "C", 0.5, 0.6),
    ("8160", "C", 1.0, 1.2), ("8189", "C", 1.0, 1.0), ("8219", "C", 1.2, 1.5),
    ("8322", "H", 1.2, 1.5), ("8332", "H", 1.5, 1.5),
    ("9111", "T", 0.8, 8.0), ("9112", "N", 2.0, 6.0), ("9211", "A", 1.0, 5.0),
    ("9212", "A", 0.4, 1.5), ("9313", "F", 0.8, 3.5), ("9321", "C", 0.8, 1.5),
    ("9329", "C", 1.0, 2.5), ("9333", "H", 1.2, 3.0), ("9412", "I", 0.8, 2.5),
    ("9621", "H", 0.8, 1.8),
    ("0310", "O", 0.6, 0.0),
]
OTHER_SECTIONS = list("ACFGHIJKLMNOPQRS")

# Education: file codes "00".."80" stand for ISCED 2011 levels 0..8.
EDU_CODES = ["00", "10", "20", "30", "40", "50", "60", "70", "80"]
# Distributions by group (weights for ISCED 0..8).
EDU_NATIVE_OLD = [3, 18, 35, 30, 2, 0.5, 5, 6, 0.5]      # born before 1960
EDU_NATIVE_YOUNG = [0.5, 3, 25, 44, 3, 1, 9, 13, 1.5]
EDU_MIGRANT = [4, 12, 30, 32, 3, 1, 8, 9, 1]


def cumulative(weights):
    out, s = [], 0.0
    for w in weights:
        s += w
        out.append(s)
    return out


class Picker:
    """Weighted choice by bisection on cumulative weights (fast, deterministic)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = cumulative(weights)
        self.total = self.cum[-1]

    def pick(self, r):
        return self.items[bisect.bisect_right(self.cum, r() * self.total)]


def skill_group(isco):
    major = isco[0]
    if major in "123":
        return 0
    if major in "45678":
        return 1
    if major == "9":
        return 2
    return 1   # armed forces


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: gen_lfs.py N SEED OUT.csv\n")
        return 2
    n_rows = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]))
    out_path = sys.argv[3]
    r = rng.random
    gauss = rng.gauss

    origin_pick = Picker(ORIGINS, [o[1] for o in ORIGINS])
    origin_eu = {o[0]: o[2] for o in ORIGINS}
    origin_cost = {o[0]: o[3] for o in ORIGINS}
    section_of = {o[0]: o[1] for o in OCCUPATIONS}
    # occupation pickers per (native/migrant, skill group)
    occ_pick = {}
    for mig in (False, True):
        for g in range(3):
            items = [o for o in OCCUPATIONS if skill_group(o[0]) == g and (o[3] if mig else o[2]) > 0]
            occ_pick[(mig, g)] = Picker([o[0] for o in items], [o[3] if mig else o[2] for o in items])
    # probability of a job of skill group 0 (ISCO 1-3), 1 (4-8), 2 (9) given education band
    job_mix = {
        (False, 0): [0.05, 0.55, 0.40], (False, 1): [0.12, 0.74, 0.14], (False, 2): [0.72, 0.24, 0.04],
        (True, 0): [0.01, 0.38, 0.61], (True, 1): [0.04, 0.56, 0.40], (True, 2): [0.33, 0.40, 0.27],
    }
    job_pickers = {k: Picker([0, 1, 2], v) for k, v in job_mix.items()}
    edu_pickers = {
        "old": Picker(range(9), EDU_NATIVE_OLD),
        "young": Picker(range(9), EDU_NATIVE_YOUNG),
        "mig": Picker(range(9), EDU_MIGRANT),
    }
    hh_size = Picker([1, 2, 3, 4, 5, 6], [33, 27, 19, 15, 4.5, 1.5])
    hh_size_mig = Picker([1, 2, 3, 4, 5, 6], [28, 22, 20, 18, 8, 4])

    # Strata: 20 regions x (urban 1, rural 2). Regions 1-8 north, 9-12 centre, 13-20 south.
    strata = []
    for region in range(1, 21):
        share_fb = 0.155 if region <= 8 else (0.13 if region <= 12 else 0.05)
        for urban in (1, 2):
            n_psu = 8 + int(r() * 13)                       # 8..20
            base_w = math.exp(math.log(50) + r() * (math.log(3000) - math.log(50)))
            strata.append({
                "code": "%02d%d" % (region, urban), "region": region, "urban": urban,
                "n_psu": n_psu, "npsu_pop": n_psu * (15 + int(r() * 46)),
                "base_w": base_w, "p_fb": share_fb * (1.25 if urban == 1 else 0.7),
            })
    # Sample allocation: persons per PSU roughly equal across the sample; each PSU
    # takes households until the running total reaches its share, so every stratum
    # is sampled whatever N.
    total_psu = sum(s["n_psu"] for s in strata)

    if out_path == "-":
        f = sys.stdout
    elif out_path.endswith(".gz"):
        f = io.TextIOWrapper(gzip.GzipFile(out_path, "wb", compresslevel=6, mtime=0), encoding="utf-8", newline="")
    else:
        f = open(out_path, "w", encoding="utf-8", newline="")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["hhid", "pid", "stratum", "psu", "weight", "npsu_pop", "region", "urban", "sex", "age",
                "cob", "citizen", "yarr", "wab", "ilo", "isco", "nace", "stapro", "hatlev", "earn", "hours",
                "rcost", "fjearn"])

    def lognormal(median, sigma):
        return median * math.exp(sigma * gauss(0.0, 1.0))

    def person(row_out, hh, stratum, psu_no, weight, age, fb, origin, parent_arrival, sex):
        """Draw one person and append the row."""
        # Birthplace, citizenship, arrival.
        yarr = ""
        if fb:
            cob = origin
            if parent_arrival is not None:
                yrs = min(age, max(0, REF_YEAR - parent_arrival - int(r() * 3)))
            else:
                arrival_age = 18 + int(r() * 20) if age >= 18 else int(r() * (age + 1))
                arrival_age = min(arrival_age, age)
                yrs = age - arrival_age
                yrs = min(yrs, int(r() * 35) + (1 if r() < 0.9 else 0))
            yarr_n = REF_YEAR - yrs
            yarr = str(yarr_n)
            p_nat = min(0.6, yrs / 25.0) * (0.4 if origin_eu[origin] else 1.0)
            citizen = HOME if r() < p_nat else origin
            migrant = True
        else:
            cob = HOME
            yarr_n = None
            if origin != HOME and r() < 0.75:
                citizen = origin            # born here to foreign parents
            else:
                citizen = HOME if r() < 0.995 else origin_pick.pick(r)[0]
            migrant = False
        if r() < 0.003:
            cob = ""                        # birthplace not answered: citizenship decides
        elif r() < 0.001:
            cob = "999"                     # "unknown country" code, mapped to missing
        eu = origin_eu.get(origin, True)
        # Labour market (persons 15+).
        wab = ilo = isco = nace = stapro = hatlev = earn = hours = rcost = fjearn = ""
        if age >= 15:
            # Education, by birth cohort and migrant status.
            if migrant:
                edu = edu_pickers["mig"].pick(r)
            else:
                edu = edu_pickers["old" if REF_YEAR - age < 1960 else "young"].pick(r)
            if age < 19:
                edu = min(edu, 2)
            elif age < 23:
                edu = min(edu, 4 if r() < 0.7 else 6)
            hatlev = EDU_CODES[edu]
            # Worked abroad before: most adult migrants (not in their first job here),
            # and a few return migrants among natives.
            if migrant:
                wab = "1" if (yrs < age - 18 and r() < 0.55) else "2"
            else:
                wab = "1" if (age >= 25 and r() < 0.035) else "2"
            # Labour force status by sex and age; higher unemployment among migrants.
            if age < 25:
                pe, pu = 0.20, 0.07
            elif age < 55:
                pe, pu = (0.83, 0.05) if sex == "1" else (0.60, 0.055)
            elif age < 65:
                pe, pu = (0.66, 0.03) if sex == "1" else (0.46, 0.025)
            else:
                pe, pu = (0.07, 0.002) if sex == "1" else (0.03, 0.001)
            if migrant:
                pu *= 1.8
                pe *= 0.97 if sex == "1" else 0.88
                if r() < 0.5:
                    pe, pu = pe + 0.5 * pu * 0.3, pu * 0.85
            if edu >= 6:
                pe = min(0.95, pe * 1.12)
            x = r()
            if x < pe:
                ilo = "1"
            elif x < pe + pu:
                ilo = "2"
            else:
                ilo = "3"
            if ilo == "1":
                band = 0 if edu <= 1 else (1 if edu <= 4 else 2)
                g = job_pickers[(migrant, band)].pick(r)
                isco = occ_pick[(migrant, g)].pick(r)
                if isco == "0310" and (sex == "2" and r() < 0.8):
                    isco = "4110"
                nace = section_of[isco] if r() < 0.8 else OTHER_SECTIONS[int(r() * len(OTHER_SECTIONS))]
                if isco[0] == "6":
                    stapro = "3" if r() < 0.6 else ("5" if r() < 0.3 else "1")
                elif isco[0] == "1":
                    stapro = "2" if r() < 0.35 else "1"
                else:
                    x = r()
                    stapro = "1" if x < 0.80 else ("3" if x < 0.955 else ("2" if x < 0.98 else
                                                                          ("5" if x < 0.995 else "6")))
                part_time = r() < (0.32 if sex == "2" else 0.08)
                h = gauss(22, 5) if part_time else gauss(39.5, 4)
                h = min(80, max(4, round(h)))
                hours = "." if r() < 0.01 else str(h)
                if stapro == "1":
                    median = (2600, 1700, 1250)[g] * (0.88 if sex == "2" else 1.0)
                    if migrant:
                        median *= 0.78 if g else 0.85
                    e = lognormal(median, 0.35) * (h / 39.5) ** 0.8
                    earn = "NA" if r() < 0.04 else "%.0f" % max(150.0, e)
                # SDG 10.7.1: recruitment costs of migrants recruited in the last 10 years.
                if migrant and yarr_n is not None and yarr_n >= REF_YEAR - 10 and age - yrs >= 18 and r() < 0.6:
                    cost = origin_cost[origin]
                    if eu and r() < 0.4:
                        c = 0.0
                    else:
                        c = lognormal(cost if cost else 100, 0.6)
                    rcost = "%.0f" % c
                    fjearn = "%.0f" % max(300.0, lognormal(1100 if not eu else 1300, 0.3))
        w.writerow((hh, "%s-%d" % (hh, row_out), stratum["code"], psu_no, "%.2f" % weight,
                    stratum["npsu_pop"], stratum["region"], stratum["urban"], sex, age, cob, citizen, yarr,
                    wab, ilo, isco, nace, stapro, hatlev, earn, hours, rcost, fjearn))
        return yarr_n

    written = 0
    hh_no = 0
    psu_seq = 0
    done = False
    while not done:
        for stratum in strata:
            for psu_no in range(1, stratum["n_psu"] + 1):
                psu_seq += 1
                quota = max(1, (psu_seq * n_rows) // total_psu - written)
                in_psu = 0
                while in_psu < quota:
                    hh_no += 1
                    hh = "H%07d" % hh_no
                    fb_head = r() < stratum["p_fb"]
                    size = (hh_size_mig if fb_head else hh_size).pick(r)
                    origin = origin_pick.pick(r)[0] if fb_head else HOME
                    weight = stratum["base_w"] * (0.8 + r() * 0.45)
                    head_age = 20 + int(r() * 70) if not fb_head else 20 + int(r() * 50)
                    head_sex = "1" if r() < 0.55 else "2"
                    head_arrival = None
                    for k in range(size):
                        if k == 0:
                            age, sex, fb = head_age, head_sex, fb_head
                        elif k == 1:
                            age = max(18, min(95, head_age + int(gauss(0, 4))))
                            sex = "2" if head_sex == "1" else "1"
                            fb = fb_head if r() < 0.88 else (r() < 0.05)
                        else:
                            age = max(0, min(head_age - 18, int(r() * 26)))
                            sex = "1" if r() < 0.51 else "2"
                            # children of migrants arrived with or after their parents, or were born here
                            fb = fb_head and (head_arrival is not None and REF_YEAR - age < head_arrival)
                        if fb and origin == HOME:
                            org = origin_pick.pick(r)[0]
                        else:
                            org = origin
                        arrival = person(written, hh, stratum, psu_no, weight, age, fb, org,
                                         head_arrival if (k >= 2 and fb) else None, sex)
                        if k == 0:
                            head_arrival = arrival
                        written += 1
                        in_psu += 1
                        if written >= n_rows:
                            break
                    if written >= n_rows:
                        break
                if written >= n_rows:
                    break
            if written >= n_rows:
                break
        done = written >= n_rows
    if f is not sys.stdout:
        f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
