"""Writes of the core: purchasers sign themselves up; approval departments and regulators are
created by a management command (``create_staff``)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

from .audit import audit_record
from .errors import Conflict, NotAllowed, ValidationFailed
from .models import Holiday, Member, Organisation, Region

User = get_user_model()


def _check_account(username: str, password: str, email: str, errors: dict) -> None:
    if not username.strip():
        errors["username"] = [_("Choose a user name.")]
    elif User.objects.filter(username=username.strip()).exists():
        errors["username"] = [_("This user name is taken; choose another.")]
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)


def _create_member(*, username: str, password: str, email: str, organisation: Organisation):
    user = User.objects.create_user(username=username.strip(), password=password, email=email)
    Member.objects.create(user=user, organisation=organisation)
    return user


@transaction.atomic
def purchaser_register(*, username: str, password: str, name: str, uscc: str,
                       region: Region | None, contact_name: str, contact_phone: str,
                       email: str = "", is_government: bool = False):
    """An enterprise (or a department commissioning technical services, R6) signs itself up."""
    errors: dict[str, list[str]] = {}
    code = ""
    if is_government:
        code = (uscc or "").strip().upper()
    else:
        if not stdnum_uscc.is_valid(uscc or ""):
            errors["uscc"] = [_("This is not a valid unified social credit code.")]
        else:
            code = stdnum_uscc.compact(uscc)
            if Organisation.objects.filter(kind=Organisation.Kind.PURCHASER, uscc=code).exists():
                errors["uscc"] = [_("A purchaser with this code is already registered.")]
    if not name.strip():
        errors["name"] = [_("Enter the enterprise's name.")]
    _check_account(username, password, email, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    org = Organisation.objects.create(
        kind=Organisation.Kind.PURCHASER, name=name.strip(), uscc=code, region=region,
        contact_name=contact_name, contact_phone=contact_phone, contact_email=email,
        is_government=is_government)
    user = _create_member(username=username, password=password, email=email, organisation=org)
    audit_record(actor=user, action="purchaser.registered", obj=org,
                 data={"name": org.name, "uscc": code, "is_government": is_government})
    return user


@transaction.atomic
def staff_create(*, kind: str, organisation_name: str, username: str, password: str,
                 email: str = "", region: Region | None = None, actor=None):
    """Create an approval-department or regulator account (never self-registered)."""
    if kind not in (Organisation.Kind.APPROVAL, Organisation.Kind.REGULATOR):
        raise ValidationFailed(_("Staff accounts are for approval departments and regulators."))
    errors: dict[str, list[str]] = {}
    _check_account(username, password, email, errors)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    org, _created = Organisation.objects.get_or_create(
        kind=kind, name=organisation_name.strip(),
        defaults={"region": region, "is_government": True})
    user = _create_member(username=username, password=password, email=email, organisation=org)
    permissions = []
    if kind == Organisation.Kind.REGULATOR:
        # Regulators maintain the catalogue in the admin (R7); every change there goes through
        # the audited services below.
        perms = regulator_permissions()
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(perms)
        permissions = sorted(f"{p.content_type.app_label}.{p.codename}" for p in perms)
    audit_record(actor=actor, action="staff.created", obj=org,
                 data={"kind": kind, "username": user.username, "is_staff": user.is_staff,
                       "permissions": permissions})
    return user


# --- the catalogue, maintained by regulators (R7) -----------------------------------------------

REGULATOR_PERMISSIONS = {
    "catalogue": {"product": ("add", "change", "delete", "view"),
                  "category": ("add", "change", "delete", "view"),
                  "productattributevalue": ("view",)},
    "marketplace": {"holiday": ("add", "change", "delete", "view"), "region": ("view",),
                    "organisation": ("view",), "auditevent": ("view",)},
    "agencies": {"agency": ("view",)},
}


def regulator_permissions():
    """The model permissions a regulator's staff account gets in the admin."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    query = Q(pk__in=[])
    for app_label, models in REGULATOR_PERMISSIONS.items():
        for model, actions in models.items():
            q = Q(content_type__app_label=app_label,
                  codename__in=[f"{a}_{model}" for a in actions])
            query |= q
    return list(Permission.objects.filter(query).select_related("content_type"))


def _require_catalogue_editor(actor) -> None:
    """Regulators (and superusers) maintain the catalogue; ``actor=None`` is the system itself
    (the demo loader, data migrations), recorded as such in the audit trail."""
    from .roles import is_regulator

    if actor is None or getattr(actor, "is_superuser", False) or is_regulator(actor):
        return
    raise NotAllowed(_("Only regulators maintain the service catalogue."))


def _item_snapshot(item) -> dict:
    from .catalogue import ATTRIBUTES

    item.attr.invalidate()
    values = {code: item_attributes_value(item, code) for code, _l, _t in ATTRIBUTES}
    return {"title": item.title, "description": item.description, "is_public": item.is_public,
            "categories": sorted(c.name for c in item.categories.all()), "attributes": values}


def item_attributes_value(item, code: str):
    value = getattr(item.attr, code, None)
    if value is None:
        return ""
    return getattr(value, "option", value)


@transaction.atomic
def catalogue_item_save(*, actor, item=None, title: str, description: str = "",
                        categories=(), is_public: bool = True, attributes: dict | None = None):
    """Create (``item=None``) or change a service item with its categories and attributes
    (legal basis, time limits, fee standard …). Audited with the values before and after."""
    from .catalogue import ATTRIBUTES, FEE_TYPE_GROUP, AttributeOption, Product, service_class

    _require_catalogue_editor(actor)
    if not (title or "").strip():
        raise ValidationFailed(_("Enter the item's name."), field="title")
    attributes = dict(attributes or {})
    known = {code for code, _l, _t in ATTRIBUTES}
    unknown = set(attributes) - known
    if unknown:
        raise ValidationFailed(_("Unknown catalogue attributes: %(a)s") % {
            "a": ", ".join(sorted(unknown))})
    for code in ("statutory_days", "committed_days"):
        value = attributes.get(code)
        if value not in (None, "") and (not isinstance(value, int) or value < 0):
            raise ValidationFailed(_("Time limits are whole numbers of working days."), field=code)
    fee_type = attributes.get("fee_type")
    if fee_type not in (None, ""):
        option = AttributeOption.objects.filter(group__name=FEE_TYPE_GROUP,
                                                option=str(fee_type)).first()
        if option is None:
            raise ValidationFailed(_("Unknown fee type."), field="fee_type")
        attributes["fee_type"] = option
    product_class = service_class()
    if item is None:
        before = None
        item = Product(product_class=product_class, structure=Product.STANDALONE)
    else:
        item = Product.objects.select_for_update().get(pk=item.pk)
        if item.product_class_id != product_class.pk:
            raise ValidationFailed(_("This product is not an intermediary service item."))
        before = _item_snapshot(item)
    item.title = title.strip()
    item.description = description or ""
    item.is_public = is_public
    item.save()
    item.categories.set(list(categories))
    for code, value in attributes.items():
        setattr(item.attr, code, None if value == "" else value)
    item.attr.save()
    after = _item_snapshot(item)
    changed = after if before is None else {
        key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if before is not None and "attributes" in changed:
        changed["attributes"] = {
            code: [before["attributes"][code], after["attributes"][code]]
            for code in after["attributes"]
            if before["attributes"][code] != after["attributes"][code]}
    audit_record(actor=actor, action="catalogue.item_created" if before is None
                 else "catalogue.item_changed", obj=item, data={"changed": changed})
    return item


@transaction.atomic
def catalogue_item_delete(*, actor, item) -> None:
    """Delete an item nobody relies on. Items with offers or projects are hidden instead
    (untick "public"), so history stays readable."""
    from django.db.models import ProtectedError

    from .catalogue import Product

    _require_catalogue_editor(actor)
    item = Product.objects.select_for_update().get(pk=item.pk)
    if item.stockrecords.exists():
        raise Conflict(_("Agencies offer this item; hide it (untick “public”) instead of "
                         "deleting it."))
    snapshot = _item_snapshot(item)
    pk = item.pk
    try:
        with transaction.atomic():
            item.delete()
    except ProtectedError as exc:
        raise Conflict(_("Projects refer to this item; hide it (untick “public”) instead of "
                         "deleting it.")) from exc
    audit_record(actor=actor, action="catalogue.item_deleted",
                 object_type="catalogue.product", object_id=str(pk), data=snapshot)


@transaction.atomic
def category_save(*, actor, category=None, name: str, description: str = "",
                  is_public: bool = True, parent=None):
    """Create or change a catalogue category (a node of Oscar's category tree)."""
    from .catalogue import Category

    _require_catalogue_editor(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the category's name."), field="name")
    if category is None:
        fields = {"name": name, "description": description or "", "is_public": is_public}
        category = parent.add_child(**fields) if parent is not None else \
            Category.add_root(**fields)
        audit_record(actor=actor, action="catalogue.category_created", obj=category, data={
            "name": name, "parent": parent.name if parent else None, "is_public": is_public})
        return category
    category = Category.objects.select_for_update().get(pk=category.pk)
    old_parent = category.get_parent()
    if parent is not None and (parent.pk == category.pk or parent.path.startswith(category.path)):
        raise ValidationFailed(_("A category cannot be moved under itself."), field="parent")
    before = {"name": category.name, "description": category.description,
              "is_public": category.is_public, "parent": old_parent.name if old_parent else None}
    category.name, category.description, category.is_public = name, description or "", is_public
    category.slug = ""  # regenerated from the name by Oscar
    category.save()
    if (parent.pk if parent else None) != (old_parent.pk if old_parent else None):
        if parent is None:
            first_root = Category.get_first_root_node()
            category.move(first_root, "sorted-sibling" if Category.node_order_by
                          else "last-sibling")
        else:
            category.move(parent, "sorted-child" if Category.node_order_by else "last-child")
        category = Category.objects.get(pk=category.pk)
    after = {"name": name, "description": category.description, "is_public": is_public,
             "parent": parent.name if parent else None}
    audit_record(actor=actor, action="catalogue.category_changed", obj=category, data={
        "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return category


@transaction.atomic
def category_delete(*, actor, category) -> None:
    """Delete a category with no items (in it or below it)."""
    from .catalogue import Category, Product

    _require_catalogue_editor(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    subtree = Category.get_tree(category)
    if Product.objects.filter(categories__in=subtree).exists():
        raise Conflict(_("Move or delete the items of this category first."))
    names = [c.name for c in subtree]
    pk = category.pk
    category.delete()
    audit_record(actor=actor, action="catalogue.category_deleted",
                 object_type="catalogue.category", object_id=str(pk),
                 data={"deleted": names})


@transaction.atomic
def holiday_save(*, actor, holiday=None, date, is_working_day: bool, name: str = "") -> Holiday:
    """Enter or change a holiday or make-up working day (R13) for years the calendar library
    does not know."""
    _require_catalogue_editor(actor)
    if holiday is None:
        if Holiday.objects.filter(date=date).exists():
            raise ValidationFailed(_("This date is already in the calendar."), field="date")
        holiday = Holiday.objects.create(date=date, is_working_day=is_working_day, name=name)
        audit_record(actor=actor, action="calendar.day_added", obj=holiday, data={
            "date": date, "is_working_day": is_working_day, "name": name})
        return holiday
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    before = {"date": holiday.date, "is_working_day": holiday.is_working_day,
              "name": holiday.name}
    holiday.date, holiday.is_working_day, holiday.name = date, is_working_day, name
    holiday.save()
    after = {"date": date, "is_working_day": is_working_day, "name": name}
    audit_record(actor=actor, action="calendar.day_changed", obj=holiday, data={
        "changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return holiday


@transaction.atomic
def holiday_delete(*, actor, holiday) -> None:
    _require_catalogue_editor(actor)
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    data = {"date": holiday.date, "is_working_day": holiday.is_working_day, "name": holiday.name}
    pk = holiday.pk
    holiday.delete()
    audit_record(actor=actor, action="calendar.day_deleted", object_type="marketplace.holiday",
                 object_id=str(pk), data=data)
