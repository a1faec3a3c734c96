using AutoEncoders.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Visualization;

/// <summary>
/// Where to draw codes from when decoding without an input: the prior N(0, I) of a variational model, or for any
/// other model a Gaussian fitted to its test codes (mean and full covariance), so "samples" stay where the decoder
/// was trained. Also holds the 2-D plane a latent grid sweeps: the first two code axes over the prior's central
/// 90% (Kingma and Welling's inverse-CDF grid), or for fitted codes the 1st to 99th percentile of the codes along
/// the two code axes (2-D codes) or their first two principal axes (more dimensions).
/// </summary>
public sealed class LatentDistribution : IDisposable
{
    private static readonly double[] CentralQuantiles = [0.01, 0.99];

    private LatentDistribution(Tensor mean, Tensor choleskyFactor, Tensor gridOrigin, Tensor gridAxes, double[] gridLow, double[] gridHigh, bool isStandardNormal, string description, string gridDescription)
    {
        GridDescription = gridDescription;
        Mean = mean;
        CholeskyFactor = choleskyFactor;
        GridOrigin = gridOrigin;
        GridAxes = gridAxes;
        GridLow = gridLow;
        GridHigh = gridHigh;
        IsStandardNormal = isStandardNormal;
        Description = description;
    }

    /// <summary>Mean [d].</summary>
    public Tensor Mean { get; }

    /// <summary>Lower-triangular L [d, d] with L L^T the covariance.</summary>
    public Tensor CholeskyFactor { get; }

    /// <summary>The point [d] at the grid's zero.</summary>
    public Tensor GridOrigin { get; }

    /// <summary>The grid's directions [1 or 2, d], orthonormal.</summary>
    public Tensor GridAxes { get; }

    /// <summary>Smallest coordinate swept along each grid axis.</summary>
    public IReadOnlyList<double> GridLow { get; }

    /// <summary>Largest coordinate swept along each grid axis.</summary>
    public IReadOnlyList<double> GridHigh { get; }

    /// <summary>True for the prior N(0, I) of a variational model.</summary>
    public bool IsStandardNormal { get; }

    /// <summary>Code size d.</summary>
    public long Dimension => Mean.shape[0];

    /// <summary>What the distribution is, for captions, e.g. "the prior N(0, I)".</summary>
    public string Description { get; }

    /// <summary>What the grid sweeps, for captions.</summary>
    public string GridDescription { get; }

    /// <summary>The standard normal prior N(0, I) over <paramref name="dimension"/> code units.</summary>
    public static LatentDistribution StandardNormal(long dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        using var scope = torch.NewDisposeScope();

        // Phi^-1(0.05) = -1.6449: the grid covers the prior's central 90% along each swept axis.
        const double z95 = 1.6448536269514722;
        int axes = (int)Math.Min(2, dimension);
        return new LatentDistribution(
            torch.zeros(dimension).MoveToOuterDisposeScope(),
            torch.eye(dimension).MoveToOuterDisposeScope(),
            torch.zeros(dimension).MoveToOuterDisposeScope(),
            torch.eye(dimension).narrow(0, 0, axes).contiguous().MoveToOuterDisposeScope(),
            Enumerable.Repeat(-z95, axes).ToArray(),
            Enumerable.Repeat(z95, axes).ToArray(),
            isStandardNormal: true,
            "the prior N(0, I)",
            "the prior's central 90% along the first two code axes (other units at 0)");
    }

    /// <summary>A Gaussian fitted to <paramref name="codes"/> [N, d] (N &gt;= 2), with the grid over their central 98%.</summary>
    public static LatentDistribution FitToCodes(Tensor codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        using var scope = torch.NewDisposeScope();
        Tensor z = codes.detach().reshape(codes.shape[0], -1).to_type(ScalarType.Float64).cpu();
        long n = z.shape[0], d = z.shape[1];
        if (n < 2)
        {
            throw new ArgumentException($"Fitting a Gaussian to codes needs at least two codes; found {n}.", nameof(codes));
        }

        Tensor mean = z.mean([0]);
        Tensor covariance = d == 1 ? z.var(0L).reshape(1, 1) : z.t().cov();

        // A small ridge keeps the factorisation defined for dead units or codes confined to a subspace.
        double ridge = Math.Max(1e-6, 1e-6 * covariance.diagonal().mean().item<double>());
        Tensor factor = torch.linalg.cholesky(covariance + (ridge * torch.eye(d, dtype: ScalarType.Float64)));

        Tensor origin, axes, scores;
        if (d <= 2)
        {
            origin = torch.zeros(d, dtype: ScalarType.Float64);
            axes = torch.eye(d, dtype: ScalarType.Float64);
            scores = z;
        }
        else
        {
            using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(z, 2);
            origin = mean;
            axes = pca.Components.to_type(ScalarType.Float64);
            scores = pca.Transform(z).to_type(ScalarType.Float64);
        }

        Tensor q = torch.tensor(CentralQuantiles, dtype: ScalarType.Float64);
        Tensor bounds = scores.quantile(q, dim: 0);
        double[] low = bounds[0].data<double>().ToArray();
        double[] high = bounds[1].data<double>().ToArray();
        for (int i = 0; i < low.Length; i++)
        {
            if (!(high[i] > low[i]))
            {
                (low[i], high[i]) = (low[i] - 1, high[i] + 1);
            }
        }

        string plane = d <= 2 ? "the code axes" : "the codes' first two principal axes, through their mean";
        return new LatentDistribution(
            mean.to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            factor.to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            origin.to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            axes.to_type(ScalarType.Float32).contiguous().MoveToOuterDisposeScope(),
            low,
            high,
            isStandardNormal: false,
            $"a Gaussian fitted to {n} test codes (the model has no prior)",
            $"the test codes' 1st to 99th percentile along {plane}");
    }

    /// <summary><paramref name="count"/> draws [count, d] with the randomness of <paramref name="generator"/>: mean + L eps.</summary>
    public Tensor Sample(long count, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        Tensor eps = torch.randn([count, Dimension], generator: generator);
        return (Mean + eps.matmul(CholeskyFactor.t())).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Codes [rows * columns, d] on the grid, row-major with the second axis decreasing down the rows (as on a
    /// plot); a single row when the grid has one axis.
    /// </summary>
    public Tensor Grid(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        using var scope = torch.NewDisposeScope();
        Tensor a = torch.linspace(GridLow[0], GridHigh[0], steps);
        if (GridAxes.shape[0] == 1)
        {
            return (GridOrigin + a.unsqueeze(1).matmul(GridAxes)).MoveToOuterDisposeScope();
        }

        Tensor b = torch.linspace(GridHigh[1], GridLow[1], steps);
        Tensor[] mesh = torch.meshgrid([b, a], indexing: "ij");
        Tensor coordinates = torch.stack([mesh[1].reshape(-1), mesh[0].reshape(-1)], 1);
        return (GridOrigin + coordinates.matmul(GridAxes)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        CholeskyFactor.Dispose();
        GridOrigin.Dispose();
        GridAxes.Dispose();
    }
}
