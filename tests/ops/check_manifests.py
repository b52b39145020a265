#!/usr/bin/python3
"""Checks the shipped deployment manifests against the laces-server they deploy.

    check_manifests.py --server-binary build/server/laces-server --source-dir .
    check_manifests.py --help-text help.txt --source-dir .      (saved `--help` output)

From `laces-server --help` it takes the options (--name) and the environment variables
(LACES_*) the server knows, then reads packaging/compose, packaging/kubernetes,
packaging/docker/Dockerfile, packaging/systemd/*.service and packaging/nginx/*.conf and
checks that

  * every LACES_* variable they set (or mention in a comment) is one the server reads;
  * every --option given to laces-server (command, args, CMD, ExecStart) exists;
  * every HTTP path probed (health checks, probes, scrape annotations, nginx locations)
    is a real endpoint;
  * every port of a laces-server container (exposed, published, probed, targeted by a
    Service, scraped) is the port that container's server listens on (LACES_PORT or
    --port, default 8000);

and runs yamllint with packaging/yamllint.yml over the YAML folders. Prints each check;
exits 1 naming the file and value of every failure.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml

# The server's HTTP endpoints a manifest may probe or route to (docs: the operations
# contract; every other path is an API route needing authentication).
ENDPOINTS = {"/health", "/version", "/metrics", "/openapi.json", "/ws"}
DEFAULT_PORT = 8000
SERVER_NAME = "laces-server"

ENV_RE = re.compile(r"\bLACES_[A-Z0-9_]+")
OPTION_RE = re.compile(r"(?<![\w-])--([a-z0-9][a-z0-9-]*)")
URL_RE = re.compile(r"https?://(\[[^\]]+\]|[^/:\s\"']+)(?::(\d+))?(/[^\s\"'?#]*)?")
ASSIGN_RE = re.compile(r"(?<![\w$])(LACES_[A-Z0-9_]+)=")


class Checker:
    def __init__(self, options, variables, source_dir):
        self.options = options
        self.variables = variables
        self.source_dir = source_dir
        self.failures = []
        self.checks = 0

    # -- reporting ------------------------------------------------------------------
    def rel(self, path):
        return os.path.relpath(path, self.source_dir)

    def ok(self, path, what):
        self.checks += 1
        print(f"ok    {self.rel(path)}: {what}")

    def fail(self, path, what):
        self.checks += 1
        self.failures.append(f"{self.rel(path)}: {what}")
        print(f"FAIL  {self.rel(path)}: {what}")

    # -- the four checks -------------------------------------------------------------
    def variable(self, path, name, how="sets"):
        if name in self.variables:
            self.ok(path, f"{how} {name}")
        else:
            self.fail(path, f"{how} {name}, which laces-server --help does not name")

    def option(self, path, token):
        name = token[2:].split("=", 1)[0]
        if name in self.options:
            self.ok(path, f"passes --{name}")
        else:
            self.fail(path, f"passes --{name}, which is not an option of laces-server")

    def endpoint(self, path, http_path, what):
        if http_path in ENDPOINTS:
            self.ok(path, f"{what} {http_path} is an endpoint")
        else:
            self.fail(path, f"{what} {http_path} is not one of the endpoints {sorted(ENDPOINTS)}")

    def port(self, path, value, server_port, what):
        try:
            number = int(str(value))
        except ValueError:
            self.fail(path, f"{what} {value!r} is not a port number")
            return
        if number == server_port:
            self.ok(path, f"{what} {number} is the server's port")
        else:
            self.fail(path, f"{what} {number} is not the server's port {server_port}")

    def option_tokens(self, path, tokens):
        """Checks the --options among a laces-server command line's tokens."""
        for token in tokens:
            if isinstance(token, str) and token.startswith("--") and len(token) > 2:
                self.option(path, token)

    def urls(self, path, text, server_port, what):
        """Checks the paths (and, for a server's own container, the ports) of URLs."""
        for match in URL_RE.finditer(text):
            http_path = match.group(3) or "/"
            self.endpoint(path, http_path, what)
            if server_port is not None:
                port = match.group(2) or ("443" if match.group(0).startswith("https") else "80")
                self.port(path, port, server_port, f"{what} port")

    def comment_mentions(self, path, text):
        """LACES_* names in comments must be real variables too (documentation drift)."""
        for line in text.splitlines():
            hash_at = line.find("#")
            if hash_at < 0:
                continue
            for name in ENV_RE.findall(line[hash_at:]):
                self.variable(path, name, "mentions")


def server_port_of(env, argv, path, checker):
    """The port a server listens on: --port, else LACES_PORT, else the default."""
    tokens = [str(t) for t in argv]
    for i, token in enumerate(tokens):
        if token == "--port" and i + 1 < len(tokens):
            return resolve_port(tokens[i + 1], env, path, checker)
        if token.startswith("--port="):
            return resolve_port(token.split("=", 1)[1], env, path, checker)
    if "LACES_PORT" in env:
        return resolve_port(env["LACES_PORT"], env, path, checker)
    return DEFAULT_PORT


def resolve_port(value, env, path, checker):
    value = str(value)
    ref = re.fullmatch(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", value)
    if ref:
        value = str(env.get(ref.group(1) or ref.group(2), DEFAULT_PORT))
    try:
        return int(value)
    except ValueError:
        checker.fail(path, f"the server's port {value!r} is not a number")
        return DEFAULT_PORT


def as_argv(value):
    """A compose/Kubernetes command: a list stays, a string is split like a shell."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return shlex.split(str(value))


def server_argv(argv):
    """The tokens given to laces-server in a command, also inside `sh -c '... laces-server ...'`."""
    tokens = []
    for i, token in enumerate(argv):
        if os.path.basename(token) == SERVER_NAME:
            tokens.extend(argv[i + 1:])
            break
        if token == "-c" and i + 1 < len(argv) and SERVER_NAME in argv[i + 1]:
            inner = shlex.split(argv[i + 1].replace(";", " ; "))
            tokens.extend(t for t in server_argv(inner) if t not in (";", "&&"))
    return tokens


# -- compose --------------------------------------------------------------------------
def compose_environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in map(str, env))
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def is_compose_server(service):
    image = str(service.get("image", ""))
    build = service.get("build")
    dockerfile = build.get("dockerfile", "") if isinstance(build, dict) else ""
    commands = " ".join(as_argv(service.get("entrypoint")) + as_argv(service.get("command")))
    return (image_name(image) == SERVER_NAME or str(dockerfile).endswith("packaging/docker/Dockerfile")
            or SERVER_NAME in commands)


def image_name(image):
    last = str(image).split("/")[-1]
    return last.split("@")[0].split(":")[0]


def check_compose(checker, path, text):
    document = yaml.safe_load(text) or {}
    checker.comment_mentions(path, text)
    for name, service in (document.get("services") or {}).items():
        env = compose_environment(service)
        for variable in env:
            if variable.startswith("LACES_"):
                checker.variable(path, variable, f"service {name} sets")
        entrypoint = as_argv(service.get("entrypoint"))
        command = as_argv(service.get("command"))
        for token in entrypoint + command:
            for variable in ASSIGN_RE.findall(token):
                checker.variable(path, variable, f"service {name} sets")
        server = is_compose_server(service)
        if server:
            # An entrypoint ending in laces-server "$@" gets the command as its arguments.
            argv = server_argv(entrypoint) + command if entrypoint else server_argv(command) or command
            checker.option_tokens(path, argv)
            port = server_port_of(env, argv, path, checker)
            for published in service.get("ports") or []:
                target = published.get("target") if isinstance(published, dict) else \
                    str(published).split("/")[0].split(":")[-1]
                checker.port(path, target, port, f"service {name} publishes port")
            for exposed in service.get("expose") or []:
                checker.port(path, str(exposed).split("/")[0], port, f"service {name} exposes port")
        else:
            port = None
        test = (service.get("healthcheck") or {}).get("test")
        if test:
            checker.urls(path, " ".join(as_argv(test)), port, f"service {name} health check")


# -- Kubernetes -----------------------------------------------------------------------
def pod_specs(document):
    kind = document.get("kind")
    spec = document.get("spec") or {}
    if kind == "Pod":
        return [(document.get("metadata") or {}, spec)]
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        template = spec.get("template") or {}
        return [(template.get("metadata") or {}, template.get("spec") or {})]
    if kind == "CronJob":
        template = (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {})
        return [(template.get("metadata") or {}, template.get("spec") or {})]
    return []


def is_k8s_server(container):
    return image_name(container.get("image", "")) == SERVER_NAME or \
        any(os.path.basename(t) == SERVER_NAME for t in as_argv(container.get("command")))


def check_kubernetes(checker, files):
    documents = []
    for path, text in files:
        checker.comment_mentions(path, text)
        for document in yaml.safe_load_all(text):
            if isinstance(document, dict):
                documents.append((path, document))
    config_maps = {}
    for path, document in documents:
        kind = document.get("kind")
        name = (document.get("metadata") or {}).get("name")
        if kind in ("ConfigMap", "Secret"):
            data = dict(document.get("data") or {})
            data.update(document.get("stringData") or {})
            config_maps[(kind, name)] = {str(k): str(v) for k, v in data.items()}
            for key in data:
                if str(key).startswith("LACES_"):
                    checker.variable(path, key, f"{kind} {name} sets")

    server_ports = {}  # container port name -> (number, server port), for Services
    for path, document in documents:
        for metadata, spec in pod_specs(document):
            workload = (document.get("metadata") or {}).get("name")
            annotations = metadata.get("annotations") or {}
            for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
                env = {}
                for source in container.get("envFrom") or []:
                    for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                        if key in source:
                            env.update(config_maps.get((kind, source[key].get("name")), {}))
                for item in container.get("env") or []:
                    env[str(item.get("name"))] = str(item.get("value", ""))
                    if str(item.get("name", "")).startswith("LACES_"):
                        checker.variable(path, item["name"], f"{workload}/{container.get('name')} sets")
                if not is_k8s_server(container):
                    continue
                what = f"{workload}/{container.get('name')}"
                command = as_argv(container.get("command"))
                args = as_argv(container.get("args"))
                argv = (server_argv(command) if command else []) + args
                checker.option_tokens(path, argv)
                port = server_port_of(env, argv, path, checker)
                named = {}
                for declared in container.get("ports") or []:
                    checker.port(path, declared.get("containerPort"), port, f"{what} containerPort")
                    if declared.get("name"):
                        named[declared["name"]] = declared.get("containerPort")
                        server_ports[declared["name"]] = (declared.get("containerPort"), port)
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    http = (container.get(probe) or {}).get("httpGet")
                    if not http:
                        continue
                    checker.endpoint(path, http.get("path", "/"), f"{what} {probe}")
                    target = http.get("port")
                    if isinstance(target, str) and not target.isdigit():
                        if target in named:
                            checker.port(path, named[target], port, f"{what} {probe} port {target}")
                        else:
                            checker.fail(path, f"{what} {probe} port {target!r} names no container port")
                    else:
                        checker.port(path, target, port, f"{what} {probe} port")
                if "prometheus.io/port" in annotations:
                    checker.port(path, annotations["prometheus.io/port"], port, f"{workload} scrape port")
                if "prometheus.io/path" in annotations:
                    checker.endpoint(path, annotations["prometheus.io/path"], f"{workload} scrape path")

    service_ports = {}
    for path, document in documents:
        if document.get("kind") != "Service":
            continue
        name = (document.get("metadata") or {}).get("name")
        for declared in (document.get("spec") or {}).get("ports") or []:
            target = declared.get("targetPort", declared.get("port"))
            service_ports[(name, declared.get("name"))] = declared.get("port")
            service_ports[(name, declared.get("port"))] = declared.get("port")
            if isinstance(target, str) and not target.isdigit():
                if target in server_ports:
                    number, port = server_ports[target]
                    checker.port(path, number, port, f"Service {name} targetPort {target}")
                else:
                    checker.fail(path, f"Service {name} targetPort {target!r} names no server container port")
            elif server_ports:
                checker.port(path, target, next(iter(server_ports.values()))[1], f"Service {name} targetPort")

    for path, document in documents:
        if document.get("kind") != "Ingress":
            continue
        for rule in (document.get("spec") or {}).get("rules") or []:
            for item in ((rule.get("http") or {}).get("paths") or []):
                service = (item.get("backend") or {}).get("service") or {}
                port = service.get("port") or {}
                key = (service.get("name"), port.get("name") if "name" in port else port.get("number"))
                if key in service_ports:
                    checker.ok(path, f"Ingress backend {key[0]}:{key[1]} is a Service port")
                else:
                    checker.fail(path, f"Ingress backend {key[0]}:{key[1]} is no Service port")
                if item.get("path") not in (None, "/"):
                    checker.endpoint(path, item["path"], "Ingress path")


# -- Dockerfile -----------------------------------------------------------------------
def dockerfile_instructions(text):
    """(instruction, arguments) pairs with continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        word, _, rest = current.partition(" ")
        instructions.append((word.upper(), rest.strip()))
        current = ""
    return instructions


def exec_form(arguments):
    arguments = arguments.strip()
    if arguments.startswith("["):
        return [str(t) for t in yaml.safe_load(arguments)]
    return shlex.split(arguments)


def check_dockerfile(checker, path, text):
    instructions = dockerfile_instructions(text)
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    env, entrypoint, command, exposed, healthchecks = {}, [], [], [], []
    for i, (word, arguments) in enumerate(instructions):
        if word == "ENV":
            pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\S*)", arguments)
            if not pairs:
                key, _, value = arguments.partition(" ")
                pairs = [(key, value)]
            for key, value in pairs:
                if key.startswith("LACES_"):
                    checker.variable(path, key, "ENV sets")
                if i > last_from:
                    env[key] = value.strip('"')
        if i < last_from:
            continue
        if word == "ENTRYPOINT":
            entrypoint = exec_form(arguments)
        elif word == "CMD":
            command = exec_form(arguments)
        elif word == "EXPOSE":
            exposed += [p.split("/")[0] for p in arguments.split()]
        elif word == "HEALTHCHECK":
            healthchecks.append(arguments)
    if any(os.path.basename(t) == SERVER_NAME for t in entrypoint):
        argv = server_argv(entrypoint) + command
    else:
        argv = server_argv(command)
    checker.option_tokens(path, argv)
    port = server_port_of(env, argv, path, checker)
    for number in exposed:
        checker.port(path, number, port, "EXPOSE")
    for healthcheck in healthchecks:
        checker.urls(path, healthcheck, port, "HEALTHCHECK")


# -- systemd and nginx ----------------------------------------------------------------
def check_systemd(checker, path, text):
    runs_server = any(os.path.basename(shlex.split(line.split("=", 1)[1].lstrip("-@:+!") or "x")[0]) == SERVER_NAME
                      for line in text.splitlines() if line.strip().startswith("ExecStart="))
    if not runs_server:
        checker.ok(path, "does not run laces-server")
        return
    checker.comment_mentions(path, text)
    env = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if not sep:
            continue
        if key == "Environment":
            for assignment in shlex.split(value):
                name, _, setting = assignment.partition("=")
                env[name] = setting
                if name.startswith("LACES_"):
                    checker.variable(path, name, "Environment= sets")
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if key == "ExecStart" and sep:
            argv = shlex.split(value.lstrip("-@:+!"))
            if argv and os.path.basename(argv[0]) == SERVER_NAME:
                checker.option_tokens(path, argv[1:])
                port = server_port_of(env, argv[1:], path, checker)
                checker.ok(path, f"ExecStart listens on port {port}")


def check_nginx(checker, path, text):
    checker.comment_mentions(path, text)
    for match in re.finditer(r"^\s*location\s+(=\s*|\^~\s*)?(/\S*)\s*\{", text, re.MULTILINE):
        if match.group(2) != "/":
            checker.endpoint(path, match.group(2), "location")


# -- driver ---------------------------------------------------------------------------
def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def yaml_files(directory):
    found = []
    for root, _, names in os.walk(directory):
        found += [os.path.join(root, n) for n in sorted(names) if n.endswith((".yaml", ".yml"))]
    return sorted(found)


def help_text(arguments):
    if arguments.help_text:
        return read(arguments.help_text)
    result = subprocess.run([arguments.server_binary, "--help"], capture_output=True, text=True,
                            timeout=60, check=False)
    if result.returncode != 0:
        sys.exit(f"check_manifests: {arguments.server_binary} --help failed ({result.returncode}): {result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--server-binary", help="laces-server to ask for --help")
    source.add_argument("--help-text", help="a file holding laces-server --help output instead")
    parser.add_argument("--source-dir", required=True, help="the repository root")
    parser.add_argument("--yamllint", default="yamllint", help="yamllint program (default: from PATH)")
    arguments = parser.parse_args()

    text = help_text(arguments)
    options = set(OPTION_RE.findall(text))
    variables = set(ENV_RE.findall(text))
    if not options or not variables:
        sys.exit("check_manifests: found no options or no LACES_* variables in the --help text")
    print(f"laces-server --help: {len(options)} options, {len(variables)} environment variables")

    source_dir = os.path.abspath(arguments.source_dir)
    packaging = os.path.join(source_dir, "packaging")
    checker = Checker(options, variables, source_dir)

    compose_dir = os.path.join(packaging, "compose")
    for path in yaml_files(compose_dir):
        check_compose(checker, path, read(path))
    kubernetes_dir = os.path.join(packaging, "kubernetes")
    check_kubernetes(checker, [(p, read(p)) for p in yaml_files(kubernetes_dir)])
    dockerfile = os.path.join(packaging, "docker", "Dockerfile")
    if os.path.exists(dockerfile):
        check_dockerfile(checker, dockerfile, read(dockerfile))
    for directory, suffix, check in ((os.path.join(packaging, "systemd"), ".service", check_systemd),
                                     (os.path.join(packaging, "nginx"), ".conf", check_nginx)):
        if os.path.isdir(directory):
            for name in sorted(os.listdir(directory)):
                if name.endswith(suffix):
                    check(checker, os.path.join(directory, name), read(os.path.join(directory, name)))

    # yamllint over the YAML folders that exist.
    lint_dirs = [d for d in (compose_dir, kubernetes_dir, os.path.join(packaging, "prometheus")) if os.path.isdir(d)]
    yamllint = shutil.which(arguments.yamllint)
    config = os.path.join(packaging, "yamllint.yml")
    if not yamllint:
        checker.fail(config, f"yamllint ({arguments.yamllint}) not found")
    else:
        result = subprocess.run([yamllint, "--format", "parsable", "-c", config] + lint_dirs,
                                capture_output=True, text=True, check=False)
        if result.stdout.strip():
            print(result.stdout.rstrip())
        linted = " ".join(checker.rel(d) for d in lint_dirs)
        if result.returncode == 0:
            checker.ok(config, f"yamllint passes on {linted}")
        else:
            checker.fail(config, f"yamllint fails on {linted} ({result.returncode}){result.stderr.strip()}")

    if checker.failures:
        print(f"\n{len(checker.failures)} of {checker.checks} checks failed:")
        for failure in checker.failures:
            print(f"  {failure}")
        return 1
    print(f"\nall {checker.checks} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
