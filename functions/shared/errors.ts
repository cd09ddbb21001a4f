/** Base of the errors the functions' shared setup throws (configuration, secrets). */
export class FunctionSetupError extends Error {
  override readonly name: string = 'FunctionSetupError';
}

/** The function's environment configuration is missing or invalid. */
export class ConfigError extends FunctionSetupError {
  override readonly name = 'ConfigError';
}

/** A secret needed to reach a service could not be read. */
export class SecretError extends FunctionSetupError {
  override readonly name = 'SecretError';
}
