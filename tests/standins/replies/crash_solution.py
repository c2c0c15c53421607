#!/usr/bin/env python3
"""A scripted LLM reply that crashes before it writes submission.csv."""
import json

MARKER = "standin-program crash"
print(MARKER, flush=True)
print(json.dumps({"progress": 0.1, "message": "starting"}), flush=True)
columns = {"species": 3}
weights = 1 / (columns["species"] - 3)  # ZeroDivisionError: the bug the repair fixes
open("submission.csv", "w")
