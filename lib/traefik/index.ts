export * from './traefik-daemon-set';
export * from './traefik-options';
