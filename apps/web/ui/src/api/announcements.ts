// Announcements: news staff write for customers. The published ones are
// public; staff see drafts (no published_at) and scheduled ones (a
// published_at still ahead) too.
import { api, query } from './client'

export interface Announcement {
  id: number
  title: string
  /** Plain text; line breaks are kept. */
  body: string
  published_at?: string
  created_at: string
}

/** What staff write; published_at left out keeps it a draft. */
export interface AnnouncementFields {
  title: string
  body: string
  published_at?: string
}

export type AnnouncementStatus = 'draft' | 'scheduled' | 'published'

/** The longest title and body the API accepts, in characters. */
export const maxAnnouncementTitle = 191
export const maxAnnouncementBody = 10000

export function announcementStatus(a: Pick<Announcement, 'published_at'>, now = Date.now()): AnnouncementStatus {
  if (!a.published_at) return 'draft'
  return new Date(a.published_at).getTime() > now ? 'scheduled' : 'published'
}

export const announcements = {
  /** The newest published announcements (1 to 50). */
  published: (limit: number) =>
    api.get<{ announcements: Announcement[] }>(`/announcements${query({ limit })}`).then((r) => r.announcements),

  all: () => api.get<{ announcements: Announcement[] }>('/admin/announcements').then((r) => r.announcements),
  create: (a: AnnouncementFields) => api.post<Announcement>('/admin/announcements', a),
  update: (id: number, a: AnnouncementFields) => api.put(`/admin/announcements/${id}`, a),
  remove: (id: number) => api.delete(`/admin/announcements/${id}`),
}
