"""A local BigQuery for the tests.

- `bq_emulator` (session): the `bqemulator` emulator (its own venv, prepared by
  tools/bqemulator/setup.sh, which this runs when needed) on free loopback ports.
- `gcp_token_server` (session): a local OAuth token endpoint standing in for Google's, so the
  service-account key users put in `GCP_SA_KEY` is used exactly as in production (google-auth
  signs a JWT with the key and trades it for an access token at the key's `token_uri`); only
  that URL and the BigQuery endpoint point at this machine.
- `bq_run` (module): a fresh sandbox company and workspace aimed at a project of its own on the
  emulator, with a DuckDB twin that every sync also loads (the same history of the same data:
  the reference the BigQuery marts are compared with); `bq_loaded` (module): the same after a
  first full sync of both sources.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

from pipelines.paths import REPO_ROOT
from sandbox import Sandbox
from tests.bigquery.warehouse import Warehouse
from tests.support.fake_gcp import encoded, service_account
from tests.support.workspace import CliResult, Workspace, base_env

SETUP = REPO_ROOT / "tools" / "bqemulator" / "setup.sh"
VENV = Path(os.environ.get("BQEMU_VENV") or REPO_ROOT / ".bqemulator-venv").resolve()
SETUP_TIMEOUT = 480  # a clean machine: ~4 s here; generous for a slow registry
START_TIMEOUT = 60  # ready in ~3 s here
DUCKDB_EXTENSIONS = Path(".duckdb") / "extensions"
SOURCES = ("linear", "github")
#: Both builds load deployments, so the delivery marts are compared too.
DEPLOYMENTS = {"SOURCES__GITHUB__DEPLOYMENTS": "deployments"}
KEY_PROJECT = "key-project"  # the key's own project_id; GCP_PROJECT_ID must win over it


@dataclass
class Emulator:
    """A running bqemulator."""

    rest_url: str  # what BIGQUERY_EMULATOR_HOST and dbt's `api_endpoint` take
    grpc_port: int
    log: Path

    def client(self, project: str) -> bigquery.Client:
        """A BigQuery client on the emulator (which checks no credentials)."""
        return bigquery.Client(
            project=project,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options=ClientOptions(api_endpoint=self.rest_url),
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the emulator's process: get SIGTERM when pytest dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the emulator (its whole process group), then kill it if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


def prepare_emulator_venv() -> Path:
    """Run tools/bqemulator/setup.sh (a no-op when the venv is ready); its `bqemulator`."""
    env = {**os.environ, "BQEMU_VENV": str(VENV)}
    env.pop("BQEMU_HOME", None)  # the extensions go to the venv's own home, linked below
    try:
        proc = subprocess.run(
            ["bash", str(SETUP)],
            env=env,
            capture_output=True,
            text=True,
            timeout=SETUP_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{SETUP} took over {SETUP_TIMEOUT} s")
    if proc.returncode != 0:
        pytest.fail(f"{SETUP} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return VENV / "bin" / "bqemulator"


@pytest.fixture(scope="session")
def bq_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """bqemulator on free loopback ports, with its own HOME, temp and upload folders; stopped
    at the end of the session, whatever happened."""
    executable = prepare_emulator_venv()
    folder = tmp_path_factory.mktemp("bqemulator")
    home, uploads, tmp = folder / "home", folder / "uploads", folder / "tmp"
    for path in (home / ".duckdb", uploads, tmp):
        path.mkdir(parents=True)
    # The DuckDB extensions setup.sh installed, where DuckDB looks for them under this HOME.
    (home / DUCKDB_EXTENSIONS).symlink_to(VENV / "home" / DUCKDB_EXTENSIONS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BQEMU_")}
    env.update(HOME=str(home), TMPDIR=str(tmp), BQEMU_UPLOAD_STAGING_DIR=str(uploads))
    log = folder / "emulator.log"
    failures = []
    for _attempt in range(3):  # a free port can be taken between our probe and its bind
        rest, grpc = _free_port(), _free_port()
        while grpc == rest:
            grpc = _free_port()
        url = f"http://127.0.0.1:{rest}"
        with log.open("ab") as sink:
            proc = subprocess.Popen(
                [
                    str(executable),
                    "start",
                    "--rest-host",
                    "127.0.0.1",
                    "--rest-port",
                    str(rest),
                    "--grpc-host",
                    "127.0.0.1",
                    "--grpc-port",
                    str(grpc),
                    "--log-level",
                    "warning",
                    "--log-format",
                    "console",
                ],
                cwd=folder,  # it reads a .bqemu.toml from its working directory
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped as a group, untouched by the terminal's ^C
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while proc.poll() is None and time.monotonic() < deadline and not _ready(url):
                time.sleep(0.2)
            if proc.poll() is None and _ready(url):
                break
            failures.append(f"exit code {proc.poll()} on ports {rest}/{grpc}")
        except BaseException:
            _stop(proc)
            raise
        _stop(proc)
    else:
        tail = log.read_text(errors="replace")[-4000:]
        pytest.fail(f"bqemulator did not start ({'; '.join(failures)}):\n{tail}")
    try:
        yield Emulator(rest_url=url, grpc_port=grpc, log=log)
    finally:
        _stop(proc)
        shutil.rmtree(uploads, ignore_errors=True)


@dataclass
class TokenServer:
    """Google's OAuth token endpoint, imitated: grants any JWT-bearer assertion a token and
    keeps the assertions, so a test can check they were signed with the user's key."""

    url: str
    assertions: list[str] = field(default_factory=list)

    def key(self, project_id: str) -> dict[str, Any]:
        """A service-account key (as users download it) whose token_uri is this server."""
        return {**service_account(project_id), "token_uri": self.url}

    def encoded_key(self, project_id: str) -> str:
        """The same key in the form users store in the GCP_SA_KEY secret."""
        return encoded(self.key(project_id))


@pytest.fixture(scope="session")
def gcp_token_server() -> Iterator[TokenServer]:
    server_state: dict[str, TokenServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            assertion = form.get("assertion", [""])[0]
            server_state["server"].assertions.append(assertion)
            if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
                self._reply(400, {"error": "unsupported_grant_type"})
                return
            self._reply(
                200, {"access_token": "emulator-token", "expires_in": 3600, "token_type": "Bearer"}
            )

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state["server"] = TokenServer(url=f"http://127.0.0.1:{httpd.server_port}/token")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class RecordedWorkspace(Workspace):
    """A workspace whose runs log at debug level (the most a user can make them say) and keep
    their output, so the secrets test can scan everything the module's runs printed."""

    outputs: list[str] = field(default_factory=list)

    def run(
        self, script: str, *args: str, extra_env: dict[str, str] | None = None, timeout: float = 300
    ) -> CliResult:
        if "--log-level" not in args:
            args = (*args, "--log-level", "debug")
        result = super().run(script, *args, extra_env=extra_env, timeout=timeout)
        self.outputs.append(result.output)
        return result


@dataclass
class BigQueryRun:
    """One sandbox company synced into one (fresh) BigQuery project on the emulator."""

    box: Sandbox
    workspace: RecordedWorkspace
    warehouse: Warehouse
    emulator: Emulator
    tokens: TokenServer
    # Every sync also loads this local DuckDB file, from the same sandbox state.
    twin: RecordedWorkspace
    # The run summaries of the last sync, by source.
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def project(self) -> str:
        return self.warehouse.project

    def sync(self, *sources: str, dbt: bool = False) -> dict[str, dict[str, Any]]:
        """`python pipelines/<source>.py --destination bigquery` for each source (concurrently:
        they write separate datasets); their run summaries. Meanwhile the same sources are
        loaded into the DuckDB twin (`--no-dbt`, one at a time: one file), so the twin has the
        same history as BigQuery (a table created by an earlier load stays, even when empty).
        Fails the test on a failed run."""

        def one(source: str) -> tuple[CliResult, Path]:
            summary = self.workspace.root / f"{source}-summary.json"
            summary.unlink(missing_ok=True)
            args = ["--destination", "bigquery", *([] if dbt else ["--no-dbt"])]
            result = self.workspace.run(
                source, *args, extra_env={"PIPELINES_SUMMARY_FILE": str(summary)}, timeout=240
            )
            return result, summary

        def twin() -> dict[str, CliResult]:
            return {source: self.twin.run(source, "--no-dbt", timeout=240) for source in sources}

        with ThreadPoolExecutor(len(sources) + 1) as pool:
            twin_results = pool.submit(twin)
            results = dict(zip(sources, pool.map(one, sources), strict=True))
        for source, result in twin_results.result().items():
            assert result.returncode == 0, f"{source} --no-dbt into DuckDB:\n{result.output}"
        summaries = {}
        for source, (result, summary) in results.items():
            assert result.returncode == 0, f"{source} --destination bigquery:\n{result.output}"
            assert "Traceback" not in result.stderr, result.stderr
            summaries[source] = json.loads(summary.read_text())
        self.summaries = summaries
        return summaries


def bigquery_env(emulator: Emulator, tokens: TokenServer, project: str) -> dict[str, str]:
    """What a user sets (`GCP_PROJECT_ID`, `GCP_SA_KEY`), plus only the emulator's endpoint and
    the compression setting it needs. The key is a normal service-account key whose token_uri
    is the local token endpoint instead of Google's."""
    return {
        "GCP_PROJECT_ID": project,
        "GCP_SA_KEY": tokens.encoded_key(KEY_PROJECT),
        "BIGQUERY_EMULATOR_HOST": emulator.rest_url,
        # The emulator reads parquet (our data files) but not gzipped jsonl (dlt's state rows).
        "NORMALIZE__DATA_WRITER__DISABLE_COMPRESSION": "true",
    }


@pytest.fixture(scope="module")
def bq_run(
    bq_emulator: Emulator,
    gcp_token_server: TokenServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BigQueryRun]:
    """A fresh sandbox and workspace, aimed at a project of its own on the emulator, and a
    DuckDB twin workspace on the same sandbox."""
    project = f"e2e-{uuid.uuid4().hex[:8]}"
    root = tmp_path_factory.mktemp("bq-workspace")
    twin_root = tmp_path_factory.mktemp("duckdb-twin")
    box = Sandbox(incidents=True).start()  # incidents: DORA's failures on both builds
    try:
        env = base_env(root, box) | bigquery_env(bq_emulator, gcp_token_server, project)
        env |= DEPLOYMENTS
        # Its own temp dir, so the secrets test sees exactly the key files these runs left.
        (root / "tmp").mkdir()
        env["TMPDIR"] = str(root / "tmp")
        yield BigQueryRun(
            box=box,
            workspace=RecordedWorkspace(root, env),
            warehouse=Warehouse(bq_emulator.client(project)),
            emulator=bq_emulator,
            tokens=gcp_token_server,
            twin=RecordedWorkspace(twin_root, base_env(twin_root, box) | DEPLOYMENTS),
        )
    finally:
        box.stop()


@pytest.fixture(scope="module")
def bq_loaded(bq_run: BigQueryRun) -> BigQueryRun:
    """`bq_run` after a first (full) sync of both sources, without dbt."""
    bq_run.sync(*SOURCES)
    return bq_run
