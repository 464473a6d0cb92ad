# Entry points; the scripts in scripts/ do the work.
.PHONY: run test build dev frontend openapi bench bench-scale clean

run:            ## build everything and start the server on http://localhost:1411
	./scripts/run.sh

test:           ## every check and test (what CI runs)
	./scripts/test.sh

build:          ## build the SPA and the release binary only
	./scripts/build.sh

dev:            ## backend on :1411 + trunk serve on :8080 with hot reload, proxying the API
	./scripts/dev.sh

openapi:        ## regenerate openapi/openapi.json after changing routes or DTOs
	UPDATE_OPENAPI=1 cargo test -p backend --test api openapi

bench:          ## side by side with node-oidc-provider; writes docs/BENCHMARKS.md (about 50 minutes)
	./scripts/bench.sh

bench-scale:    ## 1 000 000 users: the admin users search on SQLite and PostgreSQL
	./scripts/bench.sh --scale 1000000

clean:
	rm -rf frontend/dist data
