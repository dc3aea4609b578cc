/** The page's field names (docs/API.md#fields), spelled as the original document prints them. */
export const Field = {
  login: 'ManagerLoginName',
  password: 'ManagerPassword',
  launchId: 'LaunchID',
  jobId: 'JobID',
  launchAction: 'LaunchAction',
  jobAction: 'JobAction',
  expireTime: 'ExpireTime',
  email: 'EmailAddress',
  sms: 'SMSNumber',
  externRefNum: 'ExternRefNum',
  jobType: 'JobType',
  returnType: 'ReturnType',
  referUrl: 'ReferUrl',
  successfulUrl: 'SuccessfulUrl',
  /** The spelling printed in the original document; accepted as SuccessfulUrl. */
  successfulUrlAsPrinted: 'SuccessfulUr',
  failedUrl: 'FailedUrl',
  xmlRequest: 'XmlRequest',
  xmlReqUrl: 'XmlReqUrl',
  xmlReqFilePath: 'XmlReqFilePath',
} as const;

const INT32_MAX = 2_147_483_647;

/**
 * A launch or job ID as the database knows them: 1 to 2^31-1, digits only. Anything else (`5,6`,
 * `-1`, `1e3`, 40 digits) is not an ID, and is answered like an ID that does not exist.
 */
export function parseRecordId(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id >= 1 && id <= INT32_MAX ? id : undefined;
}
