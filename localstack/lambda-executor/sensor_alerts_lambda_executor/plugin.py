from localstack.services.lambda_.invocation.plugins import RuntimeExecutorPlugin


class LocalProcessExecutorPlugin(RuntimeExecutorPlugin):
    """Selected with LAMBDA_RUNTIME_EXECUTOR=local-process."""

    name = "local-process"

    def load(self, *args, **kwargs):
        from sensor_alerts_lambda_executor.executor import LocalProcessRuntimeExecutor

        return LocalProcessRuntimeExecutor
