/**
 * Request bodies for the Robot webservice: `application/x-www-form-urlencoded` with PHP array
 * syntax, because Robot is a PHP service. A plain repeated field keeps only its last value there,
 * so lists must be sent as `authorized_key[]=a&authorized_key[]=b` (community.hrobot #112/#113).
 */

/** A scalar form value; booleans are sent as "true"/"false". */
export type FormScalar = string | number | boolean;

/** A form value: scalar, list, nested object or absent (absent fields are not sent). */
export type FormValue = FormScalar | FormValue[] | FormFields | null | undefined;

/** The fields of one form body. */
export interface FormFields {
  [name: string]: FormValue;
}

/**
 * Encodes fields with PHP array syntax: lists of scalars as `k[]=v`, lists of objects with
 * indices (`rules[input][0][action]=accept`), objects as `k[field]=v`. Pure.
 */
export function encodeForm(fields: FormFields): string {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) appendField(out, name, value);
  return out.toString();
}

function appendField(out: URLSearchParams, key: string, value: FormValue): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => appendField(out, isScalar(item) ? `${key}[]` : `${key}[${i}]`, item));
  } else if (typeof value === "object") {
    for (const [name, inner] of Object.entries(value)) appendField(out, `${key}[${name}]`, inner);
  } else {
    out.append(key, String(value));
  }
}

function isScalar(value: FormValue): value is FormScalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}
