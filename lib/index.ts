export * from './node-label';
export * from './keepalived';
export * from './traefik';
export * from './edge-ingress';
// The generated Kubernetes API types our constructs expose (tolerations, the Kube* objects), as a `k8s`
// submodule the way cdk8s-plus publishes its imports: jsii bindings need every exposed type exported.
export * as k8s from '../imports/k8s';
