# The Rasa 3.6 server (Python 3.10). The model is trained in the build stage, so an image is one
# model version; the tracker store, lock store and action server come from endpoints.yml, mounted
# at /config/endpoints.yml (a ConfigMap on Kubernetes, a file with docker compose).
# Build from the repository root: docker build -f deploy/docker/rasa.Dockerfile -t local-offer/rasa .
FROM python:3.10.13-slim AS train
ENV PIP_NO_CACHE_DIR=1 RASA_TELEMETRY_ENABLED=false
RUN pip install rasa==3.6.21
WORKDIR /app
COPY config.yml ./
COPY bot/ bot/
COPY actions/__init__.py actions/safeguarding.py actions/
RUN rasa data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings \
 && rasa train --config config.yml --domain bot/domain.yml --data bot/data --out models \
        --fixed-model-name local_offer --quiet

FROM python:3.10.13-slim
ENV PIP_NO_CACHE_DIR=1 RASA_TELEMETRY_ENABLED=false PYTHONPATH=/app
RUN pip install rasa==3.6.21 \
 && useradd --create-home --uid 10001 rasa
WORKDIR /app
COPY --from=train /app/models/local_offer.tar.gz models/local_offer.tar.gz
COPY config.yml ./
COPY bot/ bot/
COPY actions/__init__.py actions/safeguarding.py actions/
USER 10001
EXPOSE 5005
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/status', timeout=4)"]
CMD ["rasa", "run", "--model", "models/local_offer.tar.gz", "--endpoints", "/config/endpoints.yml", \
     "--credentials", "bot/credentials.yml", "--interface", "0.0.0.0", "--port", "5005", "--enable-api"]
