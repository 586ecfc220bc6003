"""The restore drill: prove a backup brings SEND Hub back, table by table and file by file.

    scripts/with-services.sh uv run python -m scripts.restore_drill --seed     (or: make drill)

1. With ``--seed``: migrate the source database and load the demo trust into it.
2. Back it up with scripts/backup.sh (a throw-away passphrase unless one is set).
3. Create a new database beside the source and restore into it, with the files into a new
   folder, with scripts/restore.sh.
4. Compare the row count and a checksum of every table, the database's triggers and functions
   (the append-only protection must come back too), and the SHA-256 of every file.
5. Print PASS, or every difference; drop the new database (``--keep`` keeps it). Exit 0 on PASS.

The source is BACKUP_DATABASE_URL, else DATABASE_MIGRATE_URL, else DATABASE_URL: the tables'
owner, which must be allowed to create a database. The files are SEND_HUB_MEDIA_ROOT (var/media).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent

CHECKSUM = (
    "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') "
    "FROM {} AS t"
)
SCHEMA_OBJECTS = {
    "triggers": "SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger "
    "WHERE NOT tgisinternal",
    "functions": "SELECT p.oid::regprocedure::text || CASE WHEN prosecdef THEN ' definer' "
    "ELSE '' END FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = 'public'",
    "table privileges": "SELECT table_name || ' ' || grantee || ' ' || privilege_type "
    "FROM information_schema.role_table_grants WHERE table_schema = 'public' "
    "AND grantee <> current_user",
}


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def table_sums(url: str) -> dict[str, tuple[int, str]]:
    """Return every public table's row count and checksum."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        sums = {}
        for table in tables:
            row = conn.execute(sql.SQL(CHECKSUM).format(sql.Identifier(table))).fetchone()
            assert row is not None
            sums[table] = (int(row[0]), str(row[1]))
        return sums


def schema_objects(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return {
            kind: {str(r[0]) for r in conn.execute(query)} for kind, query in SCHEMA_OBJECTS.items()
        }


def file_sums(folder: Path) -> dict[str, str]:
    """Return the SHA-256 of every file under ``folder``, by relative path."""
    sums = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        sums[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"FAIL: {' '.join(command)} exited with {done.returncode}")
    return done.stdout


def seed(source: str, media: Path) -> None:
    env = dict(os.environ, DATABASE_URL=source, SEND_HUB_MEDIA_ROOT=str(media))
    env.setdefault("DJANGO_DEBUG", "true")
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env)
    run([sys.executable, "manage.py", "seed_demo", "--quiet-logins"], env)


def compare(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    diffs = []
    for table in sorted(set(before) | set(after)):
        if table not in after:
            diffs.append(f"table {table}: missing after restore")
        elif table not in before:
            diffs.append(f"table {table}: only after restore")
        elif before[table] != after[table]:
            diffs.append(
                f"table {table}: {before[table][0]} rows {before[table][1][:8]} before, "
                f"{after[table][0]} rows {after[table][1][:8]} after"
            )
    return diffs


def drill(source: str, media: Path, *, keep: bool, out: list[str]) -> bool:
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    source_name = urlsplit(source).path.lstrip("/")
    target_name = f"{source_name}_drill_{stamp}"[:63]
    target = with_database(source, target_name)
    passphrase = os.environ.get("SEND_HUB_BACKUP_PASSPHRASE") or secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="send-hub-drill-") as tmp:
        work = Path(tmp)
        env = dict(
            os.environ,
            SEND_HUB_BACKUP_PASSPHRASE=passphrase,
            BACKUP_DATABASE_URL=source,
            SEND_HUB_MEDIA_ROOT=str(media),
            SEND_HUB_BACKUP_DIR=str(work / "backups"),
            SEND_HUB_BACKUP_KEEP_DAYS="0",
        )
        before_tables = table_sums(source)
        before_schema = schema_objects(source)
        before_files = file_sums(media)
        archive = Path(run(["scripts/backup.sh"], env).strip().splitlines()[-1])
        out.append(f"backup: {archive.name} ({archive.stat().st_size / 1e6:.1f} MB, encrypted)")
        with psycopg.connect(source, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target_name)))
        try:
            restored_media = work / "restored-media"
            run(
                ["scripts/restore.sh", str(archive)],
                dict(env, RESTORE_DATABASE_URL=target, RESTORE_MEDIA_ROOT=str(restored_media)),
            )
            after_tables = table_sums(target)
            after_schema = schema_objects(target)
            after_files = file_sums(restored_media)
        finally:
            if not keep:
                with psycopg.connect(source, autocommit=True) as conn:
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target_name))
                    )
    diffs = compare(before_tables, after_tables)
    for kind in SCHEMA_OBJECTS:
        for missing in sorted(before_schema[kind] - after_schema[kind]):
            diffs.append(f"{kind}: {missing} missing after restore")
        for extra in sorted(after_schema[kind] - before_schema[kind]):
            diffs.append(f"{kind}: {extra} only after restore")
    for name in sorted(set(before_files) | set(after_files)):
        if before_files.get(name) != after_files.get(name):
            diffs.append(f"file {name}: differs or missing")
    rows = sum(count for count, _ in before_tables.values())
    out.append(
        f"compared: {len(before_tables)} tables, {rows} rows, "
        f"{len(before_schema['triggers'])} triggers, {len(before_schema['functions'])} functions, "
        f"{len(before_files)} files"
    )
    if keep:
        out.append(f"kept the restored database {target_name}")
    out.extend(diffs)
    out.append(
        "PASS: the restore matches the source" if not diffs else f"FAIL: {len(diffs)} differences"
    )
    return not diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", action="store_true", help="migrate and load the demo first")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    parser.add_argument("--database-url", help="the source database (default: see above)")
    parser.add_argument("--media", help="the source files (default SEND_HUB_MEDIA_ROOT)")
    args = parser.parse_args(argv)
    source = (
        args.database_url
        or os.environ.get("BACKUP_DATABASE_URL")
        or os.environ.get("DATABASE_MIGRATE_URL")
        or os.environ.get("DATABASE_URL", "")
    )
    if not source.startswith(("postgres://", "postgresql://")):
        print(
            "FAIL: set DATABASE_URL (or --database-url) to a PostgreSQL database", file=sys.stderr
        )
        return 2
    media = Path(args.media or os.environ.get("SEND_HUB_MEDIA_ROOT") or ROOT / "var" / "media")
    media.mkdir(parents=True, exist_ok=True)
    out: list[str] = []
    if args.seed:
        seed(source, media)
        out.append("seeded: the demo trust")
    ok = drill(source, media, keep=args.keep, out=out)
    print("\n".join(f"restore drill: {line}" for line in out))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
