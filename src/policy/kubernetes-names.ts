/** Kubernetes name rules (RFC 1123 DNS labels) and the length limits of names, written once. */

/** Most names and label values that are names: container names, namespaces, policy ids. */
export const DNS_LABEL_MAX = 63;
/** Object names of most kinds (StatefulSets are shorter still: checks/name-length.ts). */
export const DNS_SUBDOMAIN_MAX = 253;

/** The pattern as a string, for JSON Schemas. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_LABEL = new RegExp(DNS_LABEL_PATTERN);

/** Lower-case letters, digits and '-', starting and ending with an alphanumeric; at most 63 characters. */
export function isDnsLabel(name: string): boolean {
  return name.length <= DNS_LABEL_MAX && DNS_LABEL.test(name);
}

