// A session's User-Agent as people say it: "Chrome on Windows". Only the
// common browsers and systems are told apart; anything else is shown as
// the API gave it, cut short.

// First match wins: Edge and Opera also say Chrome, Chrome also says Safari.
const browsers: [RegExp, string][] = [
  [/HeadlessChrome\//, 'Headless Chrome'],
  [/Edg(e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser\//, 'Samsung Internet'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/^curl\//, 'curl'],
]

const systems: [RegExp, string][] = [
  [/Windows/, 'Windows'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Linux/, 'Linux'],
]

export function describeAgent(ua: string): string {
  if (!ua) return 'Unknown device'
  const browser = browsers.find(([re]) => re.test(ua))?.[1]
  const system = systems.find(([re]) => re.test(ua))?.[1]
  if (browser && system) return `${browser} on ${system}`
  if (browser || system) return (browser ?? system) as string
  return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua
}
