#!/usr/bin/env python3
"""Writes docs/openapi.yaml (argv[1]) as JSON into a C++ source (argv[2])
defining openapi_json(), at build time: the YAML is the one source and
kagentd serves GET /openapi.json with no files around."""
import json
import sys

try:
    import yaml
except ImportError:
    sys.exit("embed_openapi.py: PyYAML is missing: apt-get install python3-yaml "
             "(scripts/install-deps.sh)")

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    doc = yaml.safe_load(f)
text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
delim = "KAGENT_JSON"
if ")" + delim + '"' in text:
    sys.exit(f"{src}: contains the raw-string delimiter {delim}")
with open(out, "w", encoding="utf-8") as f:
    # The path without the checkout's location, so ccache hits across clones.
    name = "/".join(src.replace("\\", "/").split("/")[-2:])
    f.write(f"// generated from {name}; do not edit\n"
            '#include "http/openapi.hpp"\n'
            "namespace kagent::http {\n"
            "const std::string& openapi_json() {\n"
            f'  static const std::string json = R"{delim}({text}){delim}";\n'
            "  return json;\n"
            "}\n"
            "}\n")
