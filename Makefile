# Two commands set everything up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HEADCOUNT_DB ?= headcount.db
HOST ?= 127.0.0.1
PORT ?= 8000
SHARED ?= ../shared
LAYOFFS_FYI := $(SHARED)/data/layoffs_fyi/layoffs_2020-03_to_2026-05_with_sources.csv
NEWS_SAMPLE := $(SHARED)/data/layoff_news/keyword_candidates_en_bbc_reuters.jsonl
WEB_NEWS := $(SHARED)/data/web_news/web_excerpts.jsonl
HC := $(BIN)/headcount --db $(HEADCOUNT_DB)

.PHONY: run sample serve test system-deps lint eval eval-cv model bench clean screenshots docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Loads the bundled sample (and the shared data when ../shared is there), then serves the
# tracker at http://$(HOST):$(PORT)/. Re-running adds nothing twice.
run: sample serve

sample: $(STAMP)
	@if [ -f $(LAYOFFS_FYI) ]; then $(HC) import layoffs-fyi $(LAYOFFS_FYI); \
	else echo "$(SHARED) not found: loading the bundled sample only"; fi
	$(HC) import warn src/headcount/sample_data/warn_wa_sample.csv
	$(HC) ingest --sample
	@if [ -f $(NEWS_SAMPLE) ]; then mkdir -p $(VENV)/sample && \
	head -n 20 $(NEWS_SAMPLE) > $(VENV)/sample/layoff_news_first20.jsonl && \
	$(HC) ingest $(VENV)/sample/layoff_news_first20.jsonl; fi
	@# Today's news (335 web pages, 2022-2026), read by the learned extractor, which is the
	@# better reader of modern pages (README, "How accuracy is measured").
	@if [ -f $(WEB_NEWS) ]; then $(HC) --extractor learned ingest $(WEB_NEWS); fi

serve: $(STAMP)
	$(HC) serve --host $(HOST) --port $(PORT)

# Headless Chromium and its driver for the browser tests (Debian packages; nothing else is
# downloaded). Without them the browser tests are skipped, or fail when CI is set.
system-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	else SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver) \
	|| echo "warning: could not install chromium and chromium-driver: browser tests need them"; fi

test: $(STAMP) system-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/headcount eval --floors accuracy/floors.json ../shared/eval/dev_gold_bbc.jsonl ../shared/eval/dev_gold_reuters.jsonl

# The learned extractor, cross-validated by document (what accuracy/cv_floors.json pins).
eval-cv: $(STAMP)
	$(BIN)/headcount eval --cv 5 --quiet --floors accuracy/cv_floors.json $(SHARED)/eval/dev_gold_web.jsonl \
		$(SHARED)/eval/dev_gold_bbc.jsonl $(SHARED)/eval/dev_gold_reuters.jsonl $(SHARED)/eval/seeds_gold.jsonl

# Retrains the learned extractor from the gold files into src/headcount/extract/data/
# (deterministic: the same gold gives the same model; tests/test_learned.py checks it).
model: $(STAMP)
	$(BIN)/headcount train --shared $(SHARED)

bench: $(STAMP)
	$(BIN)/python bench/bench_extract.py

# Documentation written from the code: docs/cli.md from every command's help, the README's
# settings table from headcount.settings (tests/test_docs.py fails when either is stale).
docs: $(STAMP)
	$(BIN)/python -m headcount.docs .

# The README's screenshots (docs/screenshots/): the loaded sample in headless Chromium at
# 400 px and 1,400 px. The tests never write them.
screenshots: sample system-deps
	$(BIN)/python tests/screenshots.py --db $(HEADCOUNT_DB)

clean:
	rm -rf $(VENV) headcount.db
