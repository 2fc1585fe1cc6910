"""The Anchor Webhooks contract for Python, with the standard library and Debian's
python3-jsonschema only: load a bundle (OpenAPI 3.1 or its 3.0.3 companion), validate a
value against any schema in it, and find every example it holds."""
import copy
import datetime
import json
import urllib.parse
import uuid

import jsonschema
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker, RefResolver

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value):
    if not isinstance(value, str):
        return True
    if "T" not in value.upper() or not (value.endswith(("Z", "z")) or value[-6] in "+-"):
        raise ValueError("not an RFC 3339 date-time with an offset")
    datetime.datetime.fromisoformat(value[:-1] + "+00:00" if value[-1] in "Zz" else value)
    return True


@FORMATS.checks("uri", raises=ValueError)
def _uri(value):
    if isinstance(value, str) and not urllib.parse.urlsplit(value).scheme:
        raise ValueError("not an absolute URI")
    return True


@FORMATS.checks("uuid", raises=ValueError)
def _uuid(value):
    if isinstance(value, str):
        uuid.UUID(value)
    return True


def _nullable_to_json_schema(node):
    """OpenAPI 3.0 `nullable: true` as JSON Schema: null, or what the rest of the schema allows."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _nullable_to_json_schema(v) for k, v in node.items()}
    if node.pop("nullable", False) is True:
        # The example is the property's (it may be null), not the non-null branch's.
        outer = {k: node.pop(k) for k in ("description", "example") if k in node}
        return {"anyOf": [{"type": "null"}, node], **outer}
    return node


class Bundle:
    """One bundled OpenAPI document; `version` is "3.1" or "3.0"."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.raw = json.load(f)
        self.path = path
        self.version = "3.1" if self.raw["openapi"].startswith("3.1") else "3.0"
        # 3.0 schemas are validated as JSON Schema draft 4 once `nullable` is spelt out.
        self.doc = self.raw if self.version == "3.1" else _nullable_to_json_schema(copy.deepcopy(self.raw))
        self.validator_class = Draft202012Validator if self.version == "3.1" else Draft4Validator
        self.resolver = RefResolver(base_uri="", referrer=self.doc)

    def at(self, pointer):
        node = self.doc
        for part in pointer.lstrip("/").split("/") if pointer else []:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def validator(self, schema):
        return self.validator_class(schema, resolver=self.resolver, format_checker=FORMATS)

    def errors(self, schema, value):
        """Each way `value` breaks `schema`, as one line; empty when it is valid."""
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in self.validator(schema).iter_errors(value)]

    def check_schema(self, schema):
        self.validator_class.check_schema(schema)

    def schemas(self):
        return self.doc["components"]["schemas"]

    def webhooks(self):
        return self.doc.get("webhooks") or self.doc.get("x-webhooks") or {}

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.at(node["$ref"][1:])
        return node

    def response_schema(self, method, template, status):
        """The schema of the documented answer of an operation, and its media type."""
        responses = self.doc["paths"][template][method.lower()]["responses"]
        response = self.resolve(responses[str(status)])
        (media_type, content), = response["content"].items()
        return media_type, content["schema"]

    def examples(self):
        """(where, schema, value) for every example: in schemas (and their properties), media types, parameters and headers."""
        found = []

        def in_schema(node, pointer):
            if isinstance(node, list):
                for i, child in enumerate(node):
                    in_schema(child, f"{pointer}/{i}")
                return
            if not isinstance(node, dict):
                return
            if "example" in node:
                found.append((f"{pointer}/example", node, node["example"]))
            if isinstance(node.get("examples"), list):
                for i, value in enumerate(node["examples"]):
                    found.append((f"{pointer}/examples/{i}", node, value))
            for key in ("properties", "patternProperties", "$defs", "definitions"):
                for name, child in (node.get(key) or {}).items():
                    in_schema(child, f"{pointer}/{key}/{name}")
            for key in ("items", "additionalProperties", "not"):
                if isinstance(node.get(key), dict):
                    in_schema(node[key], f"{pointer}/{key}")
            for key in ("allOf", "oneOf", "anyOf"):
                if key in node:
                    in_schema(node[key], f"{pointer}/{key}")

        def walk(node, pointer):
            if isinstance(node, list):
                for i, child in enumerate(node):
                    walk(child, f"{pointer}/{i}")
                return
            if not isinstance(node, dict):
                return
            if "schema" in node and isinstance(node["schema"], dict):
                schema = node["schema"]
                if "example" in node:
                    found.append((f"{pointer}/example", schema, node["example"]))
                for name, example in (node.get("examples") or {}).items():
                    example = self.resolve(example)
                    if "value" in example:
                        found.append((f"{pointer}/examples/{name}/value", schema, example["value"]))
                in_schema(schema, f"{pointer}/schema")
            for key, child in node.items():
                if key in ("schema", "example", "examples"):
                    continue
                if pointer == "/components" and key == "schemas":
                    for name, schema in child.items():
                        in_schema(schema, f"/components/schemas/{name}")
                    continue
                walk(child, f"{pointer}/{key}")

        walk(self.doc, "")
        return found


def jsonschema_version():
    import importlib.metadata

    return importlib.metadata.version("jsonschema")
