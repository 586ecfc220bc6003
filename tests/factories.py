"""factory_boy factories. Faker data only: never a real pupil or member of staff."""

from __future__ import annotations

import datetime as dt

import factory
import faker
from allauth.mfa.totp.internal.auth import TOTP
from factory.django import DjangoModelFactory

from pupils.demo import make_upn
from pupils.models import KeyAdult, Provision, Pupil, SENNeed, SENStatus
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


def _plain_name(kind: str) -> factory.LazyFunction:
    """A Faker name without apostrophes: "O'Connor" is HTML-escaped in pages, and tests that look
    for a name in a page should not fail one run in fifty. Tests of such names build them on
    purpose."""
    fake = faker.Faker("en_GB")
    return factory.LazyFunction(lambda: getattr(fake, kind)().replace("'", ""))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@school.example")
    full_name = _plain_name("name")
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
    legal_forename = _plain_name("first_name")
    legal_surname = _plain_name("last_name")
    date_of_birth = dt.date(2013, 5, 4)
    sex = "F"
    nc_year = 8
    admission_date = dt.date(2024, 9, 4)


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


__all__ = [
    "Membership",
    "MembershipRole",
    "PupilFactory",
    "SchoolFactory",
    "TrustFactory",
    "UserFactory",
    "assign",
    "member",
    "on_register",
]
