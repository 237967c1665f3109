import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from agencies.models import Agency, Paper, Qualification
from agencies.services.papers import PaperInput, paper_upload
from agencies.services.registry import OfferInput, Registration, agency_register
from core.catalogue import Category, Partner, Product, StockRecord, offer_sku, service_class
from core.models import Organisation, StatutoryQualification
from core.uscc import make_uscc
from tests.factories.core import PASSWORD, region

_counter = iter(range(1, 10**9))


def service_item(title: str = "环境影响评价报告书编制", category: str = "环境评价",
                 **attrs) -> Product:
    """A public catalogue item of the intermediary-service class, with attributes."""
    product_class = service_class()
    item = Product.objects.create(title=title, product_class=product_class, structure="standalone",
                                  is_public=True)
    cat = Category.objects.filter(name=category).first() or Category.add_root(name=category)
    item.categories.add(cat)
    defaults = {"legal_basis": "《中华人民共和国环境影响评价法》第十六条",
                "statutory_days": 60, "fee_standard": "市场调节价", "remarks": "自愿委托"}
    defaults.update(attrs)
    for code, value in defaults.items():
        setattr(item.attr, code, value)
    item.attr.save()
    return item


def statutory_qualification(item: Product | None = None, name: str = "测绘资质",
                            grade: str = "乙级", **fields) -> StatutoryQualification:
    """A qualification the catalogue lists as legally required for ``item`` (R3)."""
    fields.setdefault("legal_basis", "《中华人民共和国测绘法》第二十七条")
    fields.setdefault("authority", "自然资源部或省级自然资源主管部门")
    return StatutoryQualification.objects.create(item=item or service_item(), name=name,
                                                 grade=grade, **fields)


def agency(*, name: str | None = None, offers=(), region_code: str = "420000",
           qualifications=(), **fields) -> Agency:
    """Register an agency through the real service (audit, partner, offers included)."""
    n = next(_counter)
    reg = Registration(
        username=fields.pop("username", f"agency{n}"), password=PASSWORD,
        name=name or f"测试中介服务机构{n}有限公司", uscc=fields.pop("uscc", make_uscc(n)),
        nature=Agency.Nature.ENTERPRISE, legal_representative="李四",
        address="湖北省武汉市洪山区珞喻路1号", region=region(region_code),
        contact_name="张三", contact_phone="027-12345678", integrity_accepted=True,
        offers=[o if isinstance(o, OfferInput) else OfferInput(item=o, fee=10000)
                for o in offers],
        **fields,
    )
    created = agency_register(registration=reg)
    for q in qualifications:
        Qualification.objects.create(agency=created, **q)
    return created


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    name = "测绘资质"
    grade = "乙级"
    number = factory.Sequence(lambda n: f"B{n:06d}")
    authority = "湖北省自然资源厅"
    valid_until = factory.LazyFunction(lambda: timezone.localdate().replace(year=2030))


def agency_user(created: Agency):
    """The (first) user account of an agency."""
    return created.organisation.members.select_related("user").first().user


def bulk_agencies(count: int, *, offers=(), start: int = 500000, region_code: str = "420000",
                  qualification: str | None = "测绘资质") -> list[Agency]:
    """``count`` listed agencies created with bulk inserts (for query-count tests and benches):
    organisation, Oscar partner, profile, one offer per item, a served region and a
    qualification each. No accounts and no audit rows: use ``agency()`` for those."""
    reg = region(region_code)
    now = timezone.now()
    codes = [make_uscc(start + i) for i in range(count)]
    orgs = Organisation.objects.bulk_create([
        Organisation(kind=Organisation.Kind.AGENCY, name=f"批量中介机构{start + i}有限公司",
                     uscc=code, region=reg) for i, code in enumerate(codes)])
    partners = Partner.objects.bulk_create([
        Partner(name=o.name, code=f"agency-{o.uscc.lower()}") for o in orgs])
    if orgs[0].pk is None or partners[0].pk is None:  # backends without RETURNING
        orgs = list(Organisation.objects.filter(uscc__in=codes).order_by("uscc"))
        partners = list(Partner.objects.filter(code__in=[f"agency-{c.lower()}" for c in codes])
                        .order_by("code"))
    agencies = Agency.objects.bulk_create([
        Agency(organisation=o, partner=p, name=o.name, uscc=o.uscc,
               nature=Agency.Nature.ENTERPRISE, legal_representative="赵六",
               address="湖北省武汉市江岸区1号", region=reg, contact_name="钱七",
               contact_phone="027-00000000", integrity_accepted_at=now,
               credit_stars=1 + i % 5)
        for i, (o, p) in enumerate(zip(orgs, partners))])
    agencies = list(Agency.objects.filter(uscc__in=codes))
    StockRecord.objects.bulk_create([
        StockRecord(partner_id=a.partner_id, product=item, partner_sku=offer_sku(a.pk, item.pk),
                    price=1000 + a.pk % 97, price_currency="CNY")
        for a in agencies for item in offers])
    Agency.service_regions.through.objects.bulk_create([
        Agency.service_regions.through(agency_id=a.pk, region_id=reg.pk) for a in agencies])
    if qualification:
        Qualification.objects.bulk_create([
            Qualification(agency=a, name=qualification, grade="乙级") for a in agencies])
    return agencies


# -- registration papers ------------------------------------------------------------------------
def png_bytes(width: int = 400, height: int = 300) -> bytes:
    """A real PNG image (Pillow), e.g. a scanned licence."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 400, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 30, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF (Pillow writes it)."""
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), (255, 255, 255)).save(buffer, "PDF")
    return buffer.getvalue()


def paper(owner: Agency, *, kind: str = Paper.Kind.BUSINESS_LICENCE, title: str = "营业执照",
          expires_on=None, qualification=None, content: bytes | None = None,
          name: str = "营业执照.png", **fields) -> Paper:
    """A paper uploaded through the real service by the agency's own account."""
    return paper_upload(
        actor=agency_user(owner), agency=owner,
        paper=PaperInput(kind=kind, title=title, expires_on=expires_on,
                         qualification_id=qualification.pk if qualification else None,
                         **fields),
        upload=SimpleUploadedFile(name, content if content is not None else png_bytes()))
