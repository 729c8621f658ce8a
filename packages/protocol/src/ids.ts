/** Identifier formats, as plain RegExps so that browser code can check them without zod. */
export const CALL_TYPE_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const USER_ID_PATTERN = /^[A-Za-z0-9_@.+-]{1,128}$/;
export const CID_PATTERN = /^[a-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$/;

/** The call type and id of a cid ("type:id"); the id may not contain ':', so the first one splits. */
export function splitCid(cid: string): { type: string; id: string } {
  const at = cid.indexOf(':');
  return at < 0 ? { type: cid, id: '' } : { type: cid.slice(0, at), id: cid.slice(at + 1) };
}
