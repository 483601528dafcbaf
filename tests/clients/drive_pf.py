"""prompt flow as its users run it, from the same venv's `pf`:

    drive_pf.py flow CONNECTION MODEL   `pf flow test` on a one-node llm flow using CONNECTION
                                        (MODEL: the deployment on Azure, the model elsewhere)
    drive_pf.py from_env TYPE NAME MODEL   prompt flow's own TYPE.from_env() (azure_open_ai,
                                        open_ai) saved as NAME through PFClient, then `flow`
    drive_pf.py create FILE             `pf connection create -f FILE`
    drive_pf.py show NAME               the connection as pf's store holds it (secrets as
                                        fingerprints: which key it would send, never the key)

PF_HOME_DIRECTORY, the keyring backend and no tracing come from the caller's environment.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

from _drive import _scrub, arg

PF = os.path.join(os.path.dirname(sys.executable), "pf")

FLOW = """inputs:
  q:
    type: string
    default: ping
outputs:
  answer:
    type: string
    reference: ${chat.output}
nodes:
- name: chat
  type: llm
  source:
    type: code
    path: chat.jinja2
  inputs:
    deployment_name: %(model)s
    model: %(model)s
    max_tokens: 1
    temperature: 0
  connection: %(connection)s
  api: chat
"""


def done(ok, **kw):
    print(json.dumps({"client": "promptflow." + sys.argv[1], "ok": ok, **kw}))
    sys.exit(0 if ok else 1)


def pf(*args, cwd=None):
    p = subprocess.run([PF, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=cwd, timeout=300)
    return p.returncode, _scrub(p.stdout), _scrub(p.stderr)


def flow(connection, model):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "flow.dag.yaml"), "w") as f:
            f.write(FLOW % {"model": model, "connection": connection})
        with open(os.path.join(d, "chat.jinja2"), "w") as f:
            f.write("# user:\n{{q}}\n")
        code, out, err = pf("flow", "test", "--flow", d, "--inputs", "q=ping")
        if code == 0 and "pong" in out:
            done(True, content="pong")
        done(False, error=(err.strip() or out.strip())[-2000:])


def create(path):
    code, out, err = pf("connection", "create", "-f", path)
    if code == 0:
        done(True, content=out.strip()[-500:])
    done(False, error=(err.strip() or out.strip())[-2000:])


def show(name):
    from promptflow.client import PFClient

    try:
        c = PFClient().connections.get(name, with_secrets=True)
    except Exception as e:  # not in the store: a verdict, not a crash
        done(False, error=f"{type(e).__name__}: {e}")
    d = c._to_dict()
    secrets = {k: hashlib.sha256(str(v).encode()).hexdigest()[:12] for k, v in (getattr(c, "secrets", None) or {}).items()}
    configs = {k: v for k, v in d.items() if k not in ("secrets", "api_key")}
    done(True, type=d.get("type"), configs=configs, secrets=secrets)


def from_env(kind, name, model):
    from promptflow.client import PFClient
    from promptflow.connections import AzureOpenAIConnection, OpenAIConnection

    cls = {"azure_open_ai": AzureOpenAIConnection, "open_ai": OpenAIConnection}[kind]
    try:
        conn = cls.from_env(name=name)
        PFClient().connections.create_or_update(conn)
    except Exception as e:  # the failure of from_env is the verdict
        done(False, error=_scrub("%s: %s" % (type(e).__name__, e)))
    flow(name, model)


cmd = arg(1)
if cmd == "from_env":
    from_env(arg(2), arg(3), arg(4, "gpt-4o-mini"))
elif cmd == "flow":
    flow(arg(2), arg(3, "gpt-4o-mini"))
elif cmd == "create":
    create(arg(2))
elif cmd == "show":
    show(arg(2))
else:
    raise SystemExit(__doc__)
