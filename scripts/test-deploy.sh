#!/usr/bin/env bash
# The deployment files checked: deploy/k8s/ is what deploy/tool.py generates, every manifest is valid for
# Kubernetes $KUBERNETES_VERSION (kubernetes-validate, strict: unknown fields refused), and the Deployments, probes,
# ports, image and environment agree with ServiceConfig, the Dockerfile and docker-compose.yml; docker-compose.yml is
# valid with and without its cluster profile; and the cluster creation script makes a 3+3 cluster of local
# redis-servers, then runs again as a no-op, then adds back a node that lost its data. Any failure fails make test.
# There is no Kubernetes cluster here: the manifests are validated, not run.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

KUBERNETES_VERSION=1.35.0

pinned_venv deploy-venv "$ROOT/deploy/requirements.txt" "the deployment checks' tools"

ensure_command docker-compose docker-compose
ensure_command redis-server redis-server
work="$(mktemp -d)"
nodes_started=()
cleanup() {
  local port
  for port in "${nodes_started[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

say "== docker-compose.yml, as it is and with the cluster profile (deploy/compose/cluster.env)"
docker-compose -f docker-compose.yml config >"$work/default.yml"
docker-compose -f docker-compose.yml --env-file deploy/compose/cluster.env --profile cluster config >"$work/cluster.yml"

say "== deploy/k8s/ against Kubernetes $KUBERNETES_VERSION, and what the manifests promise"
"$VENV/bin/python" deploy/tool.py check "$KUBERNETES_VERSION" "$work/default.yml" "$work/cluster.yml" \
  || die "the deployment files have problems (above)"

if command -v kubectl >/dev/null 2>&1; then
  # Not installed by this script (no Debian or PyPI package has it): an extra check where kubectl happens to be.
  objects="$(kubectl kustomize deploy/k8s | grep -c '^kind:')" || die "kubectl kustomize deploy/k8s failed (above)"
  [[ "$objects" == "$(cat deploy/k8s/*.yaml | grep -c '^kind: [^K]')" ]] \
    || die "kubectl kustomize deploy/k8s renders $objects objects, not every object of deploy/k8s/"
  say "kubectl kustomize deploy/k8s renders all $objects objects"
else
  say "(kubectl is not installed: the kustomize rendering is not checked, only the resources kustomization.yaml lists)"
fi

say "== deploy/redis-cluster/create-cluster.sh on six local redis-servers"
# A port that is free with its cluster bus port (+10000), both below the kernel's ephemeral range.
cluster_port() {
  local port tries=0
  while ((tries++ < 200)); do
    port=$((10000 + RANDOM % 12000))
    [[ " ${nodes_started[*]} " == *" $port "* ]] && continue
    port_taken "$port" || port_taken $((port + 10000)) || { printf '%s\n' "$port"; return 0; }
  done
  die "no free port found"
}
start_node() {
  mkdir -p "$work/$1"
  redis-server --bind 127.0.0.1 --port "$1" --dir "$work/$1" --cluster-enabled yes --cluster-config-file nodes.conf \
    --appendonly yes --daemonize yes --logfile "$work/$1/log" || die "redis-server on port $1 did not start"
}
create() { REDIS_CLUSTER_NODES="$nodes" REDIS_CLUSTER_WAIT_SECONDS=60 sh deploy/redis-cluster/create-cluster.sh >"$work/create.log" 2>&1 \
  || { cat "$work/create.log"; die "create-cluster.sh failed ($1)"; }; }
nodes=""
for _ in 1 2 3 4 5 6; do
  port="$(cluster_port)"
  start_node "$port"
  nodes_started+=("$port")
  nodes+=" 127.0.0.1:$port"
done
create "first run"
grep -q "creating the cluster" "$work/create.log" || die "the first run did not create the cluster"
create "second run"
grep -q "the cluster exists already" "$work/create.log" || die "the second run did not see the cluster"
lost="${nodes_started[5]}"
redis-cli -p "$lost" shutdown nosave >/dev/null 2>&1 || true
rm -rf "${work:?}/$lost"
start_node "$lost"
create "after a node lost its data"
grep -q "adding it as a replica" "$work/create.log" || die "the node that lost its data was not added back"
masters=0 replicas=0
for port in "${nodes_started[@]}"; do
  role="$(redis-cli -p "$port" role | head -1)"
  [[ "$role" == master ]] && masters=$((masters + 1))
  [[ "$role" == slave ]] && replicas=$((replicas + 1))
done
((masters == 3 && replicas == 3)) || die "expected 3 masters and 3 replicas, got $masters and $replicas"
say "create-cluster.sh: made a 3+3 cluster, ran again as a no-op, added back a node that lost its data"
