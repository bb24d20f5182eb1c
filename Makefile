# OrderShop: every target is a thin call to a script in scripts/ (read them for the details).
.PHONY: up down reset stop start status test bench bench-http bench-redis bench-events bench-archive bench-e2e bench-orders bench-scale bench-reads bench-console bench-cluster restore help

SERVICE ?=

# Runs scripts/$(1).sh, or says it is missing and fails.
run-script = @if [ -x scripts/$(1).sh ]; then scripts/$(1).sh $(2); else echo "make $(1): scripts/$(1).sh is missing"; exit 1; fi

help:           ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' Makefile | sed -E 's/:.*## /\t/'

up:             ## install what is missing, build (release), start Redis and the nine services, wait until ready (REDIS=cluster: a local 3+3 Redis Cluster; INSTANCES=N: N of each service behind HAProxy; OTEL=1: with OpenTelemetry export)
	$(call run-script,up)

down:           ## stop the services, Redis and PostgreSQL (data kept in .run/)
	$(call run-script,down)

reset:          ## down, then wipe .run/
	$(call run-script,reset)

stop:           ## stop one service: make stop SERVICE=crm-service (every instance of it; SERVICE=crm-service-2: one)
	$(call run-script,stop,$(SERVICE))

start:          ## start one service and wait until ready: make start SERVICE=crm-service (or one instance: crm-service-2)
	$(call run-script,start,$(SERVICE))

status:         ## what runs, with pids and /ready answers; each Redis Cluster node with its role
	$(call run-script,status)

test:           ## unit, integration, end-to-end and browser tests (installs redis-server, docker-compose, chromium when missing)
	$(call run-script,test)

bench:          ## every benchmark present
	$(call run-script,bench)

bench-http:     ## ShopHTTP against Hummingbird 2
	$(call run-script,bench-http)

bench-redis:    ## ShopRedis against redis-benchmark
	$(call run-script,bench-redis)

bench-events:   ## event store appends and reads
	$(call run-script,bench-events)

bench-archive:  ## archiving to PostgreSQL and event queries
	$(call run-script,bench-archive)

bench-e2e:      ## the shop end to end through the gateway: reads, orders, cpu-per-order, memory (correctness checked after each)
	$(call run-script,bench-e2e)

bench-orders:   ## accepted orders/s through the gateway against the Redis-only floor (orders: ours= reference= ratio=), bytes per order
	$(call run-script,bench-orders)

bench-scale:    ## GET /orders with 100 to 40,000 orders in the shop, and appends to a short and a 1M-entry stream
	$(call run-script,bench-scale)

bench-reads:    ## reads at scale: 40,000 orders, GET /orders plain and 304, the mixed preset at 16 connections
	$(call run-script,bench-reads)

bench-console:  ## what 20 open consoles cost: CPU per order and orders-c16 with and without them (console-overhead)
	$(call run-script,bench-console)

bench-cluster:  ## orders-c16 on one redis-server and on a local 3+3 Redis Cluster from one run, the cost of WAIT, Redis CPU per order per node
	$(call run-script,bench-cluster)

restore:        ## rebuild Redis projections from the PostgreSQL archive
	$(call run-script,restore)

.PHONY: fuzz
fuzz:           ## Schemathesis, deeper: random seed (FUZZ_SEED to repeat), FUZZ_EXAMPLES per operation, against a private stack
	$(call run-script,fuzz)
