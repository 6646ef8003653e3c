/** The part of MJML 5 (CommonJS, no types of its own) that email-layout.ts uses. */
declare module 'mjml-core' {
  /** One problem MJML found in a template. */
  export interface MjmlError {
    message: string;
    formattedMessage?: string;
  }
  /** Renders an MJML document to HTML (asynchronous since MJML 5). */
  export type Mjml2Html = (mjml: string, options?: Record<string, unknown>) => Promise<{ html: string; errors: MjmlError[] }>;
  const mjml2html: Mjml2Html | { default: Mjml2Html };
  export default mjml2html;
}

declare module 'mjml-preset-core' {
  /** MJML's standard components (mj-section, mj-text, mj-button…), passed to `mjml2html` as a preset. */
  const preset: object | { default: object };
  export default preset;
}
