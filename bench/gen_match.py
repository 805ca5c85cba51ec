#!/usr/bin/env python3
"""Synthetic job seekers and vacancies drawn from the ISCO-08/ESCO reference data.

Everything here is SYNTHETIC: no real person, employer or vacancy.

  gen_match.py samples DB OUTDIR        the demo samples (data/samples/seekers.jsonl,
                                         vacancies.jsonl, seekers-arrangements.jsonl):
                                         a few hundred records, fixed seed
  gen_match.py bench DB NVAC NSEEK      write NVAC vacancies and NSEEK seekers straight
                                         into DB (an `lmis init` database), for bench/match.sh

Occupations follow a Zipf-like law over ESCO occupations, with the occupations of
labour migration (care, construction, transport, hospitality, agriculture, ICT)
boosted; a vacancy lists a sample of its ESCO occupation's essential and optional
skills, a seeker holds a sample of the skills of the occupations they held.
"""
import json
import os
import random
import sqlite3
import sys

DESTS = {  # destination: languages asked (first is the main one)
    "DE": ["de", "en"], "FR": ["fr"], "ES": ["es"], "IT": ["it"], "CA": ["en", "fr"],
    "AE": ["ar", "en"], "SA": ["ar", "en"], "QA": ["ar", "en"], "MY": ["ms", "en"],
    "JP": ["ja"], "KR": ["ko"], "GB": ["en"], "US": ["en"],
}
ORIGINS = {  # origin: languages spoken natively, plus likely second languages
    "PH": ["tl", "en"], "IN": ["hi", "en"], "NP": ["ne", "en"], "BD": ["bn", "en"],
    "ID": ["id", "en"], "MA": ["ar", "fr"], "SN": ["wo", "fr"], "MX": ["es", "en"],
    "CO": ["es", "en"], "VN": ["vi", "en"], "UA": ["uk", "en"], "GT": ["es", "en"],
}
# Unit groups common in labour migration, boosted in the draw.
MIGRATION_UNITS = ["2221", "5322", "9111", "7112", "7212", "8322", "8332", "9312", "5120", "5131",
                   "9211", "6111", "2512", "7411", "7126", "3212", "2211", "7231", "9329", "8160",
                   "9412", "5141", "2310", "7115", "5321", "9112", "7119", "2514", "3221", "9622"]
REGULATED = {"2211": 7, "2221": 6, "2222": 6, "2261": 7, "2262": 7, "2142": 6, "2341": 6,
             "7411": 3, "7126": 3, "3221": 5, "2611": 7}
EMPLOYERS = ["Synthetic Care GmbH", "Example Builders SA", "Demo Logistics Ltd", "Sample Hotels Group",
             "Fictional Farms Cooperative", "Placeholder Health Trust", "Illustrative Motors",
             "Model Foods Plc", "Test Harbour Works", "Mock Software Studio", "Imaginary Cleaning Services",
             "Specimen Steel", "Dummy Retail Chain", "Invented Shipyards", "Sandbox Hospital"]
CEFR = ["A1", "A2", "B1", "B2", "C1", "C2"]
STATUS_LIC = ["valid"] * 17 + ["suspended", "revoked", "expired"]


def load(db):
    con = sqlite3.connect(db)
    occs = con.execute("SELECT id, uri, isco_code FROM esco_occupation ORDER BY id").fetchall()
    rel = {}
    for occ, skill, kind in con.execute(
            "SELECT occupation_id, skill_id, relation FROM esco_occupation_skill ORDER BY occupation_id, skill_id"):
        rel.setdefault(occ, ([], []))[0 if kind == "essential" else 1].append(skill)
    skill_uri = dict(con.execute("SELECT id, uri FROM esco_skill"))
    units = [r[0] for r in con.execute("SELECT code FROM isco_group WHERE level = 4 ORDER BY code")]
    return con, occs, rel, skill_uri, units


BY_UNIT, BY_MINOR = {}, {}


def occupation_weights(occs, rnd):
    """Cumulative Zipf weights over a shuffled order, with migration occupations boosted.
    Also fills the per-unit and per-minor-group lists of occupations."""
    import itertools
    for o in occs:
        BY_UNIT.setdefault(o[2], []).append(o)
        BY_MINOR.setdefault(o[2][:3], []).append(o)
    order = list(range(len(occs)))
    rnd.shuffle(order)
    w = [0.0] * len(occs)
    for rank, i in enumerate(order):
        w[i] = 1.0 / (rank + 10) ** 0.9
        if occs[i][2] in MIGRATION_UNITS:
            w[i] *= 25
    return list(itertools.accumulate(w))


def pick_skills(rnd, lst, lo, hi, cap):
    if not lst:
        return []
    n = min(cap, len(lst), max(1, int(len(lst) * rnd.uniform(lo, hi))))
    return sorted(rnd.sample(lst, n))


def isced_for(unit, rnd):
    major = unit[0]
    if major in "12":
        return rnd.choice([6, 6, 7, 7, 8, 5])
    if major == "3":
        return rnd.choice([4, 5, 5, 6])
    if major == "9":
        return rnd.choice([1, 2, 2, 3, 3, 6])   # some graduates in elementary jobs: deskilling
    return rnd.choice([2, 3, 3, 4, 5, 6])


def date(rnd, lo, hi):
    """A date between day offsets lo and hi from 2026-01-01 (synthetic calendar)."""
    import datetime
    d = datetime.date(2026, 1, 1) + datetime.timedelta(days=rnd.randint(lo, hi))
    return d.isoformat()


def make_vacancy(i, rnd, occs, w, rel, skill_uri, as_uri):
    occ = rnd.choices(occs, cum_weights=w)[0]
    oid, ouri, unit = occ
    ess, opt = rel.get(oid, ([], []))
    dest = rnd.choice(list(DESTS))
    langs = DESTS[dest]
    skilled = unit[0] in "123"
    lang_req = [{"lang": langs[0], "level": rnd.choice(["B2", "C1"] if skilled else ["A2", "B1"])}]
    if len(langs) > 1 and rnd.random() < 0.5:
        lang_req.append({"lang": langs[1], "level": rnd.choice(["A2", "B1", "B2"])})
    v = {
        "ref": "V-%06d" % i,
        "employer": rnd.choice(EMPLOYERS),
        "country": dest,
        "isco": unit,
        "esco": ouri if as_uri else oid,
        "essential_skills": pick_skills(rnd, ess, 0.5, 0.9, 10),
        "optional_skills": pick_skills(rnd, opt, 0.1, 0.3, 4),
        "languages": lang_req,
        "min_isced": REGULATED.get(unit, {"1": 6, "2": 6, "3": 4}.get(unit[0], rnd.choice([0, 2, 3]))),
        "regulated": unit in REGULATED,
        "positions": rnd.choice([1, 1, 1, 2, 3, 5, 10]),
        "posted_on": date(rnd, 150, 330),
        "valid_until": date(rnd, 300, 700) if rnd.random() > 0.06 else date(rnd, 200, 320),
        "status": "open" if rnd.random() > 0.05 else rnd.choice(["filled", "closed"]),
    }
    if v["valid_until"] < v["posted_on"]:
        v["valid_until"] = v["posted_on"]
    if rnd.random() < 0.3:
        v["agency_licence"] = "LIC-%s-%04d" % (dest, rnd.randint(1, 400))
        v["agency_licence_status"] = rnd.choice(STATUS_LIC)
    return v


def make_seeker(i, rnd, occs, w, rel, skill_uri, as_uri, target=None):
    """target: a vacancy (dict) whose occupation and country the seeker is drawn near, so that
    the small demo set has real matches; the benchmark draws seekers independently."""
    origin = rnd.choice(list(ORIGINS))
    n_occ = rnd.choice([1, 1, 1, 2, 2, 3])
    held = [rnd.choices(occs, cum_weights=w)[0] for _ in range(n_occ)]
    if target is not None:
        same = BY_UNIT.get(target["isco"], [])
        held[0] = next((o for o in same if o[1] == target["esco"] or o[0] == target["esco"]), held[0]) \
            if rnd.random() < 0.5 else (rnd.choice(same) if same else held[0])
    # later occupations are often in the same minor group as the first
    for k in range(1, n_occ):
        same = BY_MINOR.get(held[0][2][:3], [])
        if same and rnd.random() < 0.6:
            held[k] = rnd.choice(same)
    skills = set()
    for o in held:
        ess, opt = rel.get(o[0], ([], []))
        skills.update(pick_skills(rnd, ess, 0.4, 0.9, 14))
        skills.update(pick_skills(rnd, opt, 0.05, 0.2, 4))
    isced = isced_for(held[0][2], rnd)
    if target is not None and rnd.random() < 0.7:
        isced = max(isced, target["min_isced"])
    native, second = ORIGINS[origin]
    langs = [{"lang": native, "level": "native"}]
    if second != native:
        langs.append({"lang": second, "level": rnd.choice(CEFR[1:5])})
    dests = sorted(rnd.sample(list(DESTS), rnd.choice([1, 2, 2, 3, 4])))
    if target is not None and target["country"] not in dests:
        dests = sorted(dests[1:] + [target["country"]])
    for d in dests:
        l = DESTS[d][0]
        if l not in (x["lang"] for x in langs) and rnd.random() < (0.8 if target is not None else 0.5):
            langs.append({"lang": l, "level": rnd.choice(CEFR[1:5] if target is not None else CEFR[0:4])})
    s = {
        "ref": "S-%06d" % i,
        "sex": rnd.choice(["F", "M", "F", "M", "O"] if rnd.random() < 0.02 else ["F", "M"]),
        "birth_year": rnd.randint(1966, 2006),
        "citizenship": origin,
        "residence": origin if rnd.random() < 0.85 else rnd.choice(list(DESTS)),
        "isced": isced,
        "occupations": [{"isco": o[2], "esco": o[1] if as_uri else o[0], "years": rnd.randint(0, 15)} for o in held],
        "skills": sorted(skills),
        "languages": langs,
        "destinations": dests,
        "available_from": date(rnd, 200, 420),
    }
    if isced >= 4:
        unit = held[0][2]
        q = {"title": "Synthetic diploma for ISCO %s" % unit, "isced": isced, "country": origin,
             "isco": unit[:rnd.choice([3, 4])], "recognition": []}
        for d in dests:
            r = rnd.random()
            if r < 0.35:
                q["recognition"].append({"country": d, "status": "recognised", "authority": "Synthetic recognition office",
                                         "date": date(rnd, 0, 300)})
            elif r < 0.5:
                q["recognition"].append({"country": d, "status": rnd.choice(["partial", "pending", "refused"])})
        s["qualifications"] = [q]
    return s


ARRANGEMENTS = [
    {"origin": "PH", "destination": "DE", "isco": "2221", "min_isced": 6, "kind": "assessment",
     "title": "Synthetic arrangement: nursing qualifications, by knowledge test"},
    {"origin": "PH", "destination": "SA", "isco": "222", "min_isced": 6, "kind": "automatic",
     "title": "Synthetic arrangement: nursing and midwifery, automatic"},
    {"origin": "IN", "destination": "AE", "isco": "2", "min_isced": 6, "kind": "assessment",
     "title": "Synthetic arrangement: professional degrees, by assessment"},
    {"origin": "MA", "destination": "ES", "isco": "7411", "min_isced": 3, "kind": "automatic",
     "title": "Synthetic arrangement: electricians' vocational certificates"},
    {"origin": "SN", "destination": "FR", "min_isced": 6, "kind": "assessment",
     "title": "Synthetic arrangement: university degrees, by assessment"},
    {"origin": "MX", "destination": "CA", "isco": "7", "min_isced": 3, "kind": "assessment",
     "title": "Synthetic arrangement: trades certificates, by assessment"},
    {"origin": "UA", "destination": "DE", "isco": "2211", "min_isced": 7, "kind": "assessment",
     "title": "Synthetic arrangement: medical degrees, by assessment"},
]


def samples(db, outdir):
    rnd = random.Random(20261202)
    con, occs, rel, skill_uri, units = load(db)
    w = occupation_weights(occs, rnd)
    vacs = []
    with open(os.path.join(outdir, "vacancies.jsonl"), "w") as f:
        for i in range(1, 301):
            v = make_vacancy(i, rnd, occs, w, rel, skill_uri, True)
            vacs.append(dict(v))
            v["essential_skills"] = [skill_uri[s] for s in v["essential_skills"]]
            v["optional_skills"] = [skill_uri[s] for s in v["optional_skills"]]
            f.write(json.dumps(v, ensure_ascii=False) + "\n")
    with open(os.path.join(outdir, "seekers.jsonl"), "w") as f:
        for i in range(1, 201):
            s = make_seeker(i, rnd, occs, w, rel, skill_uri, True, rnd.choice(vacs) if rnd.random() < 0.7 else None)
            s["skills"] = [skill_uri[k] for k in s["skills"]]
            f.write(json.dumps(s, ensure_ascii=False) + "\n")
    with open(os.path.join(outdir, "seekers-arrangements.jsonl"), "w") as f:
        for a in ARRANGEMENTS:
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


def bench(db, nvac, nseek):
    rnd = random.Random(4)
    con, occs, rel, skill_uri, units = load(db)
    w = occupation_weights(occs, rnd)
    cur = con.cursor()
    cur.execute("PRAGMA journal_mode = OFF")
    cur.execute("PRAGMA synchronous = OFF")
    cur.execute("BEGIN")
    for a in ARRANGEMENTS:
        cur.execute("INSERT INTO recognition_arrangement(origin, destination, isco_code, min_isced, kind, title) "
                    "VALUES(?,?,?,?,?,?)", (a["origin"], a["destination"], a.get("isco"), a["min_isced"], a["kind"],
                                            a["title"]))
    cefr = {c: i + 1 for i, c in enumerate(CEFR)}
    cefr["native"] = 7
    vrows, srows, lrows = [], [], []

    def flush_v():
        cur.executemany("INSERT INTO vacancy(id, ref, employer, country, region, isco_code, esco_id, min_isced, "
                        "regulated, positions, agency_licence, agency_licence_status, status, posted_on, valid_until, "
                        "updated_at) VALUES(?,?,?,?,NULL,?,?,?,?,?,?,?,?,?,?,0)", vrows)
        cur.executemany("INSERT INTO vacancy_skill(vacancy_id, skill_id, essential) VALUES(?,?,?)", srows)
        cur.executemany("INSERT INTO vacancy_language(vacancy_id, lang, level) VALUES(?,?,?)", lrows)
        vrows.clear(); srows.clear(); lrows.clear()

    for i in range(1, nvac + 1):
        v = make_vacancy(i, rnd, occs, w, rel, skill_uri, False)
        vrows.append((i, v["ref"], v["employer"], v["country"], v["isco"], v["esco"], v["min_isced"],
                      int(v["regulated"]), v["positions"], v.get("agency_licence"), v.get("agency_licence_status"),
                      v["status"], v["posted_on"], v["valid_until"]))
        ess = set(v["essential_skills"])
        srows.extend((i, s, 1) for s in v["essential_skills"])
        srows.extend((i, s, 0) for s in v["optional_skills"] if s not in ess)
        lrows.extend((i, l["lang"], cefr[l["level"]]) for l in v["languages"])
        if i % 50000 == 0:
            flush_v()
            print("  vacancies: %d" % i, file=sys.stderr)
    flush_v()
    q_rows, r_rows = [], []
    for i in range(1, nseek + 1):
        s = make_seeker(i, rnd, occs, w, rel, skill_uri, False)
        cur.execute("INSERT INTO seeker(id, ref, sex, birth_year, citizenship, residence, isced, available_from, "
                    "status, updated_at) VALUES(?,?,?,?,?,?,?,?, 'open', 0)",
                    (i, s["ref"], s["sex"], s["birth_year"], s["citizenship"], s["residence"], s["isced"],
                     s["available_from"]))
        cur.executemany("INSERT INTO seeker_occupation(seeker_id, position, isco_code, esco_id, years) "
                        "VALUES(?,?,?,?,?)", [(i, k, o["isco"], o["esco"], o["years"])
                                              for k, o in enumerate(s["occupations"])])
        cur.executemany("INSERT INTO seeker_skill(seeker_id, skill_id) VALUES(?,?)", [(i, k) for k in s["skills"]])
        cur.executemany("INSERT OR IGNORE INTO seeker_language(seeker_id, lang, level) VALUES(?,?,?)",
                        [(i, l["lang"], cefr[l["level"]]) for l in s["languages"]])
        cur.executemany("INSERT INTO seeker_destination(seeker_id, country) VALUES(?,?)",
                        [(i, d) for d in s["destinations"]])
        for q in s.get("qualifications", []):
            cur.execute("INSERT INTO qualification(seeker_id, title, isced, country, isco_code) VALUES(?,?,?,?,?)",
                        (i, q["title"], q["isced"], q["country"], q["isco"]))
            qid = cur.lastrowid
            cur.executemany("INSERT INTO recognition(qualification_id, country, status, authority, decided_on) "
                            "VALUES(?,?,?,?,?)", [(qid, r["country"], r["status"], r.get("authority"), r.get("date"))
                                                   for r in q["recognition"]])
    con.commit()
    con.execute("ANALYZE")
    con.close()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "samples":
        samples(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "bench":
        bench(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
