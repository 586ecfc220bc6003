"""factory_boy factories and sign-in codes. Synthetic data only: no real pupil or staff member."""

from __future__ import annotations

import datetime as dt
import itertools
import time

import factory
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from factory.django import DjangoModelFactory

from pupils.demo import make_upn
from pupils.models import (
    ClassMember,
    ClassTeacher,
    KeyAdult,
    Provision,
    Pupil,
    SENNeed,
    SENStatus,
    TeachingClass,
)
from pupils.services.register_figures import register_changed
from staff.models import Membership, MembershipRole, School, Trust, User
from staff.services import membership_grant

TEST_PASSWORD = "correct-horse-battery-staple"
# A fixed base32 TOTP secret for test accounts (base32 of synthetic bytes).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class TrustFactory(DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Trust {n}")


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Test School {n}")
    urn = factory.Sequence(lambda n: f"{880000 + n}")
    la_code = "850"
    estab = factory.Sequence(lambda n: f"{3000 + n:04d}")
    phase = School.Phase.SECONDARY


# Names made by the factories are unique by construction, so a test that checks a name is *not*
# in an e-mail or a page cannot fail because two people happened to share one (a Faker surname
# once matched the DSL's name). Each name part comes from one counter shared by every factory,
# spelt as a capitalised word of consonant-vowel syllables ending in "n" ("Kavizon"):
# - no two parts are equal, and none is inside another: the only capital starts a part and the
#   only "n" ends it, so a part found inside another part is that part;
# - a hand-written name ("Wren", "Dana Safeguard", "Testpupil") is never inside one: that would
#   need a name spelt only from these letters, consonant then vowel, without "e" (no test's is);
# - nor is page text: words without "e" or common consonants in that shape are not English.
_NAME_PARTS = itertools.count(1)
_CONSONANTS = "bdgkmpvz"
_VOWELS = "aiou"
_SYLLABLES = [c + v for c in _CONSONANTS for v in _VOWELS]


def unique_name_part() -> str:
    """Return a name part ("Kavizon") that no other call in this test run returns."""
    serial = next(_NAME_PARTS)
    syllables: list[str] = []
    while serial or len(syllables) < 3:
        serial, digit = divmod(serial, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
    return ("".join(syllables) + "n").capitalize()


def unique_full_name() -> str:
    """Return a forename and surname that no other person made in this test run shares."""
    return f"{unique_name_part()} {unique_name_part()}"


# Allauth accepts a code only in its own 30-second step, and only once per person. A code read
# in the step's last seconds can run out before a busy machine delivers it, so the helpers wait
# for a step with at least this many seconds left, as a person glancing at their phone would.
TOTP_STEP = 30
TOTP_MARGIN = 10


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """Return the authenticator's code for ``secret``, valid for at least TOTP_MARGIN seconds."""
    now = time.time()
    while TOTP_STEP - now % TOTP_STEP < TOTP_MARGIN:
        time.sleep(0.2)
        if time.time() == now:
            break  # a clock frozen by time_machine: the server reads the same moment
        now = time.time()
    return format_hotp_value(hotp_value(secret, int(now) // TOTP_STEP))


# The code each person last sent, across every test in the run: allauth refuses a code twice,
# and two tests (or two modules) may sign one person in within the same step.
USED_CODES: dict[str, str] = {}


def fresh_code(email: str, secret: str = TEST_TOTP_SECRET) -> str:
    """Return a code for ``email`` that is still valid when it arrives and has not been sent."""
    code = totp_code(secret)
    while code == USED_CODES.get(email):
        time.sleep(0.2)
        code = totp_code(secret)
    USED_CODES[email] = code
    return code


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@school.example")
    full_name = factory.LazyFunction(unique_full_name)
    job_title = "Member of staff"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Give the account an authenticator unless ``totp=False``: MFA is required."""
        if not create:
            return
        self.save()  # keeps the password set above
        if extracted is not False:
            TOTP.activate(self, TEST_TOTP_SECRET)


def member(school: School, *roles: str, **user_fields: object) -> User:
    """Return a new member of staff holding ``roles`` in ``school``."""
    user = UserFactory(**user_fields)
    membership_grant(user=user, school=school, roles=list(roles))
    return user


class PupilFactory(DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    upn = factory.LazyAttributeSequence(
        lambda o, n: make_upn(o.school.la_code or "850", o.school.estab or "1234", 24, n % 999 + 1)
    )
    legal_forename = factory.LazyFunction(unique_name_part)
    legal_surname = factory.LazyFunction(unique_name_part)
    date_of_birth = dt.date(2013, 5, 4)
    sex = "F"
    nc_year = 8
    admission_date = dt.date(2024, 9, 4)


def left_on(pupil: Pupil, day: dt.date) -> Pupil:
    """Record that ``pupil`` left on ``day``, after their records were made: once the day has
    passed the records are archived and read-only (records.archive), as in a school."""
    Pupil.objects.filter(pk=pupil.pk).update(leaving_date=day)
    register_changed([pupil.school_id])  # update() sends no signals
    pupil.leaving_date = pupil._stored_leaving_date = day
    return pupil


def on_register(pupil: Pupil, provision: str = Provision.SEN_SUPPORT, *needs: str) -> SENStatus:
    status = SENStatus.objects.create(
        pupil=pupil, provision=provision, start_date=dt.date(2025, 1, 6)
    )
    for rank, code in enumerate(needs or ("SLCN",), start=1):
        SENNeed.objects.create(status=status, rank=rank, need=code)
    return status


def assign(pupil: Pupil, staff: User, kind: str = KeyAdult.Kind.KEY_WORKER) -> KeyAdult:
    return KeyAdult.objects.create(
        pupil=pupil, staff=staff, kind=kind, start_date=dt.date(2025, 9, 3)
    )


def teach(
    teacher: User, *pupils: Pupil, code: str = "8X/En1", subject: str = "English"
) -> TeachingClass:
    """Put ``pupils`` in a class ``teacher`` teaches (made if need be), from the start of term."""
    school = pupils[0].school if pupils else teacher.memberships.get().school
    cls, _ = TeachingClass.objects.get_or_create(
        school=school, code=code, defaults={"subject": subject}
    )
    ClassTeacher.objects.get_or_create(
        teaching_class=cls,
        teacher=teacher,
        end_date=None,
        defaults={"start_date": dt.date(2025, 9, 3)},
    )
    for pupil in pupils:
        ClassMember.objects.get_or_create(
            teaching_class=cls,
            pupil=pupil,
            end_date=None,
            defaults={"start_date": dt.date(2025, 9, 3)},
        )
    return cls


__all__ = [
    "Membership",
    "MembershipRole",
    "PupilFactory",
    "SchoolFactory",
    "TrustFactory",
    "UserFactory",
    "assign",
    "fresh_code",
    "member",
    "on_register",
    "teach",
    "totp_code",
    "unique_full_name",
    "unique_name_part",
]
