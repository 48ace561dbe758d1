export * from './edge-ingress';
export * from './edge-summary';
