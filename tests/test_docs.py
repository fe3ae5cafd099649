"""The docs name only what exists: every module, function and class that docs/architecture.md names, and every
`python -m loaders ...` command (and its options) that README.md shows.

Names are checked in the source (ast), so no page or Streamlit module is imported; CLI commands are checked
through click's own parser (`<command> --help` in-process, the same parser `python -m loaders` runs).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
ARCH = REPO / "docs" / "architecture.md"
README = REPO / "README.md"
PACKAGES = ("indicators", "loaders", "ui")


# ------------------------------------------------------------------ what the source defines
def _module_files() -> dict[str, Path]:
    """Short and dotted names of every module: 'periods', 'indicators.periods', 'ui.data', 'dashboard'."""
    files = {"dashboard": REPO / "dashboard.py"}
    for package in PACKAGES:
        for path in sorted((REPO / package).glob("*.py")):
            if path.stem == "__init__":
                continue
            files[f"{package}.{path.stem}"] = path
            files.setdefault(path.stem, path)    # short name: the first package in PACKAGES wins
    return files


MODULES = _module_files()


@cache
def _names(path: Path) -> dict[str, set[str]]:
    """Top-level names of a module (defs, classes, assignments, imports) -> the members of each class."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = set()
        elif isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members |= {t.id for t in item.targets if isinstance(t, ast.Name)}
            names[node.name] = members
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for n in ast.walk(target):
                    if isinstance(n, ast.Name):
                        names[n.id] = set()
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = set()
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = set()
    return names


def _missing(module: str, name: str) -> str | None:
    """None when `module.name` (name may be `Class.member`) exists, else why not."""
    if module not in MODULES:
        return f"no module {module!r}"
    path = MODULES[module]
    head, _, member = name.partition(".")
    names = _names(path)
    if head not in names:
        return f"{path.relative_to(REPO)} defines no {head!r}"
    if member and member not in names[head]:
        return f"{path.relative_to(REPO)}: {head} has no {member!r}"
    return None


# ------------------------------------------------------------------ what architecture.md names
def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) for each '## ' section."""
    parts = re.split(r"^## ", text, flags=re.M)
    return [(p.split("\n", 1)[0], p.split("\n", 1)[1] if "\n" in p else "") for p in parts[1:]]


def _module_of_path(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
DOTTED = re.compile(rf"(?<![\w./<])((?:{IDENT}\.)+{IDENT})((?:/{IDENT})*)")
FILE_SUFFIXES = {"py", "sql", "yaml", "md", "xlsx", "duckdb", "jsonl", "csv", "toml", "png", "pdf", "html", "txt"}
RUNTIME_DIRS = ("data/archive", "data/receipts", "data/snapshots")   # made beside the database at run time
PATH = re.compile(r"\b((?:indicators|loaders|ui|app_pages|docs|data|scripts|tests)/[\w./<>\[\]:-]*|dashboard\.py)")


def architecture_references() -> list[tuple[str, str, str]]:
    """(where, module, name) for every name the architecture doc attributes to a module."""
    text = ARCH.read_text(encoding="utf-8")
    refs: list[tuple[str, str, str]] = []
    # 1. `module.name` (and `module.a/b/c`) in backticks anywhere, prose and code blocks alike
    for span in re.findall(r"`([^`\n]+)`", text):
        for dotted, alternatives in DOTTED.findall(span):
            *module, name = dotted.split(".")
            module = ".".join(module)
            if module not in MODULES or name in FILE_SUFFIXES:      # `dashboard.py` is a file, not a name
                continue
            for alt in [name, *alternatives.split("/")[1:]]:
                refs.append((f"`{span}`", module, alt))
    # 2. a list that continues such a name: `periods.qtime`, `obs_time`, `previous_quarter` (comments in parentheses)
    item = r"`(" + IDENT + r"(?:\." + IDENT + r")*)`(?:\s*\([^)]*\))?"
    for match in re.finditer(rf"{item}(?:\s*,\s*{item})+", text):
        names = re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", match.group(0)))
        first = names[0].split(".")
        if len(first) == 2 and first[0] in MODULES:
            refs += [(f"list after `{names[0]}`", first[0], n) for n in names[1:] if "." not in n]
    # 3. code blocks under a heading that names a module file: the functions and classes they show
    for heading, body in _sections(text):
        paths = re.findall(r"\b((?:indicators|loaders|ui)/\w+\.py)", heading)
        if not paths:
            continue
        module = _module_of_path(paths[0])
        for block in re.findall(r"```python\n(.*?)```", body, flags=re.S):
            cls = None
            for line in block.splitlines():
                code = line.split("#", 1)[0]
                if m := re.match(rf"\s*class ({IDENT})\s*:", code):
                    cls = m.group(1)
                    refs.append((f"{heading}: {line.strip()[:60]}", module, cls))
                    continue
                if m := re.match(rf"\s*def ({IDENT})\s*\(", code):
                    name = f"{cls}.{m.group(1)}" if cls else m.group(1)
                    refs.append((f"{heading}: {line.strip()[:60]}", module, name))
                    continue
                if re.match(r"\s", code) and cls:       # a field line of the class above
                    continue
                cls = None
                depth, start = 0, 0
                for i, ch in enumerate(code):          # every call at bracket depth 0: name(...) ; a(...) / b(...)
                    if ch == "(":
                        if depth == 0:
                            m = re.search(rf"({IDENT})$", code[start:i])
                            if m and not code[:i].rstrip().endswith(("->",)):
                                refs.append((f"{heading}: {line.strip()[:60]}", module, m.group(1)))
                        depth += 1
                    elif ch == ")":
                        depth -= 1
                        start = i + 1
                    elif depth == 0 and ch in ",;/":
                        start = i + 1
    return refs


def test_architecture_doc_names_only_what_exists():
    refs = architecture_references()
    assert len(refs) > 40, f"the parser found too few names in {ARCH.name}: {refs}"
    missing = sorted({f"{where}: {module}.{name}: {why}" for where, module, name in refs
                      if (why := _missing(module, name))})
    assert not missing, "docs/architecture.md names what does not exist:\n" + "\n".join(missing)


def test_architecture_doc_paths_exist():
    text = ARCH.read_text(encoding="utf-8")
    paths = {p.rstrip(".,:)") for p in PATH.findall(text)}
    paths = {p for p in paths if not re.search(r"[<>\[\]*]", p) and not p.startswith(RUNTIME_DIRS)}
    assert {"indicators/periods.py", "dashboard.py"} <= paths, paths
    missing = []
    for p in sorted(paths):
        if (REPO / p).exists():
            continue
        file, _, name = p.rpartition(".")          # loaders/assessments.refresh: a name in a module file
        if file and (REPO / f"{file}.py").exists() and _missing(_module_of_path(file), name) is None:
            continue
        missing.append(p)
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_architecture_checker_catches_a_missing_name():
    """The checker itself: a name that is not there is reported, one that is there is not."""
    assert _missing("periods", "qtime") is None
    assert _missing("periods", "no_such_function") is not None
    assert _missing("catalogue", "Catalogue.current_period") is None
    assert _missing("catalogue", "Catalogue.no_such_method") is not None
    assert _missing("no_such_module", "x") is not None


# ------------------------------------------------------------------ the CLI commands README shows
def readme_commands() -> list[tuple[list[str], list[str], str]]:
    """(command words, options, the span) for every `python -m loaders ...` in README, including the
    alternatives of a table row (`python -m loaders users list` / `users disable U`)."""
    found = []
    for line in README.read_text(encoding="utf-8").splitlines():
        spans = re.findall(r"`([^`]+)`", line)
        group = None
        for span in spans:
            span = span.replace("\\|", "|")
            if span.startswith("python -m loaders "):
                words = span.removeprefix("python -m loaders ").split()
            elif group and span.split()[:1] == [group]:
                words = span.split()
            else:
                continue
            command = []
            for w in words:
                if not re.fullmatch(r"[a-z][a-z-]*", w):
                    break
                command.append(w)
            if not command:
                continue
            group = command[0]
            options = re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", span)
            found.append((command, options, span))
    return found


def _cli():
    from loaders.cli import cli
    return cli


def test_readme_cli_commands_exist_with_their_options():
    import click
    commands = readme_commands()
    assert len(commands) >= 15, commands
    cli = _cli()
    problems = []
    runner = CliRunner()
    for words, options, span in commands:
        node, path = cli, []
        for w in words:
            if isinstance(node, click.Group) and w in node.commands:
                node, path = node.commands[w], path + [w]
            else:
                break
        if isinstance(node, click.Group) or not path:
            problems.append(f"`{span}`: no command {' '.join(words)!r}")
            continue
        result = runner.invoke(cli, [*path, "--help"], prog_name="python -m loaders")
        if result.exit_code != 0:
            problems.append(f"`{span}`: `{' '.join(path)} --help` exited {result.exit_code}: {result.output[-300:]}")
            continue
        known = {o for p in node.params for o in (*p.opts, *p.secondary_opts)}
        problems += [f"`{span}`: `{' '.join(path)}` has no option {o}" for o in options if o not in known]
    assert not problems, "README shows CLI commands that do not exist:\n" + "\n".join(problems)


def test_python_m_loaders_lists_the_commands_readme_shows():
    """The real entry point: `python -m loaders --help` runs and lists every top-level command README uses."""
    done = subprocess.run([sys.executable, "-m", "loaders", "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    listed = set(re.findall(r"^\s{2}([a-z][a-z-]*)\s", done.stdout, flags=re.M))
    missing = sorted({words[0] for words, _, _ in readme_commands()} - listed)
    assert not missing, f"`python -m loaders --help` does not list {missing}:\n{done.stdout}"


@pytest.mark.parametrize("span,expected", [
    ("python -m loaders users add --username U --role ROLE", (["users", "add"], ["--username", "--role"])),
    ("python -m loaders receipts [--missing\\|--all] [--dir DIR]", (["receipts"], ["--missing", "--all", "--dir"])),
    ("python -m loaders ingest laporan/*.xlsx", (["ingest"], [])),
])
def test_readme_command_parser(span, expected, monkeypatch, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"| `{span}` | x |\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "README", readme)
    assert [(c, o) for c, o, _ in readme_commands()] == [expected]
