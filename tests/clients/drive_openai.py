"""The openai SDK from the environment only: `AzureOpenAI()`, `OpenAI()`, or the module client.

    drive_openai.py azure|openai|module MODEL
MODEL is what user code passes as `model=` (the deployment name on Azure).
"""

from _drive import PROMPT, arg, run

import openai

kind, model = arg(1), arg(2, "gpt-4o-mini")


def call():
    if kind == "azure":
        client = openai.AzureOpenAI()
    elif kind == "openai":
        client = openai.OpenAI()
    elif kind == "module":
        client = openai  # the module client: configured from the environment on first use
    else:
        raise SystemExit("kind must be azure, openai or module")
    r = client.chat.completions.create(model=model, messages=PROMPT, max_tokens=1)
    return r.choices[0].message.content


run("openai." + kind, call)
