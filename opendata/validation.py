"""Validating what we publish against the OCDS 1.1.5 schema (docs/architecture.md, "Open
data"), offline: the vendored release schema with the bid extension merged in (RFC 7386,
``merge_patch``) and the package schemas, their ``$ref``s resolved from a local
``referencing`` registry (draft-04), never fetched."""
from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch: ``patch`` applied onto a copy of ``target``."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(relative: str) -> dict:
    return json.loads((SCHEMA_DIR / relative).read_text(encoding="utf-8"))


@functools.cache
def _release_schema() -> dict:
    return merge_patch(_load("standard-1.1.5/release-schema.json"),
                       _load("bid-extension-1.1.5/release-schema.json"))


def release_schema() -> dict:
    """The vendored OCDS 1.1.5 release schema with the bid extension merged in (a copy)."""
    return copy.deepcopy(_release_schema())


def package_schema(kind: str) -> dict:
    """The vendored release or record package schema (``kind``: "release" or "record")."""
    return _load(f"standard-1.1.5/{kind}-package-schema.json")


VERSIONED_URI = ("https://standard.open-contracting.org/schema/1__1__5/"
                 "versioned-release-validation-schema.json")


def _resource(schema: dict) -> Resource:
    return Resource.from_contents(schema, default_specification=DRAFT4)


@functools.cache
def _registry() -> Registry:
    release = release_schema()
    versioned = _load("standard-1.1.5/versioned-release-validation-schema.json")
    resources = [(release["id"], _resource(release)), (VERSIONED_URI, _resource(versioned))]
    for kind in ("release", "record"):
        schema = package_schema(kind)
        resources.append((schema["id"], _resource(schema)))
    return Registry().with_resources(resources)


@functools.cache
def _validator(kind: str) -> Draft4Validator:
    schema = release_schema() if kind == "single" else package_schema(kind)
    return Draft4Validator(schema, registry=_registry(),
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def _messages(validator: Draft4Validator, instance) -> list[str]:
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in errors]


def validate_release(release: dict) -> list[str]:
    """The schema errors of one release (``[]`` when it is valid), each ``path: message``."""
    return _messages(_validator("single"), release)


def validate_package(package: dict, kind: str) -> list[str]:
    """The schema errors of a release package (``kind="release"``) or a record package
    (``kind="record"``)."""
    if kind not in ("release", "record"):
        raise ValueError(f"kind must be 'release' or 'record', not {kind!r}")
    return _messages(_validator(kind), package)
