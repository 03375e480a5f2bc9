"""A versioned model registry in a folder (default ``models/`` in the repository root).

Layout::

    models/
      ACTIVE                  the active version (one line), replaced atomically
      HISTORY                 every activation, oldest first (one version a line)
      20261127T103000Z-1a2b3c/
        model.skops           the fitted Pipeline (skops.io.dump; never pickle)
        metadata.json         provenance, metrics, schema, reference values, artifact sha256
        model_card.md         intended use, data, metrics, fairness, limits
        report.html, *.png, metrics.json

A version is the UTC creation time plus the first 6 hex digits of the artifact's sha256.

**Loading is defensive**; a model is refused with :class:`~matching.core.errors.ArtifactError` when

1. the sha256 of ``model.skops`` differs from ``metadata.json`` (the file was tampered with),
2. its feature-schema hash differs from :func:`features.spec.feature_schema_hash`,
3. it was saved with another scikit-learn major.minor version,
4. the file holds a type that is not on the fixed allow-list :data:`TRUSTED_TYPES` (checked
   with ``skops.io.get_untrusted_types`` *before* anything is constructed).

The allow-list is fixed in code, not read from the metadata (which an attacker could edit
together with the hash).

**Writes are locked and atomic.** Registering, promoting and rolling back hold the registry's
lock (``models/.lock``, see :func:`matching.core.folders.hold_lock`); a second writer is refused
with a message naming the holder. A new version is written into ``.staging-*`` and renamed into
place whole. ``HISTORY`` is the single commit point of an activation: it is replaced by one
atomic rename and its last line is the active version; ``ACTIVE`` is a copy written after it
(and repaired from it). A training killed at any moment leaves the registry as it was; its
``.staging-*`` folder is removed by the next command that opens the registry (see
:meth:`Registry.recover`), which says so.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sklearn

from features.spec import FEATURE_NAMES, feature_schema_hash
from matching.core.errors import ArtifactError, ModelError
from matching.core.folders import (
    LockHeldError,
    acquire,
    fault_point,
    file_sha256,
    hold_lock,
    release,
)

if TYPE_CHECKING:
    from matching.model.training import TrainResult

__all__ = ["DEFAULT_REGISTRY", "TRUSTED_TYPES", "LoadedModel", "Registry", "file_sha256"]

log = logging.getLogger(__name__)

DEFAULT_REGISTRY = Path(__file__).resolve().parents[2] / "models"
"""``models/`` in the repository root."""

TRUSTED_TYPES: frozenset[str] = frozenset({
    "numpy.dtype",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.model_selection._split.GroupKFold",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.Interval",
})
"""Types beyond skops' default-trusted set that our pipelines (see :mod:`matching.model.training`)
may contain. Anything else in a model file is refused."""

ARTIFACT = "model.skops"
METADATA = "metadata.json"
_WAIT_S = 3.0
"""Writers wait this long for the lock: a reader cleaning up leftovers holds it only briefly."""
_VERSION = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}(-\d+)?$")


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    if isinstance(value, float) and np.isnan(value):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _clean(value: Any) -> Any:
    """NaN -> None recursively (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def library_versions() -> dict[str, str]:
    """Versions of the libraries a model artifact depends on."""
    from importlib.metadata import PackageNotFoundError, version

    import skops

    try:
        own = version("sroi-match")
    except PackageNotFoundError:
        own = "unknown"
    return {"sklearn": sklearn.__version__, "numpy": np.__version__,
            "skops": skops.__version__, "pandas": pd.__version__, "sroi-match": own}


@dataclass(frozen=True)
class LoadedModel:
    """A verified model: the fitted pipeline and its metadata."""

    pipeline: Any
    metadata: dict[str, Any]
    version: str
    freshly_trained: bool = False
    """True when :func:`matching.model.scoring.ensure_model` trained it just now."""

    @property
    def reference(self) -> dict[str, float]:
        """Reference values for explanations (``NaN`` where the metadata holds null)."""
        ref = self.metadata.get("reference", {})
        return {k: float("nan") if v is None else float(v) for k, v in ref.items()}

    def predict_proba(self, X: Any) -> np.ndarray:
        return self.pipeline.predict_proba(X)

    def with_flag(self, *, freshly_trained: bool) -> LoadedModel:
        return dataclasses.replace(self, freshly_trained=freshly_trained)


class Registry:
    """Model versions in a folder, with an atomically switched active pointer.

    Parameters
    ----------
    path : path-like, optional
        The registry folder (created on first write). Default :data:`DEFAULT_REGISTRY`.

    Examples
    --------
    >>> import tempfile
    >>> reg = Registry(tempfile.mkdtemp())
    >>> reg.list(), reg.active()
    ([], None)
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else DEFAULT_REGISTRY
        self._lock_depth = 0

    # -- locking ---------------------------------------------------------------------------

    @contextmanager
    def lock(self, notify: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the registry's write lock (re-entrant within this object).

        Raises :class:`~matching.core.folders.LockHeldError` (exit code 2) naming the holder when
        another live process holds it. Leftovers of a dead writer are cleaned up on entry.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.path.mkdir(parents=True, exist_ok=True)
        with hold_lock(self.path / ".lock", what=f"model registry {self.path}", notify=notify,
                       wait_s=_WAIT_S):
            self._lock_depth = 1
            try:
                self._clean(notify)
                yield
            finally:
                self._lock_depth = 0

    def recover(self, notify: Callable[[str], None] | None = None) -> list[str]:
        """Remove what a killed training or promotion left behind, when no writer is running.

        Every command that opens the registry calls this; it does nothing while another
        process holds the lock (its staging folder is still in use). Returns what was done.
        """
        if not self.path.is_dir():
            return []
        if self._lock_depth:
            return self._clean(notify)
        try:
            lock = acquire(self.path / ".lock", what=f"model registry {self.path}")
        except LockHeldError:
            return []
        try:
            return self._clean(notify)
        finally:
            release(lock)

    def _clean(self, notify: Callable[[str], None] | None) -> list[str]:
        done: list[str] = []
        for leftover in sorted(self.path.glob(".staging-*")):
            size = sum(f.stat().st_size for f in leftover.rglob("*") if f.is_file())
            shutil.rmtree(leftover, ignore_errors=True)
            done.append(f"removed {leftover.name} ({size / 1e6:.1f} MB) left by a training "
                        "that did not finish")
        for leftover in sorted(self.path.glob(".*.tmp")):
            leftover.unlink(missing_ok=True)
            done.append(f"removed the unfinished write {leftover.name}")
        history = self.history()
        pointer = self.path / "ACTIVE"
        if history and (not pointer.is_file()
                        or pointer.read_text(encoding="utf-8").strip() != history[-1]):
            _atomic_write(pointer, f"{history[-1]}\n")
            done.append(f"repaired ACTIVE from HISTORY ({history[-1]})")
        if done:
            log.info("registry %s: %s", self.path, "; ".join(done))
            if notify:
                notify(f"Model registry {self.path}: " + "; ".join(done) + ".")
        return done

    # -- reading ---------------------------------------------------------------------------

    def _dir(self, version: str) -> Path:
        if not _VERSION.match(version):
            raise ModelError(f"not a model version: {version!r} (expected e.g. "
                             "20261127T103000Z-1a2b3c)")
        folder = self.path / version
        if not (folder / METADATA).is_file():
            known = ", ".join(self.versions()[-5:]) or "none"
            raise ModelError(f"model version {version!r} not found in {self.path} "
                             f"(latest: {known})")
        return folder

    def versions(self) -> list[str]:
        """All version names, oldest first."""
        if not self.path.is_dir():
            return []
        return sorted(p.name for p in self.path.iterdir()
                      if p.is_dir() and _VERSION.match(p.name) and (p / METADATA).is_file())

    def show(self, version: str) -> dict[str, Any]:
        """The metadata of one version."""
        try:
            return json.loads((self._dir(version) / METADATA).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ArtifactError(f"cannot read the metadata of model {version}: {exc}") from exc

    def list(self) -> list[dict[str, Any]]:
        """One summary per version (oldest first): version, created_at, active, key metrics."""
        active = self.active()
        rows = []
        for version in self.versions():
            meta = self.show(version)
            model = meta.get("metrics", {}).get("model", {})
            rows.append({
                "version": version,
                "created_at": meta.get("created_at"),
                "active": version == active,
                "n_train": meta.get("counts", {}).get("train"),
                "n_test": meta.get("counts", {}).get("test"),
                "roc_auc": model.get("roc_auc"),
                "ece": model.get("ece"),
                "brier": model.get("brier"),
            })
        return rows

    def compare(self, a: str, b: str) -> pd.DataFrame:
        """Test metrics of two versions side by side (model and baseline), with the difference."""
        ma, mb = self.show(a).get("metrics", {}), self.show(b).get("metrics", {})
        rows = []
        for scorer in ("model", "baseline", "oracle"):
            for metric in sorted(set(ma.get(scorer, {})) | set(mb.get(scorer, {}))):
                va, vb = ma.get(scorer, {}).get(metric), mb.get(scorer, {}).get(metric)
                diff = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) \
                    else None
                rows.append({"scorer": scorer, "metric": metric, a: va, b: vb, "difference": diff})
        return pd.DataFrame(rows)

    def active(self) -> str | None:
        """The active version, or None (the last line of ``HISTORY``; ``ACTIVE`` without one)."""
        history = self.history()
        if history:
            return history[-1]
        pointer = self.path / "ACTIVE"
        if not pointer.is_file():
            return None
        text = pointer.read_text(encoding="utf-8").strip()
        return text or None

    def history(self) -> list[str]:
        """Activated versions, oldest first (the last one is the active version)."""
        file = self.path / "HISTORY"
        if not file.is_file():
            return []
        return [line.strip() for line in file.read_text(encoding="utf-8").splitlines()
                if line.strip()]

    # -- writing ---------------------------------------------------------------------------

    def _set_active(self, version: str, history: list[str]) -> None:
        """Commit an activation: one atomic rename of ``HISTORY``, then its copy ``ACTIVE``."""
        self.path.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.path / "HISTORY", "".join(f"{v}\n" for v in history))
        fault_point("registry-between-history-and-active")
        _atomic_write(self.path / "ACTIVE", f"{version}\n")

    def promote(self, version: str) -> str:
        """Make ``version`` the active model (after checking that it loads)."""
        with self.lock():
            self.load(version)
            history = self.history()
            if history and history[-1] == version:
                return version
            if not history and self.active() is not None:  # a registry from before HISTORY
                history = [self.active()]
            self._set_active(version, [*history, version])
        log.info("promoted model %s", version)
        return version

    def rollback(self) -> str:
        """Re-activate the previously active version; returns it."""
        with self.lock():
            history = self.history()
            if len(history) < 2:
                raise ModelError("no earlier active model to roll back to")
            previous = history[-2]
            self._dir(previous)
            self._set_active(previous, history[:-1])
        log.info("rolled back to model %s", previous)
        return previous

    def register(
        self,
        result: TrainResult,
        *,
        activate: bool = False,
        documents: Callable[[Path, dict[str, Any]], None] | None = None,
    ) -> str:
        """Save a trained model as a new version; returns the version name.

        Writes ``model.skops`` and ``metadata.json``; ``documents(folder, metadata)`` adds the
        documents people read (model card, report: see
        :func:`matching.workflows.train.register_model`) into the version's folder before it
        is moved into place, so a version is whole or absent with its documents.
        """
        with self.lock():
            version = self._register(result, documents=documents)
            if activate:
                self.promote(version)
        return version

    def _register(self, result: TrainResult, *,
                  documents: Callable[[Path, dict[str, Any]], None] | None) -> str:
        import skops.io as sio

        self.path.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.path, prefix=".staging-"))
        try:
            artifact = staging / ARTIFACT
            try:
                sio.dump(result.pipeline, artifact)
                untrusted = sorted(sio.get_untrusted_types(file=artifact))
            except Exception as exc:  # skops raises many types
                raise ArtifactError(f"cannot save the model with skops: {exc}") from exc
            unexpected = sorted(set(untrusted) - TRUSTED_TYPES)
            if unexpected:
                raise ArtifactError(
                    f"the model holds types outside the allow-list: {', '.join(unexpected)}"
                )
            sha = file_sha256(artifact)
            now = datetime.now(UTC)
            version = f"{now:%Y%m%dT%H%M%SZ}-{sha[:6]}"
            suffix = 1
            while (self.path / version).exists():
                suffix += 1
                version = f"{now:%Y%m%dT%H%M%SZ}-{sha[:6]}-{suffix}"
            metadata = {
                "version": version,
                "created_at": now.isoformat(timespec="seconds"),
                **result.metadata(),
                "libraries": library_versions(),
                "artifact": {"file": ARTIFACT, "sha256": sha, "skops_types": untrusted},
            }
            (staging / METADATA).write_text(
                json.dumps(_clean(metadata), indent=2, default=_json_default, allow_nan=False),
                encoding="utf-8",
            )
            if documents is not None:
                documents(staging, metadata)
            fault_point("registry-before-rename")
            os.replace(staging, self.path / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        log.info("registered model %s", version)
        return version

    # -- loading ---------------------------------------------------------------------------

    def load(self, version: str | None = None) -> LoadedModel:
        """Load and verify a version (default: the active one).

        Raises
        ------
        ModelError
            No active model / unknown version.
        ArtifactError
            Tampered, untrusted or incompatible artifact.
        """
        import skops.io as sio

        if version is None:
            version = self.active()
            if version is None:
                raise ModelError(
                    f"no active model in {self.path}; train one with `sroi-match train`")
        folder = self._dir(version)
        meta = self.show(version)
        artifact = folder / ARTIFACT
        try:
            sha = file_sha256(artifact)
        except OSError as exc:
            raise ArtifactError(f"model {version}: cannot read {artifact}: {exc}") from exc
        expected = meta.get("artifact", {}).get("sha256")
        if sha != expected:
            raise ArtifactError(
                f"model {version}: sha256 hash of {ARTIFACT} ({sha[:12]}…) does not match the "
                f"metadata ({str(expected)[:12]}…); the file was tampered with or corrupted"
            )
        schema = meta.get("feature_schema", {})
        if schema.get("hash") != feature_schema_hash() or list(schema.get("names", [])) != list(
            FEATURE_NAMES
        ):
            raise ArtifactError(
                f"model {version} was trained on another feature schema "
                f"({schema.get('hash')} vs {feature_schema_hash()}); retrain with "
                "`sroi-match train`"
            )
        saved = str(meta.get("libraries", {}).get("sklearn", ""))
        if _major_minor(saved) != _major_minor(sklearn.__version__):
            raise ArtifactError(
                f"model {version} was saved with scikit-learn {saved}, this installation has "
                f"{sklearn.__version__}; retrain with `sroi-match train`"
            )
        try:
            untrusted = set(sio.get_untrusted_types(file=artifact))
        except Exception as exc:
            raise ArtifactError(f"model {version}: {ARTIFACT} is not a valid skops file: {exc}") \
                from exc
        unexpected = sorted(untrusted - TRUSTED_TYPES)
        if unexpected:
            raise ArtifactError(
                f"model {version} holds untrusted types {', '.join(unexpected)}; refusing to "
                "load it"
            )
        try:
            pipeline = sio.load(artifact, trusted=sorted(untrusted))
        except Exception as exc:
            raise ArtifactError(f"model {version}: cannot load {ARTIFACT}: {exc}") from exc
        log.info("loaded model %s", version)
        return LoadedModel(pipeline=pipeline, metadata=meta, version=version)
