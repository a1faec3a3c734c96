using AutoEncoders.Applications.Search;
using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// The two baselines an autoencoder detector has to beat, computed from the same (normalised) training rows:
/// PCA reconstruction error with the fewest components explaining more than 90 % of the variance (scikit-learn's
/// <c>PCA(n_components=0.9)</c>), and the mean Euclidean distance to the 5 nearest training rows (exact search).
/// </summary>
public static class BaselineScores
{
    /// <summary>Variance share the PCA baseline keeps.</summary>
    public const double PcaVariance = 0.9;

    /// <summary>Neighbours of the k-NN baseline.</summary>
    public const int Neighbours = 5;

    /// <summary>The training rows kept for the baselines: all of them, or a seeded sample of <see cref="AutoencoderAnomalyScorer.MaxReferenceRows"/>.</summary>
    public static Tensor ReferenceRows(Tensor trainingRows, int seed)
    {
        ArgumentNullException.ThrowIfNull(trainingRows);
        Tensor rows = trainingRows.reshape(trainingRows.shape[0], -1).to_type(ScalarType.Float32);
        if (rows.shape[0] <= AutoencoderAnomalyScorer.MaxReferenceRows)
        {
            return rows.contiguous();
        }

        using var generator = new Generator((ulong)seed);
        return rows.index_select(0, torch.randperm(rows.shape[0], generator: generator).narrow(0, 0, AutoencoderAnomalyScorer.MaxReferenceRows)).contiguous();
    }

    /// <summary>
    /// Each baseline's name and its scores for <paramref name="samples"/> (higher is more anomalous). A detector
    /// whose score already has the input k-NN part over the same <paramref name="reference"/> passes it as
    /// <paramref name="neighbourDistances"/> (any increasing function of the raw distance ranks the same), which
    /// spares a second exact search.
    /// </summary>
    public static IReadOnlyList<(string Name, double[] Scores)> Compute(Tensor reference, Tensor samples, double[]? neighbourDistances = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(samples);
        using var scope = torch.NewDisposeScope();
        Tensor x = samples.reshape(samples.shape[0], -1).to_type(ScalarType.Float32);
        var result = new List<(string, double[])>();
        int width = (int)reference.shape[1];
        if (reference.shape[0] >= 2)
        {
            using PrincipalComponentAnalysis full = PrincipalComponentAnalysis.Fit(reference, width);
            double[] ratio = full.ExplainedVarianceRatio;
            double cumulative = 0;
            int components = width;
            for (int k = 0; k < ratio.Length; k++)
            {
                cumulative += ratio[k];
                if (cumulative > PcaVariance)
                {
                    components = k + 1;
                    break;
                }
            }

            using PrincipalComponentAnalysis pca = full.Leading(components);
            Tensor error = (x - pca.Reconstruct(x)).square().sum(1).to_type(ScalarType.Float64);
            result.Add(($"PCA, {components} of {width} components (90% of the variance)", error.data<double>().ToArray()));
        }

        result.Add(($"exact {Neighbours}-NN mean distance to {reference.shape[0]} training rows", neighbourDistances ?? ExactSearch.Search(reference, x, Neighbours).MeanDistances()));
        return result;
    }
}
