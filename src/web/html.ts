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

// Readable from a 360 px phone up: one column, 16 px text, full-width fields, AA contrast, visible focus.
const STYLE = `*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1c1d;background:#fff}
main{max-width:32rem;margin:0 auto;padding:2rem 1rem 3rem}h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}h2{font-size:1.1rem;margin:2rem 0 .25rem}
p{margin:0 0 1rem}dl{margin:0 0 1rem;padding:.75rem 1rem;background:#f4f4f4;border-radius:6px}dt{font-weight:600;font-size:.9rem;color:#454245}dd{margin:0 0 .5rem}dd:last-child{margin:0}
.note{margin:0 0 1rem;padding:.75rem 1rem;border-left:4px solid #1264a3;background:#f4f8fb}.note figcaption{font-weight:600;font-size:.9rem;color:#454245}.note blockquote{margin:.25rem 0 0;white-space:pre-line;overflow-wrap:anywhere}
label{display:block;margin:1rem 0 .25rem;font-weight:600}.hint{margin:0 0 .25rem;color:#545454;font-size:.9rem}
input[type=text],input[type=email],input[type=password]{width:100%;padding:.6rem;font:inherit;border:1px solid #868686;border-radius:4px}
input[aria-invalid=true]{border:2px solid #b00020}
button{display:block;width:100%;margin-top:1rem;padding:.7rem 1rem;font:inherit;font-weight:600;color:#fff;background:#1264a3;border:1px solid #1264a3;border-radius:4px;cursor:pointer}
code{display:block;padding:.75rem;background:#f4f4f4;border-radius:4px;font-size:1rem;overflow-wrap:anywhere;user-select:all}
button.secondary{color:#1264a3;background:#fff}:focus-visible{outline:3px solid #e8912d;outline-offset:2px}
.error{color:#b00020;font-weight:600;padding:.5rem .75rem;border:1px solid #b00020;border-radius:4px;background:#fdf2f4}strong,p{overflow-wrap:anywhere}`;

/** A whole page: the layout, the title and the body inside <main>. */
export function page(title: string, body: Html): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Roster</title><style>${STYLE}</style></head><body><main>${body.html}</main></body></html>`;
}

/** The Content-Security-Policy that allows exactly the inline style above. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
