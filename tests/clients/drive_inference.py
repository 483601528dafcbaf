"""azure-ai-inference (legacy, retired 2026-08-26): it reads no variable itself, so user code
passes the endpoint and key from the variables named on the command line.

    drive_inference.py ENDPOINT_VAR KEY_VAR [MODEL]
"""

import os

from _drive import PROMPT, arg, run

endpoint_var, key_var, model = arg(1), arg(2), arg(3)


def call():
    from azure.ai.inference import ChatCompletionsClient
    from azure.core.credentials import AzureKeyCredential

    client = ChatCompletionsClient(
        endpoint=os.environ[endpoint_var], credential=AzureKeyCredential(os.environ[key_var])
    )
    r = client.complete(messages=PROMPT, model=model, max_tokens=1)
    return r.choices[0].message.content


run("azure-ai-inference", call)
