#!/usr/bin/env python3
"""Golden CLI tests: run lmis with the arguments of each tests/golden/cases/NAME.cmd and
compare exit status, stdout (NAME.out) and stderr (NAME.err) with the committed files.

NAME.cmd holds lines "args: ..." (shell words; $DB, $BADDATA, $TMP and $ROOT are
substituted), "exit: N", optionally "stdin: TEXT", and "compare: err" when stdout
carries timings and only the exit status and stderr are compared. Temporary paths in the output are replaced by
$DB/$TMP before comparing. `run.py --update` rewrites the expected files.
"""
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("LMIS_BIN", os.path.join(ROOT, "build", "lmis"))
DATA = os.environ.get("LMIS_DATA", os.path.join(ROOT, "data"))
UPDATE = "--update" in sys.argv


def make_bad_data(tmp):
    """A copy of the data directory with one CSV cut off in the middle of a quoted field."""
    bad = os.path.join(tmp, "baddata")
    shutil.copytree(DATA, bad)
    path = os.path.join(bad, "countries", "iso3166-1_debian_iso-codes_4.15.0.csv")
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    # Line 11 gets an opening quote that never closes: the error must name the file and line.
    lines[10] = b'"' + lines[10]
    with open(path, "wb") as f:
        f.write(b"\n".join(lines))
    return bad


def main():
    tmp = tempfile.mkdtemp(prefix="lmis-golden.")
    env = dict(os.environ, LMIS_NO_PROGRESS="1", LMIS_DATA=DATA)
    env.pop("LMIS_DB", None)
    env.pop("LMIS_LANG", None)
    db = os.path.join(tmp, "golden.db")
    r = subprocess.run([BIN, "init", "--db", db], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        print("golden: 0 passed, 1 failed")
        return 1
    bad = make_bad_data(tmp)
    subst = {"$DB": db, "$BADDATA": bad, "$TMP": tmp, "$ROOT": ROOT}
    passed = failed = 0
    for name in sorted(os.listdir(os.path.join(HERE, "cases"))):
        if not name.endswith(".cmd"):
            continue
        base = os.path.join(HERE, "cases", name[:-4])
        spec = {}
        with open(base + ".cmd") as f:
            for line in f:
                if ":" in line:
                    k, v = line.split(":", 1)
                    spec[k.strip()] = v.strip()
        args = shlex.split(spec["args"])
        args = [a if a not in subst else subst[a] for a in args]
        args = [a.replace("$TMP", tmp).replace("$ROOT", ROOT) for a in args]
        stdin = spec.get("stdin", "").replace("\\n", "\n") or None
        r = subprocess.run([BIN] + args, env=env, capture_output=True, text=True, input=stdin, timeout=120)
        out, err = r.stdout, r.stderr
        for k, v in sorted(subst.items(), key=lambda kv: -len(kv[1])):
            out, err = out.replace(v, k), err.replace(v, k)
        want_exit = int(spec.get("exit", "0"))
        skip_out = spec.get("compare", "out,err") == "err"   # stdout carries timings
        if UPDATE:
            if skip_out and os.path.exists(base + ".out"):
                os.remove(base + ".out")
            if not skip_out:
                with open(base + ".out", "w") as f:
                    f.write(out)
            with open(base + ".err", "w") as f:
                f.write(err)
        problems = []
        if r.returncode != want_exit:
            problems.append("exit %d, expected %d" % (r.returncode, want_exit))
        for ext, got in ((".out", out), (".err", err)):
            if os.path.exists(base + ext):
                with open(base + ext) as f:
                    want = f.read()
                if got != want:
                    problems.append("%s differs:\n--- expected\n%s\n--- got\n%s" % (ext, want[:2000], got[:2000]))
        if problems:
            failed += 1
            print("FAIL %s: %s" % (name[:-4], "\n".join(problems)))
        else:
            passed += 1
            print("ok   %s" % name[:-4])
    shutil.rmtree(tmp, ignore_errors=True)
    print("golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
