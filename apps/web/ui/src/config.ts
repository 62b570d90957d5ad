// The server tells the app which area it is serving and where: apps/web's
// ui package writes {"area":"account"|"admin","base":"/account/"} into the
// JSON script element #ezscale-config of index.html.

export type Area = 'account' | 'admin'

export interface Config {
  area: Area
  /** The router's base path, with leading and trailing slashes. */
  base: string
}

export function readConfig(): Config {
  const raw = document.getElementById('ezscale-config')?.textContent ?? ''
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new Error('index.html has no valid #ezscale-config: serve it through the Go ui handler')
  }
  const c = parsed as Partial<Config>
  if ((c.area !== 'account' && c.area !== 'admin') || typeof c.base !== 'string' || !c.base.startsWith('/')) {
    throw new Error('index.html has no area and base in #ezscale-config: serve it through the Go ui handler')
  }
  return { area: c.area, base: c.base }
}
