# The two commands a new user needs:
#   make run   — set up and run the platform with demo data on http://127.0.0.1:8000/
#   make test  — set up and run the whole test suite (starts its own PostgreSQL and Redis)
.PHONY: run test lint format setup demo bench

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

setup:
	bash scripts/bootstrap.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

# The benchmark suite (bench/README.md): starts its own services, ≈ 25 min on 2 quiet cores, appends to
# docs/benchmarks.md. `make bench ARGS="--size 20000 --quick --no-append"` for a smoke run.
bench:
	.venv/bin/python bench/run.py $(ARGS)
