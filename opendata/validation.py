"""Validating what we publish against the OCDS 1.1.5 schema (docs/architecture.md, "Open
data"), offline: the vendored release schema with the bid extension merged in (RFC 7386,
``opendata.ocds.merge_patch``) and the package schemas, their ``$ref``s resolved from a local
``referencing`` registry (draft-04), never fetched."""
from __future__ import annotations

import functools

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from opendata.ocds import _load, package_schema, release_schema

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
