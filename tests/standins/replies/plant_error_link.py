#!/usr/bin/env python3
"""A scripted LLM reply that plants a link where kagentd will write its
error output (train_error_0.txt -> a host file), then crashes before it
writes submission.csv."""
import os

MARKER = "standin-program plants a link"
print(MARKER, flush=True)
os.symlink("__HOST_TARGET__", "train_error_0.txt")
raise SystemExit("standin-program crash after planting the link")
open("submission.csv", "w")  # not reached
