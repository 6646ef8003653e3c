/** Reads JSON that came back from Slack (button values, view metadata): `undefined` when it is not JSON. */
export function safeJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
