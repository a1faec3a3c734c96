using AutoEncoders.Models.Variational;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Objectives;

/// <summary>
/// beta-TCVAE's KL term (Chen, Li, Grosse and Duvenaud, 2018, "Isolating Sources of Disentanglement in Variational
/// Autoencoders", NeurIPS): KL(q(z|x) || p(z)) split into the index-code mutual information, the total correlation
/// and the dimension-wise KL (<see cref="KlDecomposition"/>), weighted <see cref="Alpha"/> * MI +
/// <see cref="Beta"/> * TC + <see cref="Gamma"/> * dim-KL. The aggregate posterior q(z) and its marginals q(z_j)
/// are estimated on the mini-batch by minibatch-weighted or minibatch-stratified sampling
/// (<see cref="Sampling"/>; the stratified one needs the training set's size N, <see cref="DatasetSize"/>). The
/// weighted estimate here is q(z_i) ~ (1/M) sum_j q(z_i | x_j) over the batch of M: the paper writes 1/(N M), which
/// differs by the constant log N in every log-density estimate, so the gradients are the same, but its parts are then
/// offset (MI by +log N, TC by -(d - 1) log N, dim-KL by +d log N); with 1/M, like the stratified weights that sum to
/// 1, the reported TC is near 0 for independent codes. It replaces
/// <c>kl_divergence</c> beside <c>nll</c>; with alpha = beta = gamma = 1 it is the single-sample KL estimate.
/// Needs the prior N(0, I) (the dimension-wise KL assumes a factorised prior).
/// </summary>
public sealed class TotalCorrelationDecomposition : LossTerm
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>Weight of the index-code mutual information (the paper keeps 1).</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Weight of the total correlation (the paper's beta, e.g. 6); beta &gt; 1 pushes towards independent codes.</summary>
    public double Beta { get; init; } = 6.0;

    /// <summary>Weight of the dimension-wise KL (the paper keeps 1).</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>
    /// N, the number of training examples q(z) is the aggregate over (60,000 for MNIST's training set): needed by
    /// minibatch-stratified sampling (1 or more there); minibatch-weighted sampling does not use it (0 is allowed).
    /// </summary>
    public long DatasetSize { get; init; }

    /// <summary>Minibatch-weighted (default) or minibatch-stratified sampling.</summary>
    public TotalCorrelationSampling Sampling { get; init; } = TotalCorrelationSampling.MinibatchWeighted;

    /// <inheritdoc />
    public override string Name => "beta_tcvae";

    /// <inheritdoc />
    public override void Validate()
    {
        foreach ((string field, double value) in new[] { ("alpha", Alpha), ("beta", Beta), ("gamma", Gamma) })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentException($"beta_tcvae: {field} must be a finite number, 0 or more; found {value}.");
            }
        }

        if (Sampling == TotalCorrelationSampling.MinibatchStratified ? DatasetSize < 1 : DatasetSize < 0)
        {
            throw new ArgumentException($"beta_tcvae: datasetSize must be the number of training examples N (1 or more; minibatch_stratified sampling needs it); found {DatasetSize}.");
        }
    }

    /// <summary>
    /// Refuses a model with a VampPrior (the dimension-wise KL needs the factorised prior N(0, I)) and, for
    /// minibatch_stratified sampling, a <see cref="DatasetSize"/> smaller than the batch size, before training.
    /// </summary>
    public override void CheckTraining(Models.Autoencoder model, Training.TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (model is VariationalModel { HasStandardPrior: false })
        {
            throw new ArgumentException("beta_tcvae needs the prior N(0, I) (its dimension-wise KL assumes a factorised prior); the model sets model.vampPrior: remove it or the beta_tcvae term.");
        }

        if (Sampling == TotalCorrelationSampling.MinibatchStratified && DatasetSize < options.BatchSize)
        {
            throw new ArgumentException($"beta_tcvae: datasetSize ({DatasetSize}) must be at least training.batchSize ({options.BatchSize}) for minibatch_stratified sampling.");
        }
    }

    /// <summary>
    /// The decomposition for a batch's posterior mu, log sigma^2 [B, d] and its samples z [B, d] drawn from it,
    /// with q(z) estimated over a data set of <paramref name="datasetSize"/> examples.
    /// </summary>
    public static KlDecomposition Decompose(Tensor mean, Tensor logVariance, Tensor z, long datasetSize, TotalCorrelationSampling sampling = TotalCorrelationSampling.MinibatchWeighted)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        ArgumentNullException.ThrowIfNull(z);
        long b = mean.shape[0];
        if (sampling == TotalCorrelationSampling.MinibatchStratified && datasetSize < b)
        {
            throw new ArgumentException($"beta_tcvae: datasetSize ({datasetSize}) must be at least the batch size ({b}) for minibatch_stratified sampling.");
        }

        using var scope = torch.NewDisposeScope();
        z = z.reshape(b, -1);
        // log q(z_i,j | x_k) for every pair of batch examples i, k: [B, B, d].
        Tensor pairwise = -0.5 * (((z.unsqueeze(1) - mean.unsqueeze(0)).pow(2) * torch.exp(-logVariance).unsqueeze(0)) + logVariance.unsqueeze(0) + Log2Pi);
        Tensor logWeights = LogImportanceWeights(b, datasetSize, sampling, mean.dtype, mean.device);  // [B, B]
        Tensor logQz = (pairwise.sum(2) + logWeights).logsumexp(1);                                  // log q(z_i)
        Tensor logQzProduct = (pairwise + logWeights.unsqueeze(2)).logsumexp(1).sum(1);              // sum_j log q(z_ij)
        Tensor logQzGivenX = VariationalModel.LogPosterior(z, mean, logVariance);
        Tensor logPz = -0.5 * (z.pow(2) + Log2Pi).sum(1);
        return new KlDecomposition(
            (logQzGivenX - logQz).mean().MoveToOuterDisposeScope(),
            (logQz - logQzProduct).mean().MoveToOuterDisposeScope(),
            (logQzProduct - logPz).mean().MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override Tensor Compute(LossContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate();
        if (context.Model is not VariationalModel vae || context.Output.Mean is null || context.Output.LogVariance is null)
        {
            throw new InvalidOperationException(
                $"beta_tcvae needs a variational model (kind \"vae\" or \"conv_vae\"); {context.Model.Config.GetType().Name} has no posterior.");
        }

        if (!vae.HasStandardPrior)
        {
            throw new InvalidOperationException("beta_tcvae needs the prior N(0, I) (its dimension-wise KL assumes a factorised prior); this model has a VampPrior.");
        }

        using var scope = torch.NewDisposeScope();
        KlDecomposition parts = Decompose(context.Output.Mean, context.Output.LogVariance, context.Output.Code, DatasetSize, Sampling);
        Tensor value = (Alpha * parts.MutualInformation) + (Beta * parts.TotalCorrelation) + (Gamma * parts.DimensionwiseKl);
        return value.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log of the weight of q(z_i | x_k) in the estimate of q(z_i), [B, B]: 1/M everywhere (weighted, M = B), or
    /// the stratified weights of the paper's appendix C.1 (M = B - 1 other examples): 1/N for the example z_i was
    /// drawn from, (N - M)/(N M) for one other, 1/M for the rest; each row sums to 1. (Chen et al.'s released code
    /// places the 1/N by column rather than at the own example; this follows the paper.)
    /// </summary>
    private static Tensor LogImportanceWeights(long b, long n, TotalCorrelationSampling sampling, ScalarType dtype, Device device)
    {
        if (sampling == TotalCorrelationSampling.MinibatchWeighted || b < 2)
        {
            return torch.full([b, b], -Math.Log(b), dtype: dtype, device: device);
        }

        long m = b - 1;
        double[] w = new double[b * b];
        Array.Fill(w, 1.0 / m);
        for (long i = 0; i < b; i++)
        {
            w[(i * b) + i] = 1.0 / n;
            w[(i * b) + ((i + 1) % b)] = (double)(n - m) / (n * m);
        }

        return torch.tensor(w, dtype: ScalarType.Float64).reshape(b, b).log().to(dtype).to(device);
    }
}
