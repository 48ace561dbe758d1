"""The seed's edge with a VIP that is no IP address: EdgeIngress raises, naming the property, and nothing is written."""
from main import SEED_EDGE, create_app

create_app(**{**SEED_EDGE, "virtual_ip": "172.20.0.999"}).synth()
