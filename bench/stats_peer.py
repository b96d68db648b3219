"""The scipy peer of bench/stats.sh: the same test as `cleval stats TEST FILE
--json` on the same CSV (header x,y), timed as a whole, reading included.
Run by Debian's python3 (python3-scipy): /usr/bin/python3 bench/stats_peer.py
paired-t|wilcoxon FILE. Prints the statistic and p as JSON."""
import json
import sys

import numpy as np
from scipy import stats


def main():
    test, path = sys.argv[1], sys.argv[2]
    data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
    x, y = data[:, 0], data[:, 1]
    if test == "paired-t":
        r = stats.ttest_rel(y, x)
        out = {"t": float(r.statistic), "p": float(r.pvalue), "n": int(len(x))}
    elif test == "wilcoxon":
        # R's and cleval's rules: zeros dropped ("wilcox"), continuity
        # correction, normal approximation (n >= 50)
        r = stats.wilcoxon(y, x, zero_method="wilcox", correction=True, mode="approx")
        # scipy reports min(V+, V-); cleval reports V+ (as R)
        out = {"statistic": float(r.statistic), "p": float(r.pvalue), "n": int(len(x))}
    else:
        sys.exit("unknown test " + test)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
