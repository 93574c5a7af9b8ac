#!/usr/bin/env bash
# Installs the JSON Schema tools that tests/testsuite/schema_tools.rs runs
# the editor schemas through, into target/schema-tools (not the system):
# Python's jsonschema and check-jsonschema in a virtual environment, ajv and
# ajv-errors for node. Needs python3 (with venv) and npm.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=target/schema-tools
mkdir -p "$dir"
[ -x "$dir/venv/bin/python" ] || python3 -m venv "$dir/venv"
"$dir/venv/bin/pip" install -q --disable-pip-version-check \
    jsonschema==4.26.0 check-jsonschema==0.39.0
[ -f "$dir/package.json" ] || echo '{"private": true}' >"$dir/package.json"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    ajv@8.20.0 ajv-errors@3.0.0
