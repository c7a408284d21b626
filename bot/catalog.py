"""The catalog of tracked frameworks, loaded from `data/frameworks.toml` and validated."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated

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

    def __init__(self, frameworks: list[Framework]):
        self.frameworks: dict[str, Framework] = {f.id: f for f in frameworks}
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
        return self.frameworks[framework_id]

    def __iter__(self):
        return iter(self.frameworks.values())

    def __len__(self) -> int:
        return len(self.frameworks)

    def ids(self) -> list[str]:
        return list(self.frameworks)

    def resolve(self, name: str) -> str | None:
        return self.names.get(normalise_name(name))


def normalise_name(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lower())


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
