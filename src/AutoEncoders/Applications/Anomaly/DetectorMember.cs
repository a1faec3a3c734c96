using System.Globalization;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Models.Variational;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>One autoencoder of a detector before training: its architecture, objective and seed.</summary>
/// <param name="Config">The architecture.</param>
/// <param name="Objective">What it is trained on.</param>
/// <param name="Seed">Its initialisation and shuffling seed.</param>
public sealed record DetectorMember(ModelConfig Config, Objective Objective, int Seed)
{
    /// <summary>Members of an <see cref="DetectorKind.Ensemble"/>.</summary>
    public const int EnsembleSize = 5;

    /// <summary>Standard deviation of the denoising kind's input noise (in z-score units for tables).</summary>
    public const double DenoisingNoise = 0.2;

    /// <summary>
    /// The members of a detector of <paramref name="kind"/> for rows of <paramref name="width"/> features with
    /// <paramref name="hidden"/> layer widths down to the code. Tables get a linear output, images a sigmoid one. The
    /// ensemble's members differ in seed (seed, seed + 1, ...) and code width (odd members twice as wide, within the
    /// first hidden width).
    /// </summary>
    public static IReadOnlyList<DetectorMember> Plan(DetectorKind kind, int width, IReadOnlyList<int> hidden, bool isTable, int seed)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden.Count, 1);
        Activation output = isTable ? Activation.Linear : Activation.Sigmoid;
        DetectorMember Dense(IReadOnlyList<int> layers, int memberSeed, Corruption? corruption = null) => new(
            new DenseAutoencoderConfig { Layers = [width, .. layers], OutputActivation = output },
            new Objective { Reconstruction = new MeanSquaredError(), Corruption = corruption },
            memberSeed);
        return kind switch
        {
            DetectorKind.Dense => [Dense(hidden, seed)],
            DetectorKind.Denoising => [Dense(hidden, seed, new GaussianNoise { Factor = DenoisingNoise, Clip = !isTable })],
            DetectorKind.Variational =>
            [
                new DetectorMember(
                    new VariationalAutoencoderConfig { Layers = [width, .. hidden], Likelihood = ObservationLikelihood.Gaussian, OutputActivation = output, LearnVariance = true },
                    new Objective { Reconstruction = new NegativeLogLikelihood(), Penalties = [new KlDivergence()] },
                    seed),
            ],
            DetectorKind.Ensemble => [.. Enumerable.Range(0, EnsembleSize).Select(i => Dense(i % 2 == 0 ? hidden : Wider(hidden), seed + i))],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown detector kind."),
        };
    }

    /// <summary>E.g. "dense 10-20-5 (seed 3)".</summary>
    public string Describe()
    {
        string name = Config is VariationalAutoencoderConfig ? "vae" : Objective.Corruption is null ? "dense" : "denoising";
        IReadOnlyList<int> layers = Config switch
        {
            DenseAutoencoderConfig d => d.Layers,
            VariationalAutoencoderConfig v => v.Layers,
            _ => [],
        };
        return string.Create(CultureInfo.InvariantCulture, $"{name} {string.Join('-', layers)} (seed {Seed})");
    }

    private static int[] Wider(IReadOnlyList<int> hidden)
    {
        int[] layers = [.. hidden];
        layers[^1] = Math.Min(2 * layers[^1], layers.Length > 1 ? layers[0] : 2 * layers[^1]);
        return layers;
    }
}
