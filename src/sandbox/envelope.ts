import { randomUUID } from 'node:crypto';
import type { SbEnvelope, SbSystem, SbTransport } from './types';
import { SbBizError } from './types';
import { IAM_NO_PERMISSION } from './data/iam';

/**
 * Everything the sandbox sends back is a `Reply`: status, headers and the exact bytes. Envelopes per
 * system and transport follow CONTRACTS.md §2; gateway-generated errors follow §1.4 (APIGW) and §1.5
 * (ESB).
 */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** APIGW `X-Bkapi-Request-ID` (a UUID). */
export function newApigwRequestId(): string {
  return randomUUID();
}

/** ESB `request_id` (32 hex). */
export function newEsbRequestId(): string {
  return randomUUID().replace(/-/g, '');
}

export function newJobRequestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

/** A gateway-generated APIGW error (body protocol of blueking-apigateway, headers of bk-error-wrapper). */
export function gatewayError(
  status: number,
  code: number,
  codeName: string,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return jsonReply(
    status,
    { code_name: codeName, data: null, code, message, result: false },
    { 'X-Bkapi-Error-Code': String(code), 'X-Bkapi-Error-Message': message, ...headers },
  );
}

export function invalidArgs(reason: string): Reply {
  return gatewayError(400, 1640001, 'INVALID_ARGS', `Parameters error [reason="${reason}"]`);
}

/** ESB answers its own errors with HTTP 200 and a `request_id` in the body. */
export function esbError(code: number, message: string, requestId: string): Reply {
  return jsonReply(200, { result: false, code, data: null, message, request_id: requestId });
}

/** What an nginx in front of ESB sends when its upstream fails. */
export function nginxError(status: number): Reply {
  const reason = status === 502 ? 'Bad Gateway' : status === 504 ? 'Gateway Time-out' : 'Server Error';
  return {
    status,
    headers: { 'Content-Type': 'text/html' },
    body: `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

interface WrapInput {
  envelope: SbEnvelope;
  transport: SbTransport;
  requestId: string;
}

/** Wraps a handler's data in its system's success envelope. `login`/`bare` handlers own their bodies. */
export function successBody({ envelope, transport, requestId }: WrapInput, data: unknown): unknown {
  const esb = transport === 'esb' ? { request_id: requestId } : {};
  switch (envelope) {
    case 'cmdb':
      return { result: true, code: 0, message: 'success', permission: null, data, ...esb };
    case 'job':
      // JOB serializes with NON_NULL: no `message` on APIGW success; ESB adds message and request_id.
      return transport === 'esb'
        ? { result: true, code: 0, message: 'success', data, job_request_id: newJobRequestId(), ...esb }
        : { result: true, code: 0, data, job_request_id: newJobRequestId() };
    case 'itsm':
      return { result: true, code: 0, message: 'success', data: data === undefined ? [] : data, ...esb };
    case 'gse':
      return { result: true, code: 0, message: '', data, ...esb };
    case 'login':
    case 'bare':
      return transport === 'esb' && isPlainObject(data) && !('request_id' in data)
        ? { ...data, ...esb }
        : data;
  }
}

/** Renders a business error in its system's envelope (HTTP 200 unless the error says otherwise). */
export function bizErrorReply(input: WrapInput, err: SbBizError): Reply {
  const esb = input.transport === 'esb' ? { request_id: input.requestId } : {};
  const status = err.extra.httpStatus ?? 200;
  const isIam = err.code === IAM_NO_PERMISSION;
  const tail = isIam ? { permission: err.extra.permission ?? null } : { data: err.extra.data ?? null };
  switch (input.envelope) {
    case 'cmdb':
      return jsonReply(status, {
        result: false,
        code: err.code,
        message: err.message,
        permission: null,
        ...tail,
        ...esb,
      });
    case 'job':
      return jsonReply(status, {
        result: false,
        code: err.code,
        message: err.message,
        ...tail,
        job_request_id: newJobRequestId(),
        ...esb,
      });
    default:
      return jsonReply(status, { result: false, code: err.code, message: err.message, ...tail, ...esb });
  }
}

const PARSE_ERRORS: Record<SbSystem, { code: number; message: string }> = {
  cmdb: { code: 1199000, message: 'JSON unmarshal failed' },
  job: { code: 1240003, message: 'Bad Request' },
  itsm: { code: 3900005, message: '参数验证失败: JSON parse error' },
  gse: { code: 1000001, message: 'invalid request body: JSON parse error' },
  login: { code: 1302000, message: 'invalid request body: JSON parse error' },
  paas: { code: 1306406, message: 'invalid request body: JSON parse error' },
};

/** The business error a system answers when a POST body is not a JSON object. */
export function parseError(system: SbSystem): SbBizError {
  const e = PARSE_ERRORS[system];
  return new SbBizError(e.code, e.message);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
