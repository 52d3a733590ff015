// @netspotter/agent: the daemon, its configuration and logger, and the protocol shared with the server.
export { AgentDaemon, type DaemonOptions } from './daemon.ts';
export { loadAgentConfig, type AgentConfig } from './config.ts';
export { consoleLogger, jsonLogger, prettyLogger, type LogFormat, type Logger } from './log.ts';
export { AGENT_VERSION } from './version.ts';
