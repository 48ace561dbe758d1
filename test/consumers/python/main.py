"""main.ts as a Python cdk8s user writes it: the seed's edge, three nodes behind the VIP 172.20.0.119 with LVS
direct routing. `python main.py` writes the manifests to $CDK8S_OUTDIR (dist/ when unset), as `cdk8s synth` does."""
from cdk8s import App, Chart
from cdk8s_edge_ingress import EdgeIngress, EdgeNode, EdgeTraefikOptions, LoadBalancingOptions, LvsScheduler

# Keyword arguments of EdgeIngress, so a variant is one dict away: {**SEED_EDGE, "virtual_ip": ...}.
SEED_EDGE = dict(
    nodes=[
        EdgeNode(name="172.20.0.113", address="172.20.0.113"),
        EdgeNode(name="172.20.0.114", address="172.20.0.114"),
        EdgeNode(name="172.20.0.115", address="172.20.0.115"),
    ],
    virtual_ip="172.20.0.119",
    subnet="172.20.0.0/17",
    interface="eth0",
    virtual_router_id=51,
    load_balancing=LoadBalancingOptions(scheduler=LvsScheduler.MAGLEV_HASHING),
    traefik=EdgeTraefikOptions(web_port=80, admin_port=8580),
)


def create_app(**edge) -> App:
    app = App()
    chart = Chart(app, "edge-ingress")
    EdgeIngress(chart, "Edge", **edge)
    return app


if __name__ == "__main__":
    create_app(**SEED_EDGE).synth()
