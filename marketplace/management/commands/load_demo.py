"""Load the demo: catalogue, agencies, one account per role, then each app's own demo data.

``--once`` does nothing if the demo is already loaded (the run command calls it every start).
``--url`` is the address the site is served on, printed at the end (the Makefile passes its
``HOST`` and ``PORT``, so ``make run PORT=8101`` prints the port it serves).
"""
import importlib

from django.core.management.base import BaseCommand

from marketplace.demo import DEMO_LOGINS, demo_loaded, load_core_demo, one_hash_per_password

APP_DEMOS = ["bidding.demo", "ratings.demo", "credit.demo"]


class Command(BaseCommand):
    help = "Load realistic demo data (Chinese) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="skip if the demo is already loaded")
        parser.add_argument("--url", default="http://127.0.0.1:8000/",
                            help="the address the site is served on, printed at the end")

    def handle(self, *args, once=False, url="http://127.0.0.1:8000/", **options):
        if once and demo_loaded():
            self.stdout.write("demo data already loaded")
        else:
            with one_hash_per_password():   # the apps' demos create accounts too
                load_core_demo(stdout=self.stdout)
                for name in APP_DEMOS:
                    try:
                        module = importlib.import_module(name)
                    except ModuleNotFoundError as exc:
                        if exc.name != name:
                            raise
                        continue
                    module.load(stdout=self.stdout)
        self.stdout.write("\nDemo logins (password for all: %s):" % DEMO_LOGINS["password"])
        for role, username in DEMO_LOGINS["users"]:
            self.stdout.write(f"  {role:<28} {username}")
        self.stdout.write(f"\nOpen {url}")
