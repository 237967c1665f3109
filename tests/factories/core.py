import factory
from django.contrib.auth import get_user_model

from core.models import Member, Organisation, Region
from core.services.accounts import staff_create
from core.uscc import make_uscc

PASSWORD = "Zhongjie#2026"


def region(code: str = "420000") -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.PURCHASER
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.Sequence(lambda n: make_uscc(900000 + n))
    region = factory.LazyFunction(region)
    contact_name = "王经理"
    contact_phone = "027-88886666"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)


def user_of(kind: str, **org_fields):
    """A user in a fresh organisation of ``kind`` (purchaser, approval, regulator)."""
    fields = {"kind": kind, **org_fields}
    if kind in (Organisation.Kind.APPROVAL, Organisation.Kind.REGULATOR):
        fields.setdefault("uscc", "")
        fields.setdefault("is_government", True)
    return MemberFactory(organisation=OrganisationFactory(**fields)).user


def purchaser_user(**org_fields):
    return user_of(Organisation.Kind.PURCHASER, **org_fields)


def regulator_user(**org_fields):
    """A regulator of the whole platform, or of ``region=`` (its jurisdiction, any level)."""
    org_fields.setdefault("region", None)
    return user_of(Organisation.Kind.REGULATOR, name="市场监督管理局", **org_fields)


def approval_user(**org_fields):
    return user_of(Organisation.Kind.APPROVAL, name="行政审批局", **org_fields)


def regulator_staff_user(username: str = "regulator1"):
    """A regulator created the real way (``staff_create``): staff, with catalogue permissions."""
    return staff_create(kind=Organisation.Kind.REGULATOR, organisation_name="市政务服务管理局",
                        username=username, password=PASSWORD)
