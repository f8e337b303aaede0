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

.PHONY: run test lint setup setup-dev engine clean

run: setup engine
	$(VENV_BIN)/translate run

test: setup-dev lint
	$(VENV_BIN)/pytest

lint: setup-dev
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .

setup: $(UV)
	$(UV) sync --locked --no-dev --inexact

setup-dev: $(UV)
	$(UV) sync --locked

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# Apertium is the engine that works with no model and no network.
engine:
	@if command -v apertium >/dev/null && apertium -l | grep -qw fr-es && apertium -l | grep -qw spa-eng; then \
		echo "Apertium French->English: installed."; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APERTIUM_PACKAGES); \
	elif command -v sudo >/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APERTIUM_PACKAGES); \
	else \
		echo "Cannot install Apertium here (no root, no sudo). Ask an administrator for:" >&2; \
		echo "  apt-get install $(APERTIUM_PACKAGES)" >&2; \
		echo "or install an Argos model: .venv/bin/translate model install FILE.argosmodel" >&2; \
	fi

clean:
	rm -rf .venv .tools .pytest_cache .ruff_cache .hypothesis
