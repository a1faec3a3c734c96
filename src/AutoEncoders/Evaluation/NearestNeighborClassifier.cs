using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// k-nearest-neighbour classification in code space (Euclidean distance, majority vote, ties broken toward the
/// nearer neighbours): the usual check of how well frozen codes separate the classes without training anything.
/// </summary>
public sealed class NearestNeighborClassifier : IDisposable
{
    private readonly Tensor _codes;
    private readonly Tensor _labels;

    /// <summary>Remembers <paramref name="codes"/> [N, D] with their int64 <paramref name="labels"/> [N] (copies them).</summary>
    public NearestNeighborClassifier(Tensor codes, Tensor labels, int k = 5, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (codes.shape[0] != labels.shape[0] || codes.shape[0] < 1)
        {
            throw new ArgumentException($"k-NN needs one label per code and at least one of each; found {codes.shape[0]} codes and {labels.shape[0]} labels.");
        }

        _codes = codes.reshape(codes.shape[0], -1).to_type(ScalarType.Float32).detach().clone();
        _labels = labels.to_type(ScalarType.Int64).detach().clone();
        K = (int)Math.Min(k, codes.shape[0]);
        Classes = classes ?? (int)_labels.max().item<long>() + 1;
    }

    /// <summary>Neighbours that vote.</summary>
    public int K { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Predicted labels (int64) for <paramref name="queries"/> [M, D], computed in batches.</summary>
    public Tensor Predict(Tensor queries, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(queries);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor q = queries.reshape(queries.shape[0], -1).to_type(ScalarType.Float32);
        // Rank weights: each vote counts 1, plus a tiny bonus for nearer ranks that only decides ties.
        Tensor rankBonus = torch.linspace(1e-3, 1e-4, K, dtype: ScalarType.Float32);
        var parts = new List<Tensor>();
        for (long start = 0; start < q.shape[0]; start += batchSize)
        {
            Tensor batch = q.narrow(0, start, Math.Min(batchSize, q.shape[0] - start));
            Tensor distances = torch.cdist(batch, _codes);
            (_, Tensor nearest) = distances.topk(K, dim: 1, largest: false, sorted: true);
            Tensor neighbourLabels = _labels.index_select(0, nearest.flatten()).reshape(nearest.shape);
            Tensor votes = torch.zeros(batch.shape[0], Classes, dtype: ScalarType.Float32);
            votes.scatter_add_(1, neighbourLabels, (1 + rankBonus).expand(batch.shape[0], K).contiguous());
            parts.Add(votes.argmax(1));
        }

        return torch.cat(parts).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _codes.Dispose();
        _labels.Dispose();
    }
}
