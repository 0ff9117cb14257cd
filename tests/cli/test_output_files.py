"""Where `care-bot draft -o` and the chat's documents go: never over a file, never through a
link, a pipe or a device; atomically; with the umask's permissions; the extension says the
format."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.output_files import (
    OutputError,
    choose_format,
    current_umask,
    resolve_target,
    write_document,
    write_new_version,
)

NAME = "fiche-projet-x.docx"


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@contextlib.contextmanager
def refused(words: str) -> Iterator[None]:
    """The block raises OutputError whose French message contains ``words``."""
    with pytest.raises(OutputError) as caught:
        yield
    assert words in caught.value.user_message, caught.value.user_message


def leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(".care-draft-")]


# -- format and extension --------------------------------------------------------------------
@pytest.mark.parametrize(
    "output, requested, expected",
    [
        (None, None, "docx"),
        ("f.odt", None, "odt"),
        ("f.MD", None, "md"),
        ("f.markdown", None, "md"),
        ("f", "odt", "odt"),
        ("f.docx", "word", "docx"),
        ("dossier/", "md", "md"),
    ],
)
def test_the_format_comes_from_the_option_or_the_extension(
    tmp_path: Path, output: str | None, requested: str | None, expected: str
) -> None:
    os.chdir(tmp_path)
    assert choose_format(output, requested) == expected


@pytest.mark.parametrize(
    "output, requested, words",
    [
        ("f.pdf", None, "Je ne produis pas de fichier .pdf"),
        ("f.txt", None, ".docx, .odt ou .md"),
        ("f.docx", "odt", "ne correspond pas à l'extension .docx"),
        (None, "pdf", "docx, odt ou md"),
    ],
)
def test_wrong_extensions_are_refused_in_french(
    output: str | None, requested: str | None, words: str
) -> None:
    with pytest.raises(OutputError) as caught:
        choose_format(output, requested)
    assert words in caught.value.user_message and caught.value.exit_code == 2


def test_a_name_without_extension_gets_the_formats(tmp_path: Path) -> None:
    assert resolve_target(str(tmp_path / "lettre"), NAME, "odt") == tmp_path / "lettre.odt"


# -- directories -------------------------------------------------------------------------------
def test_an_existing_directory_means_inside_it(tmp_path: Path) -> None:
    assert resolve_target(str(tmp_path), NAME, "docx") == tmp_path / NAME


def test_a_trailing_slash_means_a_directory_created_if_needed(tmp_path: Path) -> None:
    target = resolve_target(f"{tmp_path}/sortie/", NAME, "docx")
    assert target == tmp_path / "sortie" / NAME and (tmp_path / "sortie").is_dir()


def test_a_missing_parent_directory_is_refused(tmp_path: Path) -> None:
    with refused("n'existe pas"):
        resolve_target(str(tmp_path / "absent" / "f.docx"), NAME, "docx")


# -- never destroy -------------------------------------------------------------------------------
def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / NAME
    target.write_bytes(b"edited by the user")
    with pytest.raises(OutputError) as caught:
        write_document(target, b"new")
    assert "existe déjà" in caught.value.user_message and "--force" in caught.value.user_message
    assert target.read_bytes() == b"edited by the user" and leftovers(tmp_path) == []


def test_force_replaces_and_keeps_the_files_permissions(tmp_path: Path) -> None:
    target = tmp_path / NAME
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_document(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and leftovers(tmp_path) == []


def test_a_symbolic_link_is_refused_even_with_force(tmp_path: Path) -> None:
    victim = tmp_path / "precious.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / NAME
    link.symlink_to(victim)
    for force in (False, True):
        with refused("lien symbolique, pas un fichier ordinaire"):
            write_document(link, b"new", force=force)
    assert link.is_symlink() and victim.read_bytes() == b"precious"


def test_a_dangling_symbolic_link_is_refused(tmp_path: Path) -> None:
    link = tmp_path / NAME
    link.symlink_to(tmp_path / "nowhere")
    with refused("lien symbolique"):
        write_document(link, b"new")
    assert not (tmp_path / "nowhere").exists()


def test_a_fifo_is_refused_and_left_alone(tmp_path: Path) -> None:
    fifo = tmp_path / NAME
    os.mkfifo(fifo)
    with refused("tube nommé"):
        write_document(fifo, b"new", force=True)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_refused() -> None:
    with refused("périphérique"):
        write_document(Path("/dev/null"), b"new", force=True)


def test_a_directory_named_like_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / NAME).mkdir()
    with refused("un dossier"):
        write_document(tmp_path / NAME, b"new", force=True)


# -- permissions and atomicity ----------------------------------------------------------------
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umasks_permissions(tmp_path: Path, mask: int, mode: int) -> None:
    previous = os.umask(mask)
    try:
        assert current_umask() == mask
        target = write_document(tmp_path / NAME, b"content")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(target.stat().st_mode) == mode and target.read_bytes() == b"content"
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with refused("Impossible d'écrire"):
        write_document(tmp_path / NAME, b"content")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / NAME).write_bytes(b"old")
    with refused("No space left on device"):
        write_document(tmp_path / NAME, b"content", force=True)
    assert [p.name for p in tmp_path.iterdir()] == [NAME]
    assert (tmp_path / NAME).read_bytes() == b"old"


# -- the chat keeps versions ----------------------------------------------------------------------
def test_the_chat_writes_new_versions_never_over_an_edited_file(
    tmp_path: Path, umask_022: None
) -> None:
    first = write_new_version(tmp_path, NAME, b"v1")
    first.write_bytes(b"v1 edited in Word")
    second = write_new_version(tmp_path, NAME, b"v2")
    third = write_new_version(tmp_path, NAME, b"v3")
    assert [first.name, second.name, third.name] == [
        NAME,
        "fiche-projet-x-v2.docx",
        "fiche-projet-x-v3.docx",
    ]
    assert first.read_bytes() == b"v1 edited in Word" and third.read_bytes() == b"v3"


def test_the_chat_skips_a_link_in_the_way(tmp_path: Path) -> None:
    (tmp_path / NAME).symlink_to("/dev/null")
    assert write_new_version(tmp_path, NAME, b"v1").name == "fiche-projet-x-v2.docx"


def test_the_chat_refuses_an_output_directory_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_bytes(b"x")
    with refused("n'est pas un dossier"):
        write_new_version(tmp_path / "out", NAME, b"v1")
