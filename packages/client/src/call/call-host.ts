import type { RequestPayload, RequestResult, RequestType } from '@confab/protocol';

/** What a Call needs from its client: requests over the shared connection, and to be forgotten once left. */
export interface CallHost {
  /** Sends a request, connecting first when needed. */
  request<T extends RequestType>(type: T, payload: RequestPayload<T>): Promise<RequestResult<T>>;
  /** Whether the signalling connection is up right now. */
  readonly connected: boolean;
  /** The call reached LEFT: the client hands out a new object for this cid from now on. */
  release(cid: string): void;
}
