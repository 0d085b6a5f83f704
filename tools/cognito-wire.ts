import type { ServerResponse } from 'node:http';

// Cognito's JSON protocol as the fidelity layer reads and writes it.

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
export const JSON_TYPE = 'application/x-amz-json-1.1';

export type Json = Record<string, unknown>;
export interface Answer {
  status: number;
  body: Json;
}

export const isRecord = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Cognito's refusal of a request: 400, the exception's name as `__type` and in `x-amzn-errortype`. */
export const refuse = (res: ServerResponse, type: string, message: string) =>
  send(res, 400, { __type: type, message }, { 'x-amzn-errortype': type });
