export * from './net/address.ts';
export * from './net/ip.ts';
export * from './net/mac.ts';
export * from './targets/snmp-credential.ts';
export * from './targets/target-lines.ts';
export * from './packet/index.ts';
export * from './checked.ts';
export * from './wait.ts';
