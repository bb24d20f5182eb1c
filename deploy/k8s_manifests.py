"""The Kubernetes manifests of deploy/k8s/, made from one description so the nine services cannot drift apart.

The services and their ports are read from Shared/ShopDomain/ServiceName.swift; `python3 deploy/tool.py generate`
writes the files, and `make test` fails when the committed files differ from what this module makes.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "ordershop:latest"  # what docker-compose.yml tags the Dockerfile's image as
REDIS_IMAGE = "redis:7"
POSTGRES_IMAGE = "postgres:15"
REDIS_NODES = 6  # three masters, three replicas
REDIS_SEEDS = 3  # the nodes REDIS_URL names; the client finds the rest in the slot map
PART_OF = {"app.kubernetes.io/part-of": "ordershop"}


def services():
    """(executable, port) of the nine, in ServiceName's order, read from the Swift source."""
    source = (ROOT / "Shared/ShopDomain/ServiceName.swift").read_text()
    names = dict(re.findall(r'case (\w+) = "([a-z-]+)"', source))
    ports = dict(re.findall(r"case \.(\w+): (\d+)", source))
    return [(executable, int(ports[case])) for case, executable in names.items()]


def url_variable(executable):
    return executable.upper().replace("-", "_") + "_URL"


def labels(name, component):
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component, **PART_OF}


def metadata(name, component):
    return {"name": name, "labels": labels(name, component)}


def selector(name):
    return {"app.kubernetes.io/name": name}


def redis_pod(index):
    return f"redis-cluster-{index}.redis-cluster"


def config():
    data = {
        "HOST": "0.0.0.0",
        "LOG_LEVEL": "info",
        # Several seed nodes select Redis Cluster mode (README, Configuration).
        "REDIS_URL": "redis://" + ",".join(f"{redis_pod(i)}:6379" for i in range(REDIS_SEEDS)),
    }
    for executable, port in services():
        data[url_variable(executable)] = f"http://{executable}:{port}"
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata("ordershop-config", "config"),
                  "data": data}
    # DATABASE_URL carries the password, so it lives here with it; replace both (the same password) before use.
    secret = {
        "apiVersion": "v1", "kind": "Secret", "metadata": metadata("ordershop-secrets", "config"), "type": "Opaque",
        "stringData": {
            "POSTGRES_PASSWORD": "change-me",
            "DATABASE_URL": "postgres://postgres:change-me@postgres:5432/ordershop",
            # Not read by any service yet (DESIGN.md's admin actions); kept here so it has its place when it is.
            "ADMIN_TOKEN": "change-me",
        },
    }
    return [config_map, secret]


def service_manifests(executable, port):
    gateway = executable == "gateway-api"
    # Only archive-service uses PostgreSQL, so only it gets the URL with the password.
    database = [{"name": "DATABASE_URL",
                 "valueFrom": {"secretKeyRef": {"name": "ordershop-secrets", "key": "DATABASE_URL"}}}
                ] if executable == "archive-service" else []
    probe = {"periodSeconds": 10, "timeoutSeconds": 2}
    container = {
        "name": executable,
        "image": IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": [executable],
        "ports": [{"name": "http", "containerPort": port}],
        "envFrom": [{"configMapRef": {"name": "ordershop-config"}}],
        "env": [{"name": "PORT", "value": str(port)}] + database,
        "livenessProbe": {"httpGet": {"path": "/health", "port": "http"}, "initialDelaySeconds": 5,
                          "failureThreshold": 3, **probe},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "failureThreshold": 2, **probe},
        # Measured RSS is 27-55 MB (BENCHMARKS.md); the gateway caches every list in memory, so it gets more room.
        "resources": {
            "requests": {"cpu": "50m", "memory": "128Mi" if gateway else "64Mi"},
            "limits": {"cpu": "1", "memory": "512Mi" if gateway else "128Mi"},
        },
        # Endpoints are removed while the pod stops; a short pause lets traffic move before SIGTERM.
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata(executable, "service"),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": selector(executable)},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
            "template": {
                "metadata": {"labels": labels(executable, "service")},
                "spec": {
                    # HTTP_SHUTDOWN_GRACE_MS (10 s) plus the preStop pause fit in it.
                    "terminationGracePeriodSeconds": 30,
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "runAsGroup": 10001},
                    "affinity": spread(executable),
                    "containers": [container],
                },
            },
        },
    }
    service = {
        "apiVersion": "v1", "kind": "Service", "metadata": metadata(executable, "service"),
        "spec": {"selector": selector(executable),
                 "ports": [{"name": "http", "port": port, "targetPort": "http"}]},
    }
    budget = {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": metadata(executable, "service"),
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector(executable)}},
    }
    return [deployment, service, budget]


def spread(name):
    """Prefer putting copies of one thing on different nodes."""
    return {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
        "weight": 100,
        "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                            "labelSelector": {"matchLabels": selector(name)}},
    }]}}


def redis_cluster():
    name = "redis-cluster"
    headless = {
        "apiVersion": "v1", "kind": "Service", "metadata": metadata(name, "redis"),
        "spec": {
            "clusterIP": "None",
            # Names resolve before the nodes are ready: the creation Job needs them to make the cluster.
            "publishNotReadyAddresses": True,
            "selector": selector(name),
            "ports": [{"name": "redis", "port": 6379, "targetPort": "redis"},
                      {"name": "cluster-bus", "port": 16379, "targetPort": "cluster-bus"}],
        },
    }
    ping = {"exec": {"command": ["redis-cli", "ping"]}, "periodSeconds": 10, "timeoutSeconds": 3}
    stateful_set = {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": metadata(name, "redis"),
        "spec": {
            "serviceName": name,
            "replicas": REDIS_NODES,
            "podManagementPolicy": "Parallel",
            "selector": {"matchLabels": selector(name)},
            "template": {
                "metadata": {"labels": labels(name, "redis")},
                "spec": {
                    "affinity": spread(name),
                    "containers": [{
                        "name": "redis",
                        "image": REDIS_IMAGE,
                        # The image's entrypoint runs it (it makes the volume Redis's own and drops root).
                        # Clients are sent each node's DNS name (CLUSTER SHARDS endpoint), which outlives pod IPs.
                        "args": ["redis-server", "--cluster-enabled", "yes", "--cluster-config-file", "/data/nodes.conf",
                                 "--cluster-node-timeout", "5000",
                                 "--cluster-announce-hostname", "$(POD_NAME).redis-cluster",
                                 "--cluster-preferred-endpoint-type", "hostname",
                                 "--appendonly", "yes", "--appendfsync", "everysec", "--dir", "/data"],
                        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                        "ports": [{"name": "redis", "containerPort": 6379},
                                  {"name": "cluster-bus", "containerPort": 16379}],
                        "livenessProbe": {**ping, "initialDelaySeconds": 10},
                        "readinessProbe": ping,
                        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"},
                                      "limits": {"cpu": "1", "memory": "1Gi"}},
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }],
                },
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data", "labels": labels(name, "redis")},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}},
            }],
        },
    }
    budget = {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": metadata(name, "redis"),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(name)}},
    }
    script = (ROOT / "deploy/redis-cluster/create-cluster.sh").read_text()
    script_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata("redis-cluster-create", "redis"),
                  "data": {"create-cluster.sh": script}}
    job = {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": metadata("redis-cluster-create", "redis"),
        "spec": {
            "backoffLimit": 10,
            "template": {
                "metadata": {"labels": labels("redis-cluster-create", "redis")},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "containers": [{
                        "name": "create",
                        "image": REDIS_IMAGE,
                        "command": ["sh", "/scripts/create-cluster.sh"],
                        "env": [
                            {"name": "REDIS_CLUSTER_NODES",
                             "value": " ".join(f"{redis_pod(i)}:6379" for i in range(REDIS_NODES))},
                            {"name": "REDIS_CLUSTER_REPLICAS", "value": "1"},
                        ],
                        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                                      "limits": {"cpu": "200m", "memory": "64Mi"}},
                        "volumeMounts": [{"name": "scripts", "mountPath": "/scripts"}],
                    }],
                    "volumes": [{"name": "scripts", "configMap": {"name": "redis-cluster-create"}}],
                },
            },
        },
    }
    return [headless, stateful_set, budget, script_map, job]


def postgres():
    name = "postgres"
    headless = {
        "apiVersion": "v1", "kind": "Service", "metadata": metadata(name, "postgres"),
        "spec": {"clusterIP": "None", "selector": selector(name),
                 "ports": [{"name": "postgres", "port": 5432, "targetPort": "postgres"}]},
    }
    ready = {"exec": {"command": ["pg_isready", "-U", "postgres", "-d", "ordershop"]},
             "periodSeconds": 10, "timeoutSeconds": 3}
    stateful_set = {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": metadata(name, "postgres"),
        "spec": {
            "serviceName": name,
            "replicas": 1,
            "selector": {"matchLabels": selector(name)},
            "template": {
                "metadata": {"labels": labels(name, "postgres")},
                "spec": {"containers": [{
                    "name": "postgres",
                    "image": POSTGRES_IMAGE,
                    "env": [
                        {"name": "POSTGRES_DB", "value": "ordershop"},
                        {"name": "POSTGRES_PASSWORD",
                         "valueFrom": {"secretKeyRef": {"name": "ordershop-secrets", "key": "POSTGRES_PASSWORD"}}},
                        # A subdirectory: a fresh volume's root may hold lost+found, which initdb refuses.
                        {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
                    ],
                    "ports": [{"name": "postgres", "containerPort": 5432}],
                    "livenessProbe": {**ready, "initialDelaySeconds": 30},
                    "readinessProbe": ready,
                    "resources": {"requests": {"cpu": "100m", "memory": "256Mi"},
                                  "limits": {"cpu": "2", "memory": "1Gi"}},
                    "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
                }]},
            },
            "volumeClaimTemplates": [{
                "metadata": {"name": "data", "labels": labels(name, "postgres")},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}},
            }],
        },
    }
    return [headless, stateful_set]


def ingress():
    return [{
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": metadata("ordershop", "ingress"),
        "spec": {"rules": [{"http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "gateway-api", "port": {"name": "http"}}},
        }]}}]},
    }]


def manifests():
    """File name -> the documents of that file, in the order kustomization.yaml lists them."""
    files = {"config.yaml": config(), "redis-cluster.yaml": redis_cluster(), "postgres.yaml": postgres()}
    for executable, port in services():
        files[f"{executable}.yaml"] = service_manifests(executable, port)
    files["ingress.yaml"] = ingress()
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": list(files),
        # kustomize edit set image ordershop=<registry>/ordershop:<tag> points the nine at a pushed image.
        "images": [{"name": IMAGE.split(":")[0], "newTag": IMAGE.split(":")[1]}],
    }
    return {"kustomization.yaml": [kustomization], **files}
