// Staff accounts and their roles. A role is a named set of permissions;
// staff hold roles. Inviting, granting, revoking and suspending staff need
// the staff.write permission.
import { api } from './client'
import type { UserStatus } from './admin'

export interface StaffRole {
  name: string
  permissions: string[]
}

export interface StaffMember {
  id: number
  email: string
  name?: string
  status: UserStatus
  created_at: string
  /** Absent if the member never signed in. */
  last_sign_in_at?: string
  /** False while the invitation waits to be accepted. */
  password_set: boolean
  /** Whether an authenticator app or a passkey is enrolled. */
  second_factor: boolean
  roles: StaffRole[]
}

export interface RolesAndPermissions {
  roles: StaffRole[]
  /** Every staff permission, for defining a new role. */
  permissions: string[]
}

export interface StaffInvitation {
  email: string
  name?: string
  /** Names of defined roles. */
  roles: string[]
}

/** The permission that lets staff manage the staff. */
export const staffWrite = 'staff.write'

export const staff = {
  list: () => api.get<{ staff: StaffMember[] }>('/admin/staff').then((r) => r.staff),
  roles: () => api.get<RolesAndPermissions>('/admin/roles'),
  /** Creates the account and emails the invitee a link to set their password. */
  invite: (inv: StaffInvitation) => api.post<StaffMember>('/admin/staff', inv),
  /** Emails a member who has not set a password yet a new invitation link (a week long). */
  resendInvitation: (id: number) => api.post(`/admin/staff/${id}/invitation`),
  /** permissions define the role when it is new; an existing role keeps its own. */
  grantRole: (id: number, role: string, permissions?: string[]) => api.post(`/admin/staff/${id}/roles`, { role, permissions }),
  revokeRole: (id: number, role: string) => api.delete(`/admin/staff/${id}/roles/${encodeURIComponent(role)}`),
}

/**
 * Whether the signed-in staff member may hand out every permission of a
 * role: the API refuses to give a permission the giver does not hold.
 */
export function canGive(mine: readonly string[] | undefined, permissions: readonly string[]): boolean {
  return permissions.every((p) => mine?.includes(p))
}
