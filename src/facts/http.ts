/**
 * What HTTP accepts in a header field name. Pure: no imports.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.1
 */

/**
 * An RFC 9110 token, which is what a field name is: one or more of the
 * letters, digits and `!#$%&'*+-.^_`|~`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2
 */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `name` can be an HTTP header field name. */
export function isHttpFieldName(name: string): boolean {
  return HTTP_TOKEN.test(name);
}
