using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation;

/// <summary>
/// How well reconstructions match their originals, for data in [0, 1]: squared error per sample (summed over
/// its values, the figure Hinton and Salakhutdinov report), mean squared error per value, binary cross-entropy per
/// value, and PSNR = 10 log10(1 / MSE).
/// </summary>
public sealed record ReconstructionMetrics
{
    /// <summary>Samples compared.</summary>
    public long Count { get; init; }

    /// <summary>Mean over samples of the squared error summed over a sample's values.</summary>
    public double SquaredErrorPerSample { get; init; }

    /// <summary>Mean squared error per value.</summary>
    public double MeanSquaredError { get; init; }

    /// <summary>Mean binary cross-entropy per value (reconstructions clamped to [1e-7, 1 - 1e-7]).</summary>
    public double BinaryCrossEntropy { get; init; }

    /// <summary>Peak signal-to-noise ratio in dB for a peak value of 1, from the mean squared error.</summary>
    public double PeakSignalToNoiseRatio => 10 * Math.Log10(1 / MeanSquaredError);

    /// <summary>Compares <paramref name="reconstructions"/> with <paramref name="originals"/> (same number of samples and values).</summary>
    public static ReconstructionMetrics Compute(Tensor originals, Tensor reconstructions)
    {
        ArgumentNullException.ThrowIfNull(originals);
        ArgumentNullException.ThrowIfNull(reconstructions);
        using var scope = torch.NewDisposeScope();
        Tensor x = originals.reshape(originals.shape[0], -1).to_type(ScalarType.Float64);
        Tensor y = reconstructions.reshape(reconstructions.shape[0], -1).to_type(ScalarType.Float64);
        if (!x.shape.SequenceEqual(y.shape))
        {
            throw new ArgumentException($"Originals [{string.Join(", ", x.shape)}] and reconstructions [{string.Join(", ", y.shape)}] differ in shape.");
        }

        Tensor squared = (x - y).square();
        Tensor p = y.clamp(1e-7, 1 - 1e-7);
        Tensor bce = -((x * p.log()) + ((1 - x) * (1 - p).log()));
        return new ReconstructionMetrics
        {
            Count = x.shape[0],
            SquaredErrorPerSample = squared.sum(1).mean().item<double>(),
            MeanSquaredError = squared.mean().item<double>(),
            BinaryCrossEntropy = bce.mean().item<double>(),
        };
    }

    /// <summary>The metrics as named numbers (for metrics.json and tables).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>
    {
        ["squared_error_per_sample"] = SquaredErrorPerSample,
        ["mse_per_value"] = MeanSquaredError,
        ["bce_per_value"] = BinaryCrossEntropy,
        ["psnr_db"] = PeakSignalToNoiseRatio,
    };
}
