export { startServer, type ConfabServer } from './app.js';
export { loadConfig, ConfigError, type ServerConfig } from './config/config.js';
export { signToken, verifyToken, type TokenClaims, type TokenInput, type Role } from './auth/tokens.js';
