// The seed's edge with a VIP that is no IP address: NewEdgeIngress panics, naming the property, and nothing is written.
package main

import (
	"github.com/aws/jsii-runtime-go"

	edge "example.com/edge-consumer"
)

func main() {
	props := edge.SeedEdgeProps()
	props.VirtualIp = jsii.String("172.20.0.999")
	edge.NewApp(props).Synth()
}
