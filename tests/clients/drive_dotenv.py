"""python-dotenv reading a .env file as the SDKs and prompt flow load it: prints each name with
the SHA-256 fingerprint of its value (never the value), so a test compares without revealing.

    drive_dotenv.py FILE
"""

import hashlib
import json
import sys

from dotenv import dotenv_values

values = dotenv_values(sys.argv[1])
print(
    json.dumps(
        {
            "client": "python-dotenv",
            "ok": True,
            "values": {
                k: (hashlib.sha256(v.encode()).hexdigest()[:12] if v is not None else None)
                for k, v in values.items()
            },
        }
    )
)
