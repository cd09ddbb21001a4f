"""LocalStack Lambda runtime executor: function versions as local processes, no Docker."""
