"""Claude on Foundry with the anthropic SDK from the environment only: `AnthropicFoundry()`.

    drive_anthropic.py MODEL
"""

from _drive import arg, run

model = arg(1, "claude-loopback")


def call():
    from anthropic import AnthropicFoundry

    r = AnthropicFoundry(max_retries=0).messages.create(
        model=model, max_tokens=1, messages=[{"role": "user", "content": "ping"}]
    )
    return r.content[0].text


run("anthropic.foundry", call)
