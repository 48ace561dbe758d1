package example.edge;

import io.github.cdk8s_edge_ingress.EdgeIngress;
import io.github.cdk8s_edge_ingress.EdgeIngressProps;
import io.github.cdk8s_edge_ingress.EdgeNode;
import io.github.cdk8s_edge_ingress.EdgeTraefikOptions;
import io.github.cdk8s_edge_ingress.LoadBalancingOptions;
import io.github.cdk8s_edge_ingress.LvsScheduler;
import java.util.List;
import org.cdk8s.App;
import org.cdk8s.Chart;

/**
 * main.ts as a Java cdk8s user writes it: the seed's edge, three nodes behind the VIP 172.20.0.119 with LVS direct
 * routing. Writes the manifests to $CDK8S_OUTDIR (dist/ when unset), as `cdk8s synth` does.
 */
public final class Main {
    private Main() {}

    /** The seed's props, still open: a variant changes one field before build(). */
    public static EdgeIngressProps.Builder seedEdgeProps() {
        return EdgeIngressProps.builder()
                .nodes(List.of(
                        EdgeNode.builder().name("172.20.0.113").address("172.20.0.113").build(),
                        EdgeNode.builder().name("172.20.0.114").address("172.20.0.114").build(),
                        EdgeNode.builder().name("172.20.0.115").address("172.20.0.115").build()))
                .virtualIp("172.20.0.119")
                .subnet("172.20.0.0/17")
                .interfaceValue("eth0")
                .virtualRouterId(51)
                .loadBalancing(LoadBalancingOptions.builder().scheduler(LvsScheduler.MAGLEV_HASHING).build())
                .traefik(EdgeTraefikOptions.builder().webPort(80).adminPort(8580).build());
    }

    public static App createApp(EdgeIngressProps props) {
        App app = new App();
        Chart chart = new Chart(app, "edge-ingress");
        new EdgeIngress(chart, "Edge", props);
        return app;
    }

    public static void main(String[] args) {
        createApp(seedEdgeProps().build()).synth();
    }
}
