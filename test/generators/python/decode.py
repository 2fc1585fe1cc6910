"""Decodes bodies with the models quicktype generated for Python (models.py in <models dir>),
as a strictly typed Python client would.   python3 decode.py <models dir> <fixtures.json>

fixtures.json is {"<SchemaName>": <body>, ...}; prints one line per body, exits 1 if any fails."""
import json
import re
import sys


def main(models_dir, fixtures_file):
    sys.path.insert(0, models_dir)
    import models  # noqa: E402  (generated at test time)

    with open(fixtures_file, encoding="utf-8") as f:
        fixtures = json.load(f)
    failed = False
    for name, body in fixtures.items():
        decoder = getattr(models, re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() + "_from_dict")
        try:
            decoder(body)
            print(f"ok decoded {name}")
        except Exception as e:  # quicktype's decoders assert, or raise ValueError for an unknown enum value
            failed = True
            print(f"FAIL {name}: {type(e).__name__}: {e}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
