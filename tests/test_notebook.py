"""The analyst notebook runs top to bottom (on a small generated dataset, in a temp registry)."""

from __future__ import annotations

from pathlib import Path

import ipykernel  # noqa: F401  (the kernel the notebook runs in; a test extra)
import nbclient
import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "analyst.ipynb"


@pytest.mark.slow
def test_analyst_notebook_runs(tmp_path) -> None:
    from matching.synthetic.sample import generate, write_sample

    data_dir = write_sample(generate(200, 20, n_projects=10, n_placements=500, seed=5),
                            tmp_path / "sample")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, "the notebook needs exactly one cell tagged 'parameters'"
    params[0].source = f'DATA_DIR = {str(data_dir)!r}\nHORIZON_MONTHS = 6\nLANG = "en"\n'
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "def " not in cell.source and "class " not in cell.source, \
                "the notebook must only call the package API"
    models = NOTEBOOK.parent.parent / "models"
    before = sorted(p.name for p in models.iterdir()) if models.is_dir() else []
    # kernel "python3" launches `python -m ipykernel_launcher`; jupyter_client substitutes the
    # running interpreter (the venv's) for `python`.
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no plot was rendered"
    after = sorted(p.name for p in models.iterdir()) if models.is_dir() else []
    assert before == after, "the notebook must not touch models/"
