/**
 * The IM error codes this fake emits, with the ErrorInfo text it uses (Tencent does not publish
 * the exact strings; clients switch on the code). One table for REST, the client link and rules.
 */
export const IM_ERRORS = {
  OK: [0, ''],
  // REST common layer
  URL_UNPARSABLE: [60002, 'HTTP parse error: use POST with a JSON body'],
  UNKNOWN_RESOURCE: [60009, 'unknown service or command'],
  NOT_ADMIN: [60010, 'identifier is not an app administrator'],
  SDKAPPID_MISSING: [60012, 'sdkappid missing in the URL'],
  SDKAPPID_INVALID: [60006, 'SDKAppID invalid'],
  USERID_NOT_STRING: [60015, 'a UserID in the body is not a string'],
  URL_PARAM_ERROR: [60025, 'URL parameter error (sdkappid, identifier, usersig, contenttype)'],
  // UserSig and accounts
  USERSIG_EXPIRED: [70001, 'UserSig expired'],
  USERSIG_EMPTY: [70002, 'UserSig is empty'],
  USERSIG_INVALID: [70003, 'UserSig invalid'],
  USERSIG_VERIFY_FAILED: [70005, 'UserSig verification failed'],
  USERSIG_BAD_SIGNATURE: [70009, 'UserSig signature mismatch (key or SDKAppID)'],
  USERSIG_IDENTIFIER_MISMATCH: [70013, 'identifier does not match the UserSig'],
  USERSIG_SDKAPPID_MISMATCH: [70014, 'sdkappid does not match the UserSig'],
  USERSIG_INVALIDATED: [70052, 'UserSig invalidated (login state was kicked); issue a new UserSig'],
  ACCOUNT_NOT_IMPORTED: [70107, 'account not imported'],
  BAD_BATCH_COUNT: [70206, 'bad batch count'],
  INVALID_PARAMETER: [70402, 'invalid parameter'],
  // client link (SDK and push-token codes)
  BAD_FRAME: [20001, 'invalid request packet'],
  NOT_LOGGED_IN: [6014, 'not logged in'],
  TOKEN_BEFORE_LOGIN: [21005, 'push token set before login reached the server'],
  NO_CERTIFICATE: [22001, 'no offline-push certificate with this ID'],
  TOKEN_EMPTY: [22003, 'push token empty'],
  TOKEN_TOO_LONG: [22004, 'push token longer than 256 bytes'],
  // messages
  JSON_PARSE: [90001, 'fail to parse json data of body'],
  MSGBODY_MALFORMED: [90002, 'MsgBody malformed'],
  TO_ACCOUNT_INVALID: [90003, 'To_Account missing or not a string'],
  MSGRANDOM_INVALID: [90005, 'MsgRandom missing or not a 32-bit unsigned integer'],
  MSGTIMESTAMP_INVALID: [90006, 'MsgTimeStamp not an integer'],
  MSGBODY_NOT_ARRAY: [90007, 'MsgBody not an array'],
  FROM_ACCOUNT_INVALID: [90008, 'From_Account invalid or not imported'],
  TOO_MANY_TARGETS: [90011, 'more than 500 targets'],
  TO_ACCOUNT_NOT_REGISTERED: [90012, 'To_Account not registered'],
  MSGLIFETIME_TOO_LARGE: [90026, 'MsgLifeTime over 7 days'],
  BATCH_TO_NOT_ARRAY: [90028, 'To_Account not an array'],
  BATCH_TO_EMPTY: [90029, 'To_Account empty'],
  SYNCOTHERMACHINE_INVALID: [90031, 'SyncOtherMachine not an integer'],
  OFFLINEPUSHINFO_MALFORMED: [90043, 'OfflinePushInfo malformed'],
  MSGLIFETIME_INVALID: [90044, 'MsgLifeTime not an integer'],
  REQUEST_TOO_LARGE: [93000, 'JSON packet too large'],
  INTERNAL_ERROR: [90992, 'internal error'],
} as const satisfies Record<string, readonly [number, string]>;

export type ImErrorName = keyof typeof IM_ERRORS;

/** A rule or parser refusing a request with a real IM code. */
export class ImError extends Error {
  readonly code: number;
  constructor(name: ImErrorName, detail?: string) {
    const [code, text] = IM_ERRORS[name];
    super(detail ? `${text}: ${detail}` : text);
    this.code = code;
  }
}

/** Limits from the reference, used by both validation and docs. */
export const IM_LIMITS = {
  userIdBytes: 32,
  pushTokenBytes: 256,
  importBatch: 100,
  checkBatch: 100,
  sendTargets: 500,
  queryTargets: 500,
  maxMsgLifeTimeSeconds: 604_800,
  requestBodyBytes: 1_048_576,
} as const;
