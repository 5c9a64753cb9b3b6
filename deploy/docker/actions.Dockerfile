# The action server (rasa-sdk on Python 3.11): answers, safeguarding handoff, referral form.
# Stateless apart from its referral outbox (REFERRAL_OUTBOX, a small volume) and reads the index
# at LOCAL_OFFER_INDEX (a read-only volume the index job writes).
# Build from the repository root: docker build -f deploy/docker/actions.Dockerfile -t local-offer/actions .
FROM python:3.11.7-slim
# TOKENIZERS_PARALLELISM is a setting, not a secret (hadolint matches its name)
# hadolint ignore=DL3064
ENV PIP_NO_CACHE_DIR=1 PYTHONPATH=/app HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
    LOCAL_OFFER_INDEX=/index/council REFERRAL_OUTBOX=/outbox/outbox.sqlite3 LOCAL_OFFER_ONNX_DIR=/app/onnx
# torch first and CPU-only: the default wheel pulls gigabytes of CUDA libraries
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest/ ingest/
COPY knowledge_base/ knowledge_base/
COPY actions/ actions/
COPY gateway/ gateway/
COPY bot/__init__.py bot/
# the query encoder's ONNX export is made here, once, rather than at every container start (ADR 0009)
RUN pip install . \
 && python -c "from knowledge_base.embedding import Embedder; assert Embedder().query_backend == 'onnxruntime'" \
 && useradd --create-home --uid 10001 app \
 && mkdir -p /outbox && chown 10001 /outbox
USER 10001
EXPOSE 5055
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
CMD ["python", "-m", "actions.server", "--host", "0.0.0.0", "--port", "5055"]
