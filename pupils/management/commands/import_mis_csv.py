"""Import a CSV exported from the MIS through a saved mapping or a MIS's standard columns."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pupils.importers import mis_csv
from pupils.management import read_file, run_import, school_by_urn
from pupils.models import ImportBatch, ImportMapping


class Command(BaseCommand):
    help = (
        "Import pupils from a MIS CSV export. Shows what would change; --apply imports the "
        "whole file or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument("--school", required=True, metavar="URN", help="The school's URN.")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--mapping", metavar="NAME", help="A column mapping the school saved.")
        which.add_argument(
            "--source",
            choices=sorted(mis_csv.DEFAULT_COLUMNS),
            type=str.upper,
            help="Use this MIS's standard export columns.",
        )
        parser.add_argument("--apply", action="store_true", help="Import (default: dry run).")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_urn(options["school"])
        mapping = None
        if options["mapping"]:
            mapping = ImportMapping.objects.filter(school=school, name=options["mapping"]).first()
            if mapping is None:
                names = ", ".join(school.import_mappings.values_list("name", flat=True))
                raise CommandError(
                    f"{school.name} has no saved mapping called {options['mapping']!r}"
                    + (f" (it has: {names})." if names else ".")
                )
            source, columns = mapping.source, dict(mapping.columns)
        else:
            source = options["source"]
            columns = dict(mis_csv.DEFAULT_COLUMNS[source])
        content = read_file(options["path"])
        run_import(
            self,
            school=school,
            parsed=mis_csv.parse(content, columns),
            path=options["path"],
            content=content,
            kind=ImportBatch.Kind.CSV,
            apply=options["apply"],
            batch_options={"columns": columns, "source": source, "mapping": mapping},
            verbosity=options["verbosity"],
        )
