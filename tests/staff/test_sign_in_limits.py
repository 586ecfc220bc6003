"""Sign-in limits: one locked account never locks out the building, behind a proxy or not; every
refused or failed attempt is audited; two-factor secrets are encrypted at rest and rotate."""

from __future__ import annotations

import io
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from staff import sign_ins
from staff.adapters import MFAAdapter
from staff.models import AuditEvent, Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, member, totp_code
from tests.test_settings import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db

SCHOOL_ROUTER = "192.0.2.10"  # the one public address a whole school signs in from
PROXY = "10.0.0.5"  # the reverse proxy in front of SEND Hub
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.20"
REFUSED_TEXT = "Too many failed sign-in attempts"
ACCOUNT_LIMIT = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5/15m/key
ADDRESS_LIMIT = 20  # ... and 20/m/ip


def _sign_in(email: str, password: str, address: str, forwarded: str | None = None) -> str:
    """Post the sign-in form as a fresh browser; return "accepted", "wrong" or "refused"."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = Client().post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        headers=headers,
    )
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        return "accepted"
    assert response.status_code == 200
    return "refused" if REFUSED_TEXT in response.content.decode() else "wrong"


def _lock(email: str, address: str, forwarded: str | None = None, attempt: str = "") -> None:
    for _ in range(ACCOUNT_LIMIT):
        assert _sign_in(email, attempt or "not-the-password", address, forwarded) == "wrong"


def test_a_locked_account_leaves_colleagues_signing_in_from_the_same_address(world) -> None:
    target, colleague = world.users["teacher"], world.users["sendco"]
    _lock(target.email, SCHOOL_ROUTER)
    # Even the right password is refused now, and the refusal is audited against the account.
    assert _sign_in(target.email, TEST_PASSWORD, SCHOOL_ROUTER) == "refused"
    # Hammering the locked account does not spend the building's allowance.
    for _ in range(ADDRESS_LIMIT):
        assert _sign_in(target.email, "still-guessing", SCHOOL_ROUTER) == "refused"
    assert _sign_in(colleague.email, TEST_PASSWORD, SCHOOL_ROUTER) == "accepted"
    # The lock is the account's, wherever the next attempt comes from.
    assert _sign_in(target.email, TEST_PASSWORD, COLLEAGUE) == "refused"

    about_target = AuditEvent.objects.filter(object_type="staff.user", object_id=str(target.pk))
    assert about_target.filter(action=sign_ins.PASSWORD_FAILED).count() == ACCOUNT_LIMIT
    refused = about_target.filter(action=sign_ins.REFUSED)
    assert refused.count() == ADDRESS_LIMIT + 2
    assert refused.first().data == {"stage": "password"}
    assert set(refused.values_list("ip_address", flat=True)) == {SCHOOL_ROUTER, COLLEAGUE}


def test_a_password_reset_unlocks_the_account(world, client: Client) -> None:
    target = world.users["teacher"]
    _lock(target.email, SCHOOL_ROUTER)
    assert _sign_in(target.email, TEST_PASSWORD, SCHOOL_ROUTER) == "refused"
    from django.core import mail

    client.post(reverse("account_reset_password"), {"email": target.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    response = client.get(link[link.index("/accounts/") :].strip(), follow=True)
    new_password = "a-brand-new-long-passphrase-42"
    client.post(
        response.redirect_chain[-1][0], {"password1": new_password, "password2": new_password}
    )
    assert _sign_in(target.email, new_password, SCHOOL_ROUTER) == "accepted"


def test_behind_the_proxy_each_client_has_its_own_address_limit(world, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # SEND_HUB_CLIENT_IP_HEADER=X-Forwarded-For
    colleague = world.users["sendco"]
    # Password spraying: a different account each time, so only the address limit can stop it.
    for n in range(ADDRESS_LIMIT):
        assert _sign_in(f"guess{n}@school.example", "x" * 12, PROXY, ATTACKER) == "wrong"
    assert _sign_in(colleague.email, TEST_PASSWORD, PROXY, ATTACKER) == "refused"
    # Naming someone else's address first changes nothing: the proxy appends the real one.
    assert _sign_in(colleague.email, TEST_PASSWORD, PROXY, f"{COLLEAGUE}, {ATTACKER}") == "refused"
    # Everyone else reaches SEND Hub through the same proxy and signs in.
    assert _sign_in(colleague.email, TEST_PASSWORD, PROXY, COLLEAGUE) == "accepted"
    # The audit log has the client's address, not the proxy's.
    failed = AuditEvent.objects.filter(action=sign_ins.PASSWORD_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_locked_account_behind_the_proxy_leaves_others_signing_in(world, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    target, colleague = world.users["teacher"], world.users["sendco"]
    _lock(target.email, PROXY, ATTACKER)
    assert _sign_in(target.email, TEST_PASSWORD, PROXY, COLLEAGUE) == "refused"
    assert _sign_in(colleague.email, TEST_PASSWORD, PROXY, ATTACKER) == "accepted"
    assert _sign_in(colleague.email, TEST_PASSWORD, PROXY, COLLEAGUE) == "accepted"


def test_the_forwarded_header_is_ignored_unless_a_proxy_is_trusted(world) -> None:
    colleague = world.users["sendco"]
    # A new made-up X-Forwarded-For on every attempt: still one address, so still one limit.
    for n in range(ADDRESS_LIMIT):
        forged = f"198.18.0.{n + 1}"
        assert _sign_in(f"guess{n}@school.example", "x" * 12, ATTACKER, forged) == "wrong"
    assert _sign_in(colleague.email, TEST_PASSWORD, ATTACKER, COLLEAGUE) == "refused"
    assert _sign_in(colleague.email, TEST_PASSWORD, SCHOOL_ROUTER, ATTACKER) == "accepted"
    failed = AuditEvent.objects.filter(action=sign_ins.PASSWORD_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_single_address_header_is_read_when_configured(world, settings) -> None:
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"  # SEND_HUB_CLIENT_IP_HEADER
    user = world.users["teacher"]
    Client().post(
        reverse("account_login"),
        {"login": user.email, "password": "wrong-password-here"},
        REMOTE_ADDR=PROXY,
        headers={"X-Real-IP": ATTACKER},
    )
    # A request that did not come through the proxy (no header) counts against its own address.
    assert _sign_in(user.email, "wrong-password-again", COLLEAGUE) == "wrong"
    addresses = AuditEvent.objects.filter(action=sign_ins.PASSWORD_FAILED).values_list(
        "ip_address", flat=True
    )
    assert sorted(addresses) == sorted([ATTACKER, COLLEAGUE])


def test_fewer_forwarded_addresses_than_trusted_proxies_is_not_a_500(world, settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert _sign_in(world.users["teacher"].email, TEST_PASSWORD, PROXY, ATTACKER) == "accepted"


# --- Two-factor codes ---------------------------------------------------------------------------


def _code_now() -> str:
    return totp_code()  # from a step with time left, so the code is still valid on arrival


def _wrong_code() -> str:
    now = int(time.time()) // 30
    valid = {format_hotp_value(hotp_value(TEST_TOTP_SECRET, now + d)) for d in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _password_step(email: str) -> Client:
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": email, "password": TEST_PASSWORD},
        REMOTE_ADDR=SCHOOL_ROUTER,
    )
    assert response["Location"] == reverse("mfa_authenticate")
    return client


def test_wrong_codes_are_audited_and_lock_only_that_account(world) -> None:
    target, colleague = world.users["teacher"], world.users["sendco"]
    client = _password_step(target.email)
    for _ in range(ACCOUNT_LIMIT):
        response = client.post(
            reverse("mfa_authenticate"), {"code": _wrong_code()}, REMOTE_ADDR=SCHOOL_ROUTER
        )
        assert response.status_code == 200
    response = client.post(
        reverse("mfa_authenticate"), {"code": _code_now()}, REMOTE_ADDR=SCHOOL_ROUTER
    )
    assert REFUSED_TEXT in response.content.decode()
    about_target = AuditEvent.objects.filter(object_type="staff.user", object_id=str(target.pk))
    assert about_target.filter(action=sign_ins.CODE_FAILED).count() == ACCOUNT_LIMIT
    assert about_target.get(action=sign_ins.REFUSED).data == {"stage": "two_factor"}
    # A colleague at the next desk signs in with their code.
    other = _password_step(colleague.email)
    response = other.post(
        reverse("mfa_authenticate"), {"code": _code_now()}, REMOTE_ADDR=SCHOOL_ROUTER
    )
    assert response.status_code == 302
    assert "_auth_user_id" in other.session


def test_no_password_reaches_the_audit_log(world) -> None:
    secret_attempt = "Pupil-Named-Password-2024"
    _lock(world.users["teacher"].email, SCHOOL_ROUTER, attempt=secret_attempt)
    assert _sign_in(world.users["teacher"].email, TEST_PASSWORD, SCHOOL_ROUTER) == "refused"
    assert AuditEvent.objects.filter(action__startswith="staff.user.sign_in_").count() == 6
    for event in AuditEvent.objects.all():
        assert secret_attempt not in str(event.data)
        assert TEST_PASSWORD not in str(event.data)


# --- Encrypted two-factor secrets ---------------------------------------------------------------


def _stored_secret(user) -> str:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]


def _signs_in_with_code(user) -> bool:
    cache.clear()  # allauth refuses a code already used in this 30-second step
    client = _password_step(user.email)
    response = client.post(reverse("mfa_authenticate"), {"code": _code_now()})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_the_totp_secret_is_encrypted_in_the_database_and_still_works(world, settings) -> None:
    user = world.users["teacher"]
    stored = _stored_secret(user)
    assert stored != TEST_TOTP_SECRET
    assert TEST_TOTP_SECRET not in stored
    key = Fernet(settings.SEND_HUB_MFA_ENCRYPTION_KEYS[0])
    assert key.decrypt(stored.encode()).decode() == TEST_TOTP_SECRET
    assert _signs_in_with_code(user)


def test_key_rotation_re_encrypts_every_secret_with_the_new_key(world, settings) -> None:
    user = world.users["teacher"]
    old_key = settings.SEND_HUB_MFA_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    # A secret saved before encryption was switched on (e.g. an older demo database).
    legacy = member(world.school, Role.TEACHER)
    Authenticator.objects.filter(user=legacy, type=Authenticator.Type.TOTP).update(
        data={"secret": TEST_TOTP_SECRET}
    )
    assert _signs_in_with_code(legacy)

    codes = RecoveryCodes.activate(user).generate_codes()

    settings.SEND_HUB_MFA_ENCRYPTION_KEYS = [new_key, old_key]
    assert _signs_in_with_code(user)  # the old key still decrypts
    out = io.StringIO()
    call_command("mfa_reencrypt", stdout=out)
    assert f"Re-encrypted {Authenticator.objects.count()} " in out.getvalue()
    settings.SEND_HUB_MFA_ENCRYPTION_KEYS = [new_key]  # the old key retired
    for person in (user, legacy):
        assert Fernet(new_key).decrypt(_stored_secret(person).encode()).decode() == TEST_TOTP_SECRET
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    Fernet(new_key).decrypt(recovery.data["seed"].encode())
    assert RecoveryCodes(recovery).generate_codes() == codes
    assert _signs_in_with_code(user)
    assert _signs_in_with_code(legacy)


def test_a_secret_under_a_retired_key_says_how_to_recover(world, settings) -> None:
    stored = _stored_secret(world.users["teacher"])
    settings.SEND_HUB_MFA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="put the old key back"):
        MFAAdapter().decrypt(stored)


# --- Settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"SEND_HUB_MFA_ENCRYPTION_KEYS": ""}, "SEND_HUB_MFA_ENCRYPTION_KEYS"),
        ({"SEND_HUB_MFA_ENCRYPTION_KEYS": "not-a-key"}, "key 1 is not a Fernet key"),
        ({"SEND_HUB_CLIENT_IP_HEADER": "Forwarded"}, "cannot be Forwarded"),
        ({"SEND_HUB_CLIENT_IP_HEADER": "X_Real_IP"}, "is not a header name"),
    ],
)
def test_production_refuses_odd_sign_in_settings(extra: dict[str, str], message: str) -> None:
    result = _manage("check", extra_env={**PRODUCTION_ENV, **extra})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_without_required_mfa_starts_without_a_key() -> None:
    env = {**PRODUCTION_ENV, "SEND_HUB_MFA_ENCRYPTION_KEYS": "", "SEND_HUB_MFA_REQUIRED": "false"}
    result = _manage("check", extra_env=env)
    assert result.returncode == 0, result.stderr
