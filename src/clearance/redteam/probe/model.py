# SPDX-License-Identifier: Apache-2.0
"""The model under test: an OpenAI-compatible HTTP endpoint or a Python callable.

:class:`ChatModel` posts ``{"model", "messages", "temperature", "max_tokens"}`` to
``BASE_URL/chat/completions`` with ``Authorization: Bearer KEY`` (the key is read from an
environment variable and never written to evidence). It retries 429, 5xx, timeouts and
dropped connections with exponential back-off, honouring ``Retry-After``.
"""

from __future__ import annotations

import json
import os
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from clearance.errors import FetchError

__all__ = ["CallableModel", "ChatModel", "Exchange", "Model", "ModelError"]


class ModelError(FetchError):
    """Raised when the model endpoint fails after its retries (names the URL)."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request to the model and what came back (the evidence of a probe)."""

    request: dict[str, Any]
    response: dict[str, Any] | None
    status: int | None
    text: str
    attempts: int
    started: float
    seconds: float
    error: str | None = None


class Model(Protocol):
    """Anything that answers a prompt."""

    name: str

    def ask(self, prompt: str) -> Exchange:
        """Return the exchange for one prompt; raise ModelError when it cannot be had."""
        ...


@dataclass(slots=True)
class CallableModel:
    """A Python callable ``prompt -> text`` as a model (local pipelines, tests)."""

    fn: Callable[[str], str]
    name: str = "callable"

    def ask(self, prompt: str) -> Exchange:
        started = time.time()
        text = self.fn(prompt)
        return Exchange({"prompt": prompt}, {"text": text}, None, text, 1, started,
                        time.time() - started)


@dataclass(slots=True)
class ChatModel:
    """An OpenAI-compatible chat/completions endpoint."""

    base_url: str
    model: str
    api_key_env: str | None = "OPENAI_API_KEY"
    system: str | None = None
    temperature: float = 0.0
    max_tokens: int = 512
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0
    backoff_max: float = 60.0
    name: str = field(default="")
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.name = self.name or self.model
        if not self.base_url.startswith(("http://", "https://")):
            raise ModelError("base URL must start with http:// or https://", url=self.base_url)

    def _request(self, body: bytes) -> urllib.request.Request:
        headers = {"Content-Type": "application/json", "User-Agent": "clearance-redteam/0.1"}
        key = os.environ.get(self.api_key_env) if self.api_key_env else None
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = self.base_url.rstrip("/") + "/chat/completions"
        return urllib.request.Request(url, data=body, headers=headers, method="POST")

    def ask(self, prompt: str) -> Exchange:
        messages = ([{"role": "system", "content": self.system}] if self.system else [])
        messages.append({"role": "user", "content": prompt})
        payload = {"model": self.model, "messages": messages, "temperature": self.temperature,
                   "max_tokens": self.max_tokens}
        body = json.dumps(payload).encode("utf-8")
        started = time.time()
        last = "no attempt"
        status: int | None = None
        for attempt in range(1, self.retries + 2):
            wait = min(self.backoff_max, self.backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1))
            try:
                with urllib.request.urlopen(self._request(body), timeout=self.timeout) as resp:
                    status = resp.status
                    data = json.loads(resp.read().decode("utf-8"))
                text = _content(data)
                return Exchange(payload, data, status, text, attempt, started,
                                time.time() - started)
            except urllib.error.HTTPError as exc:
                status = exc.code
                last = f"HTTP {exc.code}"
                if exc.code != 429 and exc.code < 500:
                    detail = exc.read()[:300].decode("utf-8", "replace")
                    raise ModelError(f"HTTP {exc.code}: {detail}", url=self.base_url) from exc
                after = exc.headers.get("Retry-After") if exc.headers else None
                if after and after.strip().isdigit():
                    wait = min(self.backoff_max, float(after))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = str(getattr(exc, "reason", exc))
            except (ValueError, KeyError, TypeError) as exc:
                raise ModelError(f"not an OpenAI-style chat completion: {exc}",
                                 url=self.base_url) from exc
            if attempt <= self.retries:
                self.sleep(wait)
        raise ModelError(f"gave up after {self.retries + 1} attempts ({last})", url=self.base_url)


def _content(data: Any) -> str:
    choice = data["choices"][0]
    message = choice.get("message") or {}
    text = message.get("content") if isinstance(message, dict) else None
    if text is None:
        text = choice.get("text", "")
    if not isinstance(text, str):
        raise TypeError("choices[0].message.content is not a string")
    return text
