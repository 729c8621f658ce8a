/** Limits of the signalling protocol. The server enforces them; the client checks early. */
export const MAX_SIGNAL_MESSAGE_BYTES = 1024 * 1024;
/** An app message's `data`, serialised as JSON. */
export const MAX_APP_MESSAGE_BYTES = 64 * 1024;
/** custom data on calls and members, serialised as JSON. */
export const MAX_CUSTOM_DATA_BYTES = 16 * 1024;
export const MAX_MEMBERS_PER_CALL = 100;
export const MAX_MESSAGE_RECIPIENTS = 100;
