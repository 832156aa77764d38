#!/usr/bin/python3
"""Makes an LFR benchmark graph (networkx LFR_benchmark_graph, Debian python3-networkx) with parameters of your
choosing, as edges.csv + truth.csv for `bin/tribes bench-quality --graph-csv OUT`. Usage:
make-lfr-graph.py N MU SEED AVG_DEGREE MAX_DEGREE MIN_COMMUNITY MAX_COMMUNITY OUT (degree and size exponents 2.5, 1.5).
BENCHMARKS.md, "Community quality", lists the graphs made with it."""
import sys, os, networkx as nx
from networkx.generators.community import LFR_benchmark_graph
n, mu, seed, k, maxk, minc, maxc, out = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
G = LFR_benchmark_graph(n, tau1=2.5, tau2=1.5, mu=mu, average_degree=k, max_degree=maxk, min_community=minc, max_community=maxc, seed=seed, max_iters=5000)
comm = {}
for i, c in enumerate(sorted({tuple(sorted(G.nodes[v]['community'])) for v in G})):
    for v in c: comm[v] = i
os.makedirs(out, exist_ok=True)
with open(f'{out}/edges.csv', 'w') as f:
    f.write('src,dst\n'); [f.write(f'm{a},m{b}\n') for a, b in G.edges()]
with open(f'{out}/truth.csv', 'w') as f:
    f.write('member_id,community\n'); [f.write(f'm{v},{comm[v]}\n') for v in sorted(G)]
print(out, G.number_of_edges(), len(set(comm.values())))
