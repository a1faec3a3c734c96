"""scikit-learn peers for bench/anomaly/series.sh: PCA reconstruction error and mean k-NN distance on ECG200.

Fit on the normal (label 1) beats of the training file, score every beat of the test file; the values are z-scored
with one mean and standard deviation over all training-normal values (the per-channel z-score `ae sequence-anomaly`
applies; a rank score is unchanged by it). Prints one line per method: name, ROC-AUC, PR-AUC.
"""
import sys

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import NearestNeighbors

train = np.loadtxt(sys.argv[1])
test = np.loadtxt(sys.argv[2])
normal = train[train[:, 0] == 1, 1:]
mean, std = normal.mean(), normal.std()
x_train = (normal - mean) / std
x_test = (test[:, 1:] - mean) / std
y = (test[:, 0] != 1).astype(int)

pca = PCA(n_components=4).fit(x_train)
pca_scores = ((x_test - pca.inverse_transform(pca.transform(x_test))) ** 2).mean(axis=1)
knn_scores = NearestNeighbors(n_neighbors=5).fit(x_train).kneighbors(x_test)[0].mean(axis=1)
for name, scores in [("PCA-4 reconstruction error", pca_scores), ("5-NN mean distance", knn_scores)]:
    print(f"{name}\t{roc_auc_score(y, scores):.3f}\t{average_precision_score(y, scores):.3f}")
