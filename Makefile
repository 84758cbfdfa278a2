# The task index. The two commands a newcomer needs are `make serve` and `make test`.
VENV := .venv/bin
PORT ?= 5000

.PHONY: install build serve test lint check ontology clean

install:
	bash scripts/install.sh

build: install
	$(VENV)/ketamine-kg build

serve: build
	$(VENV)/ketamine-kg serve --port $(PORT)

test: install
	$(VENV)/ruff check .
	$(VENV)/python -m pytest -q

check: build
	$(VENV)/ketamine-kg check

ontology: install
	$(VENV)/python -m ontology.build

clean:
	rm -rf instance .pytest_cache
