#!/usr/bin/python3
"""PostgreSQL failover under laces-server, with Debian's etcd and Patroni.

Starts etcd and two Patroni-managed PostgreSQL 15 nodes on loopback (synchronous mode),
points a real laces-server at both with a multi-host URL
(host=a,b target_session_attrs=read-write), ingests telemetry and commits twin versions
from two client threads, kills the primary's node (Patroni and PostgreSQL, SIGKILL) and
checks:
  * while there is no primary the server answers 503 (never 500) and never hangs;
  * it recovers by itself within the failover time (Patroni's ttl plus a margin);
  * every write it acknowledged is on the new primary.
Prints the unavailability window as the clients saw it.

usage: failover.py --server-binary PATH [--keep]
"""

import argparse
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from laceslib import free_port, lost_writes, start_load, start_server, stop_load, stop_server, wait_for

PG_BIN = "/usr/lib/postgresql/15/bin"
TTL_S = 10          # Patroni's leader lease: a dead primary's lock expires after this
LOOP_WAIT_S = 1
MARGIN_S = 20       # the server's own reconnect and the first successful request


class Cluster:
    def __init__(self, root):
        self.root = root
        self.etcd_client = free_port()
        self.etcd_peer = free_port()
        self.nodes = []
        for index in (1, 2):
            self.nodes.append({"name": f"node{index}", "pg": free_port(), "api": free_port(),
                               "dir": os.path.join(root, f"node{index}"), "process": None})
        self.etcd = None
        # PostgreSQL refuses to run as root: Patroni (and so PostgreSQL) runs as postgres then.
        self.as_user = None
        if os.geteuid() == 0:
            self.as_user = pwd.getpwnam("postgres")
            os.chown(root, self.as_user.pw_uid, self.as_user.pw_gid)

    def _demote(self):
        if self.as_user is None:
            return None
        uid, gid = self.as_user.pw_uid, self.as_user.pw_gid

        def demote():
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        return demote

    def start_etcd(self):
        log = open(os.path.join(self.root, "etcd.log"), "w")
        self.etcd = subprocess.Popen(
            ["etcd", "--name", "laces-test", "--data-dir", os.path.join(self.root, "etcd"),
             "--listen-client-urls", f"http://127.0.0.1:{self.etcd_client}",
             "--advertise-client-urls", f"http://127.0.0.1:{self.etcd_client}",
             "--listen-peer-urls", f"http://127.0.0.1:{self.etcd_peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{self.etcd_peer}",
             "--initial-cluster", f"laces-test=http://127.0.0.1:{self.etcd_peer}",
             "--enable-v2=true"],
            stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{self.etcd_client}/health", timeout=1).status == 200,
                 30, "etcd")

    def config(self, node):
        sock = os.path.join(self.root, node["name"] + "-sock")
        os.makedirs(sock, exist_ok=True)
        if self.as_user:
            os.chown(sock, self.as_user.pw_uid, self.as_user.pw_gid)
        hba = ["local all all trust", "host replication replicator 127.0.0.1/32 trust",
               "host all all 127.0.0.1/32 trust"]
        return {
            "scope": "laces-failover-test",
            "name": node["name"],
            "restapi": {"listen": f"127.0.0.1:{node['api']}", "connect_address": f"127.0.0.1:{node['api']}"},
            "etcd3": {"hosts": f"127.0.0.1:{self.etcd_client}"},
            "bootstrap": {
                "dcs": {"ttl": TTL_S, "loop_wait": LOOP_WAIT_S, "retry_timeout": 4,
                        "maximum_lag_on_failover": 1048576,
                        "synchronous_mode": True,
                        "postgresql": {"use_pg_rewind": False,
                                       "parameters": {"max_connections": 100, "wal_level": "replica",
                                                      "hot_standby": "on", "max_wal_senders": 5,
                                                      "max_replication_slots": 5, "wal_keep_size": "64MB"}}},
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}],
                "pg_hba": hba,
            },
            "postgresql": {
                "listen": f"127.0.0.1:{node['pg']}",
                "connect_address": f"127.0.0.1:{node['pg']}",
                "data_dir": node["dir"],
                "bin_dir": PG_BIN,
                "pgpass": os.path.join(self.root, node["name"] + ".pgpass"),
                "authentication": {"superuser": {"username": "postgres", "password": "postgres-test"},
                                   "replication": {"username": "replicator", "password": "replicator-test"}},
                "parameters": {"unix_socket_directories": sock},
                "pg_hba": hba,
            },
            "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False, "nosync": False},
        }

    def start_node(self, node):
        path = os.path.join(self.root, node["name"] + ".yml")
        with open(path, "w") as out:
            json.dump(self.config(node), out)   # JSON is YAML
        log = open(os.path.join(self.root, node["name"] + ".log"), "a")
        node["process"] = subprocess.Popen(["patroni", path], stdout=log, stderr=subprocess.STDOUT,
                                           preexec_fn=self._demote(), cwd=self.root)

    def role(self, node):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{node['api']}/patroni", timeout=1) as reply:
                state = json.loads(reply.read())
                return state.get("role"), state.get("state")
        except Exception:
            return None, None

    def leader(self):
        for node in self.nodes:
            if self.role(node) == ("master", "running") or self.role(node) == ("primary", "running"):
                return node
        return None

    def sync_standby_ready(self):
        leader = self.leader()
        if not leader:
            return False
        with urllib.request.urlopen(f"http://127.0.0.1:{leader['api']}/cluster", timeout=1) as reply:
            members = json.loads(reply.read())["members"]
        return any(m.get("role") == "sync_standby" and m.get("state") in ("running", "streaming") for m in members)

    def kill_node(self, node):
        """The node dies: Patroni and its PostgreSQL (postmaster and children), SIGKILL."""
        pids = [node["process"].pid]
        pid_file = os.path.join(node["dir"], "postmaster.pid")
        postmaster = int(open(pid_file).readline()) if os.path.exists(pid_file) else None
        if postmaster:
            pids.append(postmaster)
            children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(postmaster)], capture_output=True, text=True)
            pids += [int(p) for p in children.stdout.split()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        node["process"].wait()

    def psql(self, node, sql, database="laces"):
        return subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-At", "-h", "127.0.0.1", "-p", str(node["pg"]),
                               "-U", "postgres", "-d", database, "-c", sql],
                              capture_output=True, text=True, check=True).stdout.strip()

    def stop(self):
        for node in self.nodes:
            if node["process"] and node["process"].poll() is None:
                node["process"].send_signal(signal.SIGTERM)
        for node in self.nodes:
            if node["process"]:
                try:
                    node["process"].wait(30)
                except subprocess.TimeoutExpired:
                    node["process"].kill()
        if self.etcd:
            self.etcd.terminate()
            self.etcd.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server-binary", required=True)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for tool in ("etcd", "patroni", os.path.join(PG_BIN, "postgres")):
        if not shutil.which(tool):
            raise SystemExit(f"failover: {tool} is not installed (scripts/install-deps.sh installs it)")

    root = tempfile.mkdtemp(prefix="laces-failover-")
    os.chmod(root, 0o711)
    cluster = Cluster(root)
    server = None
    ok = False
    try:
        cluster.start_etcd()
        cluster.start_node(cluster.nodes[0])
        wait_for(lambda: cluster.leader() is not None, 90, "the first node to lead")
        cluster.start_node(cluster.nodes[1])
        wait_for(cluster.sync_standby_ready, 120, "a synchronous standby")
        first = cluster.leader()
        cluster.psql(first, "CREATE DATABASE laces", database="postgres")

        hosts = ",".join("127.0.0.1" for _ in cluster.nodes)
        ports = ",".join(str(n["pg"]) for n in cluster.nodes)
        url = (f"host={hosts} port={ports} dbname=laces user=postgres connect_timeout=2 "
               f"target_session_attrs=read-write")
        server, base = start_server(args.server_binary, url, root)
        load, threads = start_load(base, "Failover twin")
        time.sleep(4)
        before = (len(load.acked_seqs), len(load.acked_versions))
        leader = cluster.leader()
        killed_at = time.time()
        cluster.kill_node(leader)
        survivor = next(n for n in cluster.nodes if n is not leader)
        wait_for(lambda: cluster.role(survivor)[0] in ("master", "primary"), TTL_S + MARGIN_S, "the standby to take over")
        promoted_at = time.time()
        # Writes go on against the new primary for a while.
        wait_for(lambda: any(t > promoted_at for t in load.successes), MARGIN_S, "the first write on the new primary")
        time.sleep(4)
        stop_load(load, threads)

        failures_after_kill = [f for f in load.failures if f[0] >= killed_at]
        # The unavailability window: the longest time without a successful write, from the
        # last success before the kill on (two writers, so a gap is a time nothing got through).
        times = sorted(t for t in load.successes if t >= killed_at - 5)
        gaps = [(b - a, a) for a, b in zip(times, times[1:]) if b >= killed_at]
        window = max(gaps)[0] if gaps else None
        refused = [f[0] for f in failures_after_kill if f[1] == 503]
        if refused:
            print(f"failover: 503 answered from {refused[0] - killed_at:.1f} s to {refused[-1] - killed_at:.1f} s "
                  f"after the kill ({len(refused)} answers)")
        print(f"failover: acknowledged before the kill: {before[0]} samples, {before[1]} versions; "
              f"in all: {len(load.acked_seqs)} samples, {len(load.acked_versions)} versions")
        print(f"failover: answers by status: {dict(sorted(load.statuses.items()))}; slowest {load.slowest_s:.2f} s")
        print(f"failover: the standby was promoted {promoted_at - killed_at:.1f} s after the kill "
              f"(Patroni ttl {TTL_S} s)")
        if window is not None:
            print(f"failover: unavailability window (longest time without a successful write): {window:.1f} s")

        problems = []
        bad = sorted({f[1] for f in failures_after_kill if f[1] not in (503,)})
        if bad:
            problems.append(f"answers other than 503 while there was no primary: {bad}: "
                            + "; ".join(f[2] for f in failures_after_kill if f[1] in bad)[:600])
        if 500 in load.statuses or 0 in load.statuses:
            problems.append(f"a 500 or a hung/reset request: {load.statuses}")
        if load.slowest_s > 15:
            problems.append(f"a request took {load.slowest_s:.1f} s")
        if window is None or window > TTL_S + MARGIN_S:
            problems.append(f"no recovery within {TTL_S + MARGIN_S} s")
        # Every acknowledged write is on the new primary.
        problems += lost_writes(load, lambda sql: cluster.psql(survivor, sql))
        if len(load.acked_seqs) <= before[0] or len(load.acked_versions) <= before[1]:
            problems.append("no writes were acknowledged after the failover")
        if problems:
            for problem in problems:
                print("failover: FAIL: " + problem, file=sys.stderr)
            return 1
        print(f"failover: PASS: every acknowledged write ({len(load.acked_seqs)} samples, "
              f"{len(load.acked_versions)} versions) is on the new primary; no 500s, no hangs")
        ok = True
        return 0
    finally:
        stop_server(server)
        cluster.stop()
        if ok and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"failover: logs kept in {root}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
