"""Create an approval-department or regulator account (these are never self-registered).

    manage.py create_staff --kind regulator --org "某市政务服务管理局" --username reg1 --password …

Regulators become staff users with the catalogue permissions of the admin (R7); every change
they make there is audited."""
from django.core.management.base import BaseCommand, CommandError

from core.errors import MarketplaceError
from core.models import Organisation, Region
from core.services.accounts import staff_create


class Command(BaseCommand):
    help = "Create an approval-department or regulator account."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True,
                            choices=[Organisation.Kind.APPROVAL, Organisation.Kind.REGULATOR])
        parser.add_argument("--org", required=True, help="organisation (department) name")
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--region", default="", help="region code, e.g. 420000")

    def handle(self, *args, kind, org, username, password, email, region, **options):
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(f"unknown region code {region}")
        try:
            user = staff_create(kind=kind, organisation_name=org, username=username,
                                password=password, email=email, region=region_obj)
        except MarketplaceError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(details or str(exc)) from exc
        extra = " (staff: may maintain the catalogue in /admin/)" if user.is_staff else ""
        self.stdout.write(self.style.SUCCESS(
            f"created {kind} account {user.username} in {user.member.organisation.name}{extra}"))
