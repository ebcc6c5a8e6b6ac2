# SPDX-License-Identifier: Apache-2.0
"""The Ray Data executor: the same batch functions, run as ``map_batches`` on a Ray cluster.

``clearance scan ... --engine ray [--ray-address ADDRESS]`` hands each batch (a spilled
slice of the manifest, or a row group of saved facts) to a pool of Ray actors. Each actor is
set up once with the job's context (:func:`clearance.engine.batch.start_worker`) and keeps
its host judges across the batches it gets, so host-level signal work (parsing each host's
robots.txt, tdmrep.json and ai.txt states) is done once per actor and host. Results come
back in batch order (Ray Data's ``preserve_order``), and the driver writes them exactly as
the local engine does: the outputs are the same files, row for row.

Ray is optional (``pip install 'clearance[ray]'``). Without ``--ray-address`` a local Ray
instance is started with as many CPUs as ``--workers`` (default: this machine's). On a
cluster, the job's work folder (``OUT/.work``, where the batches are spilled) and the
manifest must be on storage every node reads: docs/scale.md says how.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

from clearance.engine.batch import BatchContext, BatchResult, start_worker
from clearance.engine.local import default_workers
from clearance.engine.settings import ScanConfig
from clearance.errors import InputError

__all__ = ["ray_map"]


class _Batches:
    """A Ray actor's state: the job context and the host judges kept across batches."""

    def __init__(self, ctx: BatchContext, fn: Callable[..., BatchResult]) -> None:
        start_worker(ctx)
        self.fn = fn

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        tasks = [pickle.loads(t) for t in batch["task"]]
        results = [self.fn(*task) for task in tasks]
        return {"index": [r.index for r in results],
                "result": [pickle.dumps(r, protocol=5) for r in results]}


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise InputError("--engine ray needs Ray: pip install 'clearance[ray]'") from exc
    return ray


def ray_map(fn: Callable[..., BatchResult], tasks: list[tuple[Any, ...]], ctx: BatchContext,
            config: ScanConfig) -> Iterator[BatchResult]:
    """Yield ``fn(*task)`` for each task, in order, computed by Ray actors."""
    ray = _ray()
    workers = config.workers or default_workers()
    started = False
    if not ray.is_initialized():
        options: dict[str, Any] = {"ignore_reinit_error": True, "log_to_driver": False,
                                   "include_dashboard": False}
        if config.ray_address:
            options["address"] = config.ray_address
        else:
            options["num_cpus"] = workers
        ray.init(**options)
        started = True
    try:
        if not tasks:
            return
        data = ray.data.DataContext.get_current()
        data.execution_options.preserve_order = True
        data.enable_progress_bars = False
        ds = ray.data.from_items([{"task": pickle.dumps(t, protocol=5)} for t in tasks],
                                 override_num_blocks=len(tasks))
        mapped = ds.map_batches(_Batches, fn_constructor_args=(ctx, fn), batch_size=1,
                                concurrency=max(1, min(workers, len(tasks))), num_cpus=1)
        for row in mapped.iter_rows():
            yield pickle.loads(row["result"])
    finally:
        if started:
            ray.shutdown()
