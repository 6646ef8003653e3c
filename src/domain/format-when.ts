/** Times in messages: unambiguous and short, e.g. `2026-11-24 14:00 UTC`. */
export function formatWhen(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
