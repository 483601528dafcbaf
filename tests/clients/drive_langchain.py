"""LangChain's OpenAI chat models from the environment: `AzureChatOpenAI(azure_deployment=D)`
(endpoint, key and api-version from the environment) or `ChatOpenAI(model=M)`.

    drive_langchain.py azure|openai MODEL
"""

from _drive import arg, run

kind, model = arg(1), arg(2, "gpt-4o-mini")


def call():
    if kind == "azure":
        from langchain_openai import AzureChatOpenAI

        llm = AzureChatOpenAI(azure_deployment=model, max_retries=0)
    else:
        from langchain_openai import ChatOpenAI

        llm = ChatOpenAI(model=model, max_retries=0)
    return llm.invoke("ping").content


run("langchain." + kind, call)
