/**
 * Every failure the CLI expects carries one message that names the fix; the CLI prints it
 * without a stack trace. Anything else is a bug and is printed in full.
 */
export class ServicesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class JavaNotFoundError extends ServicesError {}

export class MavenMissingError extends ServicesError {}

export class DownloadError extends ServicesError {}

export class PortInUseError extends ServicesError {}

export class ServiceNotReadyError extends ServicesError {}

export class InvalidSettingError extends ServicesError {}

/** A tool needed to build or run something locally (Go, a C++ toolchain, Python) is missing. */
export class ToolMissingError extends ServicesError {}

export class BuildError extends ServicesError {}
