#!/usr/bin/env python3
"""margin-serve scaled out over NATS JetStream (docs/service.md, "Scale-out"), on 127.0.0.1:

A `nats-server -js` on a free port with its own store directory, one plain instance (ticks by
HTTP, no NATS) and three shards (`--nats URL --shard I/3`), all loaded from the same generated
book. Ticks are POSTed to the plain instance and to the shards in turn (a shard publishes them
to the stream; every shard applies every tick). Checks:

1. the shards hold disjoint parts of the book, each the accounts FNV-1a(id) mod 3 gives it,
   and the union of their listings equals the plain instance's, summary by summary (the
   decimal strings: bit for bit), and GET /accounts/{id}/margin is byte-identical for a
   sample; a tick the market refuses (back in time) is refused by every shard and by the
   plain instance alike;
2. a shard killed with SIGKILL while ticks are applied, ticks published while it is down,
   then restarted (same database, no reload): it catches up from its durable consumer, with
   the plain instance's tick count (no tick lost, none applied twice) and the same results;
   and a shard made to exit right after committing a tick, before acknowledging it (the
   crash point a SIGKILL cannot aim at; $MARGIN_SERVE_TEST_EXIT_AFTER_SEQ): restarted, it
   gets the tick again and answers it as a duplicate (the tick count stays the plain one's);
3. a write of another shard's account is refused (421 WRONG_SHARD); the comparison itself
   bites (a changed decimal string is reported).

nats-server and the instances are stopped by PID.

    test_shards.py MARGIN_SERVE NATS_SERVER WORKDIR"""
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_book  # noqa: E402
from common import Server, listing  # noqa: E402

serve_bin, nats_bin, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []
N = 3


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def differences(plain, union):
    """What differs between the plain instance's listing and the shards' union (empty: equal)."""
    out = [f"account {i} only in the plain instance" for i in sorted(set(plain) - set(union))]
    out += [f"account {i} only in the shards" for i in sorted(set(union) - set(plain))]
    for i in sorted(set(plain) & set(union)):
        a, b = json.dumps(plain[i], sort_keys=True), json.dumps(union[i], sort_keys=True)
        if a != b:
            out.append(f"account {i}: plain {a} != shard {b}")
    return out


def wait_caught_up(shards, seq, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        seqs = [s.json("GET", "/healthz")[1].get("stream_seq", 0) for s in shards]
        if all(x >= seq for x in seqs):
            return True
        time.sleep(0.05)
    print("stream positions:", seqs, "want", seq)
    return False


def db(name):
    return os.path.join(work, name + ".db")


t_start = time.time()
book = os.path.join(work, "book.jsonl")
gen_book.main.__globals__["sys"].argv = ["gen_book.py", "300", book, "--seed", "11", "--legs", "8"]
gen_book.main()

port = free_port()
url = f"nats://127.0.0.1:{port}"
store = os.path.join(work, "jetstream")
nats = subprocess.Popen([nats_bin, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store],
                        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "nats.log"), "w"))
servers = []
try:
    end = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.time() > end or nats.poll() is not None:
                raise RuntimeError("nats-server did not start: " + open(os.path.join(work, "nats.log")).read())
            time.sleep(0.05)

    plain = Server(serve_bin, db("plain"), "--load", book, "--no-auth")
    servers.append(plain)

    def shard_args(i):
        return ["--no-auth", "--nats", url, "--shard", f"{i}/{N}"]

    shards = [Server(serve_bin, db(f"shard{i}"), "--load", book, *shard_args(i)) for i in range(N)]
    servers += shards
    ids = sorted(listing(plain))
    check(len(ids) == 300, f"plain instance holds {len(ids)} accounts, want 300")

    seq = 0
    tick_no = 0

    def tick(body, via):
        """POST a tick to the plain instance and, through shard `via`, to the stream."""
        global seq, tick_no
        st_p, jp = plain.json("POST", "/ticks", body)
        st_s, js = shards[via].json("POST", "/ticks", body)
        check(st_s == 202 and js.get("stream_seq") == seq + 1, f"publish through shard {via}: {st_s} {js}")
        seq = js.get("stream_seq", seq + 1)
        if st_p == 200:
            tick_no += 1
        return st_p

    T = gen_book.T0
    # 1. ticks through the stream: both underlyings, BTC only, one back in time (refused
    # everywhere), a crash, ETH only.
    tick(gen_book.tick(93000, 3300, T + 3600, 0.002), 0)
    tick(gen_book.tick(103000, 3300, T + 7200, 0.0, which=("BTC",)), 1)
    st = tick(gen_book.tick(99000, 3400, T + 1800), 2)
    check(st == 400, f"a tick back in time is refused by the plain instance: {st}")
    tick(gen_book.tick(60000, 2000, T + 10800), 0)
    tick(gen_book.tick(60000, 2600, T + 12000, which=("ETH",)), 1)
    check(wait_caught_up(shards, seq), "every shard applied every tick of the stream")

    parts = [listing(s) for s in shards]
    for i, p in enumerate(parts):
        check(len(p) > 0 and all(fnv1a(a) % N == i for a in p), f"shard {i} holds {len(p)} accounts, each of its hash")
    check(sum(len(p) for p in parts) == len(ids), f"the shards' parts are disjoint and cover the book: {[len(p) for p in parts]}")
    union = {k: v for p in parts for k, v in p.items()}
    plain_list = listing(plain)
    diff = differences(plain_list, union)
    check(not diff, f"after {tick_no} ticks the shards' union differs from one instance: {diff[:3]}")
    health = [s.json("GET", "/healthz")[1] for s in shards]
    check(all(h["tick"] == tick_no for h in health), f"every shard at tick {tick_no}: {[h['tick'] for h in health]}")
    moved = {a["state"] for a in plain_list.values()}
    print(f"{N} shards ({[len(p) for p in parts]} accounts), {tick_no} ticks + 1 refused through the stream: "
          f"union equal to one instance for {len(union)} accounts (standings {sorted(moved)})")
    sample = random.Random(5).sample(ids, 45)
    same = 0
    for a in sample:
        holder = shards[fnv1a(a) % N]
        got = holder.request("GET", f"/accounts/{a}/margin")[1]
        want = plain.request("GET", f"/accounts/{a}/margin")[1]
        check(got == want, f"account {a}: /margin differs between its shard and one instance")
        same += got == want
    print(f"/margin byte-identical for {same}/{len(sample)} sampled accounts")

    # 2. kill -9 a shard while the stream's ticks are applied; ticks go on without it.
    victim = 1
    body = gen_book.tick(80000, 3000, T + 14400)
    plain.json("POST", "/ticks", body)
    tick_no += 1
    st, js = shards[0].json("POST", "/ticks", body)
    seq = js["stream_seq"]
    time.sleep(random.Random().uniform(0.0, 0.05))  # somewhere in or around the tick
    shards[victim].kill9()
    tick(gen_book.tick(100000, 3500, T + 18000), 2)
    tick(gen_book.tick(101000, 3450, T + 21600, which=("BTC",)), 0)
    check(wait_caught_up([shards[0], shards[2]], seq), "the other shards go on")
    t_restart = time.time()
    shards[victim] = Server(serve_bin, db(f"shard{victim}"), *shard_args(victim))
    servers.append(shards[victim])
    check(wait_caught_up(shards, seq), "the restarted shard catches up from its durable consumer")
    print(f"shard {victim} killed mid-stream, restarted, caught up in {time.time() - t_restart:.1f} s")
    parts = [listing(s) for s in shards]
    union = {k: v for p in parts for k, v in p.items()}
    diff = differences(listing(plain), union)
    check(not diff, f"after the restart the shards' union differs from one instance: {diff[:3]}")
    health = [s.json("GET", "/healthz")[1] for s in shards]
    check(all(h["tick"] == tick_no for h in health), f"no tick lost or doubled: ticks {[h['tick'] for h in health]}, want {tick_no}")
    print(f"after {tick_no} ticks: union equal to one instance, every shard at tick {tick_no}")

    # 2b. the crash point a SIGKILL cannot aim at: a shard that exits right after committing a
    # tick and before acknowledging it gets the tick again on restart and must not apply it twice.
    aimed = 2
    shards[aimed].stop()
    shards[aimed] = Server(serve_bin, db(f"shard{aimed}"), *shard_args(aimed), env_extra={"MARGIN_SERVE_TEST_EXIT_AFTER_SEQ": str(seq + 1)})
    servers.append(shards[aimed])
    tick(gen_book.tick(98000, 3300, T + 25200), 0)
    end = time.time() + 30
    while shards[aimed].proc.poll() is None and time.time() < end:
        time.sleep(0.05)
    exited = shards[aimed].proc.poll()
    con = sqlite3.connect(db(f"shard{aimed}"))
    kept = con.execute("SELECT seq FROM stream_position").fetchone()
    con.close()
    check(exited == 9 and kept == (seq,), f"shard {aimed} exited after committing tick {seq} (status {exited}, stream position {kept})")
    shards[aimed] = Server(serve_bin, db(f"shard{aimed}"), *shard_args(aimed))
    servers.append(shards[aimed])
    # One tick more: the consumer hands it over only once the unacknowledged one is settled
    # (at most one pending), so catching up to it means the redelivery has been handled.
    tick(gen_book.tick(97000, 3250, T + 28800), 1)
    check(wait_caught_up(shards, seq), "the shard that exited before its acknowledgement catches up")
    health = [s.json("GET", "/healthz")[1] for s in shards]
    check(all(h["tick"] == tick_no for h in health), f"the redelivered tick is not applied twice: ticks {[h['tick'] for h in health]}, want {tick_no}")
    diff = differences(listing(plain), {k: v for s in shards for k, v in listing(s).items()})
    check(not diff, f"after the redelivery the shards' union differs from one instance: {diff[:3]}")
    print(f"shard {aimed} exited between commit and acknowledgement of tick {seq - 1}: the redelivered tick answered as a duplicate, "
          f"every shard at tick {tick_no}")

    # 3. refusals, and the comparison bites.
    other = next(a for a in ids if fnv1a(a) % N != 0)
    st, j = shards[0].json("PUT", f"/accounts/{other}", shards[fnv1a(other) % N].request("GET", f"/accounts/{other}")[1])
    check(st == 421 and j["error"]["code"] == "WRONG_SHARD", f"another shard's account: {st} {j}")
    doctored = {k: dict(v) for k, v in union.items()}
    victim_id = next(k for k, v in doctored.items() if "equity" in v)
    doctored[victim_id]["equity"] += "1"
    check(len(differences(plain_list, doctored)) >= 1, "a changed decimal string is reported")
finally:
    for s in servers:
        if s.proc.poll() is None:
            s.stop()
    if nats.poll() is None:
        os.kill(nats.pid, signal.SIGTERM)
        nats.wait(timeout=20)

print(f"test_shards: {time.time() - t_start:.1f} s")
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
