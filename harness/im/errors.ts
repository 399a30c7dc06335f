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
  MSGBODY_TOO_LARGE: [80002, 'message body over 12 KB'],
  BLACKLISTED: [20007, 'the sender is on the recipient\'s blocklist'],
  REIMPORT_AFTER_DELETE: [70399, 'the account was deleted and cannot be imported again yet'],
  // profiles (portrait_*)
  PROFILE_PARAM: [40001, 'invalid profile request parameter'],
  PROFILE_ACCOUNT_MISSING: [40003, 'the account does not exist'],
  PROFILE_TAG_UNKNOWN: [40009, 'unknown profile Tag'],
  PROFILE_VALUE_TOO_LONG: [40601, 'profile Value over 500 bytes'],
  // relationships (sns/black_list_*)
  SNS_PARAM: [30001, 'invalid relationship request parameter'],
  SNS_ACCOUNT_MISSING: [30003, 'the account does not exist'],
  // groups (group_open_http_svc/*)
  GROUP_PARAM: [10004, 'invalid group request parameter'],
  GROUP_NO_PERMISSION: [10007, 'no permission: the operator is not a member of the group'],
  GROUP_NOT_FOUND: [10010, 'the group does not exist or was destroyed'],
  GROUP_FULL: [10014, 'the group is full'],
  GROUP_ID_INVALID: [10015, 'invalid GroupId'],
  GROUP_SENDER_MUTED: [10017, 'the sender is muted in this group'],
  GROUP_ACCOUNT_MISSING: [10019, 'an account in the request does not exist'],
  GROUP_ID_TAKEN: [10021, 'the GroupId is already in use'],
  // push to all (all_member_push/*)
  PUSH_TAG_TOO_LONG: [90020, 'a tag is longer than 50 bytes'],
  PUSH_TAG_DUPLICATE: [90022, 'TagsOr and TagsAnd share a tag'],
  PUSH_TOO_FREQUENT: [90024, 'push too frequent: more than 1 second between two pushes'],
  PUSH_TOO_MANY_TAGS: [90032, 'more than 10 tags'],
  PUSH_ATTR_INVALID: [90033, 'invalid attribute'],
  PUSH_ATTRS_AND_TAGS: [90039, 'push by attribute and push by tag cannot be combined'],
  PUSH_EMPTY_TAG: [90040, 'a tag in the condition is empty'],
  PUSH_DAILY_LIMIT: [90047, 'push count over the daily limit (100)'],
  PUSH_TOO_LARGE: [90056, 'push request body over 10 KB'],
  ACCOUNTS_TOO_MANY: [90018, 'too many accounts in the request'],
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
  /** MsgBody (serialized) per message: 80002 above. */
  msgBodyBytes: 12 * 1024,
  deleteBatch: 100,
  profileAccounts: 100,
  profileValueBytes: 500,
  blacklistBatch: 1000,
  groupNameBytes: 30,
  /** Members in one create_group / add_group_member / import_group_member call. */
  groupMembersPerCall: 500,
  groupIdBytes: 48,
  pushTagBytes: 50,
  pushTagsPerCondition: 10,
  pushPerDay: 100,
  pushMinIntervalMs: 1000,
  pushBodyBytes: 10 * 1024,
  attrValueBytes: 50,
} as const;
