// Package edge is main.ts as a Go cdk8s user writes it: the seed's edge, three nodes behind the VIP 172.20.0.119
// with LVS direct routing. cmd/synth writes its manifests to $CDK8S_OUTDIR (dist/ when unset), as `cdk8s synth` does.
package edge

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-edge-ingress/cdk8s-edge-ingress-go/cdk8sedgeingress"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// SeedEdgeProps returns a fresh copy of the seed's props, so a variant can change one field.
func SeedEdgeProps() *cdk8sedgeingress.EdgeIngressProps {
	node := func(ip string) *cdk8sedgeingress.EdgeNode {
		return &cdk8sedgeingress.EdgeNode{Name: jsii.String(ip), Address: jsii.String(ip)}
	}
	return &cdk8sedgeingress.EdgeIngressProps{
		Nodes:           &[]*cdk8sedgeingress.EdgeNode{node("172.20.0.113"), node("172.20.0.114"), node("172.20.0.115")},
		VirtualIp:       jsii.String("172.20.0.119"),
		Subnet:          jsii.String("172.20.0.0/17"),
		Interface:       jsii.String("eth0"),
		VirtualRouterId: jsii.Number(51),
		LoadBalancing:   &cdk8sedgeingress.LoadBalancingOptions{Scheduler: cdk8sedgeingress.LvsScheduler_MAGLEV_HASHING},
		Traefik:         &cdk8sedgeingress.EdgeTraefikOptions{WebPort: jsii.Number(80), AdminPort: jsii.Number(8580)},
	}
}

// NewApp is createApp() of main.ts: one chart, "edge-ingress", holding the edge.
func NewApp(props *cdk8sedgeingress.EdgeIngressProps) cdk8s.App {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("edge-ingress"), nil)
	cdk8sedgeingress.NewEdgeIngress(chart, jsii.String("Edge"), props)
	return app
}
