"""Import a DfE Common Transfer File: a dry run unless --apply."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pupils.importers import ctf
from pupils.management import read_file, run_import, school_by_urn
from pupils.models import ImportBatch


class Command(BaseCommand):
    help = (
        "Import pupils and their SEN history from a Common Transfer File (CTF XML). "
        "Shows what would change; --apply imports the whole file or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The CTF (.xml) file.")
        parser.add_argument("--school", required=True, metavar="URN", help="The school's URN.")
        parser.add_argument("--apply", action="store_true", help="Import (default: dry run).")
        parser.add_argument(
            "--confirm-statements",
            action="store_true",
            help="Treat legacy statements (S) as EHC plans (E); without it they are refused.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_urn(options["school"])
        content = read_file(options["path"])
        run_import(
            self,
            school=school,
            parsed=ctf.parse(content),
            path=options["path"],
            content=content,
            kind=ImportBatch.Kind.CTF,
            apply=options["apply"],
            confirm_statements=options["confirm_statements"],
            verbosity=options["verbosity"],
        )
