import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { productRedirect } from '../../src/domain/handoff/product-url';

const good = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret' };

describe('PRODUCT_URL', () => {
  it('is unset unless given (the pages then end on their own page)', () => {
    expect(loadConfig(good).productUrl).toBeUndefined();
    expect(loadConfig({ ...good, PRODUCT_URL: '' }).productUrl).toBeUndefined();
  });

  it('takes https anywhere, and http only on this machine', () => {
    for (const value of [
      'https://app.example.com/roster/signed-in?tenant=acme',
      'http://localhost:5173/signed-in',
      'http://127.0.0.1:8080/',
      'http://[::1]:8080/',
    ]) {
      expect(loadConfig({ ...good, PRODUCT_URL: value }).productUrl).toBe(value);
    }
  });

  it('stops start-up on plain http elsewhere, a URL with credentials, or no URL, naming the variable', () => {
    for (const value of [
      'http://app.example.com/',
      'https://user:pass@app.example.com/',
      'ftp://localhost/',
      'app.example.com',
      'http://127.0.0.1.evil.example/',
    ]) {
      expect(() => loadConfig({ ...good, PRODUCT_URL: value })).toThrow(
        /PRODUCT_URL is not valid: it must be an https URL such as https:\/\/app\.example\.com\/roster\/signed-in \(http only on localhost or 127\.0\.0\.1\)\./,
      );
    }
  });

  it('appends the code to the URL’s own query, replacing a code of its own', () => {
    expect(productRedirect('https://app.example.com/in?tenant=acme&code=old#top', 'abc_123')).toBe(
      'https://app.example.com/in?tenant=acme&code=abc_123#top',
    );
    expect(productRedirect('https://app.example.com', 'abc')).toBe('https://app.example.com/?code=abc');
  });
});
