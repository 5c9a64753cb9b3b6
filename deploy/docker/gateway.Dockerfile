# The FastAPI gateway: chat proxy, search, referral store, SPA staff pages, the widget and the
# demo site. Stateless: referrals live in PostgreSQL (DATABASE_URL), rate limits in Redis.
# The same image runs the index job: python -m ingest build --sources ... --out /index/<council>
# Build from the repository root: docker build -f deploy/docker/gateway.Dockerfile -t local-offer/gateway .
FROM python:3.11.7-slim
# TOKENIZERS_PARALLELISM is a setting, not a secret (hadolint matches its name)
# hadolint ignore=DL3064
ENV PIP_NO_CACHE_DIR=1 PYTHONPATH=/app HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
    LOCAL_OFFER_INDEX=/index/council GATEWAY_HOST=0.0.0.0 GATEWAY_ENV=production LOCAL_OFFER_ONNX_DIR=/app/onnx
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ingest/ ingest/
COPY knowledge_base/ knowledge_base/
COPY actions/ actions/
COPY gateway/ gateway/
COPY web_widget/ web_widget/
COPY bot/__init__.py bot/
# the query encoder's ONNX export is made here, once, rather than at every container start (ADR 0009)
RUN pip install . \
 && python -c "from knowledge_base.embedding import Embedder; assert Embedder().query_backend == 'onnxruntime'" \
 && useradd --create-home --uid 10001 app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "gateway"]
