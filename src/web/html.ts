/** HTML for Roster's few pages: every value escaped, one small layout, no scripts. */

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Marks a fragment already built from escaped parts. */
export interface Html {
  readonly html: string;
}

/** Tagged template that escapes every interpolated value unless it is already `Html`. */
export function html(strings: TemplateStringsArray, ...values: (string | number | Html | Html[] | null | undefined)[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const part = Array.isArray(value)
      ? value.map((v) => v.html).join('')
      : value && typeof value === 'object'
        ? value.html
        : escapeHtml(String(value ?? ''));
    out += part + (strings[i + 1] ?? '');
  });
  return { html: out };
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1d1c1d}
h1{font-size:1.4rem}label{display:block;margin:1rem 0 .25rem;font-weight:600}input[type=text],input[type=password]{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font:inherit;cursor:pointer}.error{color:#b00020}.muted{color:#616061;font-size:.9rem}fieldset{border:0;padding:0;margin:1rem 0}`;

export function page(title: string, body: Html): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Roster</title><style>${STYLE}</style></head><body>${body.html}</body></html>`;
}

/** The Content-Security-Policy that allows exactly the inline style above. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
