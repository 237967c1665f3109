"""The test OIDC provider (``tests/oidc_provider/``), started once per test session in a
subprocess on a free port with its own SQLite file, and the marketplace pointed at it."""
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings

from core.identity.config import forget_metadata
from core.uscc import make_uscc
from tests.browser.conftest import browser, page  # noqa: F401  (the browser test's fixtures)

ROOT = Path(django_settings.BASE_DIR)
CLIENT = {"id": "marketplace", "secret": "marketplace-secret-7d1f",
          # The test client's host, and the live server's (localhost, any port: RFC 8252).
          "redirect_uris": ["http://testserver/accounts/portal/callback/",
                            "http://localhost/accounts/portal/callback/"]}
PASSWORD = "Portal#2026pw"


def _legal(code: str, org: str, person: str) -> dict:
    return {"password": PASSWORD, "claims": {"login_kind": "legal_person", "uscc": code,
                                             "org_name": org, "name": person}}


# The people the portal knows, and their claims (sub is the provider's user id).
PEOPLE = {
    "agency_legal": _legal(make_uscc(880001), "楚天工程咨询有限公司", "李法人"),
    "buyer_legal": _legal(make_uscc(880002), "江城新材料有限公司", "王法人"),
    "new_legal": _legal(make_uscc(880003), "荆楚安全评价有限公司", "赵法人"),
    "bad_code": _legal("91420100MA4K000000", "代码有误有限公司", "钱法人"),
    "no_code": {"password": PASSWORD, "claims": {"login_kind": "legal_person",
                                                 "org_name": "无代码有限公司"}},
    "no_kind": {"password": PASSWORD, "claims": {"name": "孙某"}},
    "citizen": {"password": PASSWORD, "claims": {"login_kind": "natural_person",
                                                 "name": "张三"}},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pem(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


@dataclass
class Provider:
    url: str
    issuer: str

    def person(self, username: str) -> dict:
        return PEOPLE[username]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The running provider: migrated, its people and the marketplace's client created, an RS256
    key (and a second one, for forged signatures) generated now."""
    workdir = tmp_path_factory.mktemp("oidc_provider")
    _pem(workdir / "rsa.pem")
    _pem(workdir / "other.pem")
    (workdir / "people.json").write_text(json.dumps(PEOPLE, ensure_ascii=False))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
           "OIDC_PROVIDER_DIR": str(workdir), "OIDC_PROVIDER_URL": url,
           "OIDC_PROVIDER_CLIENT": json.dumps(CLIENT), "PYTHONPATH": str(ROOT)}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.bootstrap"], env=env, cwd=ROOT,
                   check=True)
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload",
         "--skip-checks"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    issuer = url + "/o"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(issuer + "/.well-known/openid-configuration",
                                timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((workdir / "server.log").read_text())
            time.sleep(0.1)
        yield Provider(url=url, issuer=issuer)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def portal(oidc_provider, settings):
    """The marketplace configured for the provider, as the OIDC_* variables would."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT["id"]
    settings.OIDC_RP_CLIENT_SECRET = CLIENT["secret"]
    forget_metadata()
    yield oidc_provider
    forget_metadata()
