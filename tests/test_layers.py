"""The layers are import-linter contracts (pyproject.toml, [tool.importlinter]): the tree keeps them, and a
forbidden import added anywhere fails `lint-imports`, naming the contract it broke.

    corpus -> indexer -> index directory -> ranking -> search_service;  settings below them all

`indexer` imports neither `ranking`, `evaluation` nor `search_service` (its command line, the composition
root, excepted); `ranking` imports no build code; `search_service` writes corpus and index files only
through `indexer.updates` (never `indexer.build`, `indexer.importer`, `indexer.atomic`) and never imports
`evaluation`; `settings` imports none of them.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = tuple(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["root_packages"]
)
CONTRACTS = {
    c["id"]: c["name"]
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def tree_lint() -> subprocess.CompletedProcess:
    """lint-imports over the repository, run once for the tests that read it."""
    return lint_imports(ROOT)


def test_the_tree_keeps_every_layer_contract(tree_lint):
    result = tree_lint
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


def copy_of_the_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


# (module to change, import added to it, id of the contract that must break, the forbidden module it names)
FORBIDDEN = [
    ("indexer/keyword.py", "import search_service", "indexer-below-engine", "search_service"),
    ("indexer/build.py", "from ranking import SearchEngine", "indexer-below-engine", "ranking"),
    ("ranking/related.py", "from indexer.build import build_index", "ranking-reads-only", "indexer.build"),
    ("ranking/engine.py", "import evaluation", "ranking-reads-only", "evaluation"),
    (
        "search_service/routes/admin.py",
        "from indexer.atomic import write_atomic",
        "service-writes-through-updates",
        "indexer.atomic",
    ),
    ("search_service/app.py", "import indexer.build", "service-writes-through-updates", "indexer.build"),
    ("settings/service.py", "import indexer.schema", "settings-at-the-bottom", "indexer.schema"),
    ("analytics/service.py", "import search_service.state", "analytics-beside-the-service", "search_service"),
]


@pytest.mark.parametrize(("module", "line", "contract", "forbidden"), FORBIDDEN)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract, forbidden):
    tree = copy_of_the_tree(tmp_path)
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # the forbidden import\n", encoding="utf-8")

    result = lint_imports(tree)

    assert result.returncode == 1, result.stdout
    report = " ".join(result.stdout.split())  # contract names wrap at 80 columns
    assert f"{CONTRACTS[contract]} BROKEN" in report, report
    importer = module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {forbidden}" in report  # it names the offending import


def test_the_unchanged_copy_keeps_every_contract(tmp_path):
    """The check above runs on a copy: the copy itself passes, so only the added import breaks it."""
    result = lint_imports(copy_of_the_tree(tmp_path))
    assert result.returncode == 0, result.stdout
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


def test_the_command_line_may_import_every_layer(tree_lint):
    """indexer/cli.py is the composition root: it imports ranking and evaluation, and the contracts allow it."""
    cli = (ROOT / "indexer" / "cli.py").read_text(encoding="utf-8")
    assert "from ranking import" in cli and "from evaluation import" in cli
    assert tree_lint.returncode == 0
