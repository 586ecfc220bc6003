"""The production container set-up agrees with the code it runs.

No Docker engine is needed: docker-compose.yml, the Dockerfile and docker/entrypoint.sh are read
as text, and every command the web, worker and beat services would run is resolved to the Python
module, attribute, management command or Celery sub-command it names, which must exist.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.conf import settings
from django.core.management import get_commands
from django.urls import reverse
from gunicorn.config import Config as GunicornConfig

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
ENV_EXAMPLE = ROOT / ".env.example"
SETTINGS_FILE = ROOT / "send_hub" / "settings.py"

SERVICES = {"web", "worker", "beat", "postgres", "redis"}
APP_SERVICES = ("web", "worker", "beat")
ENV_HELPERS = {"env", "env_bool", "env_int", "env_choice", "env_list"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    pairs = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            instruction, _, args = stripped.partition(" ")
            pairs.append((instruction.upper(), args.strip()))
    return pairs


def dockerfile_workdir() -> str:
    workdirs = [args for instruction, args in dockerfile_instructions() if instruction == "WORKDIR"]
    assert workdirs, "the Dockerfile sets no WORKDIR"
    return workdirs[-1].rstrip("/")


def repo_path_for(container_path: str) -> Path:
    """The file in this repository that the image holds at ``container_path``."""
    workdir = dockerfile_workdir()
    assert container_path.startswith(workdir + "/"), f"{container_path} is not under {workdir}"
    return ROOT / container_path.removeprefix(workdir + "/")


def expand_shell_defaults(text: str) -> str:
    """Replace ``${NAME:-default}`` with its default, as the script would with NAME unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", text)


def entrypoint_cases() -> dict[str, list[list[str]]]:
    """The entrypoint's ``case`` arms: pattern -> the commands (as argv lists) it runs."""
    text = re.sub(r"\\\n", " ", ENTRYPOINT.read_text())
    cases: dict[str, list[list[str]]] = {}
    in_case = False
    current: list[list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if re.match(r"case\s.+\sin$", line):
            in_case = True
        elif line == "esac":
            in_case = False
        elif in_case and (arm := re.fullmatch(r"([^\s()]+)\)", line)):
            current = []
            for pattern in arm.group(1).split("|"):
                cases[pattern] = current
        elif in_case and line == ";;":
            current = None
        elif current is not None:
            current.append(shlex.split(expand_shell_defaults(line)))
    return cases


def service_commands(name: str) -> list[list[str]]:
    """The commands a compose service really runs, through the entrypoint's case arm."""
    definition = service(name)
    entrypoint = definition["entrypoint"]
    command = definition["command"]
    assert isinstance(entrypoint, list) and isinstance(command, list), "use exec-form lists"
    assert repo_path_for(entrypoint[0]) == ENTRYPOINT, f"{name} does not use docker/entrypoint.sh"
    cases = entrypoint_cases()
    assert command[0] in cases, f"entrypoint.sh has no `{command[0]})` case for {name}"
    return cases[command[0]]


def strip_exec(argv: list[str]) -> list[str]:
    """Drop a leading ``exec`` and ``NAME=value`` assignments."""
    argv = list(argv)
    if argv and argv[0] == "exec":
        argv.pop(0)
    while argv and re.fullmatch(r"[A-Za-z_]\w*=.*", argv[0]):
        argv.pop(0)
    return argv


def import_target(spec: str) -> object:
    """Import ``package.module:attribute`` and return the attribute."""
    module_name, _, attribute = spec.partition(":")
    assert attribute, f"{spec!r} names no attribute"
    module = importlib.import_module(module_name)
    assert hasattr(module, attribute), f"{module_name} has no attribute {attribute!r}"
    return getattr(module, attribute)


def check_celery(argv: list[str]) -> None:
    """``celery -A package <subcommand>``: the app and the verb resolve as Celery would."""
    app_name, subcommand, rest = None, None, iter(argv[1:])
    for token in rest:
        if token in ("-A", "--app"):
            app_name = next(rest)
        elif token.startswith("--app="):
            app_name = token.partition("=")[2]
        elif not token.startswith("-") and subcommand is None:
            subcommand = token
    assert app_name, f"{shlex.join(argv)} does not name its app with -A"
    assert subcommand in celery_cli.commands, f"celery has no {subcommand!r} command"
    module_name, _, attribute = app_name.partition(":")
    module = importlib.import_module(module_name)
    if attribute:
        assert isinstance(getattr(module, attribute), Celery)
    else:
        # Celery finds the app in a package by scanning it; ours exports it as celery_app.
        assert isinstance(getattr(module, "celery_app", None), Celery), (
            f"{module_name} does not export celery_app"
        )
        assert find_app(module_name) is module.celery_app


def check_command(argv: list[str]) -> None:
    """Fail unless everything the command names exists in this project."""
    argv = strip_exec(argv)
    assert argv, "empty command"
    program = Path(argv[0]).name
    if program == "gunicorn":
        parsed = GunicornConfig().parser().parse_args(argv[1:])
        assert len(parsed.args) == 1, f"gunicorn needs exactly one app, got {parsed.args}"
        assert callable(import_target(parsed.args[0]))
    elif program == "celery":
        check_celery(argv)
    elif program in ("python", "python3") and argv[1:2] == ["manage.py"]:
        assert (ROOT / "manage.py").is_file()
        assert argv[2] in get_commands(), f"no management command {argv[2]!r}"
    elif program in ("python", "python3") and argv[1:2] == ["-m"]:
        importlib.import_module(argv[2])
    else:
        pytest.fail(f"test_docker_compose.py does not know how to check {shlex.join(argv)!r}")


def env_example_names() -> dict[str, str]:
    """Variables assigned in .env.example (uncommented ``NAME=value`` lines)."""
    names = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if match := re.fullmatch(r"([A-Za-z_]\w*)=(.*)", line.strip()):
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            names[match.group(1)] = value
    return names


def settings_env_names() -> set[str]:
    """First string argument of every env.*(), env(), env_bool() ... call in settings.py."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
        is_env_method = (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        first = node.args[0]
        if (is_helper or is_env_method) and isinstance(first, ast.Constant):
            names.add(first.value)
    return names


def shell_variables(text: str) -> set[str]:
    """``${NAME...}`` and ``$NAME`` references, skipping ``$$`` escapes and positional ones."""
    return set(re.findall(r"(?<!\$)\$\{?([A-Za-z_]\w*)", text))


# --- docker-compose.yml ------------------------------------------------------------------------


def test_all_services_are_defined() -> None:
    assert set(compose()["services"]) >= SERVICES


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(name: str) -> None:
    healthcheck = service(name).get("healthcheck")
    assert healthcheck, f"{name} has no healthcheck"
    assert not healthcheck.get("disable")
    test = healthcheck["test"]
    assert test and test != ["NONE"]
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1


def test_postgres_keeps_its_data_in_a_declared_named_volume() -> None:
    declared = compose().get("volumes") or {}
    mounts = dict(volume.split(":")[1::-1] for volume in service("postgres")["volumes"])
    source = mounts.get("/var/lib/postgresql/data")
    assert source, "postgres data directory is not on a volume"
    assert not source.startswith((".", "/", "~")), f"{source} is a bind mount, not a named volume"
    assert source in declared, f"volume {source!r} is not declared under top-level volumes:"


@pytest.mark.parametrize("name", ["web", "worker"])
def test_uploaded_documents_are_on_the_shared_media_volume(name: str) -> None:
    declared = compose().get("volumes") or {}
    definition = service(name)
    media_root = definition["environment"]["SEND_HUB_MEDIA_ROOT"]
    mounts = dict(volume.split(":")[1::-1] for volume in definition["volumes"])
    assert mounts.get(media_root) == "media" and "media" in declared


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_postgres_and_redis(name: str) -> None:
    definition = service(name)
    depends_on = definition["depends_on"]
    for dependency in ("postgres", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"
    assert definition["env_file"] in (".env", [".env"])
    environment = definition["environment"]
    # The app's own role, which owns no table (docker/postgres/10-app-role.sh).
    app_url = "postgres://sendhub_app:${POSTGRES_APP_PASSWORD"
    assert environment["DATABASE_URL"].startswith(app_url)
    assert environment["DATABASE_URL"].endswith("@postgres:5432/sendhub")
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert definition["command"] == [name]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


def test_migrations_run_once_as_the_owner_of_the_tables_before_the_app_starts() -> None:
    definition = service("migrate")
    assert definition["environment"]["DATABASE_URL"].startswith(
        "postgres://sendhub:${POSTGRES_PASSWORD"
    )
    assert definition["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert definition["restart"] == "no"
    commands = [strip_exec(argv) for argv in service_commands("migrate")]
    assert ["python", "manage.py", "migrate", "--noinput"] in commands
    for argv in commands:
        check_command(argv)
    for name in APP_SERVICES:
        assert "migrate" not in json.dumps(service_commands(name)), f"{name} cannot migrate"


def test_postgres_creates_the_app_role_with_the_database() -> None:
    mounts = dict(volume.split(":")[1::-1] for volume in service("postgres")["volumes"])
    script = ROOT / mounts["/docker-entrypoint-initdb.d"].removeprefix("./")
    assert (script / "10-app-role.sh").is_file()
    assert os.access(script / "10-app-role.sh", os.X_OK)
    assert "POSTGRES_APP_PASSWORD" in service("postgres")["environment"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_commands_name_code_that_exists(name: str) -> None:
    commands = service_commands(name)
    assert commands, f"the {name} case runs nothing"
    for argv in commands:
        check_command(argv)


def test_long_running_commands_replace_the_shell() -> None:
    """The server or Celery must be PID 1's replacement so it receives docker stop's SIGTERM."""
    for name in APP_SERVICES:
        assert service_commands(name)[-1][0] == "exec", f"{name} does not exec its process"


@pytest.mark.parametrize(
    "command",
    [
        "exec gunicorn send_hub.no_such_module:application --bind 0.0.0.0:8000",
        "exec gunicorn send_hub.wsgi:no_such_attribute",
        "exec celery -A no_such_package worker",
        "exec celery -A send_hub no_such_subcommand",
        "python manage.py no_such_command",
    ],
)
def test_command_check_rejects_names_that_do_not_exist(command: str) -> None:
    with pytest.raises((AssertionError, ImportError)):
        check_command(shlex.split(command))


def test_healthcheck_commands_name_code_that_exists() -> None:
    web_test = service("web")["healthcheck"]["test"]
    assert web_test[:3] == ["CMD", "python", "-c"]
    code = web_test[3]
    compile(code, "web healthcheck", "exec")
    assert "/healthz" in code and "Host" in code
    assert reverse("core:healthz") == "/healthz"

    worker_test = service("worker")["healthcheck"]["test"]
    assert worker_test[0] == "CMD-SHELL"
    worker_argv = shlex.split(worker_test[1])
    check_celery(worker_argv)
    assert worker_argv[worker_argv.index("-d") + 1] == "celery@$$HOSTNAME", (
        "escape $HOSTNAME as $$HOSTNAME so compose leaves it to the container's shell"
    )


def test_healthcheck_tools_are_installed_in_the_image() -> None:
    tests = json.dumps([service(name)["healthcheck"]["test"] for name in APP_SERVICES])
    if "pgrep" in tests:
        installs = " ".join(
            args for instruction, args in dockerfile_instructions() if instruction == "RUN"
        )
        assert "procps" in installs, "pgrep needs the procps package in the image"


# --- .env.example --------------------------------------------------------------------------------


def test_env_example_documents_every_compose_variable() -> None:
    referenced = shell_variables(COMPOSE_FILE.read_text())
    assert "POSTGRES_PASSWORD" in referenced
    missing = referenced - set(env_example_names())
    assert not missing, f"docker-compose.yml uses {sorted(missing)}, missing from .env.example"


def test_env_example_documents_every_setting_variable() -> None:
    read = settings_env_names()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "SEND_HUB_MFA_REQUIRED"} <= read
    missing = read - set(env_example_names())
    assert not missing, f"settings.py reads {sorted(missing)}, missing from .env.example"


def test_env_example_documents_entrypoint_variables() -> None:
    missing = shell_variables(ENTRYPOINT.read_text()) - set(env_example_names())
    assert not missing, f"entrypoint.sh uses {sorted(missing)}, missing from .env.example"


def test_every_env_example_variable_has_a_comment_above_it() -> None:
    previous = ""
    for line in ENV_EXAMPLE.read_text().splitlines():
        if re.fullmatch(r"[A-Za-z_]\w*=.*", line.strip()):
            assert previous.startswith("#"), f"no comment line above {line!r}"
        previous = line.strip()


def test_env_example_has_production_values() -> None:
    names = env_example_names()
    assert names["DJANGO_DEBUG"] == "false"
    assert names["SEND_HUB_MFA_REQUIRED"] == "true"
    assert names["SEND_HUB_BEHIND_PROXY"] == "true"
    assert "_FILE" in ENV_EXAMPLE.read_text()


def test_env_example_passes_the_strict_settings_parsing() -> None:
    """Loading settings with exactly the .env.example values must succeed (no typos, no gaps)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SEND_HUB_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    environment.update(env_example_names())
    environment.update(SEND_HUB_VAR_DIR=str(ROOT / "var"), SEND_HUB_MEDIA_ROOT=str(ROOT / "var"))
    # The example's key is a placeholder that settings refuse by design (tests/test_settings.py).
    environment["DJANGO_SECRET_KEY"] = "example-check-" + "0123456789abcdefghij" * 3
    # Likewise the example's two-factor encryption key.
    environment["SEND_HUB_MFA_ENCRYPTION_KEYS"] = "lc67iiQb4g-zD4FL628U8T8NRYaclHRKWxaWTdqiCI8="
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- Dockerfile and entrypoint -------------------------------------------------------------------


def test_dockerfile_starts_through_the_entrypoint_script() -> None:
    instructions = dict(dockerfile_instructions())
    entrypoint = json.loads(instructions["ENTRYPOINT"])
    assert repo_path_for(entrypoint[0]) == ENTRYPOINT
    assert json.loads(instructions["CMD"])[0] in entrypoint_cases()
    assert entrypoint == service("web")["entrypoint"]


def test_entrypoint_script_is_executable_and_valid_shell() -> None:
    assert ENTRYPOINT.read_text().startswith("#!/bin/sh\n")
    assert os.access(ENTRYPOINT, os.X_OK), "chmod +x docker/entrypoint.sh"
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True)


def test_dockerfile_copies_every_part_of_the_project_the_app_needs() -> None:
    copied = set()
    for instruction, args in dockerfile_instructions():
        if instruction == "COPY":
            sources = [arg for arg in shlex.split(args) if not arg.startswith("--")][:-1]
            copied.update(source.rstrip("/") for source in sources)
    if "." in copied:
        return
    local_apps = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    needed = {app for app in local_apps if (ROOT / app / "__init__.py").is_file()}
    needed |= {"manage.py", "docker", "send_hub", "pyproject.toml", "uv.lock"}
    needed |= {str(Path(path).relative_to(ROOT)) for path in settings.STATICFILES_DIRS}
    needed |= {
        str(Path(path).relative_to(ROOT))
        for template in settings.TEMPLATES
        for path in template["DIRS"]
    }
    missing = needed - copied
    assert not missing, f"the Dockerfile does not COPY {sorted(missing)}"


def test_dockerfile_builds_a_production_image() -> None:
    instructions = dockerfile_instructions()
    by_name: dict[str, list[str]] = {}
    for instruction, args in instructions:
        by_name.setdefault(instruction, []).append(args)
    assert by_name["FROM"] == ["python:3.11-slim-bookworm"]
    runs = by_name["RUN"]
    assert any("uv sync --frozen --no-dev --no-install-project" in run for run in runs)
    assert any("DJANGO_DEBUG=false" in run and "collectstatic --noinput" in run for run in runs)
    assert by_name["USER"][-1] not in ("root", "0")
    assert "8000" in by_name["EXPOSE"]
    assert any("/app/.venv/bin" in env for env in by_name["ENV"])
