"""
Runs a Lambda function version as a local process: the AWS Lambda Runtime Interface Emulator
(RIE) serves the Runtime API, and the Node.js runtime interface client (aws-lambda-ric) on the
pinned Node 22 runs the deployed bundle through it. LocalStack's own executor starts a container
whose init calls back into LocalStack; here `invoke` asks the emulator directly and turns its
answer into an InvocationResult.

The tools are found through environment variables that `npm run services:up` sets:
SENSOR_ALERTS_LAMBDA_RIE, SENSOR_ALERTS_LAMBDA_NODE, SENSOR_ALERTS_LAMBDA_RIC and
SENSOR_ALERTS_LAMBDA_WORK_DIR.
"""

import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

from localstack.services.lambda_.invocation.lambda_models import FunctionVersion, InvocationResult
from localstack.services.lambda_.invocation.runtime_executor import (
    LambdaRuntimeException,
    RuntimeExecutor,
)

LOG = logging.getLogger(__name__)

HOST = "127.0.0.1"
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
TOOL_VARIABLES = {
    "rie": "SENSOR_ALERTS_LAMBDA_RIE",
    "node": "SENSOR_ALERTS_LAMBDA_NODE",
    "ric": "SENSOR_ALERTS_LAMBDA_RIC",
}
START_TIMEOUT_SECONDS = 20
# The emulator prints its own diagnostics with this tag; they are not the function's logs.
EMULATOR_LINE = re.compile(r"^\d{2} \w{3} \d{4} [\d:,]+ \[\w+\] \(rapid\) ")
START_LINE = re.compile(r"^START RequestId: (\S+)")
TIMED_OUT = re.compile(r"^Task timed out after [\d.]+ seconds$")


def _tool(name: str) -> str:
    path = os.environ.get(TOOL_VARIABLES[name], "")
    if not path or not os.path.exists(path):
        raise LambdaRuntimeException(
            f"{TOOL_VARIABLES[name]} does not point at the {name} of the local Lambda runtime "
            f"({path or 'unset'}); start LocalStack with `npm run services:up -- localstack`"
        )
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _error_payload(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class LocalProcessRuntimeExecutor(RuntimeExecutor):
    """One execution environment: one emulator process running one runtime client."""

    def __init__(self, id: str, function_version: FunctionVersion) -> None:
        super().__init__(id=id, function_version=function_version)
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.lines: list[str] = []
        self.lines_changed = threading.Condition()
        self.env_vars: dict[str, str] = {}
        self.tmp_dir: str | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, env_vars: dict[str, str]) -> None:
        config = self.function_version.config
        runtime = str(config.runtime or "")
        if not runtime.startswith("nodejs"):
            raise LambdaRuntimeException(
                f"The local-process executor runs Node.js functions only, not {runtime or 'images'}"
            )
        code_dir = str(config.code.get_unzipped_code_location())
        work_root = os.environ.get("SENSOR_ALERTS_LAMBDA_WORK_DIR") or os.path.join(
            code_dir, ".."
        )
        self.tmp_dir = os.path.join(work_root, f"env-{self.id}", "tmp")
        os.makedirs(self.tmp_dir, exist_ok=True)
        self.env_vars = {key: str(value) for key, value in env_vars.items()}
        self._spawn(code_dir)

    def _spawn(self, code_dir: str) -> None:
        rie, node, ric = _tool("rie"), _tool("node"), _tool("ric")
        self.port = _free_port()
        runtime_api_port = _free_port()
        env = {
            **self.env_vars,
            # The function's files are where LocalStack unpacked them, not /var/task.
            "LAMBDA_TASK_ROOT": code_dir,
            "LAMBDA_RUNTIME_DIR": os.path.dirname(ric),
            "PATH": os.pathsep.join([os.path.dirname(node), "/usr/local/bin", "/usr/bin", "/bin"]),
            "HOME": self.tmp_dir,
            "TMPDIR": self.tmp_dir,
            "LANG": "C.UTF-8",
        }
        handler = self.env_vars.get("_HANDLER") or "index.handler"
        command = [
            rie,
            "--runtime-interface-emulator-address",
            f"{HOST}:{self.port}",
            "--runtime-api-address",
            f"{HOST}:{runtime_api_port}",
            node,
            ric,
            handler,
        ]
        LOG.debug("Starting %s for %s", command, self.function_version.qualified_arn)
        self.process = subprocess.Popen(
            command,
            cwd=code_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read_output, args=(self.process,), daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LambdaRuntimeException(
                    f"The Lambda runtime emulator exited with {self.process.returncode}: "
                    f"{self.get_logs()[-2000:]}"
                )
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise LambdaRuntimeException(
            f"The Lambda runtime emulator did not listen on {HOST}:{self.port} "
            f"within {START_TIMEOUT_SECONDS} s"
        )

    def _read_output(self, process: subprocess.Popen) -> None:
        for raw in iter(process.stdout.readline, b""):
            with self.lines_changed:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.lines_changed.notify_all()

    def stop(self) -> None:
        process, self.process = self.process, None
        try:
            if process is not None and process.poll() is None:
                # The emulator and the runtime it started share the process group.
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=3)
        except ProcessLookupError:
            pass
        finally:
            if self.tmp_dir:
                shutil.rmtree(os.path.dirname(self.tmp_dir), ignore_errors=True)

    # -- invocations -------------------------------------------------------------------------

    def invoke(self, payload: dict[str, str]) -> InvocationResult:
        request_id = payload["invoke-id"]
        if self.process is None or self.process.poll() is not None:
            raise LambdaRuntimeException(f"Execution environment {self.id} is not running")
        with self.lines_changed:
            first_line = len(self.lines)
        timeout = int(self.env_vars.get("AWS_LAMBDA_FUNCTION_TIMEOUT", "900")) + 30
        request = urllib.request.Request(
            f"http://{HOST}:{self.port}{INVOKE_PATH}",
            data=(payload.get("payload") or "").encode(),
            headers={"X-Amzn-Trace-Id": payload.get("trace-id") or ""},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        logs = self._logs_since(first_line)
        text = body.decode("utf-8", "replace")
        if status != 200:
            # The emulator answers 502 when the runtime process died (init or invoke).
            return InvocationResult(
                request_id,
                _error_payload("Runtime.ExitError", f"Runtime exited (HTTP {status}); see the logs"),
                is_error=True,
                logs=logs,
            )
        if TIMED_OUT.match(text.strip()):
            return InvocationResult(
                request_id, _error_payload("Sandbox.Timedout", text.strip()), True, logs
            )
        return InvocationResult(request_id, body, is_error=self._reported_error(logs), logs=logs)

    def _logs_since(self, first_line: int) -> str:
        """The function's log lines of this invocation, START to REPORT, without the emulator's."""
        deadline = time.monotonic() + 2
        with self.lines_changed:
            while not any(line.startswith("REPORT RequestId:") for line in self.lines[first_line:]):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self.lines_changed.wait(remaining)
            lines = self.lines[first_line:]
        return "\n".join(line for line in lines if not EMULATOR_LINE.match(line)) + "\n"

    @staticmethod
    def _reported_error(logs: str) -> bool:
        """
        The emulator answers a function error with HTTP 200 and the error document as the body.
        The runtime client logs `<time> <request id> ERROR Invoke Error` exactly when it posts
        an error to the Runtime API, so that line of this invocation's request id tells them apart.
        """
        request_ids = [m.group(1) for m in map(START_LINE.match, logs.splitlines()) if m]
        if not request_ids:
            return False
        marker = f"\t{request_ids[0]}\tERROR\tInvoke Error "
        return any(marker in line for line in logs.splitlines())

    # -- addresses and logs ------------------------------------------------------------------

    def get_address(self) -> str:
        return HOST

    def get_endpoint_from_executor(self) -> str:
        return HOST

    def get_runtime_endpoint(self) -> str:
        from localstack import config

        return f"http://{HOST}:{config.GATEWAY_LISTEN[0].port}/_localstack_lambda/{self.id}"

    def get_logs(self) -> str:
        with self.lines_changed:
            return "\n".join(self.lines)

    # -- versions ----------------------------------------------------------------------------

    @classmethod
    def prepare_version(cls, function_version: FunctionVersion) -> None:
        for name in TOOL_VARIABLES:
            _tool(name)
        if function_version.config.code:
            function_version.config.code.prepare_for_execution()

    @classmethod
    def cleanup_version(cls, function_version: FunctionVersion) -> None:
        # Nothing is prepared per version beyond LocalStack's own unpacked code.
        pass

    @classmethod
    def validate_environment(cls) -> bool:
        try:
            for name in TOOL_VARIABLES:
                _tool(name)
        except LambdaRuntimeException as error:
            LOG.warning("%s", error)
            return False
        return True
