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


def lmis(*args, stdin=None, check=True):
    env = dict(os.environ)
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

def start_server():
    Srv.tmp = tempfile.mkdtemp(prefix="lmis-http-")
    Srv.db = os.path.join(Srv.tmp, "test.db")
    lmis("init", "--db", Srv.db)
    lmis("survey", "import", "lfs-demo", os.path.join(ROOT, "data", "samples", "lfs-demo.csv.gz"), "--codebook",
         os.path.join(ROOT, "data", "samples", "lfs-demo.codebook.json"), "--db", Srv.db)
    lmis("indicator", "compute", "UNE_DEAP_SEX_AGE_CBR_RT", "--survey", "lfs-demo", "--publish", "--format", "json",
         "--db", Srv.db)
    for role in ROLES[1:] + ["victim", "leaver", "tokenuser"]:
        name = user_name(role) if role in ROLES else role
        r = role if role in ROLES else "migrant"
        if role == "tokenuser":
            r = "statistician"
        lmis("user", "add", name, "--role", r, "--password-stdin", "--db", Srv.db, stdin=PASSWORD + "\n")
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
MATRIX = [
    ("GET", "/", "/", P, None, ALL200),
    ("GET", "/account", "/account", P, None, ACCOUNT(303, 200)),
    ("GET", "/api/v1/aggregates", "/api/v1/aggregates?area=ITA&counterpart=PHL", A, None, ALL200),
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
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", A, None, ALL200),
    ("GET", "/api/v1/surveys", "/api/v1/surveys", A, None, ALL200),
    ("GET", "/api/v1/surveys/{name}", "/api/v1/surveys/lfs-demo", A, None, ALL200),
    ("GET", "/esco/occupation/{id}", "/esco/occupation/{esco}", P, None, ALL200),
    ("GET", "/isco", "/isco", P, None, ALL200),
    ("GET", "/isco/{code}", "/isco/2221", P, None, ALL200),
    ("GET", "/login", "/login", P, None, ALL200),
    # a valid pre-session token but no credentials: the form comes back with 400
    ("POST", "/login", "/login", P, "login-form-empty", [400] * 9),
    ("GET", "/sdmx/data/{flow}", "/sdmx/data/LMIS_MIG?format=sdmx-csv", A, None, ALL200),
    ("GET", "/sdmx/data/{flow}/{key}", "/sdmx/data/LMIS_PUBLIC/ITA.PHL....?format=sdmx-json", A, None, ALL200),
    ("GET", "/static/style.css", "/static/style.css", P, None, ALL200),
    ("GET", "/statistics", "/statistics", P, None, ALL200),
    ("GET", "/statistics/area", "/statistics/area?code=ITA&counterpart=PHL", P, None, [303] * 9),
    ("GET", "/statistics/area/{code}", "/statistics/area/ITA?counterpart=PHL", P, None, ALL200),
    ("GET", "/statistics/indicator/{id}", "/statistics/indicator/UNE_DEAP_SEX_AGE_CBR_RT?survey=lfs-demo", P, None,
     ALL200),
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
        r = request("POST", "/api/v1/logout", cookies=ck, headers={"X-CSRF-Token": csrf[:-1] + "0"})
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


# ---------------------------------------------------------------- runner

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
