"""Shared by the drive_*.py scripts: run one client call, print one JSON line, never a secret.

Each driver makes the call the way a user would (the client built from the environment only,
as its docs show) and prints {"client", "ok", "content" | "error"}; exit 0 when the call
worked, 1 when the client failed (the JSON says how), so a test can compare the two verdicts.
"""

import json
import os
import re
import sys
import traceback

PROMPT = [{"role": "user", "content": "ping"}]


def _scrub(text):
    # the error text of a client may quote a header or URL: never let a key-like value through
    for name, value in os.environ.items():
        if value and len(value) >= 8 and re.search("KEY|TOKEN|SECRET|PASSWORD", name):
            text = text.replace(value, "<%s>" % name)
    return text


def run(client, call):
    """Prints the result of call() (a string: the model's answer) as JSON; exits 0 or 1."""
    try:
        content = call()
        print(json.dumps({"client": client, "ok": True, "content": content}))
        sys.exit(0)
    except SystemExit:
        raise
    except BaseException as e:  # the client's own failure is the result under test
        msg = "%s: %s" % (type(e).__name__, e)
        if os.environ.get("DRIVE_TRACEBACK"):
            sys.stderr.write(_scrub(traceback.format_exc()))
        print(json.dumps({"client": client, "ok": False, "error": _scrub(msg)[:2000]}))
        sys.exit(1)


def arg(i, default=None):
    return sys.argv[i] if len(sys.argv) > i else default
