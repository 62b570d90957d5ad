import { api } from './client'

export type ServiceStatus = 'pending' | 'provisioning' | 'active' | 'suspended' | 'terminated' | 'failed'
export type PowerAction = 'start' | 'stop' | 'restart'

export interface Service {
  id: number
  customer_id: number
  subscription_id: number
  plan_id: number
  /** The plan's name; absent only if the plan is gone from the catalog. */
  plan_name?: string
  platform: string
  type: string
  status: ServiceStatus
  hostname?: string
  ipv4?: string
  ipv6?: string
  username?: string
  external_id?: string
  hardware_id?: string
  needs_hardware?: boolean
  last_error?: string
  provisioned_at?: string
  suspended_at?: string
  terminated_at?: string
}

export interface ServiceLiveStatus {
  online: boolean
  cpu_percent: number
  ram_bytes: number
  disk_bytes: number
  bandwidth_bytes: number
}

/** What a customer calls a service: its plan, then its address. */
export function serviceName(s: Service): string {
  return s.plan_name || `${s.type} #${s.id}`
}

export const services = {
  list: () => api.get<{ services: Service[] }>('/services').then((r) => r.services),
  status: (id: number) => api.get<ServiceLiveStatus>(`/services/${id}/status`),
  power: (id: number, action: PowerAction) => api.post(`/services/${id}/power`, { action }),
  panelLogin: (id: number) => api.post<{ url: string }>(`/services/${id}/login`).then((r) => r.url),
}
