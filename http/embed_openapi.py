#!/usr/bin/env python3
"""Writes docs/openapi.yaml (argv[1]) as JSON into a C++ source (argv[2])
defining openapi_json(), at build time: the YAML is the one source and
kagentd serves GET /openapi.json with no files around."""
import json
import sys

import yaml

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
delim = "KAGENT_JSON"
if ")" + delim + '"' in text:
    sys.exit(f"{src}: contains the raw-string delimiter {delim}")
with open(out, "w", encoding="utf-8") as f:
    f.write(f"// generated from {src}; do not edit\n"
            '#include "http/openapi.hpp"\n'
            "namespace kagent::http {\n"
            "const std::string& openapi_json() {\n"
            f'  static const std::string json = R"{delim}({text}){delim}";\n'
            "  return json;\n"
            "}\n"
            "}\n")
