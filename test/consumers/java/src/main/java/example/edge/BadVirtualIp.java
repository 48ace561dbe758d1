package example.edge;

/** The seed's edge with a VIP that is no IP address: EdgeIngress throws, naming the property, and nothing is written. */
public final class BadVirtualIp {
    private BadVirtualIp() {}

    public static void main(String[] args) {
        Main.createApp(Main.seedEdgeProps().virtualIp("172.20.0.999").build()).synth();
    }
}
