"""Whether the environment holds NAME, as a client would look it up (os.environ.get): prints
the SHA-256 fingerprint of its value, never the value; exit 1 when it is unset.

    drive_env.py NAME
"""

import hashlib
import json
import os
import sys

name = sys.argv[1]
value = os.environ.get(name)
print(
    json.dumps(
        {
            "client": "environ",
            "ok": value is not None,
            "name": name,
            "fp": hashlib.sha256(value.encode()).hexdigest()[:12] if value is not None else None,
        }
    )
)
sys.exit(0 if value is not None else 1)
