"""Every component schema is a valid JSON Schema, and every example validates against its
schema, in each bundle given.   python3 validate_bundles.py <bundle.json>..."""
import sys

from anchor_contract import Bundle, jsonschema_version


def main(paths):
    failures = []
    for path in paths:
        bundle = Bundle(path)
        for name, schema in bundle.schemas().items():
            try:
                bundle.check_schema(schema)
            except Exception as e:  # jsonschema.SchemaError
                failures.append(f"{path}: components/schemas/{name} is not a valid schema: {e}")
        examples = bundle.examples()
        for where, schema, value in examples:
            failures.extend(f"{path}: {where}: {error}" for error in bundle.errors(schema, value))
        print(f"ok {bundle.version} {path}: {len(bundle.schemas())} schemas, {len(examples)} examples (jsonschema {jsonschema_version()})")
    for failure in failures:
        print(f"FAIL {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
