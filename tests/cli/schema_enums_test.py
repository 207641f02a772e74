#!/usr/bin/python3
"""The JSON Schema's enums name exactly what the registries hold: model kinds,
losses, optimizers, schedules, suggestion rules, methods, sweeps, check
verdicts and stop reasons. Adding an entry without its schema row (or the
other way round) fails here.

Usage: schema_enums_test.py LR_FIND_DOCGEN_BINARY SOURCE_DIR
"""

import json
import os
import subprocess
import sys


def enums(node, path=()):
    """(path, values) of every enum or const in the schema."""
    if isinstance(node, dict):
        if "enum" in node:
            yield path, [v for v in node["enum"] if v is not None]
        if "const" in node:
            yield path, [node["const"]]
        for key, value in node.items():
            yield from enums(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from enums(value, path + (str(i),))


def main():
    docgen, source = sys.argv[1], sys.argv[2]
    registries = json.loads(subprocess.run([docgen, "registries"], check=True, capture_output=True, text=True).stdout)
    with open(os.path.join(source, "schema", "lr-find.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    found = dict(("/".join(p), v) for p, v in enums(schema))
    props = schema["properties"]
    optimizer_names = []
    for alternative in schema["$defs"]["optimizer"]["oneOf"]:
        name = alternative["properties"]["name"]
        optimizer_names += name["enum"] if "enum" in name else [name["const"]]
    schedule_names = []
    for alternative in schema["$defs"]["schedule"]["oneOf"]:
        name = alternative["properties"]["name"]
        schedule_names += name["enum"] if "enum" in name else [name["const"]]
    checks = [
        ("model kinds (model.kind)", found["properties/model/properties/kind"], registries["model"]),
        ("model kinds (config.model)", found["properties/config/properties/model"], registries["model"]),
        ("losses (model.loss)", found["properties/model/properties/loss"], registries["loss"]),
        ("optimizers (config.optimizer)", found["properties/config/properties/optimizer"], registries["optimizer"]),
        ("optimizers (optimizer.name)", optimizer_names, registries["optimizer"]),
        ("schedules (config.schedule)", found["properties/config/properties/schedule"], registries["schedule"]),
        ("schedules (recommendation.schedule.name)", schedule_names, registries["schedule"]),
        ("methods (method)", found["properties/method"], registries["method"]),
        ("methods (config.method)", found["properties/config/properties/method"], registries["method"]),
        ("sweeps (config.sweep)", found["properties/config/properties/sweep"], registries["sweep"]),
        ("rules (recommendation.suggestions)",
         list(props["recommendation"]["properties"]["suggestions"]["properties"]), registries["rule"]),
        ("verdicts (check.verdict)", found["properties/check/properties/verdict"], registries["verdict"]),
        ("stop reasons (range_test.stop_reason)", found["properties/range_test/properties/stop_reason"],
         registries["stop_reason"]),
    ]
    failed = 0
    for what, in_schema, in_code in checks:
        if sorted(in_schema) != sorted(in_code):
            failed += 1
            print(f"FAILED: {what}: the schema has {sorted(in_schema)}, the registries {sorted(in_code)}")
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
