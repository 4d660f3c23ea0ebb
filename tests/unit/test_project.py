"""Standing rules checked on the repository itself: config, README, pins, code."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_APP = "pip install -r requirements.txt && streamlit run app.py"
RUN_TESTS = "pip install -r requirements-dev.txt && pytest"


def _python_sources(folders: tuple[str, ...] = ("gme", "pages", "bench")
                    ) -> list[Path]:
    """The two entry points and every module under ``folders``."""
    files = [ROOT / "app.py", ROOT / "asgi.py"]
    for folder in folders:
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def test_streamlit_config_turns_usage_statistics_off():
    """Telemetry is off, errors show no traceback, the server binds to loopback."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["headless"] is True
    assert config["server"]["address"] == "127.0.0.1"


def test_streamlit_config_keeps_reruns_lean():
    """No magic (no AST rewrite, no accidental output) and no forced full garbage
    collection after each rerun (it delayed the rerun's last messages ~90 ms)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"] == {"magicEnabled": False, "postScriptGC": False}


def test_readme_gives_the_two_commands():
    """The README's run and test commands are the ones CI and users rely on."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert RUN_APP in readme
    assert RUN_TESTS in readme
    assert RUN_TESTS in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def _normalized(name: str) -> str:
    """A distribution's name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> set[str]:
    """The top-level names of every absolute import in the app's sources."""
    modules = set()
    for path in _python_sources(("gme", "pages")):  # what the app runs: not bench/
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    return modules


def _pinned() -> set[str]:
    """The names requirements.txt pins with ==."""
    names = set()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            names.add(_normalized(re.split(r"[\[=<>~!; ]", line, maxsplit=1)[0]))
    return names


def test_every_package_the_app_imports_is_in_requirements():
    """A module the app imports directly is a requirement of its own, even when
    another requirement pulls it in (pyarrow and numpy came with
    streamlit and pandas, unpinned). uvicorn, the production server, is
    imported by nobody: the pin test below names it."""
    own = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir()
                                                 if p.is_dir()}
    third_party = (_imported_modules() - set(sys.stdlib_module_names) - own
                   - {"__future__"})
    by_module = packages_distributions()
    unknown = {module for module in third_party if module not in by_module}
    assert not unknown, f"imported but not installed: {sorted(unknown)}"
    imported = {_normalized(dist) for module in third_party
                for dist in by_module[module]}
    assert {"streamlit", "duckdb", "pyarrow"} <= imported  # the scan finds imports
    assert imported - _pinned() == set()


@pytest.mark.parametrize("package", ["streamlit", "pandas", "plotly", "duckdb",
                                     "pyarrow", "numpy", "uvicorn"])
def test_requirements_pin_exact_installed_versions(package):
    """The runtime packages are pinned exactly, to what the tests run on."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    match = re.search(rf"^{package}==(\S+)$", text, re.MULTILINE)
    assert match, f"{package} is not pinned with == in requirements.txt"
    assert match.group(1) == version(package)


def test_no_unsafe_html_anywhere():
    """No page or module turns on raw HTML rendering."""
    offenders = [str(p) for p in _python_sources()
                 if "unsafe_allow_html=True" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_sql_built_from_strings():
    """SQL text only comes from queries/*.sql: no f-strings or % handed to execute."""
    pattern = re.compile(r"\.(execute|sql|query)\(\s*(f[\"']|[\"'][^\"']*[\"']\s*%)")
    offenders = [str(p) for p in _python_sources()
                 if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_module_has_a_docstring():
    """Each Python module starts with a docstring saying what it is for."""
    import ast

    missing = [str(p.relative_to(ROOT)) for p in _python_sources()
               if p.name != "__init__.py" or p.stat().st_size
               if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None]
    assert missing == []


def test_no_network_addresses_in_runtime_code():
    """The app loads nothing from the network: no http(s) URL in app code."""
    offenders = []
    for path in _python_sources():
        if path.parts[-2] == "bench":
            continue
        for url in re.findall(r"https?://[^\s\"')]+", path.read_text("utf-8")):
            if not url.startswith(("http://127.0.0.1", "http://localhost")):
                offenders.append(f"{path.name}: {url}")
    assert offenders == []


def test_readme_links_point_at_files_that_exist():
    """Every relative link or image in the README names a file in the repo."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", readme)
    relative = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert relative, "the README links to its docs and screenshots"
    missing = [t for t in relative if not (ROOT / t).exists()]
    assert missing == []
