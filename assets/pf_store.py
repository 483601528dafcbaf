# Puts one connection into prompt flow's local store through its own Python API
# (PFClient().connections.create_or_update), as `aiconn export NAME --to promptflow` asks.
# The connection, secrets included, comes as JSON on stdin: never in argv, a file or output.
# Exit codes: 0 stored, 3 prompt flow not importable, 4 its store has no usable keyring,
# 5 the connection class is unknown to this prompt flow, 1 anything else (message on stderr).
import json
import sys

try:
    from promptflow.client import PFClient
    import promptflow.connections as pf_connections
except Exception as e:  # ImportError, or a broken install
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(3)

spec = json.load(sys.stdin)
cls = getattr(pf_connections, spec["class"], None)
if cls is None and spec["class"] in ("QdrantConnection", "WeaviateConnection"):
    try:
        import promptflow_vectordb.connections as vdb

        cls = getattr(vdb, spec["class"], None)
    except Exception:
        cls = None
if cls is None:
    print(spec["class"], file=sys.stderr)
    sys.exit(5)
if spec["class"] in ("CustomConnection", "CustomStrongTypeConnection"):
    conn = pf_connections.CustomConnection(
        name=spec["name"], configs=spec["configs"], secrets=spec["secrets"]
    )
else:
    conn = cls(name=spec["name"], **spec["values"], **spec["secrets"])
try:
    PFClient().connections.create_or_update(conn)
except Exception as e:
    text = f"{type(e).__name__}: {e}"
    for v in spec["secrets"].values():
        if v:
            text = text.replace(v, "***")
    print(text, file=sys.stderr)
    sys.exit(4 if "keyring" in text.lower() or "backend" in text.lower() else 1)
print(spec["name"])
