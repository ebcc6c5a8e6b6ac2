# SPDX-License-Identifier: Apache-2.0
"""Probe runner: send prompts to a model, keep every exchange as evidence, check the outputs.

- :mod:`.model`: the model interface; an OpenAI-compatible chat/completions client and a
  wrapper for Python callables.
- :mod:`.probes`: probe sets built from an index (prefix continuation, title/author requests,
  lyrics, code with its licence).
- :mod:`.runner`: rate limits, retries, resumable runs, evidence, checking.
"""

from __future__ import annotations

from clearance.redteam.probe.model import CallableModel, ChatModel, Model, ModelError
from clearance.redteam.probe.probes import KINDS, Probe, build_probes
from clearance.redteam.probe.runner import ProbeRun, run_probes

__all__ = ["KINDS", "CallableModel", "ChatModel", "Model", "ModelError", "Probe", "ProbeRun",
           "build_probes", "run_probes"]
