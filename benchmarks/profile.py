"""Where one page's time goes: cProfile over repeated requests, in process, as its persona.

    uv run --frozen python -m benchmarks.profile --only "register" [--requests N] [--top N]
    uv run --frozen python -m benchmarks.profile --url /pupils/12/ --persona lsa
    uv run --frozen python -m benchmarks.profile --only "register" --callers flatten_choices

Run on the database ``make bench`` seeds (scripts/with-services.sh gives DATABASE_URL), under
production settings. For each page of benchmarks/page_table.py whose name contains ``--only``
(every GET page when omitted) it prints the mean time per request in process, then the functions
with the most cumulative and own time. Use it before changing a slow page, and again after.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_hub.settings")
os.environ["SEND_HUB_BENCH_FLOOR"] = "true"  # route the floor page, as benchmarks.pages does
django.setup()

from django.conf import settings  # noqa: E402

from benchmarks.page_table import Page, build_pages, largest_school, signed_in  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="profile pages whose name contains this")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative,tottime")
    parser.add_argument("--callers", help="also list who calls the functions matching this")
    parser.add_argument("--url", help="profile this URL instead, as --persona")
    parser.add_argument("--persona", default="sendco", help="lsa, sendco or dsl (with --url)")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages, people = build_pages(largest_school())
    clients = {key: signed_in(user) for key, user in people.items()}
    if args.url:
        pages = [Page(args.url, args.persona, args.url)]
    for page in pages:
        if page.post is not None or args.only.lower() not in page.name.lower():
            continue
        client = clients[page.persona]
        response = client.get(page.url)
        assert response.status_code == 200, f"{page.name}: HTTP {response.status_code}"
        start = time.perf_counter()
        for _ in range(args.requests):
            client.get(page.url)
        plain = (time.perf_counter() - start) / args.requests
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(page.url)
        profiler.disable()
        print(f"\n=== {page.name}: {plain * 1000:.1f} ms per request in process ===")
        for sort in args.sort.split(","):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(sort).print_stats(args.top)
            print("\n".join(out.getvalue().splitlines()[6:]))
        if args.callers:
            pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_callers(args.callers)


if __name__ == "__main__":
    main()
