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

# Suites that kill, restart or stall a redis-server of their own and time how soon Larder recovers.
# They run apart, after the rest: on two cores the CPU-bound property tests would otherwise hold every
# thread of the test process and turn their seconds of slack into failures that say nothing of Larder.
TIMED_SUITES := RedisFaultTests|RedisComebackTests

# Builds, then runs the test suite against a private redis-server on a free loopback port.
test: deps
	$(SWIFT) build --build-tests
	scripts/with-private-redis.sh $(SWIFT) test --skip '$(TIMED_SUITES)'
	scripts/with-private-redis.sh $(SWIFT) test --filter '$(TIMED_SUITES)'

# The whole flow on the rides example; starts a private Redis unless LARDER_REDIS_URL is set.
demo: build
	scripts/demo.sh

clean:
	rm -rf .build .larder-demo
