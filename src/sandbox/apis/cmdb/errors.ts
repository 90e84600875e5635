import { SbBizError } from '../../types';

/** CMDB's common error codes (CONTRACTS.md §3, src/common/errInfo.go) with their English texts. */
export const paramInvalid = (field: string) =>
  new SbBizError(1199006, `'${field}' data parameter verification does not pass`);
export const paramOmitted = (field: string) => new SbBizError(1199008, `'${field}' cannot be omitted`);
export const inputEmpty = () => new SbBizError(1199005, 'The input is empty');
export const exceedLimit = (field: string, limit: number) =>
  new SbBizError(1199035, `${field} exceed the limit ${limit}`);
export const pageLimitExceeded = () => new SbBizError(1199059, 'page limit is exceeded. suggestion 200');
export const bothSet = (a: string, b: string) => new SbBizError(1199006, `${a} and ${b} can't both be set`);
export const eventChainNodeNotExist = () => new SbBizError(1103007, 'Event chain node not exist');
