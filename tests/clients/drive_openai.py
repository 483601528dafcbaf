"""The openai SDK from the environment only: `AzureOpenAI()`, `OpenAI()`, or the module client.

    drive_openai.py azure|openai|module MODEL
MODEL is what user code passes as `model=` (the deployment name on Azure). With DRIVE_DOTENV=FILE
the script first loads FILE with python-dotenv's load_dotenv, as an app with a .env does.
"""

from _drive import PROMPT, arg, run

import os

if os.environ.get("DRIVE_DOTENV"):
    # the app loads a .env file the way the SDKs' docs show (python-dotenv), before the client
    from dotenv import load_dotenv

    load_dotenv(os.environ["DRIVE_DOTENV"])

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
