import type { FastifyError } from 'fastify';
import { AppError, errorMessage } from '../../errors.ts';
import type { Locale } from '../../i18n.ts';

/** GeoReport v2 answers errors as a list of `{code, description}`; the code is the HTTP status. */
export interface Open311ErrorItem {
  code: number;
  description: string;
}

export type Open311Status = 400 | 403 | 404;

/** An error worded for Open311 clients, thrown by this module's own checks. */
export class Open311Error extends Error {
  constructor(
    readonly status: Open311Status,
    readonly description: string,
  ) {
    super(description);
    this.name = 'Open311Error';
  }
}

const TEXT = {
  API_KEY_MISSING: {
    en: 'api_key is required to create a service request.',
    'zh-Hans': '提交服务请求须提供 api_key。',
    'zh-Hant': '提交服務請求須提供 api_key。',
  },
  API_KEY_INVALID: {
    en: 'Invalid api_key received: cannot create the service request.',
    'zh-Hans': 'api_key 无效，无法提交服务请求。',
    'zh-Hant': 'api_key 無效，無法提交服務請求。',
  },
  API_KEY_SCOPE: {
    en: 'This api_key lacks the open311 scope.',
    'zh-Hans': '此 api_key 缺少 open311 权限范围。',
    'zh-Hant': '此 api_key 缺少 open311 權限範圍。',
  },
  JURISDICTION_UNKNOWN: {
    en: 'jurisdiction_id {id} was not found.',
    'zh-Hans': '找不到 jurisdiction_id {id}。',
    'zh-Hant': '找不到 jurisdiction_id {id}。',
  },
  JURISDICTION_OUT_OF_SCOPE: {
    en: 'jurisdiction_id {id} is outside the area of this api_key.',
    'zh-Hans': 'jurisdiction_id {id} 不在此 api_key 的辖区内。',
    'zh-Hant': 'jurisdiction_id {id} 不在此 api_key 的轄區內。',
  },
  SERVICE_CODE_UNKNOWN: {
    en: 'service_code {code} was not found.',
    'zh-Hans': '找不到 service_code {code}。',
    'zh-Hant': '找不到 service_code {code}。',
  },
  REQUEST_UNKNOWN: {
    en: 'service_request_id {id} was not found.',
    'zh-Hans': '找不到 service_request_id {id}。',
    'zh-Hant': '找不到 service_request_id {id}。',
  },
  TOKEN_UNKNOWN: {
    en: 'token {id} was not found.',
    'zh-Hans': '找不到 token {id}。',
    'zh-Hant': '找不到 token {id}。',
  },
  MEDIA_UNKNOWN: {
    en: 'No such media.',
    'zh-Hans': '找不到此媒体文件。',
    'zh-Hant': '找不到此媒體檔案。',
  },
  PATH_UNKNOWN: {
    en: 'No such GeoReport v2 resource.',
    'zh-Hans': '没有此 GeoReport v2 资源。',
    'zh-Hant': '沒有此 GeoReport v2 資源。',
  },
  LOCATION_REQUIRED: {
    en: 'lat and long are required: this endpoint does not geocode address_string or address_id.',
    'zh-Hans': '须提供 lat 和 long：本端点不对 address_string 或 address_id 进行地理编码。',
    'zh-Hant': '須提供 lat 和 long：本端點不對 address_string 或 address_id 進行地理編碼。',
  },
  ATTRIBUTE_UNKNOWN: {
    en: 'attribute[{code}] is not an attribute of service {service}.',
    'zh-Hans': 'attribute[{code}] 不是服务 {service} 的属性。',
    'zh-Hant': 'attribute[{code}] 不是服務 {service} 的屬性。',
  },
  ATTRIBUTE_REQUIRED: {
    en: 'attribute[{code}] is required for service {service}.',
    'zh-Hans': '服务 {service} 须填写 attribute[{code}]。',
    'zh-Hant': '服務 {service} 須填寫 attribute[{code}]。',
  },
  ATTRIBUTE_INVALID: {
    en: 'attribute[{code}] is not a valid {datatype}.',
    'zh-Hans': 'attribute[{code}] 不是有效的 {datatype}。',
    'zh-Hant': 'attribute[{code}] 不是有效的 {datatype}。',
  },
  DATE_RANGE: {
    en: 'start_date must not be after end_date.',
    'zh-Hans': 'start_date 不能晚于 end_date。',
    'zh-Hant': 'start_date 不能晚於 end_date。',
  },
  INVALID_VALUE: {
    en: '{field} is not valid: {detail}',
    'zh-Hans': '{field} 不正确：{detail}',
    'zh-Hant': '{field} 不正確：{detail}',
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type Open311Message = keyof typeof TEXT;

export function open311Text(key: Open311Message, locale: Locale, params: Record<string, string> = {}): string {
  const template: string = TEXT[key][locale];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => params[k] ?? '');
}

export function open311Error(status: Open311Status, key: Open311Message, locale: Locale, params: Record<string, string> = {}): Open311Error {
  return new Open311Error(status, open311Text(key, locale, params));
}

// Gridloop's field names as Open311 clients know them.
const FIELD_NAMES: Readonly<Record<string, string>> = {
  categoryCode: 'service_code',
  lng: 'long',
  address: 'address_string',
  deviceId: 'device_id',
  'idempotency-key': 'Idempotency-Key',
};

/**
 * Open311 knows 400, 403 and 404; Gridloop's finer statuses fold onto them (422 and 409 are bad input, 401 is a
 * refused key). Statuses outside that vocabulary (413, 415, 429, 503) keep their meaning, only the body changes.
 */
function foldStatus(status: number): number {
  if (status === 400 || status === 409 || status === 422) return 400;
  if (status === 401 || status === 403 || status === 423) return 403;
  return status;
}

function validationField(err: FastifyError): string {
  const v = err.validation?.[0];
  if (!v) return err.validationContext ?? 'input';
  const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return missing ? (path ? `${path}.${missing}` : missing) : path || err.validationContext || 'input';
}

/** Any error raised while serving an Open311 route, as the status and the list GeoReport clients parse. */
export function toOpen311Error(err: unknown, locale: Locale): { status: number; errors: Open311ErrorItem[]; unexpected: boolean } {
  const one = (status: number, description: string, unexpected = false) => ({ status, errors: [{ code: status, description }], unexpected });
  if (err instanceof Open311Error) return one(err.status, err.description);
  if (err instanceof AppError) {
    const status = foldStatus(err.status);
    if (status >= 500) return one(status, errorMessage(err.code, locale, err.opts.params), status === 500);
    const field = err.opts.field ? (FIELD_NAMES[err.opts.field] ?? err.opts.field) : null;
    // The stable Gridloop code leads, so that clients can branch on it as on the JSON API's `code`.
    return one(status, `${err.code}: ${errorMessage(err.code, locale, err.opts.params)}${field ? ` (${field})` : ''}`);
  }
  const f = err as FastifyError;
  if (f.validation) {
    const field = validationField(f);
    return one(400, open311Text('INVALID_VALUE', locale, { field, detail: f.validation[0]?.message ?? '' }));
  }
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) {
    return one(foldStatus(f.statusCode), f.message || 'Bad request');
  }
  return one(500, errorMessage('INTERNAL', locale), true);
}
