import { api, query } from './client'
import type { Service, ServiceStatus } from './services'

export interface MRRMovement {
  mrr_start: string
  new: string
  expansion: string
  contraction: string
  churned: string
  reactivation: string
  mrr_end: string
}

export interface Analytics {
  from: string
  to: string
  currency: string
  mrr: MRRMovement
  arr: string
  customers_start: number
  customers_end: number
  new_customers: number
  churned_customers: number
  reactivated_customers: number
  customer_churn_rate: string
  revenue_churn_rate: string
}

export type ServiceAction = 'provision' | 'suspend' | 'unsuspend' | 'terminate'

export interface ServiceFilter {
  status?: ServiceStatus
  needs_hardware?: boolean
}

export interface ProvisioningLogEntry {
  at: string
  action: string
  admin_id?: number
  duration_ms: number
  request_summary: string
  response?: string
  error?: string
}

export interface Schedule {
  name: string
  worker: string
  last_run_at: string
  duration_ms: number
  failures: number
  last_error?: string
}

export interface DeadJob {
  id: number
  kind: string
  attempts: number
  last_error: string
  created_at: string
}

export interface Automation {
  schedules: Schedule[]
  jobs: Record<string, number>
  dead: DeadJob[]
}

export interface AuditEntry {
  id: number
  at: string
  action: string
  actor_id?: number
  impersonator_id?: number
  resource_type?: string
  resource_id?: string
  ip?: string
  user_agent?: string
  before?: unknown
  after?: unknown
}

export interface AuditFilter {
  action?: string
  resource_type?: string
  actor_id?: number
  before_id?: number
}

export const admin = {
  analytics: () => api.get<Analytics>('/admin/analytics'),
  services: (f: ServiceFilter) =>
    api.get<{ services: Service[] }>(`/admin/services${query({ status: f.status, needs_hardware: f.needs_hardware || undefined })}`)
      .then((r) => r.services),
  serviceAction: (id: number, action: ServiceAction, reason: string) =>
    api.post(`/admin/services/${id}/actions`, { action, reason }),
  assignHardware: (id: number, hardwareID: string) =>
    api.post(`/admin/services/${id}/hardware`, { hardware_id: hardwareID }),
  serviceLog: (id: number) =>
    api.get<{ entries: ProvisioningLogEntry[] }>(`/admin/services/${id}/log`).then((r) => r.entries),
  automation: () => api.get<Automation>('/admin/automation'),
  retryJob: (id: number) => api.post(`/admin/jobs/${id}/retry`),
  audit: (f: AuditFilter) =>
    api.get<{ entries: AuditEntry[] }>(`/admin/audit${query({ ...f })}`).then((r) => r.entries),
}
