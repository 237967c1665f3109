"""Serializers of the agency API: they parse and check the shape of the input (types, lengths,
known region codes and catalogue items) and build the services' input dataclasses; the rules
themselves (valid and unregistered credit code, integrity commitment, who may edit) are the
services'."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.filters import public_items
from agencies.models import Agency, Practitioner, Qualification
from agencies.selectors.directory import offers_of
from agencies.services.registry import (
    PROFILE_FIELDS,
    OfferInput,
    PractitionerInput,
    QualificationInput,
    Registration,
    uscc_clean,
)
from core.api import StrictFieldsMixin, TextField
from core.errors import ValidationFailed
from core.models import Region
from core.regions import regions_lookup

MAX_DAYS = 3650
MAX_LIST = 200


# --- output -----------------------------------------------------------------------------------

class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name"]


class OfferSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="product_id", help_text=_("Catalogue item id."))
    item_title = serializers.CharField(source="product.title")
    fee = serializers.DecimalField(source="price", max_digits=12, decimal_places=2,
                                   allow_null=True, help_text=_("Reference fee in yuan."))
    commitment = serializers.SerializerMethodField(help_text=_("Service commitment."))
    committed_days = serializers.SerializerMethodField(
        help_text=_("Committed time limit in working days."))

    @staticmethod
    def _terms(record):
        try:
            return record.terms
        except Exception:  # no terms row (offer created outside the services)
            return None

    @extend_schema_field(serializers.CharField())
    def get_commitment(self, record) -> str:
        terms = self._terms(record)
        return terms.commitment if terms else ""

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_committed_days(self, record):
        terms = self._terms(record)
        return terms.committed_days if terms else None


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["id", "name", "grade", "number", "authority", "valid_until"]


class PractitionerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Practitioner
        fields = ["id", "name", "speciality", "certificate"]


AGENCY_PUBLIC_FIELDS = [
    "id", "name", "uscc", "nature", "nature_display", "region", "credit_score", "credit_stars",
    "credit_grade", "rating_average", "rating_count", "standing", "standing_display",
    "gov_tie_declared", "gov_tie_department", "created", "profile_url",
]


class AgencyListSerializer(serializers.ModelSerializer):
    """An agency in the public directory."""

    region = RegionSerializer(read_only=True)
    nature_display = serializers.CharField(source="get_nature_display", read_only=True)
    standing_display = serializers.CharField(source="get_standing_display", read_only=True)
    profile_url = serializers.CharField(source="get_absolute_url", read_only=True,
                                        help_text=_("Path of the public profile page."))
    offer_count = serializers.IntegerField(read_only=True,
                                           help_text=_("Number of catalogue items offered."))

    class Meta:
        model = Agency
        fields = [*AGENCY_PUBLIC_FIELDS, "offer_count"]
        read_only_fields = fields


PRIVATE_FIELDS = ("legal_representative", "contact_name", "contact_phone", "contact_email")


class AgencyDetailSerializer(AgencyListSerializer):
    """The public profile: contacts, offers, qualifications, practitioners, the declaration of
    ties to government departments (R8), credit and standing (R9, R10)."""

    service_regions = RegionSerializer(many=True, read_only=True)
    offers = serializers.SerializerMethodField()
    qualifications = QualificationSerializer(many=True, read_only=True)
    practitioners = PractitionerSerializer(many=True, read_only=True)
    # Typed as plain text in the schema: a profile may leave them empty ("" is no URI/e-mail).
    contact_email = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)

    class Meta(AgencyListSerializer.Meta):
        fields = [*AGENCY_PUBLIC_FIELDS, "legal_representative", "registered_capital", "address",
                  "service_regions", "contact_name", "contact_phone", "contact_email",
                  "website", "description", "gov_tie_details", "integrity_accepted_at",
                  "offers", "qualifications", "practitioners", "modified"]
        read_only_fields = fields

    @extend_schema_field(OfferSerializer(many=True))
    def get_offers(self, agency):
        records = getattr(agency.partner, "offer_list", None)
        if records is None:
            records = offers_of(agency)
        return OfferSerializer(records, many=True).data

    def to_representation(self, instance):
        """A viewer without ``agencies.view_contacts`` (``context["contacts"]`` false: the
        public, other agencies, other purchasers) gets the personal fields empty and the
        practitioners' names and certificate numbers masked; the fields stay, so there is one
        schema for everyone."""
        data = super().to_representation(instance)
        if not self.context.get("contacts", False):
            for name in PRIVATE_FIELDS:
                data[name] = ""
            for person, shown in zip(instance.practitioners.all(), data["practitioners"]):
                shown["name"] = person.public_name
                shown["certificate"] = person.public_certificate
        return data


class RegisteredAgencySerializer(AgencyDetailSerializer):
    token = serializers.CharField(read_only=True, help_text=_(
        "API token of the new account (header `Authorization: Token <token>`)."))

    class Meta(AgencyDetailSerializer.Meta):
        fields = [*AgencyDetailSerializer.Meta.fields, "token"]
        read_only_fields = fields


# --- input ------------------------------------------------------------------------------------

def regions_by_code(codes: list[str]) -> list[Region]:
    """The current regions with these codes (one query); refuse an unknown or abolished code by
    name (``core/regions.py::regions_lookup``)."""
    try:
        return regions_lookup(codes, field="region")
    except ValidationFailed as exc:
        raise serializers.ValidationError(str(exc)) from exc


class RegionCodeField(TextField):
    """A region given by its GB/T 2260 code (e.g. ``420000``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        code = super().run_validation(data)  # a string of at most 12 characters
        return None if code is None else regions_by_code([code])[0]


class OfferInputSerializer(StrictFieldsMixin, serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                    help_text=_("Catalogue item id (see /api/v1/service-items/)."))
    fee = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                   allow_null=True, help_text=_("Reference fee in yuan."))
    commitment = TextField(max_length=2000, required=False, allow_blank=True, default="",
                           help_text=_("Service commitment (scope, quality, time)."))
    committed_days = serializers.IntegerField(
        min_value=0, max_value=MAX_DAYS, required=False, allow_null=True,
        help_text=_("Committed time limit in working days."))


class OfferSetSerializer(StrictFieldsMixin, serializers.Serializer):
    """Body of ``PUT /agencies/<id>/offers/<item id>/`` (the item is in the path)."""

    fee = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True,
        help_text=_("Reference fee in yuan."))
    commitment = TextField(max_length=2000, required=False, allow_blank=True, default="",
                           help_text=_("Service commitment (scope, quality, time)."))
    committed_days = serializers.IntegerField(
        min_value=0, max_value=MAX_DAYS, required=False, allow_null=True,
        help_text=_("Committed time limit in working days."))


class QualificationInputSerializer(StrictFieldsMixin, serializers.Serializer):
    name = TextField(max_length=200, help_text=_("Qualification, e.g. 测绘资质."))
    grade = TextField(max_length=32, required=False, allow_blank=True, default="")
    number = TextField(max_length=64, required=False, allow_blank=True, default="")
    authority = TextField(max_length=200, required=False, allow_blank=True, default="")
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class PractitionerInputSerializer(StrictFieldsMixin, serializers.Serializer):
    name = TextField(max_length=64)
    speciality = TextField(max_length=100, required=False, allow_blank=True, default="")
    certificate = TextField(max_length=100, required=False, allow_blank=True, default="")


def items_by_id(ids: list[int]) -> dict:
    """Public catalogue items by id (one query); refuse unknown ids by number."""
    found = public_items().in_bulk(set(ids))
    unknown = [str(i) for i in ids if i not in found]
    if unknown:
        raise serializers.ValidationError(_("Unknown catalogue item: %(ids)s") % {
            "ids": ", ".join(unknown[:5])})
    return found


class ProfileFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """The profile fields an agency may change; all optional on PATCH."""

    name = TextField(max_length=200)
    nature = serializers.ChoiceField(choices=Agency.Nature.choices)
    legal_representative = TextField(max_length=64)
    registered_capital = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True,
        help_text=_("Registered capital in 10,000 yuan. Shown only; never a condition."))
    address = TextField(max_length=255)
    region = RegionCodeField(help_text=_(
        "Region code where the agency is registered (GB/T 2260, e.g. 420000). Shown only; "
        "never used to exclude anyone."))
    service_regions = serializers.ListField(
        child=TextField(max_length=12), max_length=MAX_LIST, required=False,
        help_text=_("Codes of the regions served; empty means everywhere."))
    contact_name = TextField(max_length=64)
    contact_phone = TextField(max_length=32)
    contact_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    description = TextField(max_length=5000, required=False, allow_blank=True)
    gov_tie_declared = serializers.BooleanField(required=False, help_text=_(
        "Whether the agency has any tie (ownership, staff, funding) to a government "
        "department (R8)."))
    gov_tie_department = TextField(max_length=200, required=False, allow_blank=True)
    gov_tie_details = TextField(max_length=5000, required=False, allow_blank=True)

    def validate_service_regions(self, codes):
        return regions_by_code(codes)


class AgencyUpdateSerializer(ProfileFieldsSerializer):
    """Body of ``PATCH /agencies/<id>/``."""

    def changes(self) -> tuple[dict, list | None]:
        """``(changes, service_regions)`` for ``agency_update``."""
        data = dict(self.validated_data)
        service_regions = data.pop("service_regions", None)
        return {k: v for k, v in data.items() if k in PROFILE_FIELDS}, service_regions


class AgencyRegistrationSerializer(ProfileFieldsSerializer):
    """Body of ``POST /agencies/``: an agency joins by itself (R1). Only the credit code, names,
    contacts and the integrity commitment are required; qualifications are optional."""

    username = TextField(max_length=150, validators=[UnicodeUsernameValidator()],
                         help_text=_("User name of the new account."))
    password = TextField(max_length=256, trim_whitespace=False,
                                     style={"input_type": "password"},
                                     help_text=_("Password of the new account."))
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True,
                                   help_text=_("E-mail of the account (defaults to the contact "
                                               "e-mail)."))
    uscc = TextField(max_length=64, help_text=_(
        "Unified social credit code (统一社会信用代码), 18 characters."))
    offers = OfferInputSerializer(many=True, required=False, max_length=MAX_LIST)
    qualifications = QualificationInputSerializer(many=True, required=False,
                                                  max_length=MAX_LIST)
    practitioners = PractitionerInputSerializer(many=True, required=False, max_length=MAX_LIST)
    integrity_accepted = serializers.BooleanField(help_text=_(
        "Acceptance of the platform's integrity commitment: no price fixing, no malicious "
        "under-pricing, no kickbacks, true documents, cooperation with inspections."))

    def validate_username(self, value):
        """Normalise as the account will store it (NFKC), so the service's "taken" check sees
        the same name and an expanded name still fits the column."""
        name = get_user_model().normalize_username(value)
        if len(name) > 150:
            raise serializers.ValidationError(_("Choose a shorter user name."))
        UnicodeUsernameValidator()(name)
        return name

    def validate_uscc(self, value):
        try:
            return uscc_clean(value)
        except ValidationFailed as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_offers(self, offers):
        ids = [o["item"] for o in offers]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("List each catalogue item once."))
        items = items_by_id(ids)
        return [OfferInput(item=items[o["item"]], fee=o.get("fee"),
                           commitment=o.get("commitment", ""),
                           committed_days=o.get("committed_days")) for o in offers]

    def registration(self) -> Registration:
        data = dict(self.validated_data)
        return Registration(
            username=data["username"], password=data["password"], name=data["name"],
            uscc=data["uscc"], nature=data["nature"],
            legal_representative=data["legal_representative"], address=data["address"],
            region=data["region"], contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            integrity_accepted=data["integrity_accepted"], email=data.get("email", ""),
            contact_email=data.get("contact_email", ""), website=data.get("website", ""),
            description=data.get("description", ""),
            registered_capital=data.get("registered_capital"),
            service_regions=data.get("service_regions", []),
            offers=data.get("offers", []),
            qualifications=[QualificationInput(**q) for q in data.get("qualifications", [])],
            practitioners=[PractitionerInput(**p) for p in data.get("practitioners", [])],
            gov_tie_declared=data.get("gov_tie_declared", False),
            gov_tie_department=data.get("gov_tie_department", ""),
            gov_tie_details=data.get("gov_tie_details", ""),
        )
