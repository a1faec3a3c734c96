using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// How close the codes of a dataset (a sample of the aggregated posterior q(z) = E_x q(z|x)) are to a prior, the
/// quantity an adversarial autoencoder's discriminator pushes on (Makhzani et al., 2015): per-dimension means and
/// standard deviations of both samples, and the RBF-kernel MMD^2 (<see cref="MaximumMeanDiscrepancy"/>, bandwidth by
/// the median heuristic) three ways: codes against the prior as they are; both samples standardised per dimension
/// (each by its own mean and standard deviation, so only the shape of the distributions is compared); and two
/// independent prior samples of the same size (the estimate's noise floor).
/// </summary>
public sealed record PriorMatch
{
    /// <summary>Points in each sample.</summary>
    public long Count { get; init; }

    /// <summary>Mean of each code dimension.</summary>
    public required IReadOnlyList<double> CodeMean { get; init; }

    /// <summary>Standard deviation of each code dimension.</summary>
    public required IReadOnlyList<double> CodeStd { get; init; }

    /// <summary>Mean of each dimension of the prior sample.</summary>
    public required IReadOnlyList<double> PriorMean { get; init; }

    /// <summary>Standard deviation of each dimension of the prior sample.</summary>
    public required IReadOnlyList<double> PriorStd { get; init; }

    /// <summary>Unbiased MMD^2 between the codes and the prior sample, as they are.</summary>
    public double Mmd2 { get; init; }

    /// <summary>The RBF bandwidth of <see cref="Mmd2"/> (median distance of the pooled samples).</summary>
    public double Bandwidth { get; init; }

    /// <summary>Unbiased MMD^2 after standardising each sample per dimension (its own bandwidth by the median heuristic).</summary>
    public double Mmd2Standardized { get; init; }

    /// <summary>Unbiased MMD^2 between the prior sample and a second, independent one of the same size (same bandwidth as <see cref="Mmd2"/>).</summary>
    public double Mmd2PriorVsPrior { get; init; }

    /// <summary>
    /// The codes <paramref name="model"/> gives the first <paramref name="count"/> examples of <paramref name="data"/>
    /// against two independent samples of its prior (N(0, I) for a model without one), drawn with
    /// <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 or more examples than the data holds, or a code that is not flat; the message starts with <paramref name="what"/>.</exception>
    public static PriorMatch Of(Models.Autoencoder model, Data.TensorDataset data, long count, long seed, string what = "prior match")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        long[] codeShape = model.Config.CodeShape;
        if (count < 2 || count > data.Count || codeShape.Length != 1)
        {
            throw new ArgumentException($"{what} needs 2 to {data.Count} examples (the dataset's size) and a model with a flat code; found {count} and a code of shape [{string.Join(", ", codeShape)}].");
        }

        using var scope = torch.NewDisposeScope();
        Device device = model.parameters().FirstOrDefault()?.device ?? torch.CPU;
        Tensor input = data.Features.narrow(0, 0, count).reshape([count, .. model.Config.InputShape]);
        Tensor codes = Models.BatchedInference.Map(model, input, batch => model.Encode(batch.to(device)).cpu());
        using var generator = new Generator((ulong)seed);
        (Tensor prior, Tensor second) = model is Models.IGenerativeAutoencoder generative
            ? (generative.SamplePrior(count, generator), generative.SamplePrior(count, generator))
            : (torch.randn([count, codeShape[0]], generator: generator), torch.randn([count, codeShape[0]], generator: generator));
        return Compute(codes, prior.cpu(), second.cpu());
    }

    /// <summary>
    /// Compares <paramref name="codes"/> [n, d] with <paramref name="prior"/> [n', d]; <paramref name="secondPrior"/>,
    /// another independent prior sample, gives the noise floor.
    /// </summary>
    public static PriorMatch Compute(Tensor codes, Tensor prior, Tensor secondPrior)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(secondPrior);
        if (codes.dim() != 2 || prior.dim() != 2 || secondPrior.dim() != 2 || prior.shape[1] != codes.shape[1] || secondPrior.shape[1] != codes.shape[1])
        {
            throw new ArgumentException($"Codes and prior samples must be [n, d] with the same d; found [{string.Join(", ", codes.shape)}], [{string.Join(", ", prior.shape)}] and [{string.Join(", ", secondPrior.shape)}].");
        }

        using var scope = torch.NewDisposeScope();
        Tensor c = codes.detach().to(ScalarType.Float64);
        Tensor p = prior.detach().to(ScalarType.Float64).to(c.device);
        Tensor q = secondPrior.detach().to(ScalarType.Float64).to(c.device);
        double bandwidth = MaximumMeanDiscrepancy.MedianBandwidth(c, p);
        Tensor cs = Standardize(c), ps = Standardize(p);
        return new PriorMatch
        {
            Count = c.shape[0],
            CodeMean = Host(c.mean([0])),
            CodeStd = Host(c.std(0)),
            PriorMean = Host(p.mean([0])),
            PriorStd = Host(p.std(0)),
            Mmd2 = MaximumMeanDiscrepancy.SquaredRbf(c, p, bandwidth),
            Bandwidth = bandwidth,
            Mmd2Standardized = MaximumMeanDiscrepancy.SquaredRbf(cs, ps, MaximumMeanDiscrepancy.MedianBandwidth(cs, ps)),
            Mmd2PriorVsPrior = MaximumMeanDiscrepancy.SquaredRbf(p, q, bandwidth),
        };
    }

    /// <summary>The numbers by name (code_mean_0, code_std_0, prior_mean_0, ..., mmd2, mmd2_standardized, mmd2_prior_vs_prior, mmd_bandwidth).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>();
        for (int j = 0; j < CodeMean.Count; j++)
        {
            string i = j.ToString(CultureInfo.InvariantCulture);
            result["code_mean_" + i] = CodeMean[j];
            result["code_std_" + i] = CodeStd[j];
            result["prior_mean_" + i] = PriorMean[j];
            result["prior_std_" + i] = PriorStd[j];
        }

        result["mmd2"] = Mmd2;
        result["mmd2_standardized"] = Mmd2Standardized;
        result["mmd2_prior_vs_prior"] = Mmd2PriorVsPrior;
        result["mmd_bandwidth"] = Bandwidth;
        return result;
    }

    private static Tensor Standardize(Tensor t) => (t - t.mean([0], keepdim: true)) / t.std(0, keepdim: true).clamp_min(1e-12);

    private static double[] Host(Tensor t)
    {
        using Tensor cpu = t.cpu();
        return cpu.data<double>().ToArray();
    }
}
