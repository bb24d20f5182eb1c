#!/bin/sh
# Makes the Redis Cluster of OrderShop out of empty nodes, once: waits until every node answers, then
# `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`, then waits for cluster_state:ok on every node.
# Safe to run again: a cluster that already holds all 16384 slots is left as it is, and a node that came back empty
# (its volume lost) is added to it as a replica. Run by the Job in deploy/k8s/ and by the creator service of
# docker-compose.yml's cluster profile; scripts/test-deploy.sh runs it twice against local nodes.
#   REDIS_CLUSTER_NODES         the nodes, host:port separated by spaces (six: three masters, three replicas)
#   REDIS_CLUSTER_REPLICAS      replicas per master (default 1)
#   REDIS_CLUSTER_WAIT_SECONDS  how long to wait for the nodes, then for cluster_state:ok (default 300)
#   REDISCLI_AUTH               the nodes' password, if they have one (redis-cli reads it)
set -eu
nodes="${REDIS_CLUSTER_NODES:?name the nodes: REDIS_CLUSTER_NODES='host:port host:port …'}"
replicas="${REDIS_CLUSTER_REPLICAS:-1}"
wait_seconds="${REDIS_CLUSTER_WAIT_SECONDS:-300}"

say() { printf 'create-cluster: %s\n' "$*"; }
cli() { cli_node="$1"; shift; redis-cli -h "${cli_node%:*}" -p "${cli_node##*:}" "$@"; }
# One field of CLUSTER INFO on a node, e.g. cluster_state.
info_field() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }
# CLUSTER MEET takes IP addresses only, so names (a pod's DNS name, a compose service) are resolved first.
address() {
  ip="$(getent hosts "${1%:*}" | awk '{ print $1; exit }')"
  printf '%s:%s\n' "${ip:-${1%:*}}" "${1##*:}"
}

# Runs "$@" until it succeeds; past the deadline says "$1 within …" and fails.
wait_for() {
  what="$1"; shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || { say "$what within ${wait_seconds}s"; exit 1; }
    sleep 1
  done
}
answers() { [ "$(cli "$1" ping 2>/dev/null)" = PONG ]; }
state_ok() { [ "$(info_field "$1" cluster_state)" = ok ]; }

deadline=$(($(date +%s) + wait_seconds))
for node in $nodes; do wait_for "$node did not answer PING" answers "$node"; done
say "every node answers: $nodes"

member=""
for node in $nodes; do
  if [ "$(info_field "$node" cluster_slots_assigned)" = 16384 ]; then member="$node"; break; fi
done

if [ -z "$member" ]; then
  for node in $nodes; do
    if [ "$(info_field "$node" cluster_known_nodes)" != 1 ]; then
      say "$node already knows other nodes, but no node holds all 16384 slots: a half-made cluster;"
      say "look at it with: redis-cli --cluster check $node (then --cluster fix, or wipe the nodes' data)"
      exit 1
    fi
  done
  addresses=""
  for node in $nodes; do addresses="$addresses $(address "$node")"; done
  say "creating the cluster:$addresses (replicas per master: $replicas)"
  # shellcheck disable=SC2086 # one word a node
  redis-cli --cluster create $addresses --cluster-replicas "$replicas" --cluster-yes
else
  say "the cluster exists already ($member holds all 16384 slots)"
  for node in $nodes; do
    if [ "$(info_field "$node" cluster_known_nodes)" = 1 ]; then
      say "$node is empty and alone: adding it as a replica"
      redis-cli --cluster add-node "$(address "$node")" "$(address "$member")" --cluster-slave
      added=yes
    fi
  done
  if [ -n "${added:-}" ]; then
    # The lost node's old identity stays in the others' tables with no address: every node forgets it.
    for ghost in $(cli "$member" cluster nodes | awk '$3 ~ /noaddr/ { print $1 }'); do
      say "forgetting the lost node $ghost"
      for node in $nodes; do cli "$node" cluster forget "$ghost" >/dev/null 2>&1 || true; done
    done
  fi
fi

deadline=$(($(date +%s) + wait_seconds))
for node in $nodes; do wait_for "$node did not reach cluster_state:ok" state_ok "$node"; done
say "cluster_state:ok on every node"
