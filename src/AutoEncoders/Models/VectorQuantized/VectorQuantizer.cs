using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.VectorQuantized;

/// <summary>
/// The codebook of a VQ-VAE (van den Oord et al., 2017): K vectors of size D; each encoder output snaps to its
/// nearest (Euclidean) code, the gradient passes straight through to the encoder, and a commitment loss
/// beta * ||z_e - sg(e)||^2 keeps the encoder near the codes. The codebook learns either by exponential moving
/// averages (appendix A.1, as Sonnet's VectorQuantizerEMA without zero-debiasing):
/// N_i &lt;- gamma N_i + (1 - gamma) n_i, m_i &lt;- gamma m_i + (1 - gamma) sum_{j: code j = i} z_j, with N Laplace-smoothed
/// to (N_i + eps) / (sum N + K eps) * sum N and e_i = m_i / N_i; or by the codebook loss ||sg(z_e) - e||^2.
/// It also counts, per code position, how often each code was chosen during training: the histogram
/// <see cref="VectorQuantizedAutoencoder.SamplePrior"/> draws from.
/// </summary>
public sealed class VectorQuantizer : nn.Module
{
    private readonly VectorQuantizedAutoencoderConfig _config;
    private readonly Parameter _embedding;
    private readonly Tensor _clusterSize;
    private readonly Tensor _embeddingSum;
    private readonly Tensor _positionCounts;

    /// <summary>
    /// The codebook of <paramref name="config"/>, drawn from U(-1/K, 1/K) with the torch generator (as the common
    /// PyTorch ports do for the codebook-loss variant). Sonnet's N(0, 1) draw for EMA codebooks sits far from a dense
    /// encoder's initial outputs (a few tenths), so all vectors snapped to the two or three smallest codes and the
    /// codebook collapsed (perplexity 1.9 of 32 on digits); codes near the origin are all reachable at the start.
    /// </summary>
    public VectorQuantizer(VectorQuantizedAutoencoderConfig config)
        : base("vector_quantizer")
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        int k = config.CodebookSize;
        int d = config.EmbeddingSize;
        bool ema = config.CodebookUpdate == CodebookUpdate.Ema;
        Tensor initial = torch.empty(k, d).uniform_(-1.0 / k, 1.0 / k);
        // Copied first: a Parameter takes over its tensor's native handle.
        _embeddingSum = initial.detach().clone();
        _embedding = new Parameter(initial, requires_grad: !ema);
        _clusterSize = torch.zeros(k);
        _positionCounts = torch.zeros(config.CodeVectors, k);
        register_parameter("embedding", _embedding);
        register_buffer("cluster_size", _clusterSize);
        register_buffer("embedding_sum", _embeddingSum);
        register_buffer("position_counts", _positionCounts);
    }

    /// <summary>The codebook [K, D].</summary>
    public Tensor Embedding => _embedding;

    /// <summary>The moving average of the code counts N [K] (EMA updates only).</summary>
    public Tensor ClusterSize => _clusterSize;

    /// <summary>The moving average of the sums of encoder outputs per code m [K, D] (EMA updates only).</summary>
    public Tensor EmbeddingSum => _embeddingSum;

    /// <summary>How often each code was chosen at each position during training, [M, K].</summary>
    public Tensor PositionCounts => _positionCounts;

    /// <summary>The index of the nearest code of every vector of <paramref name="vectors"/> [..., D], shaped [...].</summary>
    public Tensor NearestCodes(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        using var scope = torch.NewDisposeScope();
        using IDisposable noGrad = torch.no_grad();
        Tensor flat = vectors.detach().reshape(-1, _config.EmbeddingSize);
        Tensor distances = flat.pow(2).sum(1, keepdim: true) - (2 * flat.matmul(_embedding.t())) + _embedding.pow(2).sum(1).unsqueeze(0);
        long[] shape = vectors.shape[..^1];
        return distances.argmin(1).reshape(shape).MoveToOuterDisposeScope();
    }

    /// <summary>The codebook vectors of <paramref name="indices"/>, shaped [..., D].</summary>
    public Tensor Lookup(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        using var scope = torch.NewDisposeScope();
        Tensor flat = _embedding.index_select(0, indices.reshape(-1).to(ScalarType.Int64));
        return flat.reshape([.. indices.shape, _config.EmbeddingSize]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Quantises <paramref name="encoded"/> [B, M, D]; with <paramref name="update"/> (training) moves the EMA
    /// codebook and the position counts after the codes are chosen (the loss uses the codebook before the update).
    /// </summary>
    public VectorQuantization Quantize(Tensor encoded, bool update)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        Tensor indices = NearestCodes(encoded);
        Tensor codes = Lookup(indices);
        Tensor commitment = _config.CommitmentCost * nn.functional.mse_loss(encoded, codes.detach());
        Tensor codebookLoss = _config.CodebookUpdate == CodebookUpdate.Loss
            ? nn.functional.mse_loss(codes, encoded.detach())
            : torch.zeros([], device: encoded.device);
        Tensor quantized = encoded + (codes - encoded).detach();

        Tensor oneHot = nn.functional.one_hot(indices.reshape(-1), _config.CodebookSize).to(ScalarType.Float32);
        Tensor counts = oneHot.sum(dim: 0);
        Tensor probabilities = counts / counts.sum();
        Tensor perplexity = torch.exp(-(probabilities * torch.log(probabilities + 1e-10)).sum());
        Tensor used = counts.gt(0).to(ScalarType.Float32).mean();
        if (update)
        {
            using IDisposable noGrad = torch.no_grad();
            _positionCounts.add_(oneHot.reshape(encoded.shape[0], _config.CodeVectors, _config.CodebookSize).sum(dim: 0));
            if (_config.CodebookUpdate == CodebookUpdate.Ema)
            {
                UpdateMovingAverages(encoded.detach().reshape(-1, _config.EmbeddingSize), oneHot, counts);
            }
        }

        return new VectorQuantization(quantized, indices, commitment, codebookLoss, perplexity, used);
    }

    private void UpdateMovingAverages(Tensor flat, Tensor oneHot, Tensor counts)
    {
        double decay = _config.Decay;
        _clusterSize.mul_(decay).add_(counts, alpha: 1 - decay);
        _embeddingSum.mul_(decay).add_(oneHot.t().matmul(flat), alpha: 1 - decay);
        Tensor total = _clusterSize.sum();
        Tensor smoothed = (_clusterSize + _config.Epsilon) / (total + (_config.CodebookSize * _config.Epsilon)) * total;
        _embedding.copy_(_embeddingSum / smoothed.unsqueeze(1));
    }
}
