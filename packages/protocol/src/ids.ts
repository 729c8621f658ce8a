/** Identifier formats, as plain RegExps so that browser code can check them without zod. */
export const CALL_TYPE_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const USER_ID_PATTERN = /^[A-Za-z0-9_@.+-]{1,128}$/;
export const CID_PATTERN = /^[a-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$/;
