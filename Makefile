# Larder's two commands: `make demo` and `make test`. Both install missing Debian packages first.
SHELL := /bin/bash
SWIFT ?= swift
DEBIAN_PACKAGES := libsqlite3-dev libhiredis-dev libzstd-dev libsnappy-dev redis-server pkg-config curl

.PHONY: demo test build deps release clean

deps:
	@scripts/install-deps.sh $(DEBIAN_PACKAGES)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Builds, then runs the test suite against a private redis-server on a free loopback port.
test: deps
	$(SWIFT) build --build-tests
	scripts/with-private-redis.sh $(SWIFT) test

# The whole flow on the rides example; starts a private Redis unless LARDER_REDIS_URL is set.
demo: build
	scripts/demo.sh

clean:
	rm -rf .build .larder-demo
