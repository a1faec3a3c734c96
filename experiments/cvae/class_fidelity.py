"""Labels each run's generated samples (RUN/classC.npy, C = 0..9) with a 784-128-10 MLP trained on MNIST test
digits 6,000-9,999 and prints, per run, the share of class C samples labelled C (mean and per class).
Usage: class_fidelity.py MNIST_DIR RUN_DIR..."""
import gzip
import sys

import numpy as np
from sklearn.neural_network import MLPClassifier


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    return np.frombuffer(data, np.uint8, offset=16 if data[3] == 3 else 8)


mnist = sys.argv[1]
x = idx(f"{mnist}/t10k-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0
y = idx(f"{mnist}/t10k-labels-idx1-ubyte.gz")
classifier = MLPClassifier((128,), max_iter=30, random_state=0).fit(x[6000:], y[6000:])
print(f"classifier accuracy on test digits 0-999: {(classifier.predict(x[:1000]) == y[:1000]).mean():.3f}")
for run in sys.argv[2:]:
    shares = [(classifier.predict(np.load(f"{run}/class{c}.npy").reshape(-1, 784)) == c).mean() for c in range(10)]
    print(f"{run}: mean {np.mean(shares):.3f}  " + "  ".join(f"{c}:{s:.2f}" for c, s in enumerate(shares)))
