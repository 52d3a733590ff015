// Who is logged in, and what their role lets them do (the server enforces the same rules).
import type { Me, Role } from '@netspotter/shared/api';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };
let current: Me | undefined;

export const setMe = (me: Me | undefined): void => {
  current = me;
};
export const me = (): Me | undefined => current;
export const hasRole = (min: Role): boolean => current !== undefined && RANK[current.role] >= RANK[min];
/** Operators and admins change things; viewers only look. */
export const canEdit = (): boolean => hasRole('operator');
