"""Loads the joined solution template (agent/templates/solution/*.py) as a
module, with an empty profile and plan that tests fill in per case."""
import glob
import os
import types

SOURCE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "agent", "templates", "solution")


def load():
    parts = sorted(glob.glob(os.path.join(SOURCE, "*.py")))
    text = "".join(open(p).read() for p in parts)
    text = text.replace("__KAGENT_PROFILE_JSON__", "{}", 1).replace("__KAGENT_PLAN_JSON__", "{}", 1)
    module = types.ModuleType("solution")
    module.__file__ = "solution.py"
    exec(compile(text, "solution.py", "exec"), module.__dict__)
    return module
