# SafePub: every set-up step lives here so that a fresh machine needs only `make run` / `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
SYSTEM_STAMP := $(VENV)/.system-packages
CORPUS ?= ../shared/corpus/dev
EVAL_OUT ?= $(shell mktemp -d -t safepub-eval.XXXXXX)

.PHONY: run test eval eval-variants bench bench-scale realworld tab tab-official lint system-deps install clean

# Debian packages the product needs at run time (OCR, the bubblewrap sandbox, LibreOffice and the
# metric-compatible fonts for Word drafts) and the tests need (pdftoppm, Chromium).
system-deps: $(SYSTEM_STAMP)
$(SYSTEM_STAMP):
	@mkdir -p $(VENV)
	@missing=""; \
	command -v tesseract >/dev/null || missing="$$missing tesseract-ocr tesseract-ocr-eng"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	[ -d /usr/share/fonts/truetype/crosextra ] || missing="$$missing fonts-crosextra-carlito fonts-crosextra-caladea"; \
	[ -d /usr/share/fonts/truetype/liberation2 ] || missing="$$missing fonts-liberation2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "WARNING: please install:$$missing (OCR will mark image pages for human review without it)"; \
	  fi; \
	fi
	@touch $@

install: $(STAMP)
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	@touch $@

run: install system-deps
	$(VENV)/bin/safepub run

test: install system-deps
	$(PY) -m pytest -n 2 -q

eval: install system-deps
	$(PY) benchmarks/eval_corpus.py --corpus $(CORPUS) --out $(EVAL_OUT)

# The same drafts re-rendered in other house styles (two columns, another font, reworded DOB header and
# numeric dates, a paragraph as an image) must lose the same items: a few short documents.
eval-variants: install system-deps
	$(PY) benchmarks/eval_variants.py --corpus $(CORPUS) --out $(EVAL_OUT)

tab: install
	$(PY) benchmarks/tab_eval.py

# The benchmark's own procedure: one fresh `safepub detect` process per judgment (slow).
tab-official: install
	$(PY) ../shared/eval/tab_score.py ../shared/tab/echr_dev_subset21.json --run-cmd "$(VENV)/bin/safepub detect {in} -o {out}" $(EVAL_OUT)/tab-dev.json
	$(PY) ../shared/eval/tab_score.py ../shared/tab/echr_dev_subset21.json --run-cmd "$(VENV)/bin/safepub detect --profile strict {in} -o {out}" $(EVAL_OUT)/tab-dev-strict.json

bench: install system-deps
	$(PY) benchmarks/bench_redact.py
	$(PY) benchmarks/bench_word.py

# Pages per minute with 1 and 2 real workers on the bench corpus (PostgreSQL/Redis from TEST_DATABASE_URL /
# TEST_REDIS_URL when set; see docs/storage-and-scaling.md).
bench-scale: install system-deps
	$(PY) benchmarks/bench_scale.py

# SafePub over real-world PDFs nobody here wrote: exit code, seconds, peak memory and text kept per file.
# REALWORLD=DIR points it at a larger fetched set (e.g. pdf.js test/pdfs, PyMuPDF tests/resources).
REALWORLD ?= tests/fixtures/realworld
realworld: install system-deps
	$(PY) benchmarks/realworld.py $(REALWORLD) --timeout 300

# Style, formatting, the layering contracts in pyproject.toml ([tool.importlinter]) and types.
lint: install
	$(VENV)/bin/ruff check intake redaction worker config tests benchmarks
	$(VENV)/bin/ruff format --check intake redaction worker config tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy redaction intake worker config

clean:
	rm -rf $(VENV) .pytest_cache
