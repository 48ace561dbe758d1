export * from './node-label';
export * from './keepalived';
export * from './traefik';
export * from './edge-ingress';
