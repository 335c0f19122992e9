"""Benchmarks of the collective work (issue 6, item 8); each part on a fresh node in a temporary folder:

* `--submissions`: answers submitted per second and their latency (p50/p99) with `--clients` (8)
  concurrent clients on loopback, each with its own API token, against a real `jazari serve`
  (uvicorn, one process; SQLite, or PostgreSQL with `--database-url`: a fresh database is created on
  that server and dropped after), and against Label Studio CE (benchmarks/requirements-collective.txt,
  in benchmarks/.venv-labelstudio; SQLite), same machine, same run: a classification project, the
  same texts imported as tasks, each client POSTing annotations with a token. Each client answers
  every item once, in its own order, for at most `--seconds` per system. Also the CPU time the
  server (its process group) and this client process spent per answer (Linux /proc): on a shared
  machine a CPU cost per answer varies less than answers/s. Target: >= 100x Label Studio and p99
  < 100 ms.
* `--overlap`: a simulated crowd (`--items` 2,000 items, 5 classes, 30 contributors of qualities
  spread over 0.55-0.95, 20% spammers answering at random) works through the real assignment service
  (`jz.campaign_next` / `jz.campaign_answer`) until nobody gets an item: once with fixed overlap 5
  (min = max = 5, no control items: what a tool without adaptive overlap does), then with the
  adaptive policy (control items, blocking, early decisions): the campaign defaults, and the
  settings of `--policy`. Both aggregated with Dawid-Skene
  (`jz.results.outcomes`). Reports the judgments (control answers included) the adaptive policy
  needed against the fixed 5 per item, and both accuracies. Target: <= 60% at no lower accuracy.
* `--dawid-skene`: the product's aggregation (`aggregate.units` + `aggregate.vote_units`) over
  `--answers` (100,000) answers; peer: crowd-kit's DawidSkene alone on the same frame. Target: <= 5 s.

Run: .venv/bin/python benchmarks/collective.py --submissions [--database-url URL] [--no-label-studio]
     (with --database-url: SQLite and PostgreSQL, and Label Studio, in one run)
     .venv/bin/python benchmarks/collective.py --overlap [--items 2000]
     .venv/bin/python benchmarks/collective.py --dawid-skene [--answers 100000]
Add --json FILE to keep the figures. Label Studio: python3 -m venv benchmarks/.venv-labelstudio &&
benchmarks/.venv-labelstudio/bin/pip install -r benchmarks/requirements-collective.txt
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from json import dumps as json_dumps
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
LABELS = ["transport", "tickets", "safety", "lost_item", "health"]
LS_VENV = ROOT / "benchmarks" / ".venv-labelstudio"
PASSWORD = "correct horse battery"
SPAMMERS = 0.2
# Texts of the same shape and size for both systems: short fan messages (mixed languages)
WORDS = ["fin", "kayn", "tobis", "stade", "بغيت", "تيكي", "ديال", "الماتش", "perdu", "sac", "porte", "gate",
         "where", "tent", "طاكسي", "قريب", "guichet", "tram", "gratuit", "ce", "soir", "phone", "lost", "medecin"]


def texts(n: int, seed: int = 1) -> list[str]:
    """`n` short messages of 6-12 words."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))) for _ in range(n)]


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0-1) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))] if ordered else float("nan")


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, headers: dict[str, str], proc: subprocess.Popen[bytes], seconds: float) -> None:
    """Until `url` answers 200, the process dies, or `seconds` pass."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering {url}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, headers=headers, timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"no answer from {url} after {seconds:.0f} s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server we started, by its PID (its process group: uvicorn's or Django's children too)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()


def cpu_seconds(group: int) -> float:
    """CPU time (user + system) the processes of a process group used so far (Linux /proc; the
    servers are started in their own session, so the group is the server and its children)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp
                ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


class Reply:
    """What a submission got back: its status and body."""

    def __init__(self, status_code: int, text: str) -> None:
        self.status_code = status_code
        self.text = text


class KeepAlive:
    """One keep-alive HTTP/1.1 connection of one client (the standard library's http.client): the load
    generator must leave the two cores to the servers it measures, and httpx costs ~0.8 ms of CPU
    per request where this costs ~0.25 ms. Both systems are sent the same requests through it."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        import http.client

        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.headers = {**headers, "content-type": "application/json"}

    def post(self, url: str, json: Any) -> Reply:
        self.connection.request("POST", urlsplit(url).path, body=json_dumps(json).encode(), headers=self.headers)
        response = self.connection.getresponse()
        return Reply(response.status, response.read().decode("utf-8", "replace"))

    def close(self) -> None:
        self.connection.close()


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (every process: servers, database, clients),
    from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def hammer(clients: list[tuple[dict[str, str], list[Callable[[Any], Any]]]], seconds: float,
           server: int | None = None, base: str = "") -> dict[str, Any]:
    """Run each client (headers, its list of submissions) in a thread with its own keep-alive connection
    to `base`, at most `seconds`; a submission is a function of the connection (`KeepAlive`) that
    returns the reply. With the `server`'s PID, also the CPU time the server and this client process
    spent per submission."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def run(headers: dict[str, str], jobs: list[Callable[[Any], Any]]) -> None:
        mine: list[float] = []
        with contextlib.closing(KeepAlive(base, headers)) as http:
            start.wait()
            for job in jobs:
                if time.monotonic() > deadline[0]:
                    break
                t0 = time.perf_counter()
                response = job(http)
                mine.append(time.perf_counter() - t0)
                if response.status_code not in (200, 201):
                    with lock:
                        errors.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=c) for c in clients]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + seconds
    server_cpu = cpu_seconds(server) if server else 0.0
    client_cpu = time.process_time()
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    client_cpu = time.process_time() - client_cpu
    server_cpu = cpu_seconds(server) - server_cpu if server else 0.0
    ms = [x * 1000 for x in latencies]
    out = {"submissions": len(ms), "seconds": round(elapsed, 2), "per_second": round(len(ms) / elapsed, 1),
           "p50_ms": round(pct(ms, 0.5), 1), "p99_ms": round(pct(ms, 0.99), 1), "errors": len(errors),
           "first_errors": errors[:3], "load": load_average()}
    if ms:
        out["client_cpu_ms"] = round(1000 * client_cpu / len(ms), 2)  # per submission, this process
        if server:
            out["server_cpu_ms"] = round(1000 * server_cpu / len(ms), 2)
    return out


# --- submissions: Jazari -------------------------------------------------------------------------

@contextlib.contextmanager
def fresh_database(url: str | None) -> Iterator[str | None]:
    """None (SQLite), or a new PostgreSQL database on the server of `url`, dropped afterwards."""
    if not url:
        yield None
        return
    import sqlalchemy as sa

    name = f"jazari_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(sa.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def jazari_node(folder: Path, database_url: str | None, items: int, clients: int, **campaign: Any
                ) -> tuple[Any, int, list[str], dict[str, str]]:
    """A node with hcp/bench (`items` messages, public), a classify campaign over it and `clients`
    public contributors: (jz, campaign id, emails, {email: API token})."""
    import jazari
    from jazari.governance.actors import Actor

    op = Actor.operator()
    overrides = {"database_url": database_url} if database_url else {}
    jz = jazari.open(folder / "home", **overrides)
    jz.accounts.add_institute(op, "hcp", names={"fr": "HCP"})
    emails = [f"c{i:02d}@bench.ma" for i in range(clients)]
    for email in ["steward@hcp.ma", *emails]:
        jz.accounts.add_user(op, email, email.split("@")[0].title(), password=PASSWORD)
    jz.accounts.add_member(op, "hcp", "steward@hcp.ma", "steward")
    truth = campaign.pop("truth", {})
    csv = folder / "bench.csv"
    import csv as csvlib

    with csv.open("w", newline="") as f:
        out = csvlib.writer(f)
        out.writerow(["id", "text"])
        for n, text in enumerate(texts(items)):
            out.writerow([f"m{n:05d}", text])
    jz.ingest(csv, "hcp/bench", title="Bench messages")
    jz.datasets_service.update(op, "hcp/bench", access_level="public")
    spec = {"title": "Bench", "type": "classify", "dataset": "hcp/bench", "fields": ["text"], "key_field": "id",
            "gold": truth, "labels": LABELS, "contributors": "public",
            "instructions": {"fr": "Besoin ?", "ar": "الحاجة؟", "en": "Need?"}, **campaign}
    created = jz.create_campaign(spec, actor=jz.accounts.actor("steward@hcp.ma"))
    tokens = {}
    for email in emails:
        _info, secret = jz.accounts.create_token(jz.accounts.actor(email), "bench", scopes=("read", "write"))
        tokens[email] = secret
    return jz, int(created["id"]), emails, tokens


def item_ids(jz: Any, campaign_id: int) -> list[int]:
    import sqlalchemy as sa

    from jazari.collective.models import Item

    with jz.db.session() as session:
        return list(session.scalars(sa.select(Item.id).where(Item.campaign_id == campaign_id).order_by(Item.id)))


def bench_jazari(database_url: str | None, items: int, clients: int, seconds: float, workers: int = 1
                 ) -> dict[str, Any]:
    """Submissions/s and latency of POST /api/v1/campaigns/{id}/answers on a real server (`jazari serve
    --workers`)."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database(database_url) as url:
        folder = Path(tmp)
        jz, campaign, emails, tokens = jazari_node(folder, url, items, clients, min_overlap=clients,
                                                   max_overlap=clients, gold_rate=0.0)
        ids = item_ids(jz, campaign)
        jz.close()
        port = free_port()
        env = {**os.environ, "JAZARI_HOME": str(folder / "home")}
        if url:
            env["JAZARI_DATABASE_URL"] = url
        log = (folder / "server.log").open("wb")
        proc = subprocess.Popen([str(Path(sys.executable).with_name("jazari")), "serve", "--port", str(port),
                                 "--workers", str(workers)], cwd=folder,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}/api/v1/campaigns/{campaign}"
        try:
            wait_for(base, {"authorization": f"Bearer {tokens[emails[0]]}"}, proc, 60)
            plan = []
            for k, email in enumerate(emails):
                order = ids[:]
                random.Random(k).shuffle(order)
                jobs = [_jazari_job(base + "/answers", item, random.Random(item * 31 + k).choice(LABELS),
                                    f"{k}-{item}") for item in order]
                plan.append(({"authorization": f"Bearer {tokens[email]}"}, jobs))
            result = hammer(plan, seconds, server=proc.pid, base=base)
        finally:
            stop(proc)
            log.close()
        return {**result, "backend": "postgresql" if url else "sqlite", "workers": workers}


def _jazari_job(url: str, item: int, label: str, answer_id: str) -> Callable[[Any], Any]:
    body = {"item": item, "value": label, "answer_id": answer_id}
    return lambda http: http.post(url, json=body)


# --- submissions: the database's floor -----------------------------------------------------------

def floor_worker() -> None:
    """One process of `bench_floor` (`collective.py --floor-worker`, its task as JSON on stdin):
    `threads` connections, each sending its share of `plan` (who, their contributor row, item, label)
    as the product's answer statements, straight to the driver; "ready" once connected, starts at the
    next line of stdin, prints the latencies as JSON."""
    task = json.loads(sys.stdin.readline())
    url, sqlite_path, campaign, threads = task["url"], task["sqlite_path"], task["campaign"], task["threads"]
    plan = [tuple(x) for x in task["plan"]]
    barrier = threading.Barrier(threads + 1)
    import sqlalchemy as sa

    from jazari.collective import work
    from jazari.store.database import utcnow
    from jazari.store.locks import WriterLock

    engine = sa.create_engine(url) if url else sa.create_engine(f"sqlite:///{sqlite_path}")
    dialect = engine.dialect

    def compiled(statement: Any) -> tuple[str, list[str] | None, dict[str, Any], dict[str, Any]]:
        c = statement.compile(dialect=dialect)  # with the values the statement holds itself (c.params)
        return str(c), (list(c.positiontup) if c.positiontup else None), c.params, c._bind_processors

    statements = [compiled(work._answer_query()), compiled(work._slot_statement()),
                  compiled(work._answer_statement(dialect.name)), compiled(work._count_statement(False, False)),
                  compiled(work._votes_query())]
    lock = WriterLock(Path(sqlite_path + ".writer-lock")) if sqlite_path else None
    latencies: list[float] = []
    guard = threading.Lock()

    def run(share: list[tuple[str, int, int, str]]) -> None:
        raw = engine.raw_connection()
        mine = []
        try:
            cursor = raw.cursor()
            if sqlite_path:
                for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000", "foreign_keys=ON"):
                    cursor.execute(f"PRAGMA {pragma}")
            barrier.wait()
            for who, person, item, label in share:
                t0 = time.perf_counter()
                values = {"campaign": campaign, "who": who, "inst": "hcp", "dname": "bench", "ref": "hcp/bench",
                          "item": item, "answer_id": f"{who}-{item}", "max_overlap": 8, "campaign_id": campaign,
                          "item_id": item, "contributor": who, "client_id": f"{who}-{item}", "slot": 0,
                          "value": label, "seconds": None, "created_at": utcnow(), "mine": person}
                with contextlib.ExitStack() as writing:  # the lock, from the first write to the commit
                    for n, (sql, order, own, processors) in enumerate(statements):
                        if n == 1 and lock is not None:
                            writing.enter_context(lock)
                        bound = {**own, **{k: v for k, v in values.items() if k in own}}
                        for key, process in processors.items():  # as SQLAlchemy converts them (JSON, dates)
                            bound[key] = process(bound[key])
                        cursor.execute(sql, [bound[k] for k in order] if order else bound)
                        rows = cursor.fetchall()
                        if n == 1:
                            values["slot"] = rows[0][0]
                    raw.commit()
                mine.append(time.perf_counter() - t0)
        finally:
            raw.close()
            with guard:
                latencies.extend(mine)

    shares = [plan[k::threads] for k in range(threads)]
    pool = [threading.Thread(target=run, args=(share,)) for share in shares]
    for t in pool:
        t.start()
    print("ready", flush=True)
    sys.stdin.readline()
    barrier.wait()
    for t in pool:
        t.join()
    print(json.dumps(latencies), flush=True)


def bench_floor(database_url: str | None, items: int, clients: int, processes: int) -> dict[str, Any]:
    """What the database itself allows: the statements of an answer (`collective/work.py`: the campaign
    query, the slot, the insert, the counters, the votes, the commit) sent straight to the driver by
    `clients` connections in `processes` processes, with no HTTP, no access decision, no Python
    decision and no SQLAlchemy execution layer: the most answers/s any server over this database
    could accept on this machine."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database(database_url) as url:
        folder = Path(tmp)
        jz, campaign, emails, _tokens = jazari_node(folder, url, items, clients, min_overlap=clients,
                                                    max_overlap=clients, gold_rate=0.0)
        ids = item_ids(jz, campaign)
        people = {}
        for email in emails:  # the contributors' rows, as their first `next` makes them
            jz.campaign_next(campaign, actor=jz.accounts.actor(email))
        import sqlalchemy as sa

        with jz.db.engine.connect() as conn:
            people = dict(conn.execute(sa.text("SELECT contributor, id FROM campaign_contributors "
                                               "WHERE campaign_id = :c"), {"c": campaign}).all())
        sqlite_path = None if url else jz.db.engine.url.database
        jz.close()
        plan = []
        for k, email in enumerate(emails):
            order = ids[:]
            random.Random(k).shuffle(order)
            plan += [(email, people[email], item, random.Random(item * 31 + k).choice(LABELS)) for item in order]
        random.Random(0).shuffle(plan)  # every process gets every contributor's answers, in a random order
        procs = [subprocess.Popen([sys.executable, __file__, "--floor-worker"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for _ in range(processes)]
        for k, proc in enumerate(procs):
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps({"url": url, "sqlite_path": sqlite_path, "campaign": campaign,
                                         "threads": clients // processes, "plan": plan[k::processes]}) + "\n")
            proc.stdin.flush()
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        t0, busy = time.perf_counter(), machine_busy()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        latencies = [x for proc in procs for x in json.loads(proc.communicate()[0])]
        elapsed, busy = time.perf_counter() - t0, machine_busy() - busy
    ms = [x * 1000 for x in latencies]
    return {"answers": len(ms), "seconds": round(elapsed, 2), "per_second": round(len(ms) / elapsed, 1),
            "p50_ms": round(pct(ms, 0.5), 1), "p99_ms": round(pct(ms, 0.99), 1), "processes": processes,
            "backend": "postgresql" if url else "sqlite", "load": load_average(),
            # every process of the machine, the database's included: what one answer costs the cores
            "machine_cpu_ms": round(1000 * busy / max(1, len(ms)), 2)}


HTTP_FLOOR_APP = """
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

app = FastAPI()


class Answer(BaseModel):
    item: int
    value: str
    answer_id: str


@app.post("/api/v1/campaigns/{campaign_id}/answers", status_code=201)
def answer(campaign_id: int, body: Answer) -> JSONResponse:
    return JSONResponse({"campaign": campaign_id, "item": body.item, "answer_id": body.answer_id,
                         "accepted": True, "duplicate": False, "answered": 1}, status_code=201)
"""


def bench_http_floor(clients: int, seconds: float, workers: int) -> dict[str, Any]:
    """What HTTP alone costs: the same requests, from the same load generator, to a FastAPI app on
    uvicorn (`workers` processes, the same stack and settings as `jazari serve`) whose answer route
    only validates the body and replies; no database, no access decision."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "floor_app.py").write_text(HTTP_FLOOR_APP)
        port = free_port()
        log = (folder / "server.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "floor_app:app", "--port", str(port),
                                 "--workers", str(workers), "--log-level", "info"], cwd=folder, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}/api/v1/campaigns/1"
        try:
            wait_for(f"http://127.0.0.1:{port}/openapi.json", {}, proc, 60)
            plan = [({}, [_jazari_job(base + "/answers", item, LABELS[item % 5], f"{k}-{item}")
                          for item in range(1, 100_000)]) for k in range(clients)]
            busy = machine_busy()
            result = hammer(plan, seconds, server=proc.pid, base=base)
            result["machine_cpu_ms"] = round(1000 * (machine_busy() - busy) / max(1, result["submissions"]), 2)
        finally:
            stop(proc)
            log.close()
    return {**result, "workers": workers}


# --- submissions: Label Studio --------------------------------------------------------------------

LS_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="need" toName="text" choice="single">
""" + "".join(f'    <Choice value="{label}"/>\n' for label in LABELS) + """  </Choices>
</View>"""


def bench_label_studio(items: int, clients: int, seconds: float) -> dict[str, Any]:
    """The same with Label Studio CE: a project with a classification config, the texts imported as
    tasks, each client (a user with its own token) POSTing annotations."""
    import httpx

    exe = LS_VENV / "bin" / "label-studio"
    if not exe.exists():
        return {"skipped": f"{exe} is missing: see benchmarks/requirements-collective.txt"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        token = secrets.token_hex(20)
        env = {**os.environ, "LABEL_STUDIO_BASE_DATA_DIR": str(folder / "ls"), "DJANGO_DB": "sqlite",
               "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false", "SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": "",
               "COLLECT_ANALYTICS": "false", "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true"}
        log = (folder / "server.log").open("wb")
        proc = subprocess.Popen([str(exe), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
                                 "--data-dir", str(folder / "ls"), "--username", "admin@bench.ma",
                                 "--password", PASSWORD, "--user-token", token],
                                cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}/api"
        auth = {"authorization": f"Token {token}"}
        try:
            wait_for(f"{base}/projects", auth, proc, 300)
            with httpx.Client(headers=auth, timeout=120) as http:
                project = http.post(f"{base}/projects", json={"title": "Bench", "label_config": LS_CONFIG})
                project.raise_for_status()
                pid = project.json()["id"]
                tasks = [{"data": {"text": t, "id": f"m{n:05d}"}} for n, t in enumerate(texts(items))]
                http.post(f"{base}/projects/{pid}/import", json=tasks).raise_for_status()
                ids = [t["id"] for t in http.get(f"{base}/tasks", params={"project": pid, "page_size": items + 10})
                       .json()["tasks"]]
            # the CE's tokens belong to users: the 8 clients share the admin's (CE has no API to make
            # other users' tokens without signing up through the web pages); the server's work is the same
            plan = []
            for k in range(clients):
                order = ids[:]
                random.Random(k).shuffle(order)
                jobs = [_ls_job(f"{base}/tasks/{task}/annotations", random.Random(task * 31 + k).choice(LABELS))
                        for task in order]
                plan.append((auth, jobs))
            result = hammer(plan, seconds, server=proc.pid, base=base)
            result["version"] = subprocess.run([str(LS_VENV / "bin" / "python"), "-c",
                                                "import label_studio; print(label_studio.__version__)"],
                                               capture_output=True, text=True).stdout.strip()
        except Exception as exc:  # noqa: BLE001 - reported, the Jazari figures still stand
            tail = (folder / "server.log").read_text(errors="replace")[-1500:]
            return {"skipped": f"Label Studio failed: {exc}", "log": tail}
        finally:
            stop(proc)
            log.close()
        return result


def _ls_job(url: str, label: str) -> Callable[[Any], Any]:
    body = {"result": [{"from_name": "need", "to_name": "text", "type": "choices", "value": {"choices": [label]}}],
            "was_cancelled": False, "ground_truth": False}
    return lambda http: http.post(url, json=body)


def submissions(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"load_before": load_average(), "clients": args.clients}
    for workers in args.workers:
        suffix = "" if workers == 1 else f"_{workers}_workers"
        out["jazari" + suffix] = bench_jazari(None, args.items, args.clients, args.seconds, workers)
        if args.database_url:
            out["jazari_postgresql" + suffix] = bench_jazari(args.database_url, args.items, args.clients,
                                                             args.seconds, workers)
    if args.floor:
        # the most any server could take here: the cores, over what the database's part of an answer
        # costs them plus what HTTP alone costs them (each measured with every process counted)
        out["floor_http"] = bench_http_floor(args.clients, min(args.seconds, 15), max(args.workers))
        cores = os.cpu_count() or 1
        for backend, url in (("sqlite", None), ("postgresql", args.database_url)):
            if backend == "sqlite" or url:
                floor = out[f"floor_{backend}"] = bench_floor(url, args.items, args.clients, max(args.workers))
                out[f"ceiling_{backend}"] = round(
                    1000 * cores / (floor["machine_cpu_ms"] + out["floor_http"]["machine_cpu_ms"]), 1)
    if not args.no_label_studio:
        out["label_studio"] = bench_label_studio(args.ls_items, args.clients, args.seconds)
        ls = out["label_studio"]
        if "per_second" in ls and ls["per_second"]:
            for key in [k for k in out if k.startswith(("jazari", "floor", "ceiling"))]:
                rate = out[key] if isinstance(out[key], float) else out[key].get("per_second")
                if rate:
                    out[f"ratio_{key}"] = round(rate / ls["per_second"], 1)
    out["load_after"] = load_average()
    return out


# --- overlap ---------------------------------------------------------------------------------------

def crowd(contributors: int, seed: int = 11) -> list[float | None]:
    """Each contributor's probability of the right label (None: a spammer answering at random)."""
    rng = random.Random(seed)
    spammers = round(contributors * SPAMMERS)
    qualities: list[float | None] = [round(rng.uniform(0.55, 0.95), 3) for _ in range(contributors - spammers)]
    qualities += [None] * spammers
    rng.shuffle(qualities)
    return qualities


def answer_of(quality: float | None, true: str, rng: random.Random) -> str:
    if quality is None or rng.random() >= quality:
        return rng.choice([x for x in LABELS if x != true] if quality is not None else LABELS)
    return true


def simulate(items: int, contributors: int, gold: int, seed: int, **policy: Any) -> dict[str, Any]:
    """One campaign worked by the simulated crowd through the facade, aggregated by Dawid-Skene."""
    from jazari.errors import Forbidden

    rng = random.Random(seed)
    truth = {f"m{n:05d}": rng.choice(LABELS) for n in range(items + gold)}
    controls = {k: truth[k] for k in list(truth)[items:]}  # the last rows are control items
    qualities = crowd(contributors, seed)
    with tempfile.TemporaryDirectory() as tmp:
        jz, campaign, emails, _tokens = jazari_node(Path(tmp), None, items + gold, contributors,
                                                    truth=controls if gold else {},
                                                    **policy)
        try:
            key_of = {}
            for item_id, key in _keys(jz, campaign):
                key_of[item_id] = key
            actors = {e: jz.accounts.actor(e) for e in emails}
            active = list(range(contributors))
            judgments = 0
            t0 = time.perf_counter()
            while active:
                k = rng.choice(active)
                actor = actors[emails[k]]
                try:
                    got = jz.campaign_next(campaign, actor=actor)
                except Forbidden:  # blocked on control items
                    active.remove(k)
                    continue
                if got["item"] is None:
                    active.remove(k)
                    continue
                item = got["item"]["id"]
                jz.campaign_answer(campaign, item, answer_of(qualities[k], truth[key_of[item]], rng),
                                   f"a{judgments}", actor=actor)
                judgments += 1
            elapsed = time.perf_counter() - t0
            steward = jz.accounts.actor("steward@hcp.ma")
            _campaign, outcomes, _info = jz.results.outcomes(steward, campaign, "dawid_skene")
            _campaign, voted, _info = jz.results.outcomes(steward, campaign, "majority_vote")
            status = jz.campaign_status(campaign, actor=steward)
        finally:
            jz.close()
    right = sum(outcomes[k].answer == truth[k] for k in outcomes)
    blocked = sum(1 for c in status.get("contributors", []) if c.get("blocked"))
    voted_right = sum(voted[k].answer == truth[k] for k in voted)
    return {"judgments": judgments, "items": items, "aggregated": len(outcomes), "accuracy": round(right / items, 4),
            "accuracy_majority_vote": round(voted_right / items, 4),
            "per_item": round(judgments / items, 2), "seconds": round(elapsed, 1), "blocked": blocked,
            "spammers": sum(q is None for q in qualities), "policy": policy}


def _keys(jz: Any, campaign_id: int) -> list[tuple[int, str]]:
    import sqlalchemy as sa

    from jazari.collective.models import Item

    with jz.db.session() as session:
        return [tuple(r) for r in session.execute(sa.select(Item.id, Item.key).where(Item.campaign_id == campaign_id))]


def overlap(args: argparse.Namespace) -> dict[str, Any]:
    gold = max(5, args.items // 40)
    fixed = simulate(args.items, args.contributors, 0, args.seed, min_overlap=5, max_overlap=5, gold_rate=0.0)
    out: dict[str, Any] = {"load_before": load_average(), "gold_items": gold, "fixed": fixed}
    policies = {"defaults": {}, "tuned": json.loads(args.policy)} if args.policy else {"defaults": {}}
    for name, policy in policies.items():
        run = simulate(args.items, args.contributors, gold, args.seed, **policy)
        run["share"] = round(run["judgments"] / fixed["judgments"], 3)
        run["accuracy_met"] = run["accuracy"] >= fixed["accuracy"]
        out[name] = run
    out["load_after"] = load_average()
    return out


# --- Dawid-Skene -----------------------------------------------------------------------------------

def dawid_skene(args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    from jazari.collective import aggregate
    from jazari.collective.aggregate import Vote

    rng = random.Random(args.seed)
    per_item = 5
    items = args.answers // per_item
    qualities = crowd(30, args.seed)
    votes = []
    for n in range(items):
        true = rng.choice(LABELS)
        for k in rng.sample(range(len(qualities)), per_item):
            votes.append(Vote(f"i{n:06d}", f"w{k:02d}", answer_of(qualities[k], true, rng)))
    aggregate.vote_units([("x", "w", "a"), ("x", "v", "b")], "dawid_skene")  # imports crowd-kit outside the timing
    t0 = time.perf_counter()
    found = aggregate.vote_units(aggregate.units("classify", votes, LABELS, {}), "dawid_skene")
    product = time.perf_counter() - t0
    frame = pd.DataFrame([(v.item, v.contributor, v.value) for v in votes], columns=["task", "worker", "label"])
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # pandas deprecations inside crowd-kit, as in the product
        warnings.simplefilter("ignore")
        DawidSkene().fit_predict_proba(frame)
    bare = time.perf_counter() - t0
    return {"load": load_average(), "answers": len(votes), "items": len(found), "seconds": round(product, 2),
            "crowdkit_seconds": round(bare, 2), "ratio": round(product / bare, 2)}


def main() -> None:
    if sys.argv[1:] == ["--floor-worker"]:
        floor_worker()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", action="store_true", help="answers/s and p99 on a real server vs Label Studio")
    parser.add_argument("--overlap", action="store_true", help="judgments of adaptive overlap vs fixed overlap 5")
    parser.add_argument("--dawid-skene", action="store_true", help="Dawid-Skene over --answers answers")
    parser.add_argument("--database-url", help="a PostgreSQL server URL: a fresh database is made on it")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--items", type=int, default=None, help="items (submissions: 500, overlap: 2000)")
    parser.add_argument("--ls-items", type=int, default=200, help="tasks imported into Label Studio")
    parser.add_argument("--seconds", type=float, default=30.0, help="longest run of the clients, per system")
    parser.add_argument("--no-label-studio", action="store_true")
    parser.add_argument("--floor", action="store_true",
                        help="also the database's floor: an answer's statements sent straight to the driver")
    parser.add_argument("--workers", default=f"1,{os.cpu_count() or 1}",
                        type=lambda v: sorted({int(x) for x in v.split(",")}),
                        help="server processes of `jazari serve`, one run each (default: 1 and one per core)")
    parser.add_argument("--contributors", type=int, default=30)
    parser.add_argument("--policy", default="",
                        help="settings (JSON) of a second adaptive campaign, beside the one with the defaults, "
                        'e.g. \'{"max_overlap": 4}\'')
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if not (args.submissions or args.overlap or args.dawid_skene):
        parser.error("choose --submissions, --overlap or --dawid-skene")
    results: dict[str, Any] = {}
    items = args.items
    if args.submissions:
        args.items = items or 500
        results["submissions"] = submissions(args)
    if args.overlap:
        args.items = items or 2000
        results["overlap"] = overlap(args)
    if args.dawid_skene:
        results["dawid_skene"] = dawid_skene(args)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
