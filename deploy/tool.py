"""The deployment files: make deploy/k8s/, and check it and docker-compose.yml (run by scripts/test-deploy.sh).

  python deploy/tool.py generate                      write deploy/k8s/ from deploy/k8s_manifests.py
  python deploy/tool.py check VERSION default.yml cluster.yml
        deploy/k8s/ is what generate writes, every manifest is valid for Kubernetes VERSION (kubernetes-validate,
        strict), and what users rely on holds; default.yml and cluster.yml are `docker-compose config` without and
        with the cluster profile. Needs PyYAML and kubernetes-validate (deploy/requirements.txt).
"""
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.dont_write_bytecode = True  # no __pycache__ beside the deployment files

import k8s_manifests as k8s

K8S_DIR = k8s.ROOT / "deploy/k8s"
HEADER = "# Made by `python3 deploy/tool.py generate` from deploy/k8s_manifests.py: edit that, not this file.\n"


class Dumper(yaml.SafeDumper):
    pass


def _string(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _string)


def render(documents):
    return HEADER + "---\n".join(yaml.dump(d, Dumper=Dumper, sort_keys=False, width=120) for d in documents)


def generate():
    K8S_DIR.mkdir(parents=True, exist_ok=True)
    for stale in K8S_DIR.glob("*.yaml"):
        stale.unlink()
    for name, documents in k8s.manifests().items():
        (K8S_DIR / name).write_text(render(documents))
    print(f"wrote {len(k8s.manifests())} files to deploy/k8s/")


class Checks:
    def __init__(self):
        self.failures = []
        self.passed = 0

    def expect(self, condition, message):
        if condition:
            self.passed += 1
        else:
            self.failures.append(message)
        return condition


def known_variables():
    """The variables ServiceConfig reads: every env.<reader>("NAME", …) and each service's <NAME>_URL."""
    source = (k8s.ROOT / "Shared/ShopService/ServiceConfig.swift").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', source))
    if len(names) < 10:
        sys.exit("deploy/tool.py: found fewer than 10 variables in ServiceConfig.swift: has its reading changed?")
    return names | {k8s.url_variable(executable) for executable, _ in k8s.services()}


def dockerfile_facts():
    text = (k8s.ROOT / "Dockerfile").read_text()
    low, high = map(int, re.search(r"^EXPOSE (\d+)-(\d+)$", text, re.M).groups())
    loop = re.search(r"for executable in (.*?); do", text, re.S).group(1)
    return range(low, high + 1), set(loop.replace("\\", " ").split())


def check_kubernetes(c, version):
    import kubernetes_validate

    files = sorted(p.name for p in K8S_DIR.glob("*.yaml"))
    expected = k8s.manifests()
    c.expect(files == sorted(expected), f"deploy/k8s/ holds {files}, generate makes {sorted(expected)}")
    for name, documents in expected.items():
        path = K8S_DIR / name
        c.expect(path.exists() and path.read_text() == render(documents),
                 f"deploy/k8s/{name} is not what `python3 deploy/tool.py generate` writes: run it and commit")
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    c.expect(sorted(kustomization["resources"]) == sorted(f for f in files if f != "kustomization.yaml"),
             "kustomization.yaml lists exactly the other files of deploy/k8s/")

    objects = []
    for name in files:
        if name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all((K8S_DIR / name).read_text()):
            try:
                kubernetes_validate.validate(document, version, strict=True)
                c.expect(True, "")
            except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as error:
                c.expect(False, f"{name}: {document.get('apiVersion')} {document.get('kind')} has no schema in "
                                f"Kubernetes {version}: {error}")
            except kubernetes_validate.ValidationError as error:
                c.expect(False, f"{name}: {document['kind']} {document['metadata']['name']} is not valid for "
                                f"Kubernetes {version}: {error.message} (at {'.'.join(map(str, error.path))})")
            objects.append(document)
    print(f"  {len(objects)} objects in {len(files) - 1} files validated against Kubernetes {version} (strict)")
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def check_services(c, objects):
    known = known_variables()
    exposed, executables = dockerfile_facts()
    config = objects.get(("ConfigMap", "ordershop-config"), {}).get("data", {})
    secret = objects.get(("Secret", "ordershop-secrets"), {}).get("stringData", {})
    deployments = {name for kind, name in objects if kind == "Deployment"}
    c.expect(deployments == {e for e, _ in k8s.services()}, f"the Deployments are the nine, got {sorted(deployments)}")
    for key in config:
        c.expect(key in known, f"ordershop-config sets {key}, which ServiceConfig does not read")
    for executable, port in k8s.services():
        deployment = objects.get(("Deployment", executable))
        if not c.expect(deployment is not None, f"no Deployment {executable}"):
            continue
        c.expect(deployment["spec"]["replicas"] == 2, f"{executable}: replicas {deployment['spec']['replicas']}, not 2")
        pod = deployment["spec"]["template"]
        c.expect(deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items(),
                 f"{executable}: the selector matches the pod's labels")
        container = pod["spec"]["containers"][0]
        c.expect(container["image"].split(":")[0] == k8s.IMAGE.split(":")[0], f"{executable}: image {container['image']}")
        c.expect(container["command"] == [executable] and executable in executables,
                 f"{executable}: runs {container['command']}, which the Dockerfile must copy into the image")
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        env = {e["name"]: e for e in container.get("env", [])}
        c.expect(env.get("PORT", {}).get("value") == str(port), f"{executable}: PORT is {port}")
        c.expect(ports.get("http") == port and port in exposed,
                 f"{executable}: container port http is {port}, within the Dockerfile's EXPOSE")
        for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
            get = container.get(probe, {}).get("httpGet", {})
            c.expect(get.get("path") == path and ports.get(get.get("port"), get.get("port")) == port,
                     f"{executable}: {probe} is GET {path} on port {port}, got {get}")
        resources = container.get("resources", {})
        c.expect({"requests", "limits"} <= resources.keys(), f"{executable}: resource requests and limits")
        for name, variable in env.items():
            c.expect(name in known, f"{executable} sets {name}, which ServiceConfig does not read")
            ref = variable.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                c.expect(ref["name"] == "ordershop-secrets" and ref["key"] in secret,
                         f"{executable}: {name} comes from a key the Secret has")
        c.expect(container.get("envFrom") == [{"configMapRef": {"name": "ordershop-config"}}],
                 f"{executable}: takes the shared settings from ordershop-config")
        service = objects.get(("Service", executable))
        if c.expect(service is not None, f"no Service {executable}"):
            c.expect(service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"],
                     f"Service {executable} selects its Deployment's pods")
            service_port = service["spec"]["ports"][0]
            c.expect(service_port["port"] == port and service_port["targetPort"] == "http",
                     f"Service {executable}: port {port} to the container's http")
        c.expect(config.get(k8s.url_variable(executable)) == f"http://{executable}:{port}",
                 f"ordershop-config: {k8s.url_variable(executable)} is http://{executable}:{port}")
    backend = objects.get(("Ingress", "ordershop"), {}).get("spec", {}).get("rules", [{}])[0]
    c.expect("gateway-api" in str(backend), "the Ingress sends users to gateway-api")


def check_stores(c, objects):
    config = objects.get(("ConfigMap", "ordershop-config"), {}).get("data", {})
    secret = objects.get(("Secret", "ordershop-secrets"), {}).get("stringData", {})
    redis = objects.get(("StatefulSet", "redis-cluster"))
    if c.expect(redis is not None, "no StatefulSet redis-cluster"):
        args = " ".join(redis["spec"]["template"]["spec"]["containers"][0]["args"])
        c.expect(redis["spec"]["replicas"] == 6, "redis-cluster has 6 pods (3 masters, 3 replicas)")
        c.expect("--cluster-enabled yes" in args and "--appendonly yes" in args, "redis-cluster: cluster mode, AOF on")
        c.expect(redis["spec"].get("volumeClaimTemplates"), "redis-cluster keeps its data on volume claims")
        headless = objects.get(("Service", redis["spec"]["serviceName"]), {}).get("spec", {})
        c.expect(headless.get("clusterIP") == "None", "redis-cluster's Service is headless")
        pods = [f"redis-cluster-{i}.redis-cluster:6379" for i in range(redis["spec"]["replicas"])]
        url = config.get("REDIS_URL", "")
        seeds = url.removeprefix("redis://").split(",")
        c.expect(url.startswith("redis://") and len(seeds) >= 2 and set(seeds) <= set(pods),
                 f"REDIS_URL names two or more of the cluster's pods as seeds (README's convention), got {url}")
        job = objects.get(("Job", "redis-cluster-create"), {}).get("spec", {}).get("template", {}).get("spec", {})
        env = {e["name"]: e.get("value") for e in job.get("containers", [{}])[0].get("env", [])}
        c.expect(env.get("REDIS_CLUSTER_NODES", "").split() == pods and env.get("REDIS_CLUSTER_REPLICAS") == "1",
                 "the creation Job makes the cluster of all six pods, one replica per master")
    postgres = objects.get(("StatefulSet", "postgres"))
    if c.expect(postgres is not None, "no StatefulSet postgres"):
        container = postgres["spec"]["template"]["spec"]["containers"][0]
        c.expect(container["image"] == k8s.POSTGRES_IMAGE and postgres["spec"].get("volumeClaimTemplates"),
                 "postgres: PostgreSQL 15 on a volume claim")
        c.expect(objects.get(("Service", "postgres"), {}).get("spec", {}).get("clusterIP") == "None",
                 "postgres's Service is headless")
        database = urlsplit(secret.get("DATABASE_URL", ""))
        c.expect(database.hostname == "postgres" and database.port == 5432 and database.path == "/ordershop"
                 and database.password == secret.get("POSTGRES_PASSWORD"),
                 "DATABASE_URL reaches the postgres Service with the Secret's POSTGRES_PASSWORD")


def check_compose(c, default_path, cluster_path):
    known = known_variables()
    exposed, executables = dockerfile_facts()
    default = yaml.safe_load(Path(default_path).read_text())["services"]
    cluster = yaml.safe_load(Path(cluster_path).read_text())["services"]
    for executable, port in k8s.services():
        for mode, compose in (("default", default), ("cluster", cluster)):
            service = compose.get(executable)
            if not c.expect(service is not None, f"docker-compose.yml ({mode}): no service {executable}"):
                continue
            env = service.get("environment", {})
            c.expect(service.get("image") == k8s.IMAGE, f"compose {executable}: image {k8s.IMAGE}")
            c.expect(service.get("command") == [executable] and executable in executables,
                     f"compose {executable}: runs {executable}")
            c.expect(env.get("PORT") == str(port) and port in exposed, f"compose {executable}: PORT {port}")
            c.expect(env.get(k8s.url_variable(executable)) == f"http://{executable}:{port}",
                     f"compose: {k8s.url_variable(executable)} is http://{executable}:{port}")
            for name in env:
                c.expect(name in known, f"compose {executable} sets {name}, which ServiceConfig does not read")
        c.expect(default.get(executable, {}).get("environment", {}).get("REDIS_URL") == "redis://redis:6379",
                 f"compose {executable}: the default stack uses the one redis")
        c.expect(published(default.get(executable)) == [port] and replicas(default.get(executable)) == 1,
                 f"compose {executable}: by default one instance, published on host port {port}")
        scaled = executable != "gateway-api"
        c.expect(published(cluster.get(executable)) == ([None] if scaled else [port])
                 and replicas(cluster.get(executable)) == (2 if scaled else 1),
                 f"compose {executable}: with cluster.env " + ("two instances on free host ports" if scaled
                                                               else "one instance on host port 5000"))
    nodes = sorted(name for name, s in cluster.items()
                   if "--cluster-enabled" in s.get("command", []) and s.get("profiles") == ["cluster"])
    c.expect(len(nodes) == 6 and all(n in default and default[n].get("profiles") == ["cluster"] for n in nodes),
             f"the cluster profile has six cluster-enabled Redis nodes, only in that profile, got {nodes}")
    c.expect(all("--appendonly" in cluster[n]["command"] for n in nodes), "the cluster's nodes keep an AOF")
    c.expect(all(s.get("profiles", []) in ([], ["cluster"]) for s in default.values())
             and sorted(n for n, s in default.items() if not s.get("profiles")) == sorted(
                 ["redis", "postgres", "client"] + [e for e, _ in k8s.services()]),
             "without the profile, the stack is the one redis, postgres, the nine and the client")
    creator = cluster.get("redis-cluster-create", {})
    c.expect(sorted(h.split(":")[0] for h in creator.get("environment", {}).get("REDIS_CLUSTER_NODES", "").split())
             == nodes, "the cluster profile's creator makes the cluster of the six nodes")
    url = cluster.get("gateway-api", {}).get("environment", {}).get("REDIS_URL", "")
    seeds = [s.split(":")[0] for s in url.removeprefix("redis://").split(",")]
    c.expect(len(seeds) >= 2 and set(seeds) <= set(nodes),
             f"with the cluster profile the services name the cluster's nodes as seeds, got {url}")


def published(service):
    """The host ports a compose service publishes (None: a free one), as `docker-compose config` writes them."""
    return [p.get("published") for p in (service or {}).get("ports", [])]


def replicas(service):
    return (service or {}).get("deploy", {}).get("replicas", 1)


def check(version, default_path, cluster_path):
    c = Checks()
    objects = check_kubernetes(c, version)
    check_services(c, objects)
    check_stores(c, objects)
    check_compose(c, default_path, cluster_path)
    for failure in c.failures:
        print(f"  FAILED: {failure}")
    print(f"deploy: {c.passed} passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["generate"]:
        generate()
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 5:
        sys.exit(check(*sys.argv[2:]))
    else:
        sys.exit(__doc__)
