import type { Locale } from './i18n.ts';

type Messages = Record<Locale, string>;

/**
 * The one catalogue of errors: a stable code for clients, an HTTP status, and the message in each language.
 * `{field}` and other `{name}` placeholders are filled from the error's params.
 */
export const ERRORS = {
  VALIDATION_FAILED: {
    status: 400,
    en: 'The request is not valid: {detail}',
    'zh-Hant': '請求內容不正確：{detail}',
    'zh-Hans': '请求内容不正确：{detail}',
  },
  UNAUTHENTICATED: {
    status: 401,
    en: 'Please log in.',
    'zh-Hant': '請先登入。',
    'zh-Hans': '请先登录。',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    en: 'The username or password is wrong.',
    'zh-Hant': '使用者名稱或密碼錯誤。',
    'zh-Hans': '用户名或密码错误。',
  },
  ACCOUNT_LOCKED: {
    status: 423,
    en: 'Too many failed logins: this account is locked until {until}.',
    'zh-Hant': '登入失敗次數過多，帳號已鎖定至 {until}。',
    'zh-Hans': '登录失败次数过多，账号已锁定至 {until}。',
  },
  ACCOUNT_DISABLED: {
    status: 403,
    en: 'This account is disabled.',
    'zh-Hant': '此帳號已停用。',
    'zh-Hans': '此账号已停用。',
  },
  RATE_LIMITED: {
    status: 429,
    en: 'Too many requests: please wait a moment and try again.',
    'zh-Hant': '請求過於頻繁，請稍後再試。',
    'zh-Hans': '请求过于频繁，请稍后再试。',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    en: 'The page is out of date or the request did not come from Gridloop: reload and try again.',
    'zh-Hant': '頁面已過期或請求並非來自本系統，請重新整理後再試。',
    'zh-Hans': '页面已过期或请求并非来自本系统，请刷新后再试。',
  },
  FORBIDDEN: {
    status: 403,
    en: 'You are not allowed to do this.',
    'zh-Hant': '您沒有執行此操作的權限。',
    'zh-Hans': '您没有执行此操作的权限。',
  },
  TOKEN_SCOPE_MISSING: {
    status: 403,
    en: 'This API token lacks the scope {scope}.',
    'zh-Hant': '此 API 權杖缺少權限範圍 {scope}。',
    'zh-Hans': '此 API 令牌缺少权限范围 {scope}。',
  },
  NOT_FOUND: {
    status: 404,
    en: 'Not found.',
    'zh-Hant': '找不到資料。',
    'zh-Hans': '找不到数据。',
  },
  JURISDICTION_NOT_FOUND: {
    status: 404,
    en: 'No such jurisdiction in your area.',
    'zh-Hant': '您的轄區內沒有此節點。',
    'zh-Hans': '您的辖区内没有此节点。',
  },
  PERIOD_INVALID: {
    status: 400,
    en: 'The period is not valid ({detail}): dates are YYYY-MM-DD, from no later than to, at most 366 days.',
    'zh-Hant': '期間不正確（{detail}）：日期格式為 YYYY-MM-DD，起日不晚於迄日，最長 366 天。',
    'zh-Hans': '期间不正确（{detail}）：日期格式为 YYYY-MM-DD，起日不晚于止日，最长 366 天。',
  },
  USER_NOT_FOUND: {
    status: 404,
    en: 'No such user.',
    'zh-Hant': '找不到此使用者。',
    'zh-Hans': '找不到此用户。',
  },
  USERNAME_TAKEN: {
    status: 409,
    en: 'The username {username} is already taken.',
    'zh-Hant': '使用者名稱 {username} 已被使用。',
    'zh-Hans': '用户名 {username} 已被使用。',
  },
  CASE_NOT_FOUND: {
    status: 404,
    en: 'No such case in your area.',
    'zh-Hant': '您的轄區內沒有此案件。',
    'zh-Hans': '您的辖区内没有此案件。',
  },
  TRACKING_CODE_NOT_FOUND: {
    status: 404,
    en: 'No report has this tracking code.',
    'zh-Hant': '查無此查詢碼的反映。',
    'zh-Hans': '查无此查询码的反映。',
  },
  TRANSITION_NOT_ALLOWED: {
    status: 409,
    en: 'The action {action} is not allowed for this case now ({state}).',
    'zh-Hant': '此案件目前（{state}）不允許執行「{action}」。',
    'zh-Hans': '此案件目前（{state}）不允许执行「{action}」。',
  },
  CASE_CHANGED: {
    status: 409,
    en: 'The case was changed by someone else meanwhile: reload it and try again.',
    'zh-Hant': '案件已被他人更新，請重新載入後再試。',
    'zh-Hans': '案件已被他人更新，请刷新后再试。',
  },
  UNKNOWN_CATEGORY: {
    status: 422,
    en: 'Unknown category {code}.',
    'zh-Hant': '未知的類別 {code}。',
    'zh-Hans': '未知的类别 {code}。',
  },
  UNKNOWN_DEPARTMENT: {
    status: 422,
    en: 'No such department in your area.',
    'zh-Hant': '您的轄區內沒有此處置單位。',
    'zh-Hans': '您的辖区内没有此处置单位。',
  },
  OUTSIDE_SERVICE_AREA: {
    status: 422,
    en: 'The location is outside the area this city serves.',
    'zh-Hant': '該位置不在本市服務範圍內。',
    'zh-Hans': '该位置不在本市服务范围内。',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    en: 'This Idempotency-Key was already used for a different request.',
    'zh-Hant': '此 Idempotency-Key 已用於另一個不同的請求。',
    'zh-Hans': '此 Idempotency-Key 已用于另一个不同的请求。',
  },
  INVALID_INPUT: {
    status: 422,
    en: 'The field {field} is missing or not valid here.',
    'zh-Hant': '欄位 {field} 缺少或不正確。',
    'zh-Hans': '字段 {field} 缺少或不正确。',
  },
  PHOTO_NOT_ACCEPTED: {
    status: 415,
    en: 'Photos must be JPEG, PNG or WebP images.',
    'zh-Hant': '照片須為 JPEG、PNG 或 WebP 圖片。',
    'zh-Hans': '照片须为 JPEG、PNG 或 WebP 图片。',
  },
  OUTSIDE_GRIDS: {
    status: 404,
    en: 'The point lies outside every grid.',
    'zh-Hant': '該位置不在任何網格內。',
    'zh-Hans': '该位置不在任何网格内。',
  },
  TERRITORY_INVALID: {
    status: 422,
    en: 'The territory file was refused: {count} problem(s) found; nothing was changed.',
    'zh-Hant': '轄區檔案未被接受：發現 {count} 個問題，資料未作任何變更。',
    'zh-Hans': '辖区文件未被接受：发现 {count} 个问题，数据未作任何变更。',
  },
  IMPORT_FILE_EMPTY: {
    status: 400,
    en: 'The file has no rows.',
    'zh-Hant': '檔案中沒有任何資料列。',
    'zh-Hans': '文件中没有任何数据行。',
  },
  IMPORT_FILE_UNSUPPORTED: {
    status: 400,
    en: 'This file cannot be imported: {detail}',
    'zh-Hant': '無法匯入此檔案：{detail}',
    'zh-Hans': '无法导入此文件：{detail}',
  },
  IMPORT_FILE_MALFORMED: {
    status: 400,
    en: 'The file cannot be read: {detail}',
    'zh-Hant': '無法讀取檔案：{detail}',
    'zh-Hans': '无法读取文件：{detail}',
  },
  IMPORT_COLUMNS_MISSING: {
    status: 400,
    en: 'The file lacks required columns: {columns}.',
    'zh-Hant': '檔案缺少必要欄位：{columns}。',
    'zh-Hans': '文件缺少必填列：{columns}。',
  },
  IMPORT_COLUMNS_DUPLICATED: {
    status: 400,
    en: 'Several columns hold the same field: {columns}.',
    'zh-Hant': '多個欄位對應同一項資料：{columns}。',
    'zh-Hans': '多个列对应同一字段：{columns}。',
  },
  IMPORT_NOT_FOUND: {
    status: 404,
    en: 'No such import in your area.',
    'zh-Hant': '您的轄區內沒有此匯入作業。',
    'zh-Hans': '您的辖区内没有此导入任务。',
  },
  IMPORT_FINISHED: {
    status: 409,
    en: 'This import has already finished ({status}).',
    'zh-Hant': '此匯入作業已結束（{status}）。',
    'zh-Hans': '此导入任务已结束（{status}）。',
  },
  PERSON_NOT_FOUND: {
    status: 404,
    en: 'No such person in your area.',
    'zh-Hant': '您的轄區內沒有此人員。',
    'zh-Hans': '您的辖区内没有此人员。',
  },
  ORGANISATION_NOT_FOUND: {
    status: 404,
    en: 'No such organisation in your area.',
    'zh-Hant': '您的轄區內沒有此組織。',
    'zh-Hans': '您的辖区内没有此组织。',
  },
  ORGANISATION_EXISTS: {
    status: 409,
    en: 'An organisation of this kind and name is already registered in this jurisdiction.',
    'zh-Hant': '此轄區已登記同類型、同名稱的組織。',
    'zh-Hans': '此辖区已登记同类型、同名称的组织。',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    en: 'The upload is too large.',
    'zh-Hant': '上傳的內容過大。',
    'zh-Hans': '上传的内容过大。',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    en: 'This content type is not accepted.',
    'zh-Hant': '不接受此內容類型。',
    'zh-Hans': '不接受此内容类型。',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    en: 'Gridloop is starting or cannot reach its database: try again shortly.',
    'zh-Hant': '系統正在啟動或無法連線資料庫，請稍後再試。',
    'zh-Hans': '系统正在启动或无法连接数据库，请稍后再试。',
  },
  INTERNAL: {
    status: 500,
    en: 'Something went wrong on our side; it has been logged.',
    'zh-Hant': '系統發生錯誤，已記錄。',
    'zh-Hans': '系统发生错误，已记录。',
  },
} as const satisfies Record<string, Messages & { status: number }>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly opts: { field?: string; params?: Record<string, string | number>; details?: unknown } = {},
  ) {
    super(code);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export function errorMessage(code: ErrorCode, locale: Locale, params: Record<string, string | number> = {}): string {
  return ERRORS[code][locale].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
  details?: unknown;
}

export function errorBody(err: AppError, locale: Locale): ErrorBody {
  const body: ErrorBody = { code: err.code, message: errorMessage(err.code, locale, err.opts.params) };
  if (err.opts.field) body.field = err.opts.field;
  if (err.opts.details !== undefined) body.details = err.opts.details;
  return body;
}
