// What channels send about an alert (pure): the webhook's JSON document and the syslog line.
import { hostname } from 'node:os';
import type { Alert, AlertSeverity } from '@netspotter/shared/api';
import { formatSyslog, type Facility, type SyslogSeverity } from './syslog-format.ts';

export type Transition = 'fired' | 'resolved' | 'change';

export interface Notification {
  json: string;
  syslog(facility: Facility): string;
}

const SYSLOG_SEVERITY: Record<AlertSeverity, SyslogSeverity> = {
  critical: 'critical',
  major: 'error',
  minor: 'warning',
  warning: 'warning',
  info: 'info',
};

/** Structured-data id: ours under the documentation enterprise number of RFC 5612 until one is assigned. */
const SD_ID = 'netspotter@32473';

export function notificationOf(alert: Alert, transition: Transition, now = Date.now()): Notification {
  const json = JSON.stringify({ type: `alert.${transition}`, sentAt: new Date(now).toISOString(), alert });
  const verb = transition === 'fired' ? 'FIRING' : transition === 'resolved' ? 'RESOLVED' : 'CHANGE';
  return {
    json,
    syslog: (facility) =>
      formatSyslog({
        facility,
        severity: transition === 'resolved' ? 'notice' : SYSLOG_SEVERITY[alert.severity],
        time: now,
        hostname: hostname(),
        appName: 'netspotter',
        msgId: `ALERT-${verb}`,
        structuredData: {
          [SD_ID]: {
            alert: alert.id,
            incident: alert.incidentId,
            rule: alert.ruleName,
            kind: alert.kind,
            subject: alert.subject,
            severity: alert.severity,
            state: alert.state,
          },
        },
        msg: `${verb} ${alert.severity} ${alert.ruleName}: ${alert.summary}`,
      }),
  };
}
