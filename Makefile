# The two entry points of the README: `make demo` and `make test`.
.PHONY: bootstrap demo test lint unit

bootstrap:
	@scripts/bootstrap.sh

demo: bootstrap
	@scripts/demo.sh

lint: bootstrap
	.venv/bin/ruff check octane tests benchmarks scripts
	.venv/bin/mypy

test: bootstrap lint
	.venv/bin/python -m pytest -q

unit: bootstrap
	.venv/bin/python -m pytest -q tests/unit
