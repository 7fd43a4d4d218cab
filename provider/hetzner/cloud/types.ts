/** Objects of the Hetzner Cloud API as it returns them (snake_case, as in the OpenAPI document). */

/** Map of label key to value. */
export type Labels = Record<string, string>;

/** An asynchronous task (spec "Actions"). */
export interface Action {
  id: number;
  command: string;
  status: "running" | "success" | "error";
  progress: number;
  started: string;
  finished: string | null;
  resources: { id: number; type: string }[];
  error: { code: string; message: string } | null;
}

/** A server (the fields this library reads; the API sends more). */
export interface Server {
  id: number;
  name: string;
  status:
    "running" | "initializing" | "starting" | "stopping" | "off" | "deleting" | "migrating" | "rebuilding" | "unknown";
  created: string;
  public_net: {
    ipv4: { id?: number; ip: string; blocked: boolean; dns_ptr: string } | null;
    /** The server's IPv6 /64 network, e.g. "2a01:4f8:c0c:1f2d::/64". */
    ipv6: { id?: number; ip: string; blocked: boolean } | null;
    firewalls?: { id: number; status: "applied" | "pending" }[];
  };
  server_type: { id: number; name: string; architecture: "x86" | "arm"; disk: number; cores: number; memory: number };
  location: { id: number; name: string; network_zone: string };
  image: Image | null;
  rescue_enabled: boolean;
  locked: boolean;
  labels: Labels;
  primary_disk_size: number;
}

/** An image: system image, snapshot or backup. */
export interface Image {
  id: number;
  type: "system" | "app" | "snapshot" | "backup";
  status: "available" | "creating" | "unavailable";
  /** null for snapshots. */
  name: string | null;
  description: string;
  /** Size of the content in GB; null while creating. */
  image_size: number | null;
  disk_size: number;
  created: string;
  created_from: { id: number; name: string } | null;
  bound_to: number | null;
  os_flavor: string;
  os_version: string | null;
  labels: Labels;
  architecture: "x86" | "arm";
  deprecated: string | null;
  deleted: string | null;
}

/** An SSH key. */
export interface SshKey {
  id: number;
  name: string;
  /** MD5 colon-hex fingerprint. */
  fingerprint: string;
  public_key: string;
  labels: Labels;
  created: string;
}

/** One firewall rule (spec: `port` only for tcp/udp, "80" or "1024-5000"). */
export interface FirewallRule {
  direction: "in" | "out";
  protocol: "tcp" | "udp" | "icmp" | "esp" | "gre";
  port?: string | null;
  source_ips?: string[];
  destination_ips?: string[];
  description?: string | null;
}

/** Where a firewall applies. */
export type FirewallTarget =
  { type: "server"; server: { id: number } } | { type: "label_selector"; label_selector: { selector: string } };

/** A firewall. */
export interface Firewall {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  rules: FirewallRule[];
  applied_to: (FirewallTarget & { applied_to_resources?: { type: "server"; server: { id: number } }[] })[];
}

/** `meta.pagination` of list responses. */
export interface Pagination {
  page: number;
  per_page: number;
  previous_page: number | null;
  next_page: number | null;
  last_page: number | null;
  total_entries: number | null;
}
