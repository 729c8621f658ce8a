export * from './ids.js';
export * from './errors.js';
export * from './calling-state.js';
export * from './models.js';
export * from './limits.js';
export * from './requests.js';
export * from './events.js';
export * from './envelope.js';
