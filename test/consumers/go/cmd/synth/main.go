// Synthesizes the seed's edge, like `npm run synth` for main.ts.
package main

import edge "example.com/edge-consumer"

func main() {
	edge.NewApp(edge.SeedEdgeProps()).Synth()
}
