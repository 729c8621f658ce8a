import { ConfabError, type ErrorCode } from '@confab/client';

/** An error as the app shows it: a title a person understands, the SDK's message, and the code. */
export interface ErrorView {
  code: ErrorCode;
  title: string;
  message: string;
  hint?: string;
}

const TITLES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'Could not sign you in',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  INVALID_ARGUMENT: 'Something is not quite right',
  CALL_FULL: 'This call is full',
  CONFLICT: 'Conflict',
  TIMEOUT: 'The server took too long',
  RATE_LIMITED: 'Slow down a little',
  UNAVAILABLE: 'Cannot reach the server',
  UNIMPLEMENTED: 'Not available yet',
  INTERNAL: 'Something went wrong',
};

export function describeError(error: unknown, context: { callType?: string } = {}): ErrorView {
  const e = ConfabError.from(error);
  const view: ErrorView = { code: e.code, title: TITLES[e.code] ?? TITLES.INTERNAL, message: e.message };
  if (e.code === 'UNIMPLEMENTED' && context.callType === 'default') {
    view.hint = 'Large calls go through the SFU, which is not available here yet. Choose "Small group" for up to 4 people.';
  } else if (e.code === 'CALL_FULL') {
    view.hint = 'Small group calls take up to 4 people. Start a new call or use a large call.';
  } else if (e.code === 'UNAVAILABLE') {
    view.hint = 'Check your connection, and that the Confab server is running.';
  }
  return view;
}
