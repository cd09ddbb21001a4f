import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type CatalogAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | {
      type: 'sigv4';
      /** Signing name: `glue` for the Glue Iceberg endpoint, `s3tables` for S3 Tables. */
      service: 'glue' | 's3tables';
      region: string;
      credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    };

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export type RequestAuthenticator = (request: OutgoingRequest) => Promise<OutgoingRequest>;

export function authenticator(auth: CatalogAuth = { type: 'none' }): RequestAuthenticator {
  switch (auth.type) {
    case 'none':
      return async (request) => request;
    case 'bearer':
      return async (request) => ({
        ...request,
        headers: { ...request.headers, authorization: `Bearer ${auth.token}` },
      });
    case 'sigv4':
      return sigV4(auth);
  }
}

function sigV4(auth: Extract<CatalogAuth, { type: 'sigv4' }>): RequestAuthenticator {
  let signer: SignatureV4 | undefined;
  const getSigner = async () => {
    if (!signer) {
      // the default chain is loaded only when needed: it pulls in much of the SDK
      const credentials =
        auth.credentials ?? (await import('@aws-sdk/credential-provider-node')).defaultProvider();
      signer = new SignatureV4({
        service: auth.service,
        region: auth.region,
        credentials,
        sha256: Sha256,
      });
    }
    return signer;
  };
  return async (request) => {
    const { url } = request;
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, key) => {
      query[key] = value;
    });
    const unsigned = new HttpRequest({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const signed = await (await getSigner()).sign(unsigned);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(signed.headers)) {
      // fetch sets Host itself and refuses to be told
      if (key.toLowerCase() !== 'host') headers[key] = value;
    }
    return { ...request, headers };
  };
}
