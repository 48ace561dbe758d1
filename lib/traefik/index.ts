export * from './traefik-daemon-set';
