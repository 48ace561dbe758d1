/**
 * VRRP protocol version (global `vrrp_version`).
 */
export enum VrrpVersion {
  /** VRRPv2 (RFC 3768): whole-second adverts, optional PASS authentication, IPv4 only. */
  V2 = 2,
  /** VRRPv3 (RFC 5798): adverts in 10 ms steps, no authentication in keepalived 2.2.7, IPv4 and IPv6. */
  V3 = 3,
}

/**
 * Initial VRRP state of an instance (`state`).
 */
export enum VrrpState {
  /** Start as master (only the preferred master is rendered with this state). */
  MASTER = 'MASTER',
  /** Start as backup and let priorities decide the election. */
  BACKUP = 'BACKUP',
}

/**
 * IPVS scheduler (`lvs_sched`). keepalived only accepts the lower-case names.
 */
export enum LvsScheduler {
  /** Round robin. */
  ROUND_ROBIN = 'rr',
  /** Weighted round robin. */
  WEIGHTED_ROUND_ROBIN = 'wrr',
  /** Least connection. */
  LEAST_CONNECTION = 'lc',
  /** Weighted least connection. */
  WEIGHTED_LEAST_CONNECTION = 'wlc',
  /** Locality-based least connection. */
  LOCALITY_BASED_LEAST_CONNECTION = 'lblc',
  /** Source hashing. */
  SOURCE_HASHING = 'sh',
  /** Maglev hashing (kernel >= 4.18): the same client maps to the same real server on every director. */
  MAGLEV_HASHING = 'mh',
  /** Destination hashing. */
  DESTINATION_HASHING = 'dh',
  /** Weighted failover. */
  WEIGHTED_FAILOVER = 'fo',
  /** Weighted overflow. */
  WEIGHTED_OVERFLOW = 'ovf',
  /** Locality-based least connection with replication. */
  LOCALITY_BASED_LEAST_CONNECTION_WITH_REPLICATION = 'lblcr',
  /** Shortest expected delay. */
  SHORTEST_EXPECTED_DELAY = 'sed',
  /** Never queue. */
  NEVER_QUEUE = 'nq',
  /** Weighted random twos choice. */
  WEIGHTED_TWO_RANDOM_CHOICES = 'twos',
}

/**
 * IPVS forwarding method (`lvs_method`). keepalived only accepts the upper-case names.
 */
export enum LvsMethod {
  /** Masquerading. */
  NAT = 'NAT',
  /** Direct routing: only the destination MAC is rewritten, real servers answer clients directly. */
  DIRECT_ROUTING = 'DR',
  /** IP-in-IP tunnelling. */
  TUNNEL = 'TUN',
}

/**
 * Protocol of a virtual server.
 */
export enum LvsProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
  /** SCTP. */
  SCTP = 'SCTP',
}
