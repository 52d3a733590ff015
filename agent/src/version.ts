// The agent release, reported in host facts and sessions.
export const AGENT_VERSION = '0.1.0';
