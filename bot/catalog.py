"""The catalog of tracked frameworks, loaded from `data/frameworks.toml` and validated."""

from __future__ import annotations

import re
import threading
import tomllib
import zlib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.paths import data_dir

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CatalogError(Exception):
    """The catalog file cannot be used; the message names the file, the entry and what is wrong."""


_SLUG = r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"
_SITE = r"^[a-z0-9.-]+\.[a-z]{2,}(?:/[A-Za-z0-9_./-]*)?$"


class Separate(BaseModel):
    """A project whose name is close to a framework's but that is NOT it (onnxruntime beside ONNX)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    what: str = Field(min_length=1, max_length=120)
    """A few words saying what it is ("Microsoft's ONNX Runtime (microsoft/onnxruntime)")."""
    aliases: tuple[str, ...] = ()
    github: str | None = Field(default=None, pattern=_SLUG)
    pypi: tuple[str, ...] = ()
    npm: tuple[str, ...] = ()


class Framework(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = Field(min_length=1, max_length=40)
    aliases: tuple[str, ...] = ()
    colour: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    github: str | None = Field(default=None, pattern=_SLUG)
    github_former: tuple[Annotated[str, Field(pattern=_SLUG)], ...] = ()
    """Slugs the repository had before it moved (GitHub redirects them): still this framework."""
    homepage: tuple[Annotated[str, Field(pattern=_SITE)], ...] = ()
    """Web sites as "host" or "host/path" (no scheme, no www.); the first is the main one."""
    pypi: tuple[str, ...] = ()
    npm: tuple[str, ...] = ()
    stackoverflow: tuple[str, ...] = ()
    huggingface: str | None = None
    arxiv: tuple[str, ...] = ()
    separate: tuple[Separate, ...] = ()
    links: tuple[str, ...] = ()
    """For a bundled project: each link between its packages and repository, with the source that made it."""

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("ids are lower-case letters, digits and dashes")
        return value

    @property
    def pypi_primary(self) -> str | None:
        return self.pypi[0] if self.pypi else None


class Catalog:
    """All frameworks by id, plus the name → id lookup the parser needs."""

    def __init__(self, frameworks: list[Framework], seed_folder: Path | None = None):
        self.frameworks: dict[str, Framework] = {f.id: f for f in frameworks}
        self._seed_folder = seed_folder or data_dir() / "seed"
        self._projects: dict[str, Framework] | None = None
        self._project_names: dict[str, str] | None = None
        self._project_alternates: dict[str, str] | None = None
        self._index = None
        self._built_index = None
        self._lock = threading.Lock()
        self._live: dict[str, list[str]] = {}
        """Projects live look-ups added → the name keys added for each."""
        self.names: dict[str, str] = {}
        for fw in frameworks:
            # A framework's own packages are names of it too ("torch", "jaxlib"); scoped npm names
            # ("@tensorflow/tfjs") hold a slash, so only `bot.understanding.names` reads them.
            packages = (*fw.pypi, *(n for n in fw.npm if "/" not in n))
            for name in (fw.id, fw.name, *fw.aliases, *packages):
                key = normalise_name(name)
                other = self.names.get(key)
                if other and other != fw.id:
                    raise CatalogError(f"the name {name!r} is given to both {other!r} and {fw.id!r}")
                self.names[key] = fw.id
        for fw in frameworks:
            for sep in fw.separate:
                for name in (sep.name, *sep.aliases, *sep.pypi, *sep.npm):
                    if normalise_name(name) in self.names:
                        raise CatalogError(f"{name!r} is listed as separate from {fw.id!r} but names a framework")

    def __getitem__(self, framework_id: str) -> Framework:
        """A built-in framework, else a bundled project (`polars`, `npm:react`, `pola-rs/polars`)."""
        fw = self.frameworks.get(framework_id)
        if fw is not None:
            return fw
        return self.projects()[framework_id]

    def __contains__(self, framework_id: object) -> bool:
        return framework_id in self.frameworks or framework_id in self.projects()

    def projects(self) -> dict[str, Framework]:
        """The bundled projects beyond the frameworks, by id (see `bot.project_index`), loaded once."""
        if self._projects is None:
            self._load_projects()
        return self._projects  # type: ignore[return-value]

    def project_names(self) -> dict[str, str]:
        """Normalised name, PEP 503 package, `npm:` package or lower-case slug → project id. Read only
        where a sentence puts a name: "black" or "rich" are English words elsewhere."""
        if self._project_names is None:
            self._load_projects()
        return self._project_names  # type: ignore[return-value]

    def project_alternates(self) -> dict[str, str]:
        """Name → a GitHub-only project of that repository name that no source links to the project
        the name reads as first ("fastapi" → "tiangolo/fastapi" beside the PyPI package)."""
        if self._project_alternates is None:
            self._load_projects()
        return self._project_alternates  # type: ignore[return-value]

    def project_index(self):
        """The `bot.project_index.ProjectIndex` behind `projects()` (read from the bundle: no `bestof_key`)."""
        if self._index is None:
            self._load_projects()
        return self._index

    def built_project_index(self):
        """The `ProjectIndex` built from the CSVs in the seed folder, with `bestof_key`: what the bundle's
        rows are written from (`bot.ingest.seed_projects`). pandas; built once, only when asked."""
        from bot.project_index import build_index

        with self._lock:
            if self._built_index is None:
                self._built_index = build_index(self._seed_folder, self._taken_keys())
            return self._built_index

    def _read_index(self):
        """The index from this release's bundle (`bot.project_index.read_index`, ~15 ms), or from the CSVs
        when the bundle is not there yet (a first run before any store is opened, or while it is built)."""
        from bot.bundle_file import bundle_path, usable
        from bot.project_index import read_index

        taken = self._taken_keys()
        if self._seed_folder == data_dir() / "seed":  # the bundle is built from the bundled seed folder only
            bundle = bundle_path()
            if usable(bundle):
                return read_index(bundle, taken)
        return self.built_project_index()

    def _load_projects(self) -> None:
        if self._projects is not None:
            return
        index = self._read_index()  # outside the lock: building from the CSVs takes it
        with self._lock:
            if self._projects is not None:
                return  # another thread got there first: its dictionaries are the ones handed out
            projects, names, alternates = {}, {}, {}
            for entry in index.projects.values():
                projects[entry.id] = Framework.model_construct(
                    id=entry.id,
                    name=entry.name,
                    colour=_PALETTE[zlib.crc32(entry.id.encode()) % len(_PALETTE)],
                    github=entry.github,
                    github_former=entry.github_former,
                    pypi=entry.pypi,
                    npm=entry.npm,
                    links=tuple(entry.links),
                )
                keys = [*entry.pypi, *(f"npm:{n}" for n in entry.npm), entry.github, *entry.github_former]
                keys += [entry.name, *entry.npm] if entry.pypi or entry.npm else []
                for key in keys:
                    if key:
                        names.setdefault(normalise_name(key), entry.id)
                for slug in (entry.github, *entry.github_former):
                    if slug:  # slugs are looked up as typed: "owner/my_repo" keeps its "_"
                        names.setdefault(slug.lower(), entry.id)
            for entry in index.projects.values():
                if entry.github and not entry.pypi and not entry.npm:
                    repo = normalise_name(entry.github.split("/")[1])
                    if repo in names and names[repo] != entry.id:
                        alternates[repo] = entry.id
                    else:
                        names.setdefault(repo, entry.id)
            self._index, self._project_names, self._project_alternates = index, names, alternates
            self._projects = projects

    def know_projects(self, rows: Iterable[Mapping[str, Any]], *, exactly: bool = False) -> list[str]:
        """Add projects a live look-up stored (rows of the `projects` table, list fields decoded) beside the
        bundled ones, so their names read as them; a project or name already known keeps its reading.
        `exactly`: these rows are all the live projects there are (one store's), so live projects of another
        store are forgotten. Returns the ids added. Names are only the project's packages, repository and
        registry name, never a guessed short name."""
        rows = list(rows)
        if not rows and not self._live:
            return []  # nothing to add or forget: never load the bundled projects for it
        projects, names = self.projects(), self.project_names()
        added = []
        with self._lock:
            if exactly:
                keep = {row["id"] for row in rows}
                for gone in [pid for pid in self._live if pid not in keep]:
                    projects.pop(gone, None)
                    for key in self._live.pop(gone):
                        if names.get(key) == gone:
                            del names[key]
            for row in rows:
                if row["id"] in projects or row["id"] in self.frameworks:
                    continue
                projects[row["id"]] = Framework.model_construct(
                    id=row["id"],
                    name=row["name"],
                    colour=_PALETTE[zlib.crc32(row["id"].encode()) % len(_PALETTE)],
                    github=row.get("github"),
                    github_former=tuple(row.get("github_former") or ()),
                    pypi=tuple(row.get("pypi") or ()),
                    npm=tuple(row.get("npm") or ()),
                    links=tuple(row.get("links") or ()),
                )
                keys = [*row.get("pypi", ()), *(f"npm:{n}" for n in row.get("npm", ())), row.get("github")]
                keys += [*row.get("github_former", ()), *(row.get("npm", ()) if not row.get("pypi") else ())]
                if row.get("pypi") or row.get("npm"):
                    keys.append(row["name"])
                self._live[row["id"]] = []
                for key in keys:
                    # A slug is looked up as typed ("run-llama/llama_index"): its "_" must not become a space.
                    for form in {normalise_name(key), key.lower()} if key else ():
                        if form not in names:
                            names[form] = row["id"]
                            self._live[row["id"]].append(form)
                added.append(row["id"])
        return added

    def _taken_keys(self) -> set[str]:
        """Packages and slugs of the frameworks and of the projects said to be separate from them."""
        taken: set[str] = set()
        for fw in self.frameworks.values():
            for sep in (fw, *fw.separate):
                taken.update(_pep503(p) for p in sep.pypi)
                taken.update(f"npm:{n.lower()}" for n in sep.npm)
                taken.update(s.lower() for s in (sep.github, *getattr(sep, "github_former", ())) if s)
        return taken

    def __iter__(self):
        return iter(self.frameworks.values())

    def __len__(self) -> int:
        return len(self.frameworks)

    def ids(self) -> list[str]:
        return list(self.frameworks)

    def resolve(self, name: str) -> str | None:
        return self.names.get(normalise_name(name))


def _pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip().lower())


# Line colours for bundled projects (the frameworks have their own in frameworks.toml).
_PALETTE = ("#1F77B4", "#9467BD", "#8C564B", "#E377C2", "#7F7F7F", "#BCBD22", "#17BECF", "#D62728")


_SPACES = re.compile(r"[\s_]+")  # compiled once: ~11,000 names are normalised as a web worker starts


def normalise_name(name: str) -> str:
    return _SPACES.sub(" ", name.strip().lower())


def load_catalog(path: Path | None = None) -> Catalog:
    path = path or data_dir() / "frameworks.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    entries = raw.get("frameworks")
    if not isinstance(entries, dict) or not entries:
        raise CatalogError(f"{path}: no [frameworks.<id>] entries")
    frameworks = []
    for fid, fields in entries.items():
        try:
            frameworks.append(Framework(id=fid, **fields))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}" for err in exc.errors()
            )
            raise CatalogError(f"{path}: [frameworks.{fid}]: {problems}") from None
        except TypeError as exc:
            raise CatalogError(f"{path}: [frameworks.{fid}]: {exc}") from None
    try:
        return Catalog(frameworks)
    except CatalogError as exc:
        raise CatalogError(f"{path}: {exc}") from None


@cache
def catalog() -> Catalog:
    """The bundled catalog, loaded once per process."""
    return load_catalog()
