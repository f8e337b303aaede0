# One command runs the main job (make run), one runs lint and the tests (make test).
# Both set up what they need first: a pinned uv, the locked virtual environment in
# .venv (no torch, no stanza, no CUDA: see [tool.uv] in pyproject.toml) and, for
# the main job, Debian's Apertium engine where this user has root or sudo.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
VENV_BIN := .venv/bin
APERTIUM_PACKAGES := apertium apertium-fr-es apertium-eng-spa
# Debian's other pairs give Apertium more ways to English (through Catalan and
# Esperanto); each sentence's English is chosen among them (README, "Engines").
APERTIUM_PIVOT_PACKAGES := apertium-fra-cat apertium-spa-cat apertium-eng-cat apertium-eo-fr apertium-eo-en
APERTIUM_MODES := fr-es spa-eng fra-cat cat-spa cat-eng fr-eo eo-en

.PHONY: run test lint bench setup setup-dev engine clean

run: setup engine
	$(VENV_BIN)/translate run

test: setup-dev lint
	$(VENV_BIN)/pytest

lint: setup-dev
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

# The benchmark compares against argostranslate's own translate(), which needs
# its full dependencies (stanza, torch): they go in a separate environment,
# bench/.venv-argos (about 1.5 GB, CPU torch), never in .venv.
bench: setup-dev bench/.venv-argos/bin/python
	$(VENV_BIN)/python bench/run_bench.py $(ARGS)

bench/.venv-argos/bin/python:
	$(PYTHON) -m venv bench/.venv-argos
	bench/.venv-argos/bin/pip install --quiet "torch==2.13.0" "argostranslate==1.11.0" \
		|| { rm -rf bench/.venv-argos; echo "Could not install argostranslate for the comparison; it will be skipped." >&2; }

setup: $(UV)
	$(UV) sync --locked --no-dev --inexact

setup-dev: $(UV)
	$(UV) sync --locked

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# Apertium is the engine that works with no model and no network.
engine:
	@if command -v apertium >/dev/null && (for m in $(APERTIUM_MODES); do apertium -l | grep -qx " *$$m" || exit 1; done); then \
		echo "Apertium French->English: installed, with every pivot."; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APERTIUM_PACKAGES) $(APERTIUM_PIVOT_PACKAGES); \
	elif command -v sudo >/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APERTIUM_PACKAGES) $(APERTIUM_PIVOT_PACKAGES); \
	else \
		echo "Cannot install Apertium here (no root, no sudo). Ask an administrator for:" >&2; \
		echo "  apt-get install $(APERTIUM_PACKAGES) $(APERTIUM_PIVOT_PACKAGES)" >&2; \
		echo "or install an Argos model: .venv/bin/translate model install FILE.argosmodel" >&2; \
	fi

clean:
	rm -rf .venv .tools bench/.venv-argos .pytest_cache .ruff_cache .hypothesis
