"""The API description's tools: `json` writes the gateway's embedded JSON from openapi.yaml; `check` validates the
YAML (openapi-spec-validator) and fails when the embedded JSON is not its exact conversion; `served URL` fails
when the gateway at URL serves anything else; `tested URL OUT` writes the document Schemathesis tests.

Run from any directory: python3 scripts/openapi/tool.py check
"""

import json
import pathlib
import sys
import urllib.error
import urllib.request

import yaml
from openapi_spec_validator import validate

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "openapi.yaml"
EMBEDDED = ROOT / "Services" / "GatewayAPI" / "openapi.json"


def document() -> dict:
    with SOURCE.open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def as_json(value: dict) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def write_json() -> None:
    EMBEDDED.write_text(as_json(document()), encoding="utf-8")
    print(f"wrote {EMBEDDED.relative_to(ROOT)}")


def check() -> None:
    source = document()
    validate(source)
    print("openapi.yaml: a valid OpenAPI 3.1 document")
    if EMBEDDED.read_text(encoding="utf-8") != as_json(source):
        sys.exit(f"{EMBEDDED.relative_to(ROOT)} differs from openapi.yaml: run `python3 scripts/openapi/tool.py json`")
    print(f"{EMBEDDED.relative_to(ROOT)}: the exact JSON form of openapi.yaml")


def served(base: str) -> None:
    status, body = fetch(base.rstrip("/") + "/openapi.json")
    if status != 200 or json.loads(body) != document():
        sys.exit(f"GET {base}/openapi.json answered {status} with something other than openapi.yaml")
    print(f"GET {base}/openapi.json serves openapi.yaml")


def tested(base: str, out: str) -> None:
    """The served document, written to `out` for Schemathesis."""
    status, body = fetch(base.rstrip("/") + "/openapi.json")
    if status != 200:
        sys.exit(f"GET {base}/openapi.json answered {status}")
    pathlib.Path(out).write_bytes(body)


if __name__ == "__main__":
    commands = {"json": lambda: write_json(), "check": lambda: check(),
                "served": lambda: served(sys.argv[2]), "tested": lambda: tested(sys.argv[2], sys.argv[3])}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
