"""Where a generated document goes on disk, and how it is written without destroying anything.

Rules (``care-bot draft -o`` and the documents of ``care-bot chat``):

- ``-o`` ending with ``/`` or naming an existing directory: the document goes inside it, under
  its default name (a missing directory given with a trailing ``/`` is created);
- the extension says the format (``.docx``, ``.odt``, ``.md``); with ``--format`` they must
  agree; no extension: the format's is added; another extension (``.pdf``) is refused;
- an existing file is never replaced without ``force`` (the chat keeps versions instead:
  ``fiche-projet-x-v2.docx``); a path that exists but is not a regular file (symbolic link,
  named pipe, device, directory) is always refused;
- the file is written to a temporary file in the same directory, then linked or renamed into
  place in one step (no partial file, ever), with the permissions the umask gives a new file
  (a replaced file keeps its own).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from care_errors import CareError
from drafting import Format, parse_format

TEMP_PREFIX = ".care-draft-"
MAX_VERSIONS = 999
_EXTENSIONS = {"docx": ".docx", "odt": ".odt", "md": ".md"}


class OutputError(CareError):
    """The document cannot be written where asked: exit code 2, French message."""

    exit_code = 2


def _refuse(message: str, detail: str) -> OutputError:
    return OutputError(detail, user_message=message)


def _names_directory(raw: str) -> bool:
    return raw.endswith(("/", os.sep)) or Path(raw).is_dir()


def choose_format(raw_output: str | None, requested: str | None) -> Format:
    """The format from ``--format`` and/or the extension of ``-o`` (they must agree)."""
    fmt = parse_format(requested) if requested is not None else None
    if requested is not None and fmt is None:
        raise _refuse(f"--format « {requested} » inconnu : choisissez docx, odt ou md.", "format")
    suffix = "" if raw_output is None or _names_directory(raw_output) else Path(raw_output).suffix
    if not suffix:
        return fmt or "docx"
    from_suffix = parse_format(suffix)
    if from_suffix is None:
        raise _refuse(
            f"Je ne produis pas de fichier {suffix} : donnez à -o l'extension .docx, .odt ou .md "
            "(pour un PDF, ouvrez le document dans Word ou LibreOffice et exportez-le).",
            f"unsupported extension {suffix!r}",
        )
    if fmt is not None and fmt != from_suffix:
        raise _refuse(
            f"--format {fmt} ne correspond pas à l'extension {suffix} de {raw_output} : changez "
            "l'un ou l'autre.",
            "format and extension disagree",
        )
    return from_suffix


def resolve_target(raw_output: str | None, default_name: str, fmt: Format) -> Path:
    """The file to write: inside a directory (default name) or the file named by ``-o``."""
    if raw_output is None:
        return Path.cwd() / default_name
    if _names_directory(raw_output):
        directory = Path(raw_output)
        if not directory.is_dir():
            try:
                directory.mkdir(parents=True)
            except OSError as exc:
                raise _refuse(
                    f"Impossible de créer le dossier {directory} : {exc.strerror or exc}.",
                    f"mkdir {directory}: {exc}",
                ) from exc
        return directory / default_name
    target = Path(raw_output)
    if not target.suffix:
        target = target.with_name(target.name + _EXTENSIONS[fmt])
    if not target.parent.is_dir():
        raise _refuse(
            f"Le dossier {target.parent} n'existe pas : créez-le ou changez -o.",
            f"no directory {target.parent}",
        )
    return target


def _check_replaceable(target: Path, force: bool) -> int | None:
    """The mode to keep when replacing ``target`` (None: it does not exist); refusals."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _refuse(
            f"Impossible d'examiner {target} : {exc.strerror or exc}.", str(exc)
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "un lien symbolique"
            if stat.S_ISLNK(info.st_mode)
            else "un dossier"
            if stat.S_ISDIR(info.st_mode)
            else "un tube nommé"
            if stat.S_ISFIFO(info.st_mode)
            else "un périphérique"
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "un fichier spécial"
        )
        raise _refuse(
            f"{target} est {kind}, pas un fichier ordinaire : je n'écris jamais à sa place. "
            "Choisissez un autre nom avec -o.",
            f"{target} is not a regular file",
        )
    if not force:
        raise _refuse(
            f"{target} existe déjà : je ne le remplace pas. Ajoutez --force pour le remplacer, "
            "ou choisissez un autre nom avec -o.",
            f"{target} exists",
        )
    return stat.S_IMODE(info.st_mode)


def current_umask() -> int:
    """The process umask (read from /proc when possible, so it is never changed)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary(directory: Path, content: bytes, mode: int) -> Path:
    handle, name = tempfile.mkstemp(dir=directory, prefix=TEMP_PREFIX)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _link_new(temporary: Path, target: Path) -> None:
    """Put ``temporary`` at ``target`` only if nothing is there (atomic where links exist)."""
    try:
        os.link(temporary, target)
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from exc
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if target.exists() or target.is_symlink():  # no hard links here: check, then rename
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from exc
        temporary.rename(target)


def write_document(target: Path, content: bytes, *, force: bool = False) -> Path:
    """Write ``content`` at ``target`` following the rules above; returns ``target``."""
    kept_mode = _check_replaceable(target, force)
    mode = kept_mode if kept_mode is not None else 0o666 & ~current_umask()
    try:
        temporary = _temporary(target.parent, content, mode)
        try:
            if kept_mode is not None:
                temporary.replace(target)
            else:
                _link_new(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    except FileExistsError as exc:
        raise _refuse(
            f"{target} vient d'apparaître : je ne le remplace pas. Relancez la commande.",
            f"{target} appeared while writing",
        ) from exc
    except OSError as exc:
        raise _refuse(
            f"Impossible d'écrire {target} : {exc.strerror or exc}.", f"write {target}: {exc}"
        ) from exc
    return target


def write_new_version(directory: Path, filename: str, content: bytes) -> Path:
    """Write ``filename`` in ``directory``, or ``stem-v2.ext``, ``-v3``… when it is taken; an
    existing file is never replaced (the user may have edited it)."""
    if directory.exists() and not directory.is_dir():
        raise _refuse(
            f"{directory} n'est pas un dossier : choisissez un autre dossier avec --out-dir.",
            f"{directory} is not a directory",
        )
    directory.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(filename).stem, Path(filename).suffix
    for version in range(1, MAX_VERSIONS + 1):
        name = filename if version == 1 else f"{stem}-v{version}{suffix}"
        target = directory / name
        if target.exists() or target.is_symlink():
            continue
        try:
            return write_document(target, content)
        except OutputError as exc:
            if target.exists() or target.is_symlink():
                continue  # taken meanwhile: try the next version
            raise exc
    raise _refuse(
        f"Trop de versions de {filename} dans {directory} : faites-y de la place.",
        "too many versions",
    )
