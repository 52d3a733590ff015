export * from './net/address.ts';
export * from './targets/snmp-credential.ts';
export * from './targets/target-lines.ts';
export * from './packet/index.ts';
export * from './api/topology.ts';
export * from './api/targets.ts';
export * from './api/bounds.ts';
