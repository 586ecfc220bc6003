"""Every main page's throughput as a share of the app's own floor, served by gunicorn, in one run.

    uv run --frozen python -m benchmarks.pages [--seconds N] [--connections N] [--only NAME]

Run by ``make bench`` (scripts/bench.sh) on the 12-school demo trust in PostgreSQL under
production settings. Absolute times on a shared machine drift, so each page is measured against
the floor in the same run, run again just before each page (so drift during the run moves both
figures of a ratio alike): an empty page extending base.html behind every middleware, signed in
(send_hub/floor_urls.py, routed only when SEND_HUB_BENCH_FLOOR is on, which this script sets for
its gunicorn). For each page, as the person who uses it in the largest school, it prints:

- requests per second from wrk (``--connections`` connections, 2 threads, ``--seconds`` each),
  p50 and p95 latency, and the ratio to the requests per second of the floor run beside it;
- the queries one request runs, counted in process at 12 schools (DATABASE_URL) and, when
  DATABASE_ONE_SCHOOL_URL names a database seeded with ``seed_demo --schools 1``, at 1 school,
  both in the demo's first school (the one both databases hold: the largest school of the trust
  is another one, with other pupils, so its counts would differ by data, not by trust size);
- the HTML's size in bytes, and at the end the gunicorn workers' peak memory (VmHWM).

POST rows (a session logged, a concern raised) send a fresh one-time form key and record key in
each request (a wrk Lua script), so every request saves a new record: they run last, and the
database is a throw-away one. Pages only read otherwise (opening a chronology records the look).
Targets (issue #16): every page >= 1/3 of the floor, the five most used >= 1/2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
os.environ["SEND_HUB_BENCH_FLOOR"] = "true"  # before settings load: route the floor page
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks.page_table import (  # noqa: E402
    Page,
    build_pages,
    count_queries,
    counted_school,
    largest_school,
    signed_in,
)
from pupils.models import Pupil  # noqa: E402
from staff.models import School  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET_ALL, TARGET_MOST_USED = 1 / 3, 1 / 2

# wrk's Lua: POST bodies get fresh UUIDs per request (form_key and the record's own key), and
# done() prints what the table needs as one JSON line (latency in microseconds).
WRK_LUA = r"""
local body = nil
local counter = 0
local function uuid()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(t, "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end
function setup(thread)
  thread:set("seed", math.random(1, 1000000000))
end
function init(args)
  math.randomseed(seed + os.time())
  if args[1] and args[1] ~= "" then
    local f = assert(io.open(args[1], "r"))
    body = f:read("*a")
    f:close()
  end
end
function request()
  if body == nil then return wrk.format("GET") end
  local b = string.gsub(body, "__UUID1__", uuid())
  b = string.gsub(b, "__UUID2__", uuid())
  return wrk.format("POST", nil, nil, b)
end
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %d, "p95": %d, "bytes": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    summary.bytes, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def counts_only() -> None:
    """Print the query counts as JSON (run against the 1-school database by main())."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages, people = build_pages(counted_school())
    clients = {key: signed_in(user) for key, user in people.items()}
    print(json.dumps(count_queries(pages, clients)))


def _gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SEND_HUB_BENCH_FLOOR": "true", "DATABASE_CONN_MAX_AGE": "600"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "send_hub.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _workers(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def _peak_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else 0


def _cookie(client: Client) -> str:
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())


def _fetch(base: str, page: Page, client: Client) -> tuple[int, int]:
    """Fetch a GET page once through gunicorn: its status and size in bytes."""
    # base is our own gunicorn's http://127.0.0.1 address, never a scheme from elsewhere.
    request = urllib.request.Request(base + page.url, headers={"Cookie": _cookie(client)})  # noqa: S310

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def _csrf(client: Client, url: str) -> str:
    response = client.get(url)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    assert found, f"no CSRF token on {url}"
    return found.group(1).decode()


def _post_body(page: Page, client: Client, work: Path) -> Path:
    from urllib.parse import urlencode

    assert page.post is not None
    fields = {**page.post, "csrfmiddlewaretoken": _csrf(client, page.url)}
    path = work / (re.sub(r"\W+", "-", page.name) + ".body")
    path.write_text(urlencode(fields, doseq=True))
    return path


def run_wrk(
    base: str, page: Page, client: Client, args: argparse.Namespace, work: Path
) -> dict[str, float]:
    script = work / "bench.lua"
    body = str(_post_body(page, client, work)) if page.post else ""
    headers = [f"Cookie: {_cookie(client)}"]
    if page.post:
        headers += [
            "Content-Type: application/x-www-form-urlencoded",
            f"Referer: {base}{page.url}",
        ]
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s"]
    command += ["--timeout", "30s", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    command += [base + page.url, "--", body]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith('{"requests"'))
    figures: dict[str, float] = json.loads(line)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk's run per page (default 10)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8116)
    parser.add_argument("--only", help="only pages whose name contains this (and the floor)")
    parser.add_argument("--counts-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.counts_only:
        counts_only()
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: sudo apt-get install wrk (scripts/bench.sh does this)")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    school = largest_school()
    pages, people = build_pages(school)
    if args.only:
        pages = [p for i, p in enumerate(pages) if i == 0 or args.only.lower() in p.name.lower()]
    clients = {key: signed_in(user) for key, user in people.items()}
    print(
        f"{School.objects.count()} schools, {Pupil.objects.count()} pupils; {school.name}"
        f" ({Pupil.objects.filter(school=school).count()} pupils); gunicorn {args.workers} sync"
        f" workers, wrk {args.connections} connections, {args.seconds} s a page"
    )
    counted = counted_school()
    if counted == school:
        at_12 = count_queries(pages, clients)
    else:
        counted_pages, counted_people = build_pages(counted)
        at_12 = count_queries(
            [p for p in counted_pages if p.name in {page.name for page in pages}],
            {key: signed_in(user) for key, user in counted_people.items()},
        )
    print(f"queries counted in {counted.name}, the school both databases hold")
    at_1: dict[str, int] = {}
    one_school = os.environ.get("DATABASE_ONE_SCHOOL_URL", "")
    if one_school:
        # The replica streams the 12-school database: the 1-school one has none.
        env = {**os.environ, "DATABASE_URL": one_school, "DATABASE_REPLICA_URL": ""}
        command = [sys.executable, "-m", "benchmarks.pages", "--counts-only"]
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode == 0:
            at_1 = json.loads(done.stdout.strip().splitlines()[-1])
        else:
            print(f"(queries at 1 school not counted: {done.stderr.strip()[-300:]})")
    connection.close()  # gunicorn's workers have the database to themselves

    work = Path(tempfile.mkdtemp(prefix="send-hub-bench-"))
    (work / "bench.lua").write_text(WRK_LUA)
    base = f"http://127.0.0.1:{args.port}"
    server = _gunicorn(args.port, args.workers, work / "gunicorn.log")
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + reverse("core:healthz"), timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        rows: list[Row] = []
        floor = pages[0]
        for page in pages:
            size = 0
            if page.post is None:
                status, size = _fetch(base, page, clients[page.persona])
                if status != page.expect:
                    print(f"{page.name}: HTTP {status} through gunicorn, skipped")
                    continue
                # Warm both workers' caches before timing.
                run_wrk(base, page, clients[page.persona], _warm(args), work)
            # Side by side: the floor again just before each page, so a machine that speeds up
            # or slows down during the run moves both figures of a ratio alike.
            beside = (
                run_wrk(base, floor, clients[floor.persona], args, work)
                if page is not floor
                else None
            )
            figures = run_wrk(base, page, clients[page.persona], args, work)
            rows.append((page, figures, size, _rps(beside or figures)))
        peaks = [_peak_kb(pid) for pid in _workers(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    _print_table(rows, at_12, at_1, peaks)
    shutil.rmtree(work, ignore_errors=True)


def _warm(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "seconds": 1})


# A page, its wrk figures, its HTML's size and the floor's requests per second run beside it.
Row = tuple[Page, dict[str, float], int, float]


def _rps(figures: dict[str, float]) -> float:
    return figures["requests"] / figures["seconds"]


def _print_table(
    rows: list[Row],
    at_12: dict[str, int],
    at_1: dict[str, int],
    peaks: list[int],
) -> None:
    print()
    header = (
        f"{'page':<36} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'x floor':>7}"
        f" {'q@1':>4} {'q@12':>5} {'KB':>6}  {'failed':>6}  target"
    )
    print(header)
    print("-" * len(header))
    misses = 0
    for page, f, size, floor_rps in rows:
        rps = _rps(f)
        ratio = rps / floor_rps if floor_rps else 0.0
        failed = int(f["status"] + f["connect"] + f["read"] + f["write"] + f["timeout"])
        target = TARGET_MOST_USED if page.most_used else TARGET_ALL
        measured = page is not rows[0][0] and not page.reference
        verdict = "" if not measured else (">= 1/2" if page.most_used else ">= 1/3")
        if measured and ratio < target:
            verdict += " MISSED"
            misses += 1
        q1 = str(at_1.get(page.name, "-"))
        q12 = str(at_12.get(page.name, "-"))
        kb = f"{size / 1024:.1f}" if size else "-"
        print(
            f"{page.name:<36} {rps:7.1f} {f['p50'] / 1000:7.1f} {f['p95'] / 1000:7.1f}"
            f" {ratio:7.2f} {q1:>4} {q12:>5} {kb:>6}  {failed:>6}  {verdict}"
        )
    beside = [floor_rps for page, _, _, floor_rps in rows[1:]]
    if beside:
        print(
            f"\nthe floor, run again before each page: {min(beside):.1f} to {max(beside):.1f}"
            f" req/s over {len(beside)} runs; each ratio is to the run just before its page"
        )
    if peaks:
        print(
            "gunicorn workers' peak memory (VmHWM): "
            + ", ".join(f"{kb / 1024:.0f} MB" for kb in peaks)
            + " (target < 250 MB)"
        )
    unequal = [n for n in at_1 if at_1[n] != at_12.get(n)]
    if at_1:
        print(
            "queries identical at 1 and 12 schools"
            if not unequal
            else f"queries differ at 1 and 12 schools: {', '.join(unequal)}"
        )
    print(f"pages under target: {misses}")


if __name__ == "__main__":
    main()
