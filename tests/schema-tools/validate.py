"""Validates every instance listed in an index with Python's jsonschema.

Usage: validate.py INDEX SCHEMA_DIR. The index is a JSON list of
{"file", "kind"}; kind is partner or config. Prints one JSON object:
file -> list of error messages (empty when valid). Formats are not checked,
as editors and check-jsonschema --disable-formats do not either.
"""
import json
import sys

from jsonschema import Draft7Validator

index_path, schema_dir = sys.argv[1], sys.argv[2]
validators = {}
for kind, name in [("partner", "partner"), ("config", "partnerbook")]:
    with open(f"{schema_dir}/{name}.schema.json", encoding="utf-8") as f:
        schema = json.load(f)
    Draft7Validator.check_schema(schema)
    validators[kind] = Draft7Validator(schema)
with open(index_path, encoding="utf-8") as f:
    index = json.load(f)
out = {}
for entry in index:
    with open(entry["file"], encoding="utf-8") as f:
        instance = json.load(f)
    errors = validators[entry["kind"]].iter_errors(instance)
    out[entry["file"]] = [e.message for e in errors]
json.dump(out, sys.stdout)
