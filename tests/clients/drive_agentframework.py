"""Microsoft Agent Framework's OpenAI clients built from the environment only, as its samples do:
`OpenAIChatClient()` (Responses API) or `OpenAIChatCompletionClient()` (chat completions);
Azure or OpenAI routing is the framework's own choice from the variables it finds.

    drive_agentframework.py chat|chat_completion
"""

import asyncio

from _drive import arg, run

from agent_framework.openai import OpenAIChatClient, OpenAIChatCompletionClient

kind = arg(1)


def call():
    cls = {"chat": OpenAIChatClient, "chat_completion": OpenAIChatCompletionClient}[kind]

    async def go():
        client = cls()
        agent = client.as_agent(instructions="Answer in one word.")
        r = await agent.run("ping")
        return r.text

    return asyncio.run(go())


run("agentframework." + kind, call)
