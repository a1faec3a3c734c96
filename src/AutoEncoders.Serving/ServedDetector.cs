using static TorchSharp.torch;

namespace AutoEncoders.Serving;

/// <summary>
/// An anomaly detector as the service uses it: rows in (as the user sends them, before any normalisation the
/// detector applies), one score per row and the per-feature squared reconstruction errors out, and the threshold
/// above which a row is flagged. The functions run on the inference thread only.
/// </summary>
/// <param name="FeatureCount">Numbers in one row.</param>
/// <param name="Threshold">Scores above it are flagged.</param>
/// <param name="Score">Scores of rows [N, F].</param>
/// <param name="FeatureErrors">Per-feature errors [N, F] of rows [N, F].</param>
/// <param name="FeatureNames">Column names of a table detector; null for images.</param>
/// <param name="Description">What it is, for /v1/model (kind, score, threshold rule).</param>
public sealed record ServedDetector(
    long FeatureCount,
    double Threshold,
    Func<Tensor, double[]> Score,
    Func<Tensor, Tensor> FeatureErrors,
    IReadOnlyList<string>? FeatureNames,
    string Description);
