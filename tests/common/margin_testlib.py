"""The small helpers the Python checks share (tests/risk, tests/backtest, tests/stress,
tests/dynamic): exact Wad decimals, dates as day numbers, the price history's CSVs, running the
`margin` command and reading its JSON, and the failure list every check appends to.

Import it from a check with its directory on the path, relative to the check's own file (so the
ctest from the build directory and scripts/test.sh from the source tree both find it):

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
    from margin_testlib import ...

Nothing here rounds except where the name says so (mul_floor, mul_ceil, mul_trunc, ceil_div).
"""
import datetime
import json
import os
import subprocess
import sys

E18 = WAD = 10**18
EPOCH = datetime.date(1970, 1, 1)

# ---- checks -------------------------------------------------------------------------------------
FAILS = []  # the failed checks' messages, in order (one process = one check script)
QUIET = [False]  # True while deliberate mutations are expected to fail: their lines say "caught"


def check(ok, what):
    """Records `what` as a failure unless `ok`; returns `ok`."""
    if not ok:
        FAILS.append(what)
        print("caught (a deliberate mutation):" if QUIET[0] else "FAIL:", what)
    return ok


def finish():
    """The last line ("all checks passed" or "FAILED: n") and the exit code (1 on any failure)."""
    print("FAILED:" if FAILS else "all checks passed", len(FAILS) or "")
    sys.exit(1 if FAILS else 0)


# ---- exact decimals -----------------------------------------------------------------------------
def wad(s):
    """An exact decimal string -> its raw Wad integer (digits past the 18th dropped: toward zero)."""
    neg = s.startswith("-")
    s = s.lstrip("-")
    whole, _, frac = s.partition(".")
    v = int(whole) * E18 + int((frac + "0" * 18)[:18])
    return -v if neg else v


def fmt(raw):
    """A raw Wad integer -> the shortest exact decimal string (no trailing zeros)."""
    neg = raw < 0
    raw = abs(raw)
    w, f = divmod(raw, E18)
    s = str(w) + ("." + str(f).rjust(18, "0").rstrip("0") if f else "")
    return "-" + s if neg else s


def mul_floor(a, b):
    """floor(a b / 1e18)."""
    return (a * b) // E18


def mul_ceil(a, b):
    """ceil(a b / 1e18)."""
    return -((-a * b) // E18)


def mul_trunc(a, b):
    """a b / 1e18 toward zero."""
    p = a * b
    return p // E18 if p >= 0 else -((-p) // E18)


def ceil_div(a, b):
    """ceil(a / b) of integers."""
    return -(-a // b)


# ---- dates and the price history ----------------------------------------------------------------
def day_number(date):
    """An ISO date -> days since 1970-01-01."""
    return (datetime.date.fromisoformat(date) - EPOCH).days


def date_of(n):
    """Days since 1970-01-01 -> the ISO date."""
    return (EPOCH + datetime.timedelta(days=n)).isoformat()


def csv_path(prices, sym):
    """The history file of `sym` in the price directory (../shared/data/prices: btc-usd.csv, ...)."""
    return os.path.join(prices, sym.lower() + "-usd.csv")


def history_text(prices, syms):
    """{symbol: its CSV's text}: a request's "history" member."""
    return {s: open(csv_path(prices, s)).read() for s in syms}


def read_closes(path):
    """A price CSV (date,close after a header line) -> {day number: close as raw Wad}, the days
    missing between two rows carried forward from the earlier one (docs/risk.md)."""
    out, prev = {}, None
    for line in open(path).read().splitlines()[1:]:
        if not line:
            continue
        d, c = line.split(",")
        n = day_number(d)
        if prev is not None:
            for gap in range(prev + 1, n):
                out[gap] = out[prev]
        out[n] = wad(c)
        prev = n
    return out


# ---- the margin command -------------------------------------------------------------------------
def run_margin(cmd, args, expect=0, stdin=None, what=None, tail=1500, timeout=None):
    """`cmd + args` (cmd: the margin command, e.g. [build/native/bin/margin] or [node, margin.js]),
    `stdin` text on its input. Checks the exit code is `expect` (an int, a tuple of allowed codes,
    or None: not checked), printing the tails of both streams when it is not; returns the
    CompletedProcess (text)."""
    p = subprocess.run([*cmd, *args], capture_output=True, text=True, input=stdin, timeout=timeout)
    if expect is not None:
        ok = p.returncode in expect if isinstance(expect, tuple) else p.returncode == expect
        if not ok:
            print(p.stdout[-tail:], p.stderr[-tail:])
        check(ok, f"exit {p.returncode} (expected {expect}) for {' '.join(args) if what is None else what}")
    return p


def json_out(p, empty=None):
    """The JSON a run printed, or `empty` when it printed nothing."""
    return json.loads(p.stdout) if p.stdout.strip() else empty


def example(cmd):
    """`margin example`: the shipped example request."""
    return json.loads(subprocess.run([*cmd, "example"], capture_output=True).stdout)


def error_of(p):
    """The "error" member of a run's JSON answer ({} when it printed no JSON object with one)."""
    try:
        return json.loads(p.stdout)["error"]
    except Exception:
        return {}


# ---- references ---------------------------------------------------------------------------------
def black76(F, K, vol, T, call):
    """Black-76 in mpmath at its working precision (the caller sets mp.dps): the undiscounted value
    of a call or put on forward F, strike K, volatility vol, T years; and its forward delta."""
    import mpmath

    sd = vol * mpmath.sqrt(T)
    d1 = (mpmath.log(F / K) + sd * sd / 2) / sd
    d2 = d1 - sd
    if call:
        return F * mpmath.ncdf(d1) - K * mpmath.ncdf(d2), mpmath.ncdf(d1)
    return K * mpmath.ncdf(-d2) - F * mpmath.ncdf(-d1), mpmath.ncdf(d1) - 1
