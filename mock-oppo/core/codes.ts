/**
 * OPPO PUSH return codes (reference §4): the one table every response, test and the fuzz oracle
 * import. Texts follow OPPO's "return codes" page; clients key on the number only.
 */
export const CODES = {
  FLOW_CONTROL: -2,
  SERVICE_UNAVAILABLE: -1,
  SUCCESS: 0,
  INVALID_AUTH_TOKEN: 11,
  HTTP_ACTION_NOT_ALLOWED: 12,
  APP_CALL_LIMITED: 13,
  INVALID_APP_KEY: 14,
  MISSING_APP_KEY: 15,
  INVALID_SIGNATURE: 16,
  MISSING_SIGNATURE: 17,
  MISSING_TIMESTAMP: 18,
  INVALID_TIMESTAMP: 19,
  INVALID_METHOD: 20,
  INVALID_ENCODING: 25,
  MISSING_AUTH_TOKEN: 29,
  DATA_NOT_EXIST: 31,
  DATA_DUPLICATE: 32,
  DAILY_LIMIT: 33,
  MISSING_ARGUMENTS: 40,
  INVALID_ARGUMENTS: 41,
  APP_CALL_FREQUENCY_LIMIT: 55,
  CATEGORY_ERROR: 67,
  INVALID_REGID: 10000,
  REGID_UNSUBSCRIBED: 10001,
  INVALID_ALIAS: 10002,
  ALIAS_UNSUBSCRIBED: 10003,
  REGID_REPEAT: 10004,
  ALIAS_REPEAT: 10005,
} as const;

export type OppoCode = (typeof CODES)[keyof typeof CODES];

export const CODE_MESSAGES: Readonly<Record<OppoCode, string>> = {
  [-2]: 'Service in Flow Control',
  [-1]: 'Service Currently Unavailable',
  0: 'Success',
  11: 'Invalid AuthToken',
  12: 'Http Action Not Allowed',
  13: 'App Call Limited',
  14: 'Invalid App Key',
  15: 'Missing App Key',
  16: 'Invalid Signature',
  17: 'Missing Signature',
  18: 'Missing Timestamp',
  19: 'Invalid Timestamp',
  20: 'Invalid Method',
  25: 'Invalid Encoding',
  29: 'Missing Auth Token',
  31: 'Data Not Exist',
  32: 'Data Duplicate',
  33: 'The number of messages exceeds the daily limit',
  40: 'Missing Required Arguments',
  41: 'Invalid Arguments',
  55: 'App Call Frequency Limit',
  67: 'Category error/Private classify channel notify_level invalid',
  10000: 'Invalid Registration_id',
  10001: 'Registration_id Unsubscribe',
  10002: 'Invalid Alias Name',
  10003: 'Alias Name Unsubscribe',
  10004: 'registrationId Repeat',
  10005: 'Alias Name Repeat',
};

/** Every code the mock may put in a response `code` field (the fuzz test's oracle). */
export const DOCUMENTED_CODES: ReadonlySet<number> = new Set(Object.values(CODES));

/** A rule refused something with an OPPO code; the wire renders it as `{code, message}`. */
export class OppoError extends Error {
  constructor(
    readonly code: OppoCode,
    detail?: string,
  ) {
    super(detail ? `${CODE_MESSAGES[code]}: ${detail}` : CODE_MESSAGES[code]);
    this.name = 'OppoError';
  }
}
