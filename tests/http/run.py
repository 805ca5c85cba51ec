#!/usr/bin/env python3
"""HTTP tests of lmis against the real binary (Python 3 standard library only).

Creates a database with `lmis init`, one account per role with `lmis user add`,
starts `lmis serve --port 0`, and talks to it with http.client and raw sockets:
API and pages, errors as problem JSON, the route-by-role matrix, sessions and
cookie flags, CSRF, login rate limits, body limits, malformed requests, security
headers. At the end the server gets SIGTERM and must exit cleanly (under
AddressSanitizer that includes no leaks).

    LMIS_BIN=build-asan/lmis python3 tests/http/run.py [-v] [unittest args]

Prints `http: N passed, N failed` last; exits non-zero on any failure.
"""
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("LMIS_BIN", os.path.join(ROOT, "build", "lmis")))
ROLES = ["public", "migrant", "employment_officer", "statistician", "labour_inspector",
         "recruitment_regulator", "social_partner", "immigration_officer", "admin"]
PASSWORD = "http-test-password-2026"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


class Srv:
    """Module state: the one server every test talks to."""
    tmp = None
    db = None
    proc = None
    port = None
    stderr_path = None
    esco_id = None
    receipts = []


def lmis(*args, stdin=None, check=True, extra_env=None):
    env = dict(os.environ)
    env.update(extra_env or {})
    env.setdefault("LMIS_DATA", os.path.join(ROOT, "data"))
    env["LMIS_NO_PROGRESS"] = "1"
    p = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)
    if check and p.returncode != 0:
        raise RuntimeError("lmis %s failed (%d): %s%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
    return p


def user_name(role):
    return "u_" + role


# ---------------------------------------------------------------- HTTP helpers

class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers            # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies(self):
        """Set-Cookie headers as {name: (value, attribute string)}."""
        out = {}
        for k, v in self.headers:
            if k.lower() == "set-cookie":
                first, _, attrs = v.partition(";")
                name, _, value = first.partition("=")
                out[name.strip()] = (value.strip(), attrs)
        return out

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


def request(method, path, body=None, headers=None, cookies=None, timeout=30):
    h = dict(headers or {})
    if cookies:
        h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode("utf-8")
    c = http.client.HTTPConnection("127.0.0.1", Srv.port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return Resp(r.status, r.getheaders(), r.read())
    finally:
        c.close()


def form(fields):
    from urllib.parse import urlencode
    return urlencode(fields)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def raw(data, timeout=5.0):
    """Send bytes on a fresh connection; return everything read until close or timeout."""
    s = socket.create_connection(("127.0.0.1", Srv.port), timeout=timeout)
    out = b""
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                d = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not d:
                break
            out += d
            # one response is enough
            head, sep, rest = out.partition(b"\r\n\r\n")
            if sep:
                m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
    finally:
        s.close()
    return out


def raw_status(data, timeout=5.0):
    out = raw(data, timeout)
    m = re.match(rb"HTTP/1\.[01] (\d{3})", out)
    return (int(m.group(1)) if m else None), out


def login(role, password=PASSWORD):
    """API login; returns (Resp, session token or None, csrf or None)."""
    r = request("POST", "/api/v1/login", {"username": user_name(role), "password": password})
    tok = r.cookies().get("lmis_session", (None,))[0]
    csrf = r.json().get("csrf_token") if r.status == 200 else None
    return r, tok, csrf


# ---------------------------------------------------------------- server

# Complainant identities seeded before the server starts. The firewall test
# searches every response the immigration officer can obtain for each of them.
SEEDED = {
    "name": "Zainab Quetzal-Okonkwo",
    "passport": "PX9Y8Z7W6",
    "phone": "+63 917 555 0199",
    "email": "zainab.q@example.org",
    "employer": "Household Qadir-Vanterpool",
    "marker": "Ixchel-marker-7731",
}


def seed_cases():
    """Case 1: identified, assigned to the labour inspector. Case 2: anonymous,
    unassigned. Filed by the operator (CLI), assigned with the inspector's token."""
    one = {"category": "document_retention", "language": "en",
           "description": "My passport is kept by %s. My visa expired in March. %s" % (SEEDED["employer"],
                                                                                         SEEDED["marker"]),
           "employer": {"name": SEEDED["employer"], "country": "SAU"},
           "agency": {"name": "Seeded Manpower", "licence": "LIC-0001"},
           "anonymous": False,
           "complainant": {k: SEEDED[k] for k in ("name", "passport", "phone", "email")},
           "contact": {"method": "phone"}}
    two = {"category": "unpaid_wages", "language": "fr", "description": "Salaire impay\u00e9 depuis trois mois."}
    for i, c in enumerate((one, two)):
        path = os.path.join(Srv.tmp, "case%d.json" % i)
        with open(path, "w") as f:
            json.dump(c, f)
        out = json.loads(lmis("case", "file", path, "--json", "--db", Srv.db).stdout)
        Srv.receipts.append(out["receipt"])
    tok = json.loads(lmis("token", "create", user_name("labour_inspector"), "--json", "--db", Srv.db).stdout)["token"]
    lmis("case", "assign", "1", user_name("labour_inspector"), "--db", Srv.db, extra_env={"LMIS_TOKEN": tok})


def start_server():
    Srv.tmp = tempfile.mkdtemp(prefix="lmis-http-")
    Srv.db = os.path.join(Srv.tmp, "test.db")
    lmis("init", "--db", Srv.db)
    lmis("survey", "import", "lfs-demo", os.path.join(ROOT, "data", "samples", "lfs-demo.csv.gz"), "--codebook",
         os.path.join(ROOT, "data", "samples", "lfs-demo.codebook.json"), "--db", Srv.db)
    lmis("indicator", "compute", "UNE_DEAP_SEX_AGE_CBR_RT", "--survey", "lfs-demo", "--publish", "--format", "json",
         "--db", Srv.db)
    lmis("agency", "import", os.path.join(ROOT, "data", "samples", "agencies.csv"), "--db", Srv.db)
    lmis("cost", "import", os.path.join(ROOT, "data", "samples", "costs.jsonl"), "--db", Srv.db)
    # job matching (issue 4): synthetic vacancies, arrangements and seekers
    for kind, name in (("vacancy", "vacancies.jsonl"), ("arrangement", "seekers-arrangements.jsonl"),
                       ("seeker", "seekers.jsonl")):
        lmis(kind, "import", os.path.join(ROOT, "data", "samples", name), "--db", Srv.db)
    for role in ROLES[1:] + ["victim", "leaver", "tokenuser"]:
        name = user_name(role) if role in ROLES else role
        r = role if role in ROLES else "migrant"
        if role == "tokenuser":
            r = "statistician"
        lmis("user", "add", name, "--role", r, "--password-stdin", "--db", Srv.db, stdin=PASSWORD + "\n")
    seed_cases()
    Srv.stderr_path = os.path.join(Srv.tmp, "serve.err")
    err = open(Srv.stderr_path, "w")
    Srv.proc = subprocess.Popen([BIN, "serve", "--db", Srv.db, "--port", "0", "--bind", "127.0.0.1"],
                                stdout=subprocess.PIPE, stderr=err, text=True)
    err.close()
    deadline = time.monotonic() + 30
    line = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([Srv.proc.stdout], [], [], 0.5)
        if ready:
            line = Srv.proc.stdout.readline()
            break
        if Srv.proc.poll() is not None:
            break
    m = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)/\n", line)
    if not m:
        raise RuntimeError("server did not start: %r\n%s" % (line, open(Srv.stderr_path).read()))
    Srv.port = int(m.group(1))


def stop_server():
    """SIGTERM, then the exit status: 0 means a graceful stop with no leaks."""
    if not Srv.proc:
        return None
    Srv.proc.send_signal(signal.SIGTERM)
    try:
        rc = Srv.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        Srv.proc.kill()
        rc = Srv.proc.wait()
    Srv.proc.stdout.close()
    return rc


# ---------------------------------------------------------------- the matrix

A, P = "api", "page"
ALL200 = [200] * 9
ACCOUNT = lambda pub, acc: [pub] + [acc] * 8   # noqa: E731

# (method, pattern, example path, kind, body kind, expected status per role in ROLES order)
OFF4 = [401, 403, 200, 403, 403, 403, 403, 403, 200]   # issue 4: officers and admins
OFFW4 = [401, 403, 400, 403, 403, 403, 403, 403, 400]  # issue 4 writes with an empty body
PAGE4 = [303, 403, 200, 403, 403, 403, 403, 403, 200]  # issue 4 officer pages
MATRIX = [
    ("GET", "/", "/", P, None, ALL200),
    ("GET", "/account", "/account", P, None, ACCOUNT(303, 200)),
    # the audit log: administrators only (a page sends the public to log in)
    ("GET", "/admin/audit", "/admin/audit", P, None, [303] + [403] * 7 + [200]),
    # the notification outbox page and retry: administrators only (no such message: 404)
    ("GET", "/admin/notifications", "/admin/notifications?state=queued", P, None, [303] + [403] * 7 + [200]),
    ("POST", "/admin/notifications/{id}/retry", "/admin/notifications/999999/retry", P, "csrf-form-b",
     [401] + [403] * 7 + [404]),
    # agreements: reading is public; employment officers and admins edit; social partners comment
    ("GET", "/agreements", "/agreements?q=worker", P, None, ALL200),
    ("GET", "/agreements/{id}", "/agreements/mercosur-social-security-1997", P, None, ALL200),
    ("POST", "/agreements/{id}/assessment", "/agreements/ph-sa-domestic-workers-2013/assessment", P, "csrf-form-b",
     [401, 403, 400, 403, 403, 403, 403, 403, 400]),
    ("POST", "/agreements/{id}/comments", "/agreements/ph-sa-domestic-workers-2013/comments", P, "csrf-form-b",
     [401, 403, 400, 403, 403, 403, 400, 403, 400]),
    ("GET", "/api/v1/aggregates", "/api/v1/aggregates?area=ITA&counterpart=PHL", A, None, ALL200),
    ("GET", "/api/v1/agreements", "/api/v1/agreements?q=social+security", A, None, ALL200),
    # an empty document imports nothing: 200 for the roles that may edit
    ("POST", "/api/v1/agreements", "/api/v1/agreements", A, "json-empty-csrf", [401, 403, 200, 403, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/agreements/indicators", "/api/v1/agreements/indicators?country=PH", A, None, ALL200),
    ("GET", "/api/v1/agreements/{id}", "/api/v1/agreements/mercosur-social-security-1997", A, None, ALL200),
    # an empty object reaches the handler only for the roles that may edit (400: no criterion) or comment
    ("POST", "/api/v1/agreements/{id}/assessment", "/api/v1/agreements/ph-sa-domestic-workers-2013/assessment", A,
     "json-empty-csrf", [401, 403, 400, 403, 403, 403, 403, 403, 400]),
    ("POST", "/api/v1/agreements/{id}/comments", "/api/v1/agreements/ph-sa-domestic-workers-2013/comments", A,
     "json-empty-csrf", [401, 403, 400, 403, 403, 403, 400, 403, 400]),
    ("GET", "/api/v1/agreements/{id}/r86", "/api/v1/agreements/es-ec-migration-flows-2001/r86", A, None, ALL200),
    ("GET", "/api/v1/audit", "/api/v1/audit?limit=5", A, None, [401] + [403] * 7 + [200]),
    ("GET", "/api/v1/audit/verify", "/api/v1/audit/verify", A, None, [401] + [403] * 7 + [200]),
    # complaints and cases: the firewall (case 1 is assigned to u_labour_inspector)
    ("GET", "/api/v1/cases", "/api/v1/cases", A, None, [401, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("GET", "/api/v1/cases/search", "/api/v1/cases/search?passport=PX9Y8Z7W6", A, None, [401, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("GET", "/api/v1/cases/stats", "/api/v1/cases/stats?by=state", A, None, ALL200),
    ("GET", "/api/v1/cases/{id}", "/api/v1/cases/1", A, None, [401, 403, 403, 403, 200, 403, 403, 403, 403]),
    # the assigned inspector gets through to the handler: 400, no action given
    ("POST", "/api/v1/cases/{id}", "/api/v1/cases/1", A, "json-empty-csrf", [401, 403, 403, 403, 400, 403, 403, 403, 403]),
    ("POST", "/api/v1/complaints", "/api/v1/complaints", A, "json-empty", [400] * 9),
    ("POST", "/api/v1/complaints/track", "/api/v1/complaints/track", A, "json-empty", [400] * 9),
    ("GET", "/api/v1/corridors/{origin}/{dest}", "/api/v1/corridors/PH/DE", A, None, ALL200),
    ("GET", "/api/v1/countries", "/api/v1/countries", A, None, ALL200),
    ("GET", "/api/v1/esco/occupations", "/api/v1/esco/occupations?q=nurse", A, None, ALL200),
    ("GET", "/api/v1/esco/occupations/{id}", "/api/v1/esco/occupations/{esco}", A, None, ALL200),
    ("GET", "/api/v1/health", "/api/v1/health", A, None, ALL200),
    ("GET", "/api/v1/indicators", "/api/v1/indicators", A, None, ALL200),
    ("GET", "/api/v1/indicators/{id}", "/api/v1/indicators/UNE_DEAP_SEX_AGE_CBR_RT?survey=lfs-demo", A, None, ALL200),
    # ad hoc breakdowns are estimates from microdata: statisticians and admins only
    ("GET", "/api/v1/indicators/{id}", "/api/v1/indicators/UNE_DEAP_SEX_AGE_CBR_RT?survey=lfs-demo&by=sex,isced",
     A, None, [401, 403, 403, 200, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/isco", "/api/v1/isco", A, None, ALL200),
    ("GET", "/api/v1/isco/{code}", "/api/v1/isco/2221", A, None, ALL200),
    # an empty object: 400 shows the policy let the request through to the handler
    ("POST", "/api/v1/login", "/api/v1/login", A, "json-empty", [400] * 9),
    ("GET", "/api/v1/me", "/api/v1/me", A, None, ACCOUNT(401, 200)),
    # case notifications: administrators, and labour inspectors for their own cases; never the immigration officer
    ("GET", "/api/v1/notifications", "/api/v1/notifications?state=queued&limit=10", A, None,
     [401, 403, 403, 403, 200, 403, 403, 403, 200]),
    ("POST", "/api/v1/notifications/{id}/retry", "/api/v1/notifications/999999/retry", A, "csrf-header",
     [401] + [403] * 7 + [404]),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", A, None, ALL200),
    ("GET", "/api/v1/practices", "/api/v1/practices?q=skills", A, None, ALL200),
    ("GET", "/api/v1/practices/{id}", "/api/v1/practices/ph-tripartite-boards", A, None, ALL200),
    ("GET", "/api/v1/ratifications", "/api/v1/ratifications?instrument=C189", A, None, ALL200),
    # the pension calculator is public; an empty object is a 400 naming /birth_year
    ("POST", "/api/v1/socsec/compute", "/api/v1/socsec/compute", A, "json-empty", [400] * 9),
    ("GET", "/api/v1/socsec/instruments", "/api/v1/socsec/instruments", A, None, ALL200),
    ("GET", "/api/v1/socsec/schemes", "/api/v1/socsec/schemes", A, None, ALL200),
    ("GET", "/api/v1/surveys", "/api/v1/surveys", A, None, ALL200),
    ("GET", "/api/v1/surveys/{name}", "/api/v1/surveys/lfs-demo", A, None, ALL200),
    ("GET", "/cases", "/cases", P, None, [303, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("GET", "/cases/{id}", "/cases/1", P, None, [303, 403, 403, 403, 200, 403, 403, 403, 403]),
    ("POST", "/cases/{id}", "/cases/1", P, "csrf-form-b", [401, 403, 403, 403, 400, 403, 403, 403, 403]),
    ("GET", "/complaint", "/complaint", P, None, ALL200),
    ("POST", "/complaint", "/complaint", P, "login-form-empty", [400] * 9),
    ("GET", "/complaint/stats", "/complaint/stats", P, None, ALL200),
    ("GET", "/complaint/track", "/complaint/track", P, None, ALL200),
    ("POST", "/complaint/track", "/complaint/track", P, "login-form-empty", [404] * 9),
    ("GET", "/corridor", "/corridor?origin=PH&dest=DE", P, None, [303] * 9),
    ("GET", "/corridor/{origin}/{dest}", "/corridor/PHL/DEU", P, None, ALL200),
    ("GET", "/esco/occupation/{id}", "/esco/occupation/{esco}", P, None, ALL200),
    ("GET", "/isco", "/isco", P, None, ALL200),
    ("GET", "/isco/{code}", "/isco/2221", P, None, ALL200),
    ("GET", "/login", "/login", P, None, ALL200),
    # a valid pre-session token but no credentials: the form comes back with 400
    ("POST", "/login", "/login", P, "login-form-empty", [400] * 9),
    # good practices: public pages over the same search as /api/v1/practices
    ("GET", "/practices", "/practices?q=regularization&theme=regularization", P, None, ALL200),
    ("GET", "/practices/{id}", "/practices/ph-tripartite-boards", P, None, ALL200),
    ("GET", "/ratifications", "/ratifications", P, None, ALL200),
    ("GET", "/sdmx/data/{flow}", "/sdmx/data/LMIS_MIG?format=sdmx-csv", A, None, ALL200),
    ("GET", "/sdmx/data/{flow}/{key}", "/sdmx/data/LMIS_PUBLIC/ITA.PHL....?format=sdmx-json", A, None, ALL200),
    ("GET", "/socsec", "/socsec", P, None, ALL200),
    # a valid pre-session token but no periods: the form comes back with 400
    ("POST", "/socsec", "/socsec", P, "login-form-empty", [400] * 9),
    ("GET", "/static/style.css", "/static/style.css", P, None, ALL200),
    ("GET", "/statistics", "/statistics", P, None, ALL200),
    ("GET", "/statistics/area", "/statistics/area?code=ITA&counterpart=PHL", P, None, [303] * 9),
    ("GET", "/statistics/area/{code}", "/statistics/area/ITA?counterpart=PHL", P, None, ALL200),
    ("GET", "/statistics/indicator/{id}", "/statistics/indicator/UNE_DEAP_SEX_AGE_CBR_RT?survey=lfs-demo", P, None,
     ALL200),
    # fair recruitment: agency checks, costs and published reviews are public; the moderation queue is the regulator's
    ("GET", "/agencies/check", "/agencies/check?name=Sunrize+Manpower&country=NPL", P, None, ALL200),
    ("GET", "/agencies/sanctioned", "/agencies/sanctioned", P, None, ALL200),
    ("GET", "/agencies/{licence}", "/agencies/DEMO-NPL-0002?country=NPL", P, None, ALL200),
    ("POST", "/agencies/{licence}/review", "/agencies/DEMO-NPL-0002/review", P, "login-form-empty", [400] * 9),
    ("GET", "/api/v1/agencies", "/api/v1/agencies?status=banned&sanctioned=true&country=NPL", A, None, ALL200),
    ("GET", "/api/v1/agencies/check", "/api/v1/agencies/check?name=everest&country=NPL&limit=5", A, None, ALL200),
    ("GET", "/api/v1/agencies/{licence}", "/api/v1/agencies/DEMO-NPL-0002?country=NPL", A, None, ALL200),
    ("POST", "/api/v1/costs", "/api/v1/costs", A, "json-empty", [400] * 9),
    ("GET", "/api/v1/costs/sdg", "/api/v1/costs/sdg?by=sex&min_n=10&isco_digits=1&origin=NPL&destination=QAT", A, None,
     ALL200),
    ("GET", "/api/v1/reviews", "/api/v1/reviews?agency=DEMO-NPL-0002&country=NPL&limit=5", A, None, ALL200),
    ("GET", "/api/v1/reviews", "/api/v1/reviews?status=pending", A, None, [401, 403, 403, 403, 403, 200, 403, 403, 200]),
    ("POST", "/api/v1/reviews", "/api/v1/reviews", A, "json-empty", [400] * 9),
    # an empty object: 400 shows the policy let the regulator through to the handler
    ("POST", "/api/v1/reviews/{id}/moderate", "/api/v1/reviews/999999/moderate", A, "json-empty-csrf",
     [401, 403, 403, 403, 403, 400, 403, 403, 400]),
    ("GET", "/costs", "/costs?by=sex&min_n=10&isco_digits=1&origin=NPL&destination=QAT", P, None, ALL200),
    # the moderation queue page sends the public to log in
    ("GET", "/reviews/moderate", "/reviews/moderate", P, None, [303, 403, 403, 403, 403, 200, 403, 403, 200]),
    ("POST", "/reviews/{id}/moderate", "/reviews/999999/moderate", P, "csrf-form-b",
     [401, 403, 403, 403, 403, 400, 403, 403, 400]),
    ("GET", "/costs/report", "/costs/report", P, None, ALL200),
    ("POST", "/costs/report", "/costs/report", P, "login-form-empty", [400] * 9),
    # job matching (issue 4): officers and admins; a migrant only their own profile (403 on others')
    ("GET", "/api/v1/match/seekers/{id}", "/api/v1/match/seekers/1", A, None, OFF4),
    ("GET", "/api/v1/match/vacancies/{id}", "/api/v1/match/vacancies/1", A, None, OFF4),
    ("GET", "/api/v1/needs", "/api/v1/needs?country=DE", A, None, ALL200),
    ("GET", "/api/v1/seekers", "/api/v1/seekers", A, None, OFF4),
    ("POST", "/api/v1/seekers", "/api/v1/seekers", A, "json-empty-csrf", OFFW4),
    ("GET", "/api/v1/seekers/{id}", "/api/v1/seekers/1", A, None, OFF4),
    ("POST", "/api/v1/seekers/{id}", "/api/v1/seekers/1", A, "json-empty-csrf", OFFW4),
    ("GET", "/api/v1/vacancies", "/api/v1/vacancies?country=DE", A, None, OFF4),
    ("POST", "/api/v1/vacancies", "/api/v1/vacancies", A, "json-empty-csrf", OFFW4),
    ("GET", "/api/v1/vacancies/{id}", "/api/v1/vacancies/1", A, None, OFF4),
    ("POST", "/api/v1/vacancies/{id}", "/api/v1/vacancies/1", A, "json-empty-csrf", OFFW4),
    ("GET", "/jobs/me", "/jobs/me", P, None, [303, 200, 200, 403, 403, 403, 403, 403, 200]),
    ("GET", "/jobs/me/edit", "/jobs/me/edit", P, None, [303, 200] + [403] * 7),
    ("POST", "/jobs/me/edit", "/jobs/me/edit", P, "csrf-form-b", [401, 400] + [403] * 7),
    ("GET", "/needs", "/needs?isco=1", P, None, ALL200),
    ("GET", "/seekers", "/seekers", P, None, PAGE4),
    ("POST", "/seekers", "/seekers", P, "csrf-form-b", OFFW4),
    ("GET", "/seekers/new", "/seekers/new", P, None, PAGE4),
    ("GET", "/seekers/{id}", "/seekers/1", P, None, PAGE4),
    ("GET", "/seekers/{id}/edit", "/seekers/1/edit", P, None, PAGE4),
    ("POST", "/seekers/{id}/edit", "/seekers/1/edit", P, "csrf-form-b", [401, 403, 303, 403, 403, 403, 403, 403, 303]),
    ("GET", "/vacancies", "/vacancies", P, None, PAGE4),
    ("POST", "/vacancies", "/vacancies", P, "csrf-form-b", OFFW4),
    ("GET", "/vacancies/new", "/vacancies/new", P, None, PAGE4),
    ("GET", "/vacancies/{id}", "/vacancies/1", P, None, PAGE4),
    ("GET", "/vacancies/{id}/edit", "/vacancies/1/edit", P, None, PAGE4),
    ("POST", "/vacancies/{id}/edit", "/vacancies/1/edit", P, "csrf-form-b", [401, 403, 303, 403, 403, 403, 403, 403, 303]),
    # the logouts end the session, so they run last, each on its own session
    ("POST", "/api/v1/logout", "/api/v1/logout", A, "csrf-header", ACCOUNT(401, 200)),
    ("POST", "/logout", "/logout", P, "csrf-form-b", ACCOUNT(401, 303)),
]


class T01Basics(unittest.TestCase):
    def test_health(self):
        r = request("GET", "/api/v1/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "application/json")
        j = r.json()
        self.assertEqual(j["status"], "ok")
        self.assertIsInstance(j["version"], str)
        self.assertIsInstance(j["schema_version"], int)
        self.assertGreaterEqual(j["schema_version"], 1)

    def test_head(self):
        r = request("HEAD", "/api/v1/health")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")

    def test_isco_2221(self):
        r = request("GET", "/api/v1/isco/2221")
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertEqual(j["code"], "2221")
        self.assertEqual(j["level"], 4)
        self.assertIn("Nursing", j["title"])
        self.assertEqual([p["code"] for p in j["path"]][:3], ["2", "22", "222"])
        self.assertTrue(j.get("esco_occupations"), "2221 has ESCO occupations")

    def test_language(self):
        en = request("GET", "/api/v1/isco/2221").json()
        fr = request("GET", "/api/v1/isco/2221?lang=fr").json()
        self.assertEqual(fr["title"], en["title_fr"])
        es = request("GET", "/api/v1/isco/2221", headers={"Accept-Language": "es-ES,es;q=0.9"}).json()
        self.assertEqual(es["title"], en["title_es"])
        ck = request("GET", "/api/v1/isco/2221", cookies={"lmis_lang": "fr"}).json()
        self.assertEqual(ck["title"], en["title_fr"])
        # the query parameter wins over the cookie
        q = request("GET", "/api/v1/isco/2221?lang=es", cookies={"lmis_lang": "fr"}).json()
        self.assertEqual(q["title"], en["title_es"])

    def test_isco_list_and_search(self):
        j = request("GET", "/api/v1/isco").json()
        self.assertEqual(len(j["groups"]), 10)
        j = request("GET", "/api/v1/isco?parent=222").json()
        self.assertIn("2221", [g["code"] for g in j["groups"]])
        r = request("GET", "/api/v1/isco?q=nurse&limit=5")
        self.assertEqual(r.status, 200, r)
        self.assertLessEqual(len(r.json()["results"]), 5)
        r = request("GET", "/api/v1/esco/occupations?q=nurse&limit=3")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(0 < len(r.json()["results"]) <= 3)
        r = request("GET", "/api/v1/countries")
        self.assertGreater(len(r.json()["countries"]), 190)

    def test_unknown_code_is_problem_json(self):
        r = request("GET", "/api/v1/isco/9999")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.header("Content-Type"), "application/problem+json")
        j = r.json()
        self.assertEqual(j["status"], 404)
        self.assertEqual(j["type"], "/problems/not-found")
        self.assertEqual(j["title"], "Not found")
        self.assertEqual(j["instance"], "/api/v1/isco/9999")
        self.assertIn("9999", j["detail"])
        r = request("GET", "/api/v1/esco/occupations/999999999")
        self.assertEqual(r.status, 404)
        r = request("GET", "/api/v1/no/such/thing")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.json()["type"], "/problems/not-found")

    def test_unknown_page_is_html(self):
        r = request("GET", "/no-such-page")
        self.assertEqual(r.status, 404)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        self.assertIn(b"<html", r.body)

    def test_bad_parameters_name_the_parameter(self):
        cases = [
            ("/api/v1/isco?level=abc", "level"),
            ("/api/v1/isco?level=9", "level"),
            ("/api/v1/isco?level=", "level"),
            ("/api/v1/isco?limit=0&q=nurse", "limit"),
            ("/api/v1/esco/occupations?q=nurse&limit=0", "limit"),
            ("/api/v1/esco/occupations?q=nurse&limit=1000", "limit"),
            ("/api/v1/esco/occupations?q=nurse&limit=1e3", "limit"),
            ("/api/v1/esco/occupations", "q"),
            ("/api/v1/esco/occupations?q=%20%20", "q"),
            ("/api/v1/isco?parent=abc", "parent"),
            ("/api/v1/isco/abc", "code"),
            ("/api/v1/isco/22211", "code"),
            ("/api/v1/esco/occupations/x1", "id"),
            ("/api/v1/countries?lang=de", "lang"),
        ]
        for path, param in cases:
            with self.subTest(path=path):
                r = request("GET", path)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.header("Content-Type"), "application/problem+json")
                j = r.json()
                self.assertEqual(j["type"], "/problems/invalid")
                self.assertEqual(j.get("parameter"), param, j)

    def test_method_not_allowed(self):
        r = request("DELETE", "/api/v1/isco/2221")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "GET, HEAD")
        self.assertEqual(r.json()["type"], "/problems/method-not-allowed")
        r = request("GET", "/api/v1/login")
        self.assertEqual(r.status, 405)
        self.assertEqual(r.header("Allow"), "POST")

    def test_security_headers_everywhere(self):
        for method, path in [("GET", "/api/v1/health"), ("GET", "/api/v1/isco/9999"), ("GET", "/"),
                             ("GET", "/static/style.css"), ("GET", "/account"), ("GET", "/nowhere"),
                             ("DELETE", "/"), ("GET", "/api/v1/me"), ("GET", "/api/v1/openapi.json")]:
            with self.subTest(path=path, method=method):
                r = request(method, path)
                for k, v in SECURITY_HEADERS.items():
                    self.assertEqual(r.header(k), v, "%s on %s %s" % (k, method, path))
                csp = r.header("Content-Security-Policy")
                self.assertIsNotNone(csp)
                self.assertIn("default-src 'self'", csp)
                self.assertNotIn("unsafe-inline", csp)

    def test_openapi_lists_every_api_route(self):
        r = request("GET", "/api/v1/openapi.json")
        self.assertEqual(r.status, 200)
        doc = r.json()
        self.assertTrue(doc["openapi"].startswith("3.1"))
        documented = {(m.upper(), p) for p, item in doc["paths"].items() for m in item
                      if m in ("get", "post", "put", "delete", "patch")}
        routes = {(m, pat) for m, pat, _, kind, _, _ in MATRIX if kind == A}
        self.assertEqual(documented, routes)
        self.assertIn("bearerAuth", doc["components"]["securitySchemes"])
        self.assertIn("cookieAuth", doc["components"]["securitySchemes"])
        self.assertIn("Problem", doc["components"]["schemas"])


class T02Auth(unittest.TestCase):
    def test_me_401_for_public(self):
        r = request("GET", "/api/v1/me")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json()["type"], "/problems/unauthorized")
        self.assertIn("Bearer", r.header("WWW-Authenticate") or "")

    def test_me_per_role(self):
        for role in ROLES[1:]:
            with self.subTest(role=role):
                r, tok, csrf = login(role)
                self.assertEqual(r.status, 200, r)
                me = request("GET", "/api/v1/me", cookies={"lmis_session": tok})
                self.assertEqual(me.status, 200)
                self.assertEqual(me.json()["role"], role)
                self.assertEqual(me.json()["username"], user_name(role))
                self.assertEqual(me.json()["csrf_token"], csrf)

    def test_login_logout_cookie_flags(self):
        r, tok, csrf = login("migrant")
        self.assertEqual(r.status, 200)
        value, attrs = r.cookies()["lmis_session"]
        self.assertRegex(value, r"^[0-9a-f]{64}$")
        a = [x.strip() for x in attrs.split(";")]
        self.assertIn("HttpOnly", a)
        self.assertIn("SameSite=Strict", a)
        self.assertIn("Path=/", a)
        self.assertNotIn("Secure", a)   # not behind TLS in this test
        self.assertTrue(any(x.startswith("Max-Age=") for x in a))
        self.assertEqual(r.header("Cache-Control"), "no-store")
        j = r.json()
        self.assertEqual(j["role"], "migrant")
        self.assertRegex(j["csrf_token"], r"^[0-9a-f]{64}$")
        out = request("POST", "/api/v1/logout", cookies={"lmis_session": tok}, headers={"X-CSRF-Token": csrf})
        self.assertEqual(out.status, 200, out)
        v, attrs = out.cookies()["lmis_session"]
        self.assertEqual(v, "")
        self.assertIn("Max-Age=0", attrs)
        self.assertEqual(request("GET", "/api/v1/me", cookies={"lmis_session": tok}).status, 401)

    def test_wrong_password(self):
        r, tok, _ = login("social_partner", "not the password")
        self.assertEqual(r.status, 401)
        self.assertIsNone(tok)
        self.assertEqual(r.json()["type"], "/problems/unauthorized")
        r = request("POST", "/api/v1/login", {"username": "nobody-at-all", "password": "whatever-it-is"})
        self.assertEqual(r.status, 401)

    def test_login_needs_json(self):
        r = request("POST", "/api/v1/login", body=form({"username": "u_admin", "password": PASSWORD}), headers=FORM)
        self.assertEqual(r.status, 400)
        r = request("POST", "/api/v1/login", body="{\"username\": ", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertIn("column", r.json()["detail"])
        r = request("POST", "/api/v1/login", {"username": 5, "password": "x"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json().get("pointer"), "/username")

    def test_bearer_tokens(self):
        p = lmis("token", "create", "tokenuser", "--name", "http-test", "--db", Srv.db)
        m = re.search(r"\b([0-9a-f]{64})\b", p.stdout)
        self.assertIsNotNone(m, p.stdout)
        tok = m.group(1)
        r = request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["auth"], "token")
        self.assertEqual(r.json()["role"], "statistician")
        # bearer requests need no CSRF token (the API logout refuses for another reason)
        r = request("POST", "/api/v1/logout", headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 400, r)
        for bad in ["Bearer " + "0" * 64, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer"]:
            with self.subTest(auth=bad):
                r = request("GET", "/api/v1/health", headers={"Authorization": bad})
                self.assertEqual(r.status, 401)

    def test_expired_or_forged_session_is_public(self):
        r = request("GET", "/api/v1/me", cookies={"lmis_session": "f" * 64})
        self.assertEqual(r.status, 401)
        r = request("GET", "/api/v1/health", cookies={"lmis_session": "garbage"})
        self.assertEqual(r.status, 200)
        self.assertIn("Max-Age=0", r.cookies().get("lmis_session", ("", ""))[1])

    def test_disabled_account(self):
        r = request("POST", "/api/v1/login", {"username": "leaver", "password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        tok = r.cookies()["lmis_session"][0]
        self.assertEqual(request("GET", "/api/v1/me", cookies={"lmis_session": tok}).status, 200)
        lmis("user", "disable", "leaver", "--db", Srv.db)
        self.assertEqual(request("GET", "/api/v1/me", cookies={"lmis_session": tok}).status, 401)
        r = request("POST", "/api/v1/login", {"username": "leaver", "password": PASSWORD})
        self.assertEqual(r.status, 401)


class T03Csrf(unittest.TestCase):
    def test_page_logout_needs_token(self):
        r, tok, csrf = login("labour_inspector")
        ck = {"lmis_session": tok}
        r = request("POST", "/logout", cookies=ck)
        self.assertEqual(r.status, 403)
        self.assertTrue(r.header("Content-Type").startswith("text/html"))
        r = request("POST", "/logout", body=form({"csrf": "0" * 64}), headers=FORM, cookies=ck)
        self.assertEqual(r.status, 403)
        self.assertEqual(request("GET", "/api/v1/me", cookies=ck).status, 200, "still logged in")
        r = request("POST", "/logout", body=form({"csrf": csrf}), headers=FORM, cookies=ck)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(request("GET", "/api/v1/me", cookies=ck).status, 401, "logged out")

    def test_api_logout_needs_header(self):
        r, tok, csrf = login("recruitment_regulator")
        ck = {"lmis_session": tok}
        r = request("POST", "/api/v1/logout", cookies=ck)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.json()["type"], "/problems/forbidden")
        r = request("POST", "/api/v1/logout", cookies=ck, headers={"X-CSRF-Token": csrf[:-1] + ("1" if csrf.endswith("0") else "0")})
        self.assertEqual(r.status, 403)
        r = request("POST", "/api/v1/logout", cookies=ck, headers={"X-CSRF-Token": csrf})
        self.assertEqual(r.status, 200)

    def test_login_form_double_submit(self):
        page = request("GET", "/login")
        self.assertEqual(page.status, 200)
        pre = page.cookies().get("lmis_csrf")
        self.assertIsNotNone(pre, "GET /login sets the pre-session cookie")
        pre = pre[0]
        self.assertIn(pre.encode(), page.body)
        fields = {"username": "u_employment_officer", "password": PASSWORD}
        # no cookie, or no field, or a mismatch: refused before the password is checked
        r = request("POST", "/login", body=form(dict(fields, csrf=pre)), headers=FORM)
        self.assertEqual(r.status, 403)
        r = request("POST", "/login", body=form(fields), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 403)
        r = request("POST", "/login", body=form(dict(fields, csrf="a" * 64)), headers=FORM,
                    cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 403)
        r = request("POST", "/login", body=form(dict(fields, csrf=pre)), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 303, r)
        v, attrs = r.cookies()["lmis_session"]
        self.assertRegex(v, r"^[0-9a-f]{64}$")
        self.assertIn("HttpOnly", attrs)
        self.assertIn("SameSite=Strict", attrs)
        self.assertEqual(request("GET", "/api/v1/me", cookies={"lmis_session": v}).json()["role"],
                         "employment_officer")

    def test_malformed_form_body(self):
        r = request("POST", "/login", body="csrf=%zz&username=x", headers=FORM, cookies={"lmis_csrf": "a" * 64})
        self.assertEqual(r.status, 400)


class T04Limits(unittest.TestCase):
    def test_rate_limit(self):
        for i in range(5):
            r = request("POST", "/api/v1/login", {"username": "victim", "password": "wrong password %d" % i})
            self.assertEqual(r.status, 401, "attempt %d" % (i + 1))
        r = request("POST", "/api/v1/login", {"username": "victim", "password": PASSWORD})
        self.assertEqual(r.status, 429, r)
        j = r.json()
        self.assertEqual(j["type"], "/problems/rate-limited")
        self.assertRegex(j.get("hint", ""), r"try again in \d+ seconds")
        self.assertNotIn("lmis_session", r.cookies())

    def test_oversized_body_413(self):
        st, out = raw_status(b"POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 2000000\r\n\r\n" + b"{" * 1000)
        self.assertEqual(st, 413, out[:300])
        self.assertIn(b"application/problem+json", out)
        self.assertIn(b"/problems/too-large", out)
        # chunked, so the size is only known while reading
        chunk = b"x" * 65536
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(20)) + b"0\r\n\r\n"
        st, out = raw_status(b"POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body, timeout=15)
        self.assertEqual(st, 413, out[:300])
        self.assertEqual(request("GET", "/api/v1/health").status, 200)

    def test_deep_json(self):
        body = '{"username": ' + "[" * 200 + "]" * 200 + "}"
        r = request("POST", "/api/v1/login", body=body, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)


class T05Malformed(unittest.TestCase):
    """Raw requests over a socket: each gets a 4xx (or, where libmicrohttpd
    cannot even find a request line, a closed connection) and the server stays up."""

    CASES = [
        ("garbage request line", b"hello world\r\n\r\n", {400}),
        ("bad HTTP version token", b"GET / FOO\r\nHost: t\r\n\r\n", {400}),
        ("header without colon", b"GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n", {400}),
        ("huge header", b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n", {431, 413}),
        ("huge URI", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", {414, 431, 413}),
        ("many headers", b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(5000))
         + b"\r\n", {431, 413}),
        ("bad percent-encoding in path", b"GET /api/v1/isco/%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
         {400}),
        ("truncated percent-encoding", b"GET /isco/22%2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", {400}),
        ("NUL in path", b"GET /api/v1/isco/%00 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", {400}),
        ("invalid UTF-8 in path", b"GET /isco/%C3%28 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", {400}),
        ("bad percent-encoding in query",
         b"GET /api/v1/isco?q=%G1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", {400}),
        ("bad Content-Length", b"POST /api/v1/login HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", {400}),
        ("missing Host", b"GET /api/v1/health HTTP/1.1\r\nConnection: close\r\n\r\n", {400}),
        ("asterisk target", b"OPTIONS * HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", {400}),
        ("unknown method", b"BREW /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", {405, 501}),
    ]

    def assert_alive(self):
        self.assertEqual(request("GET", "/api/v1/health").status, 200)

    def test_cases(self):
        for name, data, want in self.CASES:
            with self.subTest(case=name):
                st, out = raw_status(data)
                self.assertIn(st, want, "%s: %r" % (name, out[:200]))
                self.assert_alive()

    def test_no_request_line(self):
        # libmicrohttpd closes the connection without a response here
        for data in [b"garbage\r\n\r\n", b"GET\r\n\r\n", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n"]:
            with self.subTest(data=data):
                st, out = raw_status(data, timeout=3)
                self.assertTrue(st is None or 400 <= st < 500, out[:200])
                self.assert_alive()

    def test_absolute_form(self):
        st, out = raw_status(b"GET http://t/api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        self.assertEqual(st, 200, out[:200])

    def test_keep_alive_after_error(self):
        # two requests on one connection: a 404 does not break the next one
        c = http.client.HTTPConnection("127.0.0.1", Srv.port, timeout=10)
        try:
            c.request("GET", "/api/v1/isco/9999")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 404)
            c.request("GET", "/api/v1/health")
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
        finally:
            c.close()


class T06Matrix(unittest.TestCase):
    """Every route as every role, against the expected statuses in MATRIX."""

    def test_every_api_route_in_matrix(self):
        doc = request("GET", "/api/v1/openapi.json").json()
        for p, item in doc["paths"].items():
            for m in item:
                self.assertIn((m.upper(), p), {(mm, pp) for mm, pp, *_ in MATRIX})

    def test_route_by_role(self):
        pre = request("GET", "/login").cookies().get("lmis_csrf", ("a" * 64,))[0]
        mismatches = []
        for i, role in enumerate(ROLES):
            ck_a, ck_b, csrf_a, csrf_b = {}, {}, None, None
            if role != "public":
                r, tok, csrf_a = login(role)
                self.assertEqual(r.status, 200, r)
                ck_a = {"lmis_session": tok}
                r, tok, csrf_b = login(role)
                ck_b = {"lmis_session": tok}
            for method, pattern, path, kind, body, want in MATRIX:
                path = path.replace("{esco}", str(Srv.esco_id))
                headers, data, cookies = {}, None, dict(ck_a)
                if body == "json-empty":
                    data, headers = "{}", {"Content-Type": "application/json"}
                elif body == "login-form-empty":
                    data, headers = form({"csrf": pre}), dict(FORM)
                    cookies["lmis_csrf"] = pre
                elif body == "json-empty-csrf":
                    data = "{}"
                    headers = {"Content-Type": "application/json", "X-CSRF-Token": csrf_a or "none"}
                elif body == "csrf-header":
                    headers = {"X-CSRF-Token": csrf_a or "none"}
                elif body == "csrf-form-b":
                    data, headers, cookies = form({"csrf": csrf_b or "none"}), dict(FORM), dict(ck_b)
                r = request(method, path, body=data, headers=headers, cookies=cookies)
                if r.status != want[i]:
                    mismatches.append("%-6s %-32s as %-22s got %d, expected %d" % (method, path, role, r.status,
                                                                                  want[i]))
                ctype = r.header("Content-Type") or ""
                if r.status >= 400 and kind == A and not ctype.startswith("application/problem+json"):
                    mismatches.append("%s %s as %s: error is not problem JSON (%s)" % (method, path, role, ctype))
                if r.status >= 400 and kind == P and not ctype.startswith("text/html"):
                    mismatches.append("%s %s as %s: error is not HTML (%s)" % (method, path, role, ctype))
        self.assertEqual(mismatches, [], "\n" + "\n".join(mismatches))


class T08Socsec(unittest.TestCase):
    """The pension calculator: API compute with good and bad bodies, and the public form."""

    def sample(self, name):
        with open(os.path.join(ROOT, "data", "samples", "socsec-%s.json" % name)) as f:
            return json.load(f)

    def test_compute_two_countries(self):
        r = request("POST", "/api/v1/socsec/compute", self.sample("two-countries"))
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertEqual(j["total_monthly"][0]["minor_units"], 100000)
        by = {c["country"]: c for c in j["countries"]}
        self.assertEqual(by["XBB"]["payable"]["minor_units"], 40000)
        self.assertEqual(by["XBB"]["basis"], "independent")
        self.assertEqual(by["XBB"]["pro_rata_benefit"]["minor_units"], 30000)
        self.assertTrue(any(s["step"] == "pro_rata" for s in by["XAA"]["steps"]))

    def test_compute_in_french(self):
        r = request("POST", "/api/v1/socsec/compute?lang=fr", self.sample("totalization"))
        self.assertEqual(r.status, 200, r)
        self.assertIn("Total", r.json()["summary"])
        self.assertEqual(r.json()["total_monthly"][0]["minor_units"], 46000)

    def test_compute_bad_bodies(self):
        bad = self.sample("totalization")
        bad["periods"][1]["to"] = "2017-02-30"
        r = request("POST", "/api/v1/socsec/compute", bad)
        self.assertEqual(r.status, 400, r)
        self.assertTrue(r.header("Content-Type").startswith("application/problem+json"))
        self.assertEqual(r.json().get("pointer"), "/periods/1/to")
        bad = self.sample("totalization")
        bad["instrument"] = "NO-SUCH-AGREEMENT"
        r = request("POST", "/api/v1/socsec/compute", bad)
        self.assertEqual((r.status, r.json().get("pointer")), (400, "/instrument"))
        bad = self.sample("totalization")
        del bad["instrument"]              # without an agreement every country needs a scheme
        bad["periods"][0]["country"] = "ZZZ"
        r = request("POST", "/api/v1/socsec/compute", bad)
        self.assertEqual((r.status, r.json().get("pointer")), (400, "/periods/0/country"))
        r = request("POST", "/api/v1/socsec/compute", body="{\"birth_year\": ", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = request("POST", "/api/v1/socsec/compute", body=form({"birth_year": "1960"}), headers=FORM)
        self.assertEqual(r.status, 400)

    def test_lists(self):
        ids = [i["id"] for i in request("GET", "/api/v1/socsec/instruments").json()["instruments"]]
        self.assertIn("MERCOSUR-1997", ids)
        m = [i for i in request("GET", "/api/v1/socsec/instruments").json()["instruments"] if i["id"] == "MERCOSUR-1997"]
        self.assertEqual(m[0]["rules"]["minimum_period_months"], 12)
        schemes = request("GET", "/api/v1/socsec/schemes").json()["schemes"]
        self.assertTrue(all(s["illustrative"] for s in schemes if s["country"].startswith("X")))

    def test_form(self):
        page = request("GET", "/socsec")
        self.assertEqual(page.status, 200)
        pre = page.cookies().get("lmis_csrf", (None,))[0]
        self.assertIsNotNone(pre)
        fields = {"birth_year": "1962", "sex": "M", "instrument": "EXAMPLE-ABC",
                  "country1": "xaa", "from1": "2000-01-01", "to1": "2009-12-31", "kind1": "contribution",
                  "earnings1": "2000.00",
                  "country2": "XBB", "from2": "2010-01-01", "to2": "2017-12-31", "kind2": "contribution"}
        r = request("POST", "/socsec", body=form(dict(fields, csrf=pre)), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 200, r)
        body = r.body.decode()
        self.assertIn("460.00 EUR", body)
        self.assertIn('data-step="pro_rata"', body)
        # without the pre-session token the form is refused
        r = request("POST", "/socsec", body=form(fields), headers=FORM)
        self.assertEqual(r.status, 403)
        # a bad date comes back on the form, naming the row
        r = request("POST", "/socsec", body=form(dict(fields, csrf=pre, to2="2017-13-01")), headers=FORM,
                    cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 400)
        self.assertIn("Period 2", r.body.decode())


class T08SocsecBenefits(unittest.TestCase):
    """Invalidity and survivors' pensions: the same endpoint and form with a "benefit"
    (docs/socsec.md, worked examples I1 and S1)."""

    def sample(self, name):
        with open(os.path.join(ROOT, "data", "samples", "socsec-%s.json" % name)) as f:
            return json.load(f)

    def test_invalidity(self):
        r = request("POST", "/api/v1/socsec/compute", self.sample("invalidity"))
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertEqual(j["benefit"]["type"], "invalidity")
        self.assertEqual(j["benefit"]["rule"], "art_46_1")
        self.assertEqual(j["benefit"]["state"], "XAA")
        by = {c["country"]: c for c in j["countries"]}
        self.assertEqual(by["XAA"]["invalidity"]["projected_periods"], 252)
        self.assertEqual(by["XAA"]["theoretical_amount"]["minor_units"], 105000)
        self.assertEqual(by["XAA"]["payable"]["minor_units"], 30000)
        self.assertEqual(by["XBB"]["invalidity"]["legislation_type"], "A")
        self.assertEqual(by["XBB"]["payable"]["minor_units"], 50000)
        self.assertEqual(j["total_monthly"][0]["minor_units"], 80000)
        # a degree under XBB's minimum (66%): only XAA pays, half rate
        body = self.sample("invalidity")
        body["benefit"]["degree"] = 60
        j = request("POST", "/api/v1/socsec/compute", body).json()
        self.assertEqual(j["total_monthly"][0]["minor_units"], 15000)
        by = {c["country"]: c for c in j["countries"]}
        self.assertEqual(by["XBB"]["basis"], "degree_below_minimum")

    def test_survivors(self):
        r = request("POST", "/api/v1/socsec/compute?lang=es", self.sample("survivors"))
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertEqual(j["benefit"], {"type": "survivors", "death": "2019-06-30", "notes": []})
        by = {c["country"]: c for c in j["countries"]}
        xaa = by["XAA"]["survivors"]
        self.assertEqual(xaa["deceased_pension"]["minor_units"], 114375)
        self.assertEqual([s["amount"]["minor_units"] for s in xaa["shares"]], [68625, 22875, 0])
        self.assertEqual([s["amount"]["minor_units"] for s in by["XBB"]["survivors"]["shares"]], [9500, 4750, 4750])
        self.assertEqual(j["total_monthly"][0]["minor_units"], 110500)

    def test_bad_benefits(self):
        cases = [
            (("benefit", "onset"), None, "/benefit/onset"),
            (("benefit", "degree"), 150, "/benefit/degree"),
            (("benefit", "degree"), "70", "/benefit/degree"),
            (("benefit", "state"), "XZZ", "/benefit/state"),
            (("benefit", "type"), "disability", "/benefit/type"),
        ]
        for (k1, k2), v, ptr in cases:
            body = self.sample("invalidity")
            if v is None:
                del body[k1][k2]
            else:
                body[k1][k2] = v
            r = request("POST", "/api/v1/socsec/compute", body)
            self.assertEqual((r.status, r.json().get("pointer")), (400, ptr), (k2, v, r.body[:300]))
        body = self.sample("survivors")
        body["benefit"]["children"][0]["birth_date"] = "2020-01-01"   # born after the death
        r = request("POST", "/api/v1/socsec/compute", body)
        self.assertEqual((r.status, r.json().get("pointer")), (400, "/benefit/children/0/birth_date"))
        body = self.sample("survivors")
        body["benefit"] = {"type": "survivors", "death": "1994-12-31", "spouse": {"age": 50}}   # before every period
        r = request("POST", "/api/v1/socsec/compute", body)
        self.assertEqual((r.status, r.json().get("pointer")), (400, "/benefit/death"))

    def test_form(self):
        page = request("GET", "/socsec")
        self.assertEqual(page.status, 200)
        html = page.body.decode()
        for name in ('name="benefit" value="invalidity"', 'name="onset"', 'name="degree"', 'name="death"',
                     'name="spouse_birth"', 'name="child1"'):
            self.assertIn(name, html)
        pre = page.cookies().get("lmis_csrf", (None,))[0]
        fields = {"birth_year": "1970", "sex": "M", "instrument": "EXAMPLE-ABC", "benefit": "survivors",
                  "country1": "XAA", "from1": "1995-01-01", "to1": "2009-12-31", "earnings1": "2500",
                  "country2": "XBB", "from2": "2010-01-01", "to2": "2019-06-30",
                  "death": "2019-06-30", "spouse_birth": "1972-03-10", "child1": "2005-09-01", "child2": "1999-01-15",
                  "csrf": pre}
        r = request("POST", "/socsec", body=form(fields), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 200, r)
        body = r.body.decode()
        self.assertIn("1105.00 EUR", body)
        self.assertIn('data-step="survivor"', body)
        # invalidity without a degree comes back on the form, naming the field
        fields = dict(fields, benefit="invalidity", onset="2019-01-01", degree="")
        r = request("POST", "/socsec", body=form(fields), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 400)
        self.assertIn("Degree of incapacity", r.body.decode())
        r = request("POST", "/socsec", body=form(dict(fields, degree="70")), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 200)
        self.assertIn('data-step="degree"', r.body.decode())


# ---------------------------------------------------------------- runner

class T07Audit(unittest.TestCase):
    """The audit log over HTTP: logins are chained, reading the log is itself
    recorded, and the chain verifies."""

    def test_reads_are_audited_and_chain_verifies(self):
        r, tok, csrf = login("admin")
        ck = {"lmis_session": tok}
        a = request("GET", "/api/v1/audit?action=session.", cookies=ck)
        self.assertEqual(a.status, 200)
        entries = a.json()["entries"]
        self.assertTrue(entries, "logins are audited")
        self.assertTrue(all(e["action"].startswith("session.") for e in entries))
        self.assertTrue(any(e["role"] == "admin" and e["user"] == user_name("admin") for e in entries))
        b = request("GET", "/api/v1/audit?action=audit.read&limit=1", cookies=ck)
        self.assertEqual(b.json()["entries"][0]["action"], "audit.read", "the read above was recorded")
        self.assertEqual(b.json()["entries"][0]["address"], "127.0.0.1")
        v = request("GET", "/api/v1/audit/verify", cookies=ck).json()
        self.assertTrue(v["intact"], v)
        self.assertGreater(v["entries"], 2)
        seq, h = v["head"].split(":")
        self.assertEqual(len(h), 64)
        v2 = request("GET", "/api/v1/audit/verify?anchor=" + v["head"], cookies=ck).json()
        self.assertTrue(v2["intact"], v2)
        page = request("GET", "/admin/audit", cookies=ck)
        self.assertEqual(page.status, 200)
        self.assertIn(b"audit.read", page.body)

    def test_bad_parameters(self):
        r, tok, csrf = login("admin")
        ck = {"lmis_session": tok}
        r = request("GET", "/api/v1/audit?action=%27%3B--", cookies=ck)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json().get("parameter"), "action")
        r = request("GET", "/api/v1/audit/verify?anchor=12", cookies=ck)
        self.assertEqual(r.status, 400)
        r = request("GET", "/api/v1/audit?limit=0", cookies=ck)
        self.assertEqual(r.status, 400)


def session(role):
    r, tok, csrf = login(role)
    assert r.status == 200, r
    return {"lmis_session": tok}, csrf


class TCases(unittest.TestCase):
    """Complaints: filing and tracking without an account, the inspector's
    workflow, deadlines, referral, blind-index search, suppressed statistics."""

    def file(self, body, cookies=None, headers=None):
        return request("POST", "/api/v1/complaints", body, cookies=cookies, headers=headers)

    def test_file_and_track_anonymously(self):
        r = self.file({"category": "recruitment_fees", "language": "es",
                       "description": "Pagu\u00e9 900 d\u00f3lares a la agencia."})
        self.assertEqual(r.status, 201, r)
        j = r.json()
        self.assertRegex(j["receipt"], r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")
        self.assertEqual(j["state"], "received")
        t = request("POST", "/api/v1/complaints/track", {"receipt": j["receipt"].lower().replace("-", " ")})
        self.assertEqual(t.status, 200, t)
        self.assertEqual(t.json()["case"], j["case"])
        self.assertEqual([e["kind"] for e in t.json()["events"]], ["filed"])
        self.assertNotIn("assigned_to", t.json())
        bad = request("POST", "/api/v1/complaints/track", {"receipt": "AAAA-BBBB-CCCC-DDDD"})
        self.assertEqual(bad.status, 404)

    def test_validation_pointers(self):
        cases = [({"category": "nope", "language": "en", "description": "x"}, "/category"),
                 ({"category": "other", "language": "en"}, "/description"),
                 ({"category": "other", "language": "xx", "description": "x"}, "/language"),
                 ({"category": "other", "language": "en", "description": "x", "occurred_from": "2026-02-30"},
                  "/occurred_from"),
                 ({"category": "other", "language": "en", "description": "x", "employer": {"country": "ZZZ"}},
                  "/employer/country"),
                 ({"category": "other", "language": "en", "description": "x", "complainant": {"nmae": "A"}},
                  "/complainant/nmae"),
                 ({"category": "other", "language": "en", "description": "x", "anonymous": True,
                   "complainant": {"name": "A"}}, "/complainant"),
                 ({"category": "other", "language": "en", "description": "x", "contact": {"method": "email"}},
                  "/contact/detail")]
        for body, ptr in cases:
            with self.subTest(ptr=ptr):
                r = self.file(body)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json().get("pointer"), ptr)

    def test_migrant_reads_own_case_only(self):
        ck, csrf = session("migrant")
        r = self.file({"category": "unpaid_wages", "language": "en", "description": "Own case of the migrant."},
                      cookies=ck)
        self.assertEqual(r.status, 201, r)
        mine = request("GET", "/api/v1/cases/%d" % r.json()["id"], cookies=ck)
        self.assertEqual(mine.status, 200, mine)
        self.assertEqual(mine.json()["source"], "migrant")
        self.assertEqual(request("GET", "/api/v1/cases/1", cookies=ck).status, 403)

    def test_inspector_workflow(self):
        ck, csrf = session("labour_inspector")
        h = {"X-CSRF-Token": csrf}
        r = self.file({"category": "contract_substitution", "language": "en", "description": "Workflow case.",
                       "anonymous": False, "complainant": {"name": "Workflow Person", "passport": "WF 123 456"}})
        cid = r.json()["id"]
        q = request("GET", "/api/v1/cases", cookies=ck).json()
        row = [c for c in q["unassigned"] if c["id"] == cid][0]
        self.assertNotIn("complainant", row)
        self.assertNotIn("description", row)
        self.assertEqual(request("GET", "/api/v1/cases/%d" % cid, cookies=ck).status, 403, "not assigned yet")
        act = lambda body: request("POST", "/api/v1/cases/%d" % cid, body, cookies=ck, headers=h)  # noqa: E731
        r = act({"action": "assign", "to": user_name("labour_inspector")})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["state"], "assigned")
        self.assertEqual(r.json()["complainant"]["name"], "Workflow Person")
        self.assertEqual(act({"action": "transition", "state": "received"}).status, 409)
        self.assertEqual(act({"action": "transition", "state": "bogus"}).json().get("pointer"), "/state")
        r = act({"action": "transition", "state": "in_mediation", "note": "Called the employer", "visible": True})
        self.assertEqual(r.json()["state"], "in_mediation")
        r = act({"action": "refer", "country": "PHL", "note": "Agency in the Philippines"})
        self.assertEqual(r.status, 200, r)
        ref = r.json()["referral"]
        self.assertEqual(ref["referred_to"], "PHL")
        self.assertNotIn("complainant", ref)
        self.assertNotIn("Workflow Person", json.dumps(ref))
        r = act({"action": "transition", "state": "resolved", "outcome": "Wages paid", "amount_recovered": "1200.5",
                 "currency": "USD"})
        self.assertEqual(r.json()["amount_recovered"], {"amount": "1200.50", "currency": "USD"})
        self.assertEqual(act({"action": "transition", "state": "resolved", "amount_recovered": "12.345",
                              "currency": "USD"}).status, 400)
        s = request("GET", "/api/v1/cases/search?passport=wf123456", cookies=ck).json()
        self.assertIn(cid, [c["id"] for c in s["cases"]])
        # the complainant sees the visible note and the states, not the internal note
        self.assertEqual(request("GET", "/api/v1/cases/%d" % cid, cookies=session("statistician")[0]).status, 403)

    def test_stats_suppressed(self):
        j = request("GET", "/api/v1/cases/stats?by=category&min_n=1000").json()
        self.assertTrue(all(c["count"] is None and c["suppressed"] for c in j["cells"]))
        self.assertIsNone(j["total"])
        j = request("GET", "/api/v1/cases/stats?by=category&min_n=1").json()
        self.assertTrue(all(isinstance(c["count"], int) for c in j["cells"]))
        self.assertEqual(request("GET", "/api/v1/cases/stats?by=name").status, 400)

    def test_pages(self):
        page = request("GET", "/complaint?lang=fr")
        self.assertEqual(page.status, 200)
        self.assertIn("plainte", page.body.decode())
        pre = page.cookies()["lmis_csrf"][0]
        f = {"csrf": pre, "category": "unsafe_work", "language": "en", "description": "Form complaint.",
             "contact_method": "none"}
        r = request("POST", "/complaint", body=form(f), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 200, r)
        code = re.search(r'id="receipt">([0-9A-Z-]+)<', r.body.decode()).group(1)
        t = request("POST", "/complaint/track", body=form({"csrf": pre, "receipt": code}), headers=FORM,
                    cookies={"lmis_csrf": pre})
        self.assertEqual(t.status, 200)
        self.assertIn("Form complaint.", t.body.decode())
        f["description"] = ""
        r = request("POST", "/complaint", body=form(f), headers=FORM, cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 400)
        self.assertIn('role="alert"', r.body.decode())


NEEDLES = [SEEDED["name"], SEEDED["name"].lower(), "Quetzal", SEEDED["passport"], SEEDED["passport"].lower(),
           "917 555", "9175550199", SEEDED["email"], SEEDED["employer"], "Qadir", SEEDED["marker"], "visa expired"]


class TFirewall(unittest.TestCase):
    """Everything the immigration officer (and the administrator) can obtain, on
    every route, must be free of the seeded complainant's identity."""

    def probe(self, role):
        ck, csrf = session(role)
        pre = request("GET", "/login").cookies().get("lmis_csrf", ("a" * 64,))[0]
        seen = 0
        paths = []
        for method, pattern, path, kind, body, _ in MATRIX:
            path = path.replace("{esco}", str(Srv.esco_id))
            paths.append((method, path, body))
            if "{id}" in pattern and pattern.startswith(("/api/v1/cases", "/cases")):
                for i in (1, 2, 3, 4):
                    paths.append((method, re.sub(r"/\d+$", "/%d" % i, path), body))
        extra = ["/api/v1/cases/search?name=" + SEEDED["name"], "/api/v1/cases/search?phone=" + SEEDED["phone"],
                 "/api/v1/audit?limit=1000", "/api/v1/aggregates?limit=1000", "/sdmx/data/LMIS_MIG"]
        extra += ["/api/v1/cases/stats?by=%s&min_n=1" % b for b in
                  ("category", "state", "language", "employer_country", "agency_licence")]
        paths += [("GET", p, None) for p in extra]
        for method, path, body in paths:
            headers, data, cookies = {}, None, dict(ck)
            if method == "POST":
                if body and body.startswith("json"):
                    data = json.dumps({"receipt": "x", "action": "note", "note": "probe"})
                    headers = {"Content-Type": "application/json", "X-CSRF-Token": csrf}
                else:
                    data, headers = form({"csrf": csrf, "action": "assign", "to": user_name(role)}), dict(FORM)
                    cookies["lmis_csrf"] = pre
            r = request(method, path.replace(" ", "%20").replace("+", "%2B"), body=data, headers=headers,
                        cookies=cookies)
            text = r.body.decode("utf-8", "replace")
            for needle in NEEDLES:
                self.assertNotIn(needle, text, "%s %s as %s leaks %r" % (method, path, role, needle))
            seen += 1
        return seen

    def test_immigration_officer_sees_no_complainant(self):
        self.assertGreater(self.probe("immigration_officer"), 60)

    def test_admin_sees_no_complainant(self):
        self.assertGreater(self.probe("admin"), 60)

    def test_inspector_assigned_does_see_it(self):
        # the needles are real: the assigned inspector reads them, so the test above can fail
        ck, _ = session("labour_inspector")
        text = request("GET", "/api/v1/cases/1", cookies=ck).body.decode()
        for needle in (SEEDED["name"], SEEDED["passport"], SEEDED["marker"]):
            self.assertIn(needle, text)

    def test_identities_encrypted_at_rest(self):
        raw = open(Srv.db, "rb").read()
        for needle in (SEEDED["name"], SEEDED["passport"], SEEDED["phone"], SEEDED["email"], SEEDED["marker"]):
            self.assertNotIn(needle.encode(), raw)


class TCliFirewall(unittest.TestCase):
    """The case and audit commands for every role (acting through LMIS_TOKEN)
    against the expected exit statuses, and nothing seeded in what the
    immigration officer's commands print."""

    # exit status per role in ROLES[1:] order (0 allowed, 1 refused or not found)
    EXPECT = [
        (["case", "queue"], [1, 1, 1, 0, 1, 1, 1, 1]),
        (["case", "show", "1"], [1, 1, 1, 0, 1, 1, 1, 1]),
        (["case", "search", "--passport", SEEDED["passport"]], [1, 1, 1, 0, 1, 1, 1, 1]),
        (["case", "note", "1", "cli matrix probe"], [1, 1, 1, 0, 1, 1, 1, 1]),
        (["case", "stats", "--min-n", "1"], [0] * 8),
        (["case", "escalate"], [1, 1, 1, 0, 1, 1, 1, 0]),
        (["audit", "verify"], [1, 1, 1, 1, 1, 1, 1, 0]),
        (["notify", "list"], [1, 1, 1, 0, 1, 1, 1, 0]),
        (["notify", "run", "--once"], [1, 1, 1, 1, 1, 1, 1, 0]),
        (["audit", "list", "--limit", "5"], [1, 1, 1, 1, 1, 1, 1, 0]),
    ]

    def test_commands_by_role(self):
        problems = []
        for i, role in enumerate(ROLES[1:]):
            tok = json.loads(lmis("token", "create", user_name(role), "--name", "cli-matrix", "--json", "--db",
                                  Srv.db).stdout)["token"]
            for args, want in self.EXPECT:
                p = lmis(*args, "--db", Srv.db, check=False, extra_env={"LMIS_TOKEN": tok})
                if p.returncode != want[i]:
                    problems.append("%s as %s: exit %d, expected %d: %s" % (" ".join(args), role, p.returncode,
                                                                            want[i], p.stderr.strip()))
                if role in ("immigration_officer", "admin"):
                    for needle in NEEDLES:
                        if needle in p.stdout or needle in p.stderr:
                            problems.append("%s as %s prints %r" % (" ".join(args), role, needle))
        self.assertEqual(problems, [], "\n".join(problems))
        # a bad token is refused, not ignored
        p = lmis("case", "queue", "--db", Srv.db, check=False, extra_env={"LMIS_TOKEN": "0" * 64})
        self.assertEqual(p.returncode, 1)
        self.assertIn("LMIS_TOKEN", p.stderr)


class TCsrfAll(unittest.TestCase):
    """Every POST route of the matrix refuses a cross-site request: session routes
    without the session's token, public forms without the pre-session token,
    public JSON routes when the body is not JSON."""

    def test_every_post_route(self):
        problems = []
        for method, pattern, path, kind, body, want in MATRIX:
            if method != "POST":
                continue
            if body == "json-empty":
                r = request("POST", path, body=form({"a": "b"}), headers=FORM)
                if r.status not in (400, 415):
                    problems.append("%s as a form: %d" % (path, r.status))
                continue
            if body == "login-form-empty":
                r = request("POST", path, body=form({"a": "b"}), headers=FORM)
                if r.status != 403:
                    problems.append("%s without the pre-session token: %d" % (path, r.status))
                continue
            # a role the matrix lets through, with its session but no token
            allowed = [ROLES[i] for i, w in enumerate(want) if w < 401 and ROLES[i] != "public"]
            if not allowed:
                continue
            ck, csrf = session(allowed[0])
            for hdr, data in (({}, None), ({"X-CSRF-Token": "0" * 64}, None),
                              (dict(FORM), form({"csrf": "0" * 64}))):
                if kind == A and data is None:
                    hdr = dict(hdr, **{"Content-Type": "application/json"})
                    data = "{}"
                r = request("POST", path, body=data, headers=hdr, cookies=ck)
                # a JSON API refuses a form body before anything else: also a refusal
                ok = (403, 400, 415) if kind == A and hdr.get("Content-Type") == FORM["Content-Type"] else (403,)
                if r.status not in ok:
                    problems.append("%s as %s with %r: %d" % (path, allowed[0], hdr, r.status))
        self.assertEqual(problems, [], "\n".join(problems))


PAYLOADS = ["' OR '1'='1", "\"; DROP TABLE account; --", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
            "%00", "../../etc/passwd", "1; SELECT * FROM complaint", "\u202e\u0000"]


class TInjection(unittest.TestCase):
    """Every parameter of every route, as the public and as the administrator,
    with SQL and HTML metacharacters: never a server error, never markup echoed
    unescaped, and the database intact afterwards."""

    def test_every_parameter(self):
        from urllib.parse import quote, urlsplit, parse_qsl, urlencode
        problems = []
        roles = [("public", {}, None), ("admin",) + session("admin")]
        pre = request("GET", "/login").cookies().get("lmis_csrf", ("a" * 64,))[0]
        for role, ck, csrf in roles:
            for method, pattern, path, kind, body, _ in MATRIX:
                path = path.replace("{esco}", str(Srv.esco_id))
                u = urlsplit(path)
                params = parse_qsl(u.query, keep_blank_values=True)
                segs = u.path.split("/")
                pat = pattern.split("/")
                variants = []
                for pl in PAYLOADS:
                    for i, (k, _) in enumerate(params):
                        q = list(params)
                        q[i] = (k, pl)
                        variants.append(u.path + "?" + urlencode(q))
                    for i, seg in enumerate(pat):
                        if seg.startswith("{"):
                            s2 = list(segs)
                            s2[i] = quote(pl, safe="")
                            variants.append("/".join(s2) + (("?" + u.query) if u.query else ""))
                for v in variants:
                    headers, data, cookies = {}, None, dict(ck)
                    if method == "POST":
                        fields = {"csrf": csrf or pre, "username": PAYLOADS[0], "password": PAYLOADS[1],
                                  "category": PAYLOADS[2], "description": PAYLOADS[3], "receipt": PAYLOADS[0]}
                        if body and body.startswith("json"):
                            data = json.dumps(fields)
                            headers = {"Content-Type": "application/json", "X-CSRF-Token": csrf or "none"}
                        else:
                            data, headers = form(fields), dict(FORM)
                            cookies["lmis_csrf"] = pre
                    r = request(method, v, body=data, headers=headers, cookies=cookies)
                    ctype = r.header("Content-Type") or ""
                    if r.status >= 500:
                        problems.append("%s %s as %s: %d" % (method, v, role, r.status))
                    if ctype.startswith("text/html"):
                        text = r.body.decode("utf-8", "replace")
                        if "<script>alert(1)" in text or "<img src=x" in text:
                            problems.append("%s %s as %s: markup echoed unescaped" % (method, v, role))
        self.assertEqual(problems, [], "\n".join(problems[:50]))
        # still whole: accounts log in, the audit chain verifies
        ck, _ = session("admin")
        v = request("GET", "/api/v1/audit/verify", cookies=ck).json()
        self.assertTrue(v["intact"], v)


class TRecruit(unittest.TestCase):
    """Fair recruitment over HTTP: fuzzy agency checks never show a banned agency as
    licensed, cost reports (API and form with the pre-session CSRF token), SDG
    10.7.1 suppression, and the review moderation flow."""

    def test_check_typo_and_banned(self):
        j = request("GET", "/api/v1/agencies/check?name=Everst%20Overseas").json()
        self.assertEqual(j["verdict"], "not_licensed", j)
        self.assertEqual(j["matches"][0]["licence"], "DEMO-NPL-0002")
        self.assertEqual(j["matches"][0]["status"], "banned")
        self.assertFalse(j["matches"][0]["licensed"])
        j = request("GET", "/api/v1/agencies/check?name=sunrize%20manpower%20services").json()
        self.assertEqual(j["verdict"], "licensed", j)
        j = request("GET", "/api/v1/agencies/check?name=" + "%D8%B4%D8%B1%D9%83%D8%A9%20%D8%A7%D9%84%D8%A7%D8%B7%D9%84%D8%B3").json()
        self.assertEqual(j["matches"][0]["licence"], "DEMO-MAR-0001", j)
        page = request("GET", "/agencies/check?name=everest+overseas")
        self.assertEqual(page.status, 200)
        self.assertIn(b'data-status="banned"', page.body)
        self.assertIn(b'data-verdict="not_licensed"', page.body)

    def test_unknown_and_bad(self):
        self.assertEqual(request("GET", "/api/v1/agencies/NOPE-1").status, 404)
        r = request("GET", "/api/v1/agencies/check?name=x&country=%3Cb%3E")
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json().get("parameter"), "country")
        r = request("GET", "/api/v1/costs/sdg?min_n=3")
        self.assertEqual(r.status, 400, "the public may not lower the suppression threshold")
        r = request("GET", "/agencies/check?name=%3Cscript%3Ealert(1)%3C/script%3E")
        self.assertEqual(r.status, 200)
        self.assertNotIn(b"<script>alert", r.body)

    def test_cost_report_api(self):
        rep = {"origin": "NPL", "destination": "QAT", "sex": "F", "reporting_currency": "QAR",
               "earnings": {"amount": "1200.00", "currency": "QAR"},
               "items": [{"category": "recruitment_fee", "paid_by": "worker", "amount": "20000", "currency": "NPR",
                          "rate": 0.0273},
                         {"category": "travel_lodging", "paid_by": "employer", "amount": "900", "currency": "QAR"}]}
        r = request("POST", "/api/v1/costs", json.dumps(rep), {"Content-Type": "application/json"})
        self.assertEqual(r.status, 201, r)
        j = r.json()
        self.assertTrue(j["no_fee_breach"])
        self.assertEqual(j["worker_paid"], "546.00")      # 20000 NPR x 0.0273
        self.assertAlmostEqual(j["ratio"], 0.455, places=4)
        rep["items"][0]["amount"] = "-5"
        r = request("POST", "/api/v1/costs", json.dumps(rep), {"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json().get("pointer"), "/items/0/amount")
        rep["items"][0]["amount"] = "5"
        rep["id"] = "mine"
        r = request("POST", "/api/v1/costs", json.dumps(rep), {"Content-Type": "application/json"})
        self.assertEqual(r.json().get("pointer"), "/id", "the public cannot choose ids")

    def test_cost_form_needs_presession_token(self):
        fields = {"origin": "phl", "destination": "SAU", "sex": "F", "earnings": "1800", "earnings_currency": "SAR",
                  "cost_currency": "PHP", "rate": "0.0666", "cost_medical": "3000"}
        r = request("POST", "/costs/report", form(fields), dict(FORM))
        self.assertEqual(r.status, 403, "no pre-session CSRF token")
        pre = request("GET", "/costs/report").cookies().get("lmis_csrf", ("a" * 64,))[0]
        fields["csrf"] = pre
        r = request("POST", "/costs/report", form(fields), dict(FORM), cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 200, r)
        self.assertIn(b'id="result"', r.body)
        fields["earnings"] = "<b>x</b>"
        r = request("POST", "/costs/report", form(fields), dict(FORM), cookies={"lmis_csrf": pre})
        self.assertEqual(r.status, 400)
        self.assertNotIn(b"<b>x</b>", r.body)

    def test_sdg_suppression(self):
        j = request("GET", "/api/v1/costs/sdg?by=sex").json()
        cells = {(c["origin"], c["destination"], c["sex"]): c for c in j["cells"]}
        self.assertTrue(cells[("NPL", "QAT", "F")]["suppressed"])
        self.assertIsNone(cells[("NPL", "QAT", "F")]["mean"])
        self.assertFalse(cells[("NPL", "QAT", "M")]["suppressed"])
        self.assertGreater(cells[("NPL", "QAT", "M")]["p80"], cells[("NPL", "QAT", "M")]["median"] - 1e-9)

    def test_review_flow(self):
        text = "Kept my passport <script>x</script> for 3 months"
        r = request("POST", "/api/v1/reviews", json.dumps({"agency": {"licence": "DEMO-NPL-0003", "country": "NPL"},
                                                             "ratings": {"fees": 1, "documents": 1}, "text": text}),
                    {"Content-Type": "application/json"})
        self.assertEqual(r.status, 202, r)
        rid = r.json()["id"]
        pub = request("GET", "/api/v1/reviews?agency=DEMO-NPL-0003").json()
        self.assertNotIn(rid, [x["id"] for x in pub["reviews"]], "pending reviews are not published")
        _, tok, csrf = login("migrant")
        r = request("POST", "/api/v1/reviews/%d/moderate" % rid, json.dumps({"action": "publish"}),
                    {"Content-Type": "application/json", "X-CSRF-Token": csrf}, cookies={"lmis_session": tok})
        self.assertEqual(r.status, 403)
        _, tok, csrf = login("recruitment_regulator")
        ck = {"lmis_session": tok}
        q = request("GET", "/api/v1/reviews?status=pending", cookies=ck).json()
        self.assertIn(rid, [x["id"] for x in q["reviews"]])
        r = request("POST", "/api/v1/reviews/%d/moderate" % rid, json.dumps({"action": "publish", "note": "ok"}),
                    {"Content-Type": "application/json", "X-CSRF-Token": csrf}, cookies=ck)
        self.assertEqual(r.status, 200, r)
        r = request("POST", "/api/v1/reviews/%d/moderate" % rid, json.dumps({"action": "reject"}),
                    {"Content-Type": "application/json", "X-CSRF-Token": csrf}, cookies=ck)
        self.assertEqual(r.status, 409)
        pub = request("GET", "/api/v1/reviews?agency=DEMO-NPL-0003").json()
        mine = [x for x in pub["reviews"] if x["id"] == rid]
        self.assertEqual(len(mine), 1)
        self.assertNotIn("moderator", mine[0], "published reviews say nothing about who moderated")
        self.assertEqual(len(mine[0]["submitted"]), 7, "month only")
        page = request("GET", "/agencies/DEMO-NPL-0003?country=NPL")
        self.assertIn(b"Kept my passport &lt;script&gt;", page.body)

    def test_moderation_page(self):
        r = request("POST", "/api/v1/reviews", json.dumps({"employer": {"name": "Acme <i>Ltd</i>", "country": "QAT"},
                                                             "ratings": {"contract": 2}, "text": "name <u>x</u>"}),
                    {"Content-Type": "application/json"})
        rid = r.json()["id"]
        _, tok, csrf = login("recruitment_regulator")
        ck = {"lmis_session": tok}
        page = request("GET", "/reviews/moderate", cookies=ck)
        self.assertEqual(page.status, 200)
        self.assertIn(b"name &lt;u&gt;x&lt;/u&gt;", page.body)
        self.assertIn(('id="review-%d"' % rid).encode(), page.body)
        r = request("POST", "/reviews/%d/moderate" % rid, form({"csrf": csrf, "action": "reject", "note": "names"}),
                    dict(FORM), cookies=ck)
        self.assertEqual(r.status, 303, r)
        rej = request("GET", "/api/v1/reviews?status=rejected", cookies=ck).json()
        self.assertIn(rid, [x["id"] for x in rej["reviews"]])
        self.assertEqual([x for x in rej["reviews"] if x["id"] == rid][0]["moderation_note"], "names")


class TMatch(unittest.TestCase):
    """Job matching (issue 4): a migrant's own profile by form, matches through the
    API and the page, officers' CRUD with JSON-pointer errors, top-k as a prefix of
    the ranking, agency licence flags, needs."""

    def test_migrant_profile_and_own_matches(self):
        ck, csrf = session("migrant")
        fields = {"csrf": csrf, "sex": "F", "birth_year": "1990", "citizenship": "PH", "residence": "PH",
                  "isced": "6", "occupations": "2221||6", "languages": "en|C1\nde|B1", "destinations": "DE\nSA",
                  "status": "open"}
        bad = dict(fields, languages="en|Z9")
        r = request("POST", "/jobs/me/edit", form(bad), headers=FORM, cookies=ck)
        self.assertEqual(r.status, 400, r)
        self.assertIn(b"/languages/0/level", r.body)
        r = request("POST", "/jobs/me/edit", form(fields), headers=FORM, cookies=ck)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/jobs/me")
        page = request("GET", "/jobs/me", cookies=ck)
        self.assertEqual(page.status, 200)
        self.assertIn(b"2221", page.body)
        me = [s for s in request("GET", "/api/v1/seekers?limit=1000", cookies=session("employment_officer")[0])
              .json()["seekers"] if s["ref"].startswith("ACC-")]
        self.assertEqual(len(me), 1)
        own = request("GET", "/api/v1/match/seekers/%d?top=0" % me[0]["id"], cookies=ck)
        self.assertEqual(own.status, 200, own)
        for res in own.json()["results"]:
            self.assertFalse(res["licence_not_valid"])   # never shown to seekers
            self.assertIn(res["country"], ("DE", "SA"))
        self.assertEqual(request("GET", "/api/v1/seekers/%d" % me[0]["id"], cookies=ck).status, 200)
        other = 1 if me[0]["id"] != 1 else 2
        self.assertEqual(request("GET", "/api/v1/match/seekers/%d" % other, cookies=ck).status, 403)
        self.assertEqual(request("GET", "/api/v1/seekers/%d" % other, cookies=ck).status, 403)

    def test_topk_is_prefix_and_officer_sees_flags(self):
        ck, _ = session("employment_officer")
        flagged = 0
        for sid in range(1, 30):
            full = request("GET", "/api/v1/match/seekers/%d?top=0&date=2026-12-01" % sid, cookies=ck).json()["results"]
            top = request("GET", "/api/v1/match/seekers/%d?top=3&date=2026-12-01" % sid, cookies=ck).json()["results"]
            self.assertEqual([x["id"] for x in top], [x["id"] for x in full[:3]])
            keys = [(-x["score"], x["id"]) for x in full]
            self.assertEqual(keys, sorted(keys))
            flagged += sum(1 for x in full if x["licence_not_valid"])
        self.assertGreater(flagged, 0, "the samples have vacancies with invalid licences")

    def test_vacancy_crud_and_pointers(self):
        ck, csrf = session("employment_officer")
        h = {"X-CSRF-Token": csrf}
        body = {"ref": "HTTP-V1", "employer": "Test", "country": "DE", "isco": "7212", "valid_until": "2030-01-01",
                "languages": [{"lang": "de", "level": "B1"}]}
        r = request("POST", "/api/v1/vacancies", dict(body, country="XX"), headers=h, cookies=ck)
        self.assertEqual(r.status, 400)
        self.assertEqual(r.json().get("pointer"), "/country")
        r = request("POST", "/api/v1/vacancies", dict(body, languages=[{"lang": "de", "level": "Q"}]), headers=h,
                    cookies=ck)
        self.assertEqual(r.json().get("pointer"), "/languages/0/level")
        r = request("POST", "/api/v1/vacancies", body, headers=h, cookies=ck)
        self.assertEqual(r.status, 201, r)
        vid = r.json()["id"]
        r = request("POST", "/api/v1/vacancies", body, headers=h, cookies=ck)
        self.assertEqual(r.status, 409, r)   # the ref exists
        r = request("POST", "/api/v1/vacancies/%d" % vid, dict(body, positions=3), headers=h, cookies=ck)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["positions"], 3)
        c = request("GET", "/api/v1/match/vacancies/%d?top=5" % vid, cookies=ck)
        self.assertEqual(c.status, 200, c)
        self.assertLessEqual(len(c.json()["results"]), 5)
        page = request("GET", "/vacancies/%d" % vid, cookies=ck)
        self.assertEqual(page.status, 200)

    def test_cached_index_follows_the_register(self):
        # the server caches the matching index; a regulator's decision must reach it
        path = os.path.join(Srv.tmp, "one-agency.csv")
        with open(path, "w") as f:
            f.write("licence,country,name,aliases,status,valid_from,valid_to,address,branches,decided_on,"
                    "decision_ref,authority,reason,sanction_kind,sanction\n"
                    "HTTP-LIC-1,NPL,Cache Test Manpower,,valid,2020-01-01,2099-12-31,,,,,,,,\n")
        lmis("agency", "import", path, "--db", Srv.db)
        ck, csrf = session("employment_officer")
        h = {"X-CSRF-Token": csrf}
        body = {"ref": "HTTP-LIC", "employer": "Test", "country": "DE", "isco": "7212", "valid_until": "2099-01-01",
                "agency_licence": "HTTP-LIC-1"}
        r = request("POST", "/api/v1/vacancies", body, headers=h, cookies=ck)
        self.assertEqual(r.status, 201, r)
        vid = r.json()["id"]
        before = request("GET", "/api/v1/match/vacancies/%d?top=1" % vid, cookies=ck).json()
        self.assertFalse(before["vacancy"]["licence_not_valid"], before["vacancy"])
        lmis("agency", "status", "HTTP-LIC-1", "--set", "banned", "--decision", "HTTP-TEST-1", "--reason", "test",
             "--db", Srv.db)
        after = request("GET", "/api/v1/match/vacancies/%d?top=1" % vid, cookies=ck).json()
        self.assertTrue(after["vacancy"]["licence_not_valid"], after["vacancy"])

    def test_needs(self):
        r = request("GET", "/api/v1/needs?isco=1&date=2026-12-01")
        self.assertEqual(r.status, 200)
        rows = r.json()["rows"]
        self.assertTrue(rows)
        for x in rows:
            self.assertIn(x["classification"], ("shortage", "surplus", "balanced"))
        self.assertEqual(request("GET", "/api/v1/needs?isco=9").status, 400)
        self.assertEqual(request("GET", "/api/v1/needs?country=Germany").json().get("parameter"), "country")
        page = request("GET", "/needs?lang=fr")
        self.assertEqual(page.status, 200)
        self.assertIn(b"<svg", page.body)


class CountingResult(unittest.TextTestResult):
    """Counts subtests individually, so one bad case does not hide the others."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.n_pass = 0
        self.n_fail = 0
        self._sub_failed = set()

    def addSuccess(self, test):
        super().addSuccess(test)
        if test.id() not in self._sub_failed:
            self.n_pass += 1

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.n_fail += 1

    def addError(self, test, err):
        super().addError(test, err)
        self.n_fail += 1

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.n_fail += 1
            self._sub_failed.add(test.id())


class TAgreements(unittest.TestCase):
    """The agreements repository: search, access rules (public reads, officers edit, social partners
    comment only), JSON pointers in errors, escaped snippets."""

    def test_search_stems_and_facets(self):
        r = request("GET", "/api/v1/agreements?q=trabajador")
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertGreaterEqual(j["total"], 2)
        self.assertIn("[trabajadores]", j["results"][0]["snippet"])
        self.assertIn("ES", j["facets"]["country"])
        r = request("GET", "/api/v1/agreements?country=PHL&status=signed")
        self.assertEqual(r.json()["total"], 2)
        r = request("GET", "/api/v1/agreements?type=treaty")
        self.assertEqual(r.status, 400)
        self.assertEqual(r.header("Content-Type"), "application/problem+json")

    def test_access_rules(self):
        path = "/api/v1/agreements/ph-sa-domestic-workers-2013"
        body = {"criterion": "women_domestic_workers", "rating": "partly", "clause": "covers domestic workers",
                "article": "1"}
        _, tok, csrf = login("social_partner")
        ck, hd = {"lmis_session": tok}, {"X-CSRF-Token": csrf}
        self.assertEqual(request("POST", path + "/assessment", body, headers=hd, cookies=ck).status, 403)
        r = request("POST", path + "/comments", {"body": "Workers' organizations ask for the full text."},
                    headers=hd, cookies=ck)
        self.assertEqual(r.status, 201, r)
        _, tok, csrf = login("migrant")
        r = request("POST", path + "/comments", {"body": "x"}, headers={"X-CSRF-Token": csrf},
                    cookies={"lmis_session": tok})
        self.assertEqual(r.status, 403)
        self.assertEqual(request("POST", path + "/comments", {"body": "x"}).status, 401)
        _, tok, csrf = login("employment_officer")
        ck, hd = {"lmis_session": tok}, {"X-CSRF-Token": csrf}
        r = request("POST", path + "/assessment", body, headers=hd, cookies=ck)
        self.assertEqual(r.status, 200, r)
        # a bad rating names the field as a JSON pointer
        r = request("POST", path + "/assessment", dict(body, rating="excellent"), headers=hd, cookies=ck)
        self.assertEqual(r.status, 400)
        self.assertIn("/rating", json.dumps(r.json()))
        # without the CSRF header a cookie session cannot write
        self.assertEqual(request("POST", path + "/assessment", body, cookies=ck).status, 403)
        j = request("GET", path).json()
        crit = {a["criterion"]: a for a in j["assessment"]}
        self.assertEqual(crit["women_domestic_workers"]["rating"], "partly")
        self.assertEqual(crit["women_domestic_workers"]["assessor"], "u_employment_officer")
        self.assertTrue(any(c["role"] == "social_partner" for c in j["comments"]))
        self.assertEqual(j["scores"]["protection"]["assessed"], 1)

    def test_import_all_or_nothing(self):
        _, tok, csrf = login("employment_officer")
        ck, hd = {"lmis_session": tok}, {"X-CSRF-Token": csrf}
        doc = {"agreements": [
            {"id": "http-ok", "type": "memorandum_of_understanding", "title_en": "Valid", "parties": ["JP", "KR"],
             "status": "signed", "source": "http test"},
            {"id": "http-bad", "type": "memorandum_of_understanding", "title_en": "Bad", "parties": ["JP", "ZZZ"],
             "status": "signed", "source": "http test"}]}
        r = request("POST", "/api/v1/agreements", doc, headers=hd, cookies=ck)
        self.assertEqual(r.status, 400, r)
        self.assertIn("/agreements/1/parties/1", json.dumps(r.json()))
        self.assertEqual(request("GET", "/api/v1/agreements/http-ok").status, 404)
        doc["agreements"].pop()
        r = request("POST", "/api/v1/agreements", doc, headers=hd, cookies=ck)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["agreements"], 1)
        self.assertEqual(request("GET", "/api/v1/agreements/http-ok").status, 200)
        _, tok, csrf = login("social_partner")
        r = request("POST", "/api/v1/agreements", doc, headers={"X-CSRF-Token": csrf}, cookies={"lmis_session": tok})
        self.assertEqual(r.status, 403)

    def test_corridor_and_ratifications(self):
        j = request("GET", "/api/v1/corridors/ARG/BRA").json()
        self.assertEqual(j["agreements"][0]["via"], "regional")
        self.assertNotIn("no_social_security_agreement", [g["code"] for g in j["gaps"]])
        self.assertGreater(len(j["statistics"]["observations"]), 0)
        self.assertEqual(request("GET", "/api/v1/corridors/PH/ZZZ").status, 404)
        j = request("GET", "/api/v1/ratifications?country=PH").json()
        self.assertIn("C189", j["countries"][0]["ratifications"])

    def test_pages_escape_and_mark(self):
        r = request("GET", "/agreements?q=%3Cscript%3Ealert(1)%3C/script%3E+domestic")
        self.assertEqual(r.status, 200)
        self.assertNotIn(b"<script>alert", r.body)
        r = request("GET", "/agreements?q=domestic+workers")
        self.assertIn(b"<mark>", r.body)
        r = request("GET", "/corridor/PH/DE")
        self.assertIn(b"has not ratified", r.body)
        self.assertEqual(request("GET", "/agreements/no-such-agreement").status, 404)



class TPractices(unittest.TestCase):
    """Good practices on the web: the list with search, filters and paging, one practice's
    page, and practices in the agreements search."""

    @staticmethod
    def listed(body):
        """The practice ids linked from the results list of /practices, in order."""
        m = re.search(rb'<ol class="results practices"[^>]*>(.*?)</ol>', body, re.S)
        return re.findall(r'<a href="/practices/([^"]+)">', m.group(1).decode()) if m else None

    def test_list_and_paging(self):
        total = request("GET", "/api/v1/practices?limit=100").json()["total"]
        self.assertGreaterEqual(total, 10)
        r = request("GET", "/practices")
        self.assertEqual(r.status, 200, r)
        self.assertIn(b'<form class="search practices" action="/practices"', r.body)
        self.assertEqual(len(self.listed(r.body)), min(total, 20))
        self.assertIn(("<p class=\"count\">%d " % total).encode(), r.body)
        first = self.listed(request("GET", "/practices?limit=5").body)
        self.assertEqual(len(first), 5)
        r = request("GET", "/practices?limit=5&offset=5")
        self.assertIn(b'rel="prev" href="/practices?limit=5"', r.body)
        self.assertIn(b'rel="next" href="/practices?limit=5&amp;offset=10"', r.body)
        second = self.listed(r.body)
        self.assertEqual(len(second), 5)
        self.assertFalse(set(first) & set(second))
        # links that keep several filters separate them with one escaped ampersand
        self.assertNotIn(b"&amp;amp;", r.body)
        self.assertNotIn(b"&amp;amp;", request("GET", "/agreements?q=workers&status=signed").body)
        # the list is in the navigation and on the home page
        self.assertIn(b'href="/practices"', request("GET", "/").body)

    def test_api_has_the_pages_filters_and_paging(self):
        j = request("GET", "/api/v1/practices?limit=100").json()
        self.assertEqual(j["total"], len(j["results"]))
        self.assertIn("facets", j)
        one = request("GET", "/api/v1/practices?limit=1&offset=1").json()
        self.assertEqual((one["limit"], one["offset"], len(one["results"])), (1, 1, 1))
        self.assertEqual(one["results"][0]["id"], j["results"][1]["id"])
        asean = request("GET", "/api/v1/practices?regional_body=ASEAN").json()
        self.assertGreaterEqual(asean["total"], 1)
        self.assertTrue(all(r["regional_body"] == "ASEAN" for r in asean["results"]))
        r = request("GET", "/api/v1/practices?mflm=XI")
        self.assertEqual(r.status, 400, r)
        self.assertIn("mflm", r.json()["detail"] + r.json().get("title", "") + str(r.json()))
        self.assertEqual(request("GET", "/api/v1/practices?year=abc").status, 400)

    def test_search_finds_a_word_of_the_description_only(self):
        p = request("GET", "/api/v1/practices/pa-employer-reference-letter").json()
        self.assertIn("maritime", p["description"])
        self.assertNotIn("maritime", (p["title"] + p["theme"] + (p["evidence"] or "")).lower())
        r = request("GET", "/practices?q=maritime")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.listed(r.body), ["pa-employer-reference-letter"])
        self.assertIn(b"<mark>maritime</mark>", r.body)
        # the agreements search lists it too, linked to its page
        r = request("GET", "/agreements?q=maritime")
        self.assertIn(b'<a href="/practices/pa-employer-reference-letter">', r.body)
        self.assertIn(b'href="/practices?q=maritime"', r.body)
        # evidence (Spanish, stemmed) and theme are searched as well
        self.assertIn("pa-regularization-programmes-2010", self.listed(request("GET", "/practices?q=gobernanzas").body))
        self.assertIn("ca-mx-seasonal-agricultural-worker-program",
                      self.listed(request("GET", "/practices?q=circular").body))

    def test_filters(self):
        ids = self.listed(request("GET", "/practices?theme=regularization").body)
        self.assertEqual(sorted(ids), ["ar-mercosur-regularization-2006", "co-venezuelan-temporary-protection-2021",
                                       "pa-regularization-programmes-2010"])
        self.assertEqual(self.listed(request("GET", "/practices?country=COL").body),
                         ["co-venezuelan-temporary-protection-2021"])
        self.assertEqual(self.listed(request("GET", "/practices?regional_body=ASEAN&mflm=II").body),
                         ["asean-forum-on-migrant-labour"])
        self.assertEqual(self.listed(request("GET", "/practices?year=1974").body),
                         ["ca-mx-seasonal-agricultural-worker-program"])
        self.assertEqual(self.listed(request("GET", "/practices?q=regularization&year=1900").body), [])
        r = request("GET", "/practices?mflm=X")
        self.assertEqual(r.status, 400)
        self.assertIn(b"principle area", r.body)
        self.assertEqual(request("GET", "/practices?year=soon").status, 400)
        # the form sends every field; blank ones are no filter
        r = request("GET", "/practices?q=maritime&country=&theme=&mflm=&regional_body=&year=")
        self.assertEqual(self.listed(r.body), ["pa-employer-reference-letter"])

    def test_page(self):
        r = request("GET", "/practices/ph-tripartite-boards")
        self.assertEqual(r.status, 200, r)
        self.assertIn(b"<h1>Tripartite boards", r.body)
        self.assertIn(b'href="/api/v1/practices/ph-tripartite-boards"', r.body)
        self.assertIn(b'href="/statistics/area/PHL"', r.body)
        self.assertIn(b'href="/agreements?country=PH"', r.body)
        self.assertIn(b'href="/agreements/ph-sa-domestic-workers-2013"', r.body)
        self.assertIn(b"para 105", r.body)
        r = request("GET", "/practices/ca-mx-seasonal-agricultural-worker-program")
        self.assertIn(b'class="source-link" href="https://www.canada.ca/', r.body)
        r = request("GET", "/practices/co-venezuelan-temporary-protection-2021?lang=es")
        self.assertIn(b'lang="es">Colombia adopt', r.body)
        self.assertIn("Venezuela".encode(), r.body)

    def test_not_found(self):
        r = request("GET", "/practices/no-such-practice")
        self.assertEqual(r.status, 404)
        self.assertIn(b"no good practice with id no-such-practice", r.body)
        self.assertIn(b"listed at /practices", r.body)
        self.assertEqual(request("GET", "/practices/%3Cb%3E").status, 404)
        self.assertNotIn(b"<b>", request("GET", "/practices/%3Cb%3E").body.split(b"<main")[1])

    def test_escaped_and_french(self):
        _, tok, csrf = login("employment_officer")
        doc = {"practices": [{
            "id": "http-fr-practice", "title_en": "Orientation <script>alert(1)</script> of seasonal workers",
            "theme": "<i>information</i>", "lang": "fr", "countries": ["SN"], "year": 2019,
            "description": "Les travailleurs saisonniers reçoivent une formation avant le départ.",
            "evidence": "Les syndicats ont été consultés <img src=x onerror=alert(1)>.",
            "source": "http test", "source_url": "javascript:alert(1)"}]}
        r = request("POST", "/api/v1/agreements", doc, headers={"X-CSRF-Token": csrf}, cookies={"lmis_session": tok})
        self.assertEqual(r.status, 200, r)
        r = request("GET", "/practices/http-fr-practice")
        self.assertEqual(r.status, 200, r)
        self.assertNotIn(b"<script>alert", r.body)
        self.assertNotIn(b"<img src=x", r.body)
        self.assertNotIn(b"<i>information", r.body)
        self.assertNotIn(b"javascript:", r.body)
        self.assertIn(b"&lt;script&gt;", r.body)
        # French words, inflected otherwise, find it (Snowball stems); so does the agreements search
        self.assertIn("http-fr-practice", self.listed(request("GET", "/practices?q=saisonnier+syndicat").body))
        r = request("GET", "/practices?q=saisonnier")
        self.assertNotIn(b"<script>alert", r.body)
        self.assertIn(b'<a href="/practices/http-fr-practice">', request("GET", "/agreements?q=saisonniers").body)


# ---------------------------------------------------------------- notifications

class FakeSmtp:
    """A minimal SMTP server (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT) on an ephemeral
    port that keeps every message it accepts. With fail=True it answers RCPT with
    451, quoting the address (lmis must not copy the server's text)."""

    def __init__(self, fail=False):
        import email
        import email.policy
        import socketserver
        import threading
        self.messages = []
        self.fail = fail
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write((line + "\r\n").encode())

            def handle(self):
                self.reply("220 fake.test ESMTP")
                sender, rcpts = None, []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    cmd = line.decode("ascii", "replace").strip()
                    verb = cmd[:4].upper()
                    if verb == "EHLO":
                        self.reply("250-fake.test")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 fake.test")
                    elif verb == "MAIL":
                        sender, rcpts = cmd[10:].strip(), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        if outer.fail:
                            self.reply("451 4.3.0 %s: try again later" % cmd[8:].strip())
                        else:
                            rcpts.append(cmd[8:].strip().strip("<>"))
                            self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 end with <CRLF>.<CRLF>")
                        data = b""
                        while True:
                            chunk = self.rfile.readline()
                            if not chunk or chunk in (b".\r\n", b".\n"):
                                break
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        msg = email.message_from_bytes(data, policy=email.policy.default)
                        outer.messages.append({"from": sender, "to": rcpts, "subject": str(msg["Subject"]),
                                               "header_to": str(msg["To"]), "body": msg.get_content()})
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 OK" if verb in ("RSET", "NOOP") else "502 not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def to(self, address):
        return [m for m in self.messages if address in m["to"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakeSms:
    """An SMS gateway: keeps each POSTed JSON body with its Authorization header."""

    def __init__(self):
        import http.server
        import threading
        self.posts = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                outer.posts.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                    "type": self.headers.get("Content-Type"), "json": json.loads(body)})
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


INSPECTOR_EMAIL = "u.inspector@labour.example.gov"
ADMIN_EMAIL = "chief@labour.example.gov"
PUBLIC_URL = "https://lmis.example.gov"


class TNotify(unittest.TestCase):
    """Notifications: a receipt really arrives over SMTP at the complainant's
    address with the tracking code; SMS through a gateway; a failing server means
    retries with backoff, then failed, then a manual retry; the server's own
    worker sends and escalates without a request; only administrators and the
    inspectors of the cases list the outbox, never the immigration officer."""

    @classmethod
    def setUpClass(cls):
        lmis("user", "email", user_name("labour_inspector"), INSPECTOR_EMAIL, "--db", Srv.db)
        lmis("user", "email", user_name("admin"), ADMIN_EMAIL, "--db", Srv.db)

    def env(self, smtp=None, sms=None, **extra):
        e = {"LMIS_PUBLIC_URL": PUBLIC_URL}
        if smtp:
            e.update(LMIS_SMTP_URL="smtp://127.0.0.1:%d" % smtp.port, LMIS_SMTP_FROM="lmis@labour.example.gov")
        if sms:
            e.update(LMIS_SMS_URL="http://127.0.0.1:%d/send" % sms.port, LMIS_SMS_TOKEN="gateway-secret")
        e.update(LMIS_NOTIFY_TIMEOUT="5", **extra)
        return e

    def run_once(self, env):
        p = lmis("notify", "run", "--once", "--json", "--db", Srv.db, extra_env=env)
        return json.loads(p.stdout)

    def outbox(self, case_id):
        j = json.loads(lmis("notify", "list", "--json", "--limit", "1000", "--db", Srv.db).stdout)
        return [n for n in j["notifications"] if n["case_id"] == case_id]

    def file(self, address, lang="es", method="email"):
        body = {"category": "unpaid_wages", "language": lang, "description": "Notify test NOTE-SECRET-42.",
                "anonymous": False, "complainant": {"name": "Notify Person", "email": address},
                "contact": {"method": method}}
        r = request("POST", "/api/v1/complaints", body)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def test_receipt_arrives_over_smtp(self):
        smtp = FakeSmtp()
        try:
            filed = self.file("rosa.notify@example.org")
            rows = self.outbox(filed["id"])
            self.assertEqual([(n["recipient"], n["channel"], n["event"], n["state"], n["language"]) for n in rows],
                             [("complainant", "email", "received", "queued", "es")])
            # without a channel nothing is sent: it stays queued, and says so
            out = self.run_once({})
            self.assertGreaterEqual(out["waiting"], 1)
            self.assertEqual(self.outbox(filed["id"])[0]["state"], "queued")
            out = self.run_once(self.env(smtp))
            self.assertGreaterEqual(out["sent"], 1)
            got = smtp.to("rosa.notify@example.org")
            self.assertEqual(len(got), 1, smtp.messages)
            m = got[0]
            self.assertEqual(m["from"], "<lmis@labour.example.gov>")
            self.assertEqual(m["header_to"], "rosa.notify@example.org")
            self.assertIn(filed["case"], m["subject"])
            self.assertIn(filed["receipt"], m["body"])
            self.assertIn(PUBLIC_URL + "/complaint/track", m["body"])
            for secret in ("Notify Person", "NOTE-SECRET-42"):
                self.assertNotIn(secret, m["body"])
            row = self.outbox(filed["id"])[0]
            self.assertEqual((row["state"], row["attempts"]), ("sent", 1))
            self.assertIsNotNone(row["sent_at"])
            # the decryption of the address was audited
            a = json.loads(lmis("audit", "list", "--action", "notify.send", "--limit", "1000", "--json", "--db",
                                Srv.db).stdout)
            self.assertIn(filed["case"], [x["object"] for x in a["entries"]])
            # sent once only
            self.run_once(self.env(smtp))
            self.assertEqual(len(smtp.to("rosa.notify@example.org")), 1)
            # the inspector's workflow: assigned to them, a new status to the complainant (no note)
            ck, csrf = session("labour_inspector")
            h = {"X-CSRF-Token": csrf}
            path = "/api/v1/cases/%d" % filed["id"]
            self.assertEqual(request("POST", path, {"action": "assign", "to": user_name("labour_inspector")},
                                     cookies=ck, headers=h).status, 200)
            self.assertEqual(request("POST", path, {"action": "transition", "state": "in_mediation",
                                                    "note": "NOTE-SECRET-42 called the employer", "visible": True},
                                     cookies=ck, headers=h).status, 200)
            self.run_once(self.env(smtp))
            mine = [m for m in smtp.to(INSPECTOR_EMAIL) if filed["case"] in m["subject"]]
            self.assertEqual(len(mine), 1, smtp.messages)
            self.assertIn(PUBLIC_URL + "/cases/%d" % filed["id"], mine[0]["body"])
            states = smtp.to("rosa.notify@example.org")[1:]
            self.assertEqual(len(states), 2)
            self.assertIn("En mediaci\u00f3n", states[1]["body"])
            for m in states + mine:
                self.assertNotIn("NOTE-SECRET-42", m["body"])
                self.assertNotIn("Notify Person", m["body"])
        finally:
            smtp.close()

    def test_sms_gateway(self):
        sms = FakeSms()
        try:
            # seeded case 1 chose phone: its receipt and its new status wait for a gateway
            self.run_once(self.env(sms=sms))
            mine = [p for p in sms.posts if p["json"]["to"] == "+639175550199"]
            self.assertGreaterEqual(len(mine), 2, sms.posts)
            self.assertTrue(any(Srv.receipts[0] in p["json"]["text"] for p in mine))
            self.assertEqual(mine[0]["auth"], "Bearer gateway-secret")
            self.assertEqual(mine[0]["type"], "application/json")
            self.assertEqual(mine[0]["path"], "/send")
            self.assertEqual(set(mine[0]["json"]), {"to", "text"})
            for p in mine:
                self.assertNotIn(SEEDED["name"], p["json"]["text"])
                self.assertNotIn(SEEDED["marker"], p["json"]["text"])
        finally:
            sms.close()

    def test_failing_server_retries_then_fails(self):
        bad = FakeSmtp(fail=True)
        good = FakeSmtp()
        address = "failing.notify@example.org"
        try:
            filed = self.file(address, lang="fr")
            self.run_once(self.env(bad))
            row = self.outbox(filed["id"])[0]
            self.assertEqual((row["state"], row["attempts"]), ("queued", 1))
            self.assertIn("451", row["last_error"])
            self.assertGreater(row["due_at"], int(time.time()) + 200, "backoff: the next try is minutes away")
            # not due yet: not tried again
            self.run_once(self.env(bad))
            self.assertEqual(self.outbox(filed["id"])[0]["attempts"], 1)
            # an administrator queues it again; with no backoff and 3 attempts it fails for good
            ck, csrf = session("admin")
            r = request("POST", "/api/v1/notifications/%d/retry" % row["id"], cookies=ck,
                        headers={"X-CSRF-Token": csrf})
            self.assertEqual(r.status, 200, r)
            self.assertEqual((r.json()["state"], r.json()["attempts"]), ("queued", 0))
            env = self.env(bad, LMIS_NOTIFY_BACKOFF="0", LMIS_NOTIFY_MAX_ATTEMPTS="3")
            for want in (("queued", 1), ("queued", 2), ("failed", 3)):
                self.run_once(env)
                row = self.outbox(filed["id"])[0]
                self.assertEqual((row["state"], row["attempts"]), want)
            self.assertEqual(bad.messages, [])
            # the server's reply quoted the address: the outbox never shows it
            listing = lmis("notify", "list", "--db", Srv.db).stdout + request(
                "GET", "/api/v1/notifications?state=failed&limit=1000", cookies=ck).body.decode()
            self.assertNotIn(address, listing)
            page = request("GET", "/admin/notifications?state=failed", cookies=ck)
            self.assertEqual(page.status, 200)
            self.assertIn(filed["case"].encode(), page.body)
            self.assertNotIn(address.encode(), page.body)
            self.assertIn(b"name=\"viewport\"", page.body)
            # a sent message is not retried; the failed one is, and then arrives
            self.assertEqual(lmis("notify", "retry", str(row["id"]), "--db", Srv.db).returncode, 0)
            self.run_once(self.env(good))
            self.assertEqual(len(good.to(address)), 1)
            self.assertEqual(lmis("notify", "retry", str(row["id"]), "--db", Srv.db, check=False).returncode, 1)
            self.assertEqual(request("POST", "/api/v1/notifications/%d/retry" % row["id"], cookies=ck,
                                     headers={"X-CSRF-Token": csrf}).status, 409)
            # bad parameters name themselves
            r = request("GET", "/api/v1/notifications?state=lost", cookies=ck)
            self.assertEqual((r.status, r.json().get("parameter")), (400, "state"))
            self.assertEqual(request("GET", "/api/v1/notifications?limit=0", cookies=ck).status, 400)
            self.assertEqual(request("POST", "/api/v1/notifications/abc/retry", cookies=ck,
                                     headers={"X-CSRF-Token": csrf}).status, 400)
        finally:
            bad.close()
            good.close()

    def test_who_lists_what(self):
        self.file("who.lists@example.org")
        ck, _ = session("immigration_officer")
        self.assertEqual(request("GET", "/api/v1/notifications", cookies=ck).status, 403)
        self.assertEqual(request("GET", "/admin/notifications", cookies=ck).status, 403)
        tok = json.loads(lmis("token", "create", user_name("immigration_officer"), "--json", "--db",
                              Srv.db).stdout)["token"]
        p = lmis("notify", "list", "--db", Srv.db, check=False, extra_env={"LMIS_TOKEN": tok})
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stdout, "")
        # the inspector sees only messages of the cases assigned to them; the administrator all
        ck, _ = session("labour_inspector")
        mine = request("GET", "/api/v1/notifications?limit=1000", cookies=ck).json()["notifications"]
        self.assertGreater(len(mine), 0)
        queue = request("GET", "/api/v1/cases", cookies=ck).json()
        assigned = {c["id"] for c in queue["mine"]}
        for n in mine:
            self.assertEqual(request("GET", "/api/v1/cases/%d" % n["case_id"], cookies=ck).status, 200, n)
        ck, _ = session("admin")
        every = request("GET", "/api/v1/notifications?limit=1000", cookies=ck).json()["notifications"]
        self.assertGreater(len(every), len(mine))
        self.assertTrue(any(n["case_id"] not in assigned for n in every))
        for n in every:
            self.assertNotIn("address", n)
            self.assertNotIn("text", n)

    def test_server_worker_sends_and_escalates(self):
        import sqlite3
        smtp = FakeSmtp()
        errpath = os.path.join(Srv.tmp, "serve-notify.err")
        err = open(errpath, "w")
        env = dict(os.environ, **self.env(smtp))
        proc = subprocess.Popen([BIN, "serve", "--db", Srv.db, "--port", "0", "--notify-interval", "1"],
                                stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        err.close()
        try:
            self.assertTrue(proc.stdout.readline().startswith("listening on "))
            filed = self.file("worker.notify@example.org", lang="en")
            ck, csrf = session("labour_inspector")
            r = request("POST", "/api/v1/cases/%d" % filed["id"], {"action": "assign", "to": user_name(
                "labour_inspector")}, cookies=ck, headers={"X-CSRF-Token": csrf})
            self.assertEqual(r.status, 200, r)
            # the deadline passes (the clock cannot be moved: the deadline can)
            db = sqlite3.connect(Srv.db, timeout=30)
            db.execute("UPDATE complaint SET deadline = 1 WHERE id = ?", (filed["id"],))
            db.commit()
            db.close()
            deadline = time.monotonic() + 60
            want = lambda: (smtp.to("worker.notify@example.org") and  # noqa: E731
                            [m for m in smtp.to(INSPECTOR_EMAIL) if filed["case"] in m["subject"]
                             and "deadline" in m["subject"]] and
                            [m for m in smtp.to(ADMIN_EMAIL) if filed["case"] in m["subject"]])
            while time.monotonic() < deadline and not want():
                time.sleep(0.3)
            self.assertTrue(want(), [(m["to"], m["subject"]) for m in smtp.messages])
            self.assertIn(filed["receipt"], smtp.to("worker.notify@example.org")[0]["body"])
            boss = [m for m in smtp.to(ADMIN_EMAIL) if filed["case"] in m["subject"]][0]
            self.assertNotIn("/cases/", boss["body"])
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                rc = proc.wait()
            proc.stdout.close()
            smtp.close()
        text = open(errpath, errors="replace").read()
        self.assertEqual(rc, 0, text[-3000:])
        self.assertNotIn("ERROR: AddressSanitizer", text)
        self.assertNotIn("runtime error:", text)


def main():
    t0 = time.monotonic()
    n_pass = n_fail = 0
    if not os.access(BIN, os.X_OK):
        print("lmis binary not found at %s (set LMIS_BIN)" % BIN)
        print("http: 0 passed, 1 failed")
        return 1
    try:
        start_server()
        ids = [o["id"] for o in request("GET", "/api/v1/isco/2221").json().get("esco_occupations", [])]
        Srv.esco_id = ids[0] if ids else 1
        loader = unittest.TestLoader()
        suite = loader.loadTestsFromModule(sys.modules[__name__]) if len(sys.argv) < 2 or sys.argv[1] == "-v" \
            else loader.loadTestsFromNames([a for a in sys.argv[1:] if a != "-v"], sys.modules[__name__])
        runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2 if "-v" in sys.argv else 1,
                                         resultclass=CountingResult)
        result = runner.run(suite)
        n_pass, n_fail = result.n_pass, result.n_fail
    except Exception as e:  # setup failed: report it as one failure
        print("setup failed: %s" % e)
        n_fail += 1
    finally:
        rc = stop_server()
        if rc is not None:
            err = open(Srv.stderr_path, errors="replace").read() if Srv.stderr_path else ""
            if rc == 0 and "ERROR: AddressSanitizer" not in err and "runtime error:" not in err:
                n_pass += 1
            else:
                n_fail += 1
                print("server did not stop cleanly (exit %s); its stderr ends with:\n%s" % (rc, err[-6000:]))
            if not re.search(r"127\.0\.0\.1 GET /api/v1/health 200 \d+", err):
                n_fail += 1
                print("no access log line for GET /api/v1/health")
            else:
                n_pass += 1
        if Srv.tmp and not os.environ.get("LMIS_KEEP_TMP"):
            shutil.rmtree(Srv.tmp, ignore_errors=True)
    print("(%.1f s)" % (time.monotonic() - t0))
    print("http: %d passed, %d failed" % (n_pass, n_fail))
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
