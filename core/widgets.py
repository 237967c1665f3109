"""Region pickers that work at every GB/T 2260 level, with or without JavaScript.

- ``RegionField`` / ``RegionSelect``: one region, as three ``<select>``s (province → city →
  county). The city and county options are grouped in ``<optgroup>``s by their parent, so a
  person without JavaScript picks directly; ``static/js/regions.js`` narrows the child options
  when JavaScript runs. The field takes the most specific level chosen and refuses a
  combination that does not nest (a city of another province) or an abolished code. A single
  ``name=<code>`` (a link such as ``?region=420111``) is taken as well.
- ``RegionsField`` / ``RegionsInput``: several regions (the regions an agency serves), typed as
  codes or names separated by ``；`` (``420100 武汉市；110000``), which scales to every region;
  the script offers suggestions from ``/api/v1/regions/``.
"""
from __future__ import annotations

import re

from django import forms
from django.db.models import Count, Max, Q
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.models import Region
from core.regions import current_regions, region_lookup, regions_lookup, retired_message

LEVELS = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)


def _region_of(value) -> Region | None:
    if isinstance(value, Region):
        return value
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit():
        return None
    lookup = {"code": text} if len(text) == 6 else {"pk": int(text)}
    return Region.objects.filter(**lookup).first()


def _chain(region: Region | None) -> list[str]:
    """``[province code, city code, county code]`` of a region ("" where there is none)."""
    if region is None:
        return ["", "", ""]
    province = region.code[:2] + "0000"
    if region.level == Region.Level.PROVINCE:
        return [region.code, "", ""]
    if region.level == Region.Level.CITY:
        return [province, region.code, ""]
    city = region.code[:4] + "00"
    has_city = region.parent_id is not None and region.parent.level == Region.Level.CITY
    return [province, city if has_city else "", region.code]


_OPTIONS: dict = {}


def _options_html() -> tuple[str, str, str]:
    """The province, city and county options (cities and counties in an ``<optgroup>`` per
    parent), built once per process and state of the table (one cheap query to check)."""
    key = tuple(current_regions().aggregate(n=Count("id"), top=Max("id")).values())
    if key not in _OPTIONS:
        rows = list(current_regions().select_related("parent").only(
            "code", "name", "level", "parent__code", "parent__name"))
        out = []
        for level in LEVELS:
            regions = [r for r in rows if r.level == level]
            if level == Region.Level.PROVINCE:
                out.append("".join(format_html('<option value="{}">{}</option>', r.code, r.name)
                                   for r in regions))
                continue
            groups: dict = {}
            for r in regions:
                groups.setdefault((r.parent.code, r.parent.name), []).append(r)
            out.append("".join(format_html(
                '<optgroup label="{}" data-parent="{}">{}</optgroup>', label, code,
                mark_safe("".join(format_html('<option value="{}">{}</option>', r.code, r.name)
                                  for r in members)))
                for (code, label), members in groups.items()))
        _OPTIONS.clear()
        _OPTIONS[key] = tuple(out)
    return _OPTIONS[key]


class RegionSelect(forms.Widget):
    """Three selects, ``<name>_0`` (province), ``<name>_1`` (city), ``<name>_2`` (county)."""

    def __init__(self, attrs=None, empty_label=None):
        super().__init__(attrs)
        self.empty_label = empty_label

    def value_from_datadict(self, data, files, name):
        if data.get(name) not in (None, ""):
            return data.get(name)
        parts = [data.get(f"{name}_{i}", "") for i in range(3)]
        return parts if any(parts) else None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{i}" in data for i in range(3))

    def _chosen(self, value) -> list[str]:
        if isinstance(value, (list, tuple)):
            return [str(v or "") for v in value] + [""] * (3 - len(value))
        region = _region_of(value)
        return _chain(region)

    def render(self, name, value, attrs=None, renderer=None):
        """Written in Python, not through a template per option: the county select alone
        carries about 2,900 options."""
        chosen = self._chosen(value)
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.pop("id", None) or f"id_{name}"
        empty = [self.empty_label or gettext("Province…"), gettext("City…"), gettext("County…")]
        selects = []
        for i, (level, options) in enumerate(zip(LEVELS, _options_html())):
            selected = chosen[i]
            if selected:
                options = options.replace(f'<option value="{selected}">',
                                          f'<option value="{selected}" selected>', 1)
            # the first select is named by the field's <label>, the others by their level
            named = flatatt(attrs) if i == 0 else format_html(
                ' aria-label="{}"', Region.Level(level).label)
            selects.append(format_html(
                '<select name="{}" id="{}" data-level="{}"{}><option value="">{}</option>{}'
                '</select>', f"{name}_{i}", base_id if i == 0 else f"{base_id}_{i}", level,
                named, empty[i], mark_safe(options)))
        return format_html('<span class="region-picker" data-region-picker>{}</span>'
                           '<script src="{}" defer></script>',
                           mark_safe("".join(selects)), static("js/regions.js"))

    def id_for_label(self, id_):
        return id_


class RegionField(forms.Field):
    """One current region at any level; the value is a ``Region`` (or ``None``)."""

    widget = RegionSelect
    default_error_messages = {
        "required": _("Choose a region."),
        "inconsistent": _("The %(child)s %(child_name)s (%(child_code)s) is not in "
                          "%(parent_name)s (%(parent_code)s): choose again."),
        "level": _("%(code)s is not a %(level)s code."),
    }

    def __init__(self, *, empty_label=None, **kwargs):
        super().__init__(**kwargs)
        self.widget.empty_label = empty_label

    def to_python(self, value):
        if value in (None, "", [], ["", "", ""]):
            return None
        try:
            if isinstance(value, (list, tuple)):
                return self._from_parts([str(v or "").strip() for v in value][:3])
            text = str(value).strip()
            if text.isdigit() and not (len(text) == 6 and Region.objects.filter(
                    code=text).exists()):  # a primary key (older links and forms); codes win
                region = Region.objects.filter(pk=int(text)).first()
                if region is None:
                    return region_lookup(text)  # "unknown region code …", named
                if region.is_retired:
                    raise forms.ValidationError(retired_message(region))
                return region
            return region_lookup(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc

    def _from_parts(self, parts: list[str]) -> Region | None:
        codes = [p for p in parts if p]
        if not codes:
            return None
        found = {r.code: r for r in regions_lookup(codes, field="region")}
        chosen = []
        for code, level in zip(parts, LEVELS):
            if not code:
                continue
            region = found[code]
            if region.level != level:
                raise forms.ValidationError(self.error_messages["level"] % {
                    "code": code, "level": Region.Level(level).label})
            chosen.append(region)
        for parent, child in zip(chosen, chosen[1:]):
            if not child.code.startswith(parent.prefix):
                raise forms.ValidationError(self.error_messages["inconsistent"] % {
                    "child": Region.Level(child.level).label, "child_name": child.name,
                    "child_code": child.code, "parent_name": parent.name,
                    "parent_code": parent.code})
        return chosen[-1]


_ITEM_SPLIT = re.compile(r"[,，;；、\n]+")
_CODE = re.compile(r"\b(\d{6})\b")


class RegionsInput(forms.Textarea):
    """Regions typed as codes or names; shown as ``code name`` items separated by ``；``."""

    template_name = "core/widgets/regions_input.html"

    def __init__(self, attrs=None):
        super().__init__({"rows": 2, "class": "regions-input", "spellcheck": "false",
                          "data-regions-api": "/api/v1/regions/", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = [v for v in values if v not in (None, "")]
        return "；".join(values) if values else None

    def format_value(self, value):
        if not value:
            return ""
        if isinstance(value, str):
            return value
        regions = [v if isinstance(v, Region) else _region_of(v) for v in value]
        return "；".join(f"{r.code} {r.name}" for r in regions if r is not None)


class RegionsField(forms.Field):
    """Several current regions at any level, by code or by (unambiguous) name; a list."""

    widget = RegionsInput

    def to_python(self, value):
        if value in (None, ""):
            return []
        if not isinstance(value, str):
            value = "；".join(str(v) for v in value)
        codes, pks, names = [], [], []
        for item in _ITEM_SPLIT.split(value):
            item = item.strip()
            if not item:
                continue
            found = _CODE.findall(item)
            if found:
                codes.extend(found)
            elif item.isdigit():  # a primary key (the former checkboxes posted those)
                pks.append(int(item))
            else:
                names.extend(item.split())
        if pks:
            known = dict(Region.objects.filter(pk__in=pks, valid_until__isnull=True)
                         .values_list("pk", "code"))
            if set(pks) - set(known):
                raise forms.ValidationError(gettext("Unknown region."))
            codes.extend(known[pk] for pk in pks)
        if len(codes) + len(names) > 200:
            raise forms.ValidationError(gettext("List at most 200 regions."))
        try:
            regions = regions_lookup(codes, field="service_regions") if codes else []
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc
        if names:
            regions += self._by_name(names)
        return list(dict.fromkeys(regions))

    def _by_name(self, names: list[str]) -> list[Region]:
        matches: dict[str, list[Region]] = {n: [] for n in names}
        for region in current_regions().filter(Q(name__in=names)).select_related("parent"):
            matches[region.name].append(region)
        out = []
        for name in names:
            found = matches[name]
            if not found:
                raise forms.ValidationError(gettext(
                    "No region in use is called “%(name)s”: give its code (e.g. 420111).") % {
                    "name": name[:30]})
            if len(found) > 1:
                raise forms.ValidationError(gettext(
                    "“%(name)s” is the name of several regions: give one of the codes "
                    "%(codes)s.") % {"name": name, "codes": "、".join(
                        f"{r.code}（{r.parent.name if r.parent else r.name}）" for r in found)})
            out.append(found[0])
        return out


class RegionCodeFormField(forms.CharField):
    """A current region given by its code alone (the API's filters); the value is a Region."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return region_lookup(text)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc)) from exc
