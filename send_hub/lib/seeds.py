"""Rows that data migrations put in place, put back when a flush has emptied their table.

A data migration fills a few tables with reference rows (the support plan kinds, the DfE
attendance codes, the retention schedule's defaults). ``flush``, which a transactional test's
teardown runs, empties every table and then sends ``post_migrate``; without this, every test after
the first browser test would find those tables empty. The receiver runs the migration's own seed
function against the live app registry, only for a table that is empty, so it never puts back a
row that someone deleted on purpose, and a real ``migrate`` (tables already filled) changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from django.apps import apps as live_apps


def reseed_when_empty(app_label: str, seeds: dict[str, str]) -> Callable[..., None]:
    """Return a ``post_migrate`` receiver for ``app_label``.

    ``seeds`` maps a model name to "<migration module>.<function>" in the app's migrations.
    """

    def receiver(*, using: str = "default", **kwargs: Any) -> None:
        for model_name, target in seeds.items():
            model = live_apps.get_model(app_label, model_name)
            if model._default_manager.using(using).exists():
                continue
            module_name, function = target.rsplit(".", 1)
            module = importlib.import_module(f"{app_label}.migrations.{module_name}")
            getattr(module, function)(live_apps, None)

    return receiver
