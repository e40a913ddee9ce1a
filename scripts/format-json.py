#!/usr/bin/env python3
"""Rewrite rule-set JSON files so that short objects and lists sit on one line.

Rule files are read by policy officers; a range or a table row on one line reads like a row of
the published table. Usage: scripts/format-json.py FILE...
"""
import json
import sys

WIDTH = 110


def render(value, depth=0, column=0):
    """`column` is where the value starts on its line; `depth` is its nesting level."""
    flat = json.dumps(value, ensure_ascii=False)
    if column + len(flat) <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = "  " * (depth + 1)
    end = "  " * depth
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = f"{pad}{json.dumps(k, ensure_ascii=False)}: "
            items.append(key + render(v, depth + 1, len(key)))
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    items = [pad + render(v, depth + 1, len(pad)) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + end + "]"


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    with open(path, "w", encoding="utf-8") as f:
        f.write(render(data) + "\n")
