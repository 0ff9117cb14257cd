#!/bin/sh
# Container entry point: `care-bot` with the image's defaults. Arguments are a care-bot command
# (default: telegram). A model baked at build time becomes the embedder unless CARE_EMBEDDINGS
# says otherwise. exec: the bot replaces this shell and receives SIGTERM itself.
set -eu
if [ -z "${CARE_EMBEDDINGS:-}" ] && [ -f /models/embedder/config.json ]; then
    export CARE_EMBEDDINGS="sentence-transformers:/models/embedder"
fi
exec python -m bot "$@"
