// @netspotter/agent: the daemon, its configuration and logger (the protocol lives in @netspotter/shared).
export { AgentDaemon, type DaemonOptions } from './daemon.ts';
export { loadAgentConfig, type AgentConfig } from './config.ts';
export { consoleLogger, jsonLogger, prettyLogger, type LogFormat, type Logger } from './log.ts';
export { AGENT_VERSION } from './version.ts';
