using System.CommandLine;
using System.Globalization;
using AutoEncoders.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// --validation-fraction of the anomaly commands (`ae detect fit`, `ae sequence-anomaly`): the share of normal
/// samples held out, in a seeded random draw, to set the anomaly threshold; the rest is trained on.
/// </summary>
internal sealed class ThresholdHoldOut
{
    public ThresholdHoldOut(string description) =>
        Fraction = new Option<double>("--validation-split", "--validation-fraction") { Description = description, DefaultValueFactory = _ => 0.2 };

    public Option<double> Fraction { get; }

    /// <summary>The fraction given, refused unless strictly between 0 and 1.</summary>
    public double Read(ParseResult parse)
    {
        double fraction = parse.GetValue(Fraction);
        if (fraction is <= 0 or >= 1)
        {
            throw new ArgumentException($"--validation-fraction must lie strictly between 0 and 1; found {fraction.ToString(CultureInfo.InvariantCulture)}.");
        }

        return fraction;
    }

    /// <summary>
    /// Splits the normal samples (rows of <paramref name="normal"/>) into the training set named <paramref name="name"/>
    /// (returned) and the held-out <paramref name="validation"/> samples; <paramref name="describe"/> names the samples
    /// (given their count) when they are too few.
    /// </summary>
    public static TensorDataset Split(Tensor normal, double fraction, int seed, string name, Func<long, string> describe, out Tensor validation)
    {
        long count = normal.shape[0];
        long validationCount = Math.Max(1, (long)Math.Round(count * fraction));
        if (count - validationCount < 1)
        {
            throw new ArgumentException($"{describe(count)} are too few to train on and hold out {fraction.ToString(CultureInfo.InvariantCulture)} of them.");
        }

        using var generator = new Generator((ulong)seed);
        Tensor order = torch.randperm(count, generator: generator);
        validation = normal.index_select(0, order.narrow(0, 0, validationCount));
        return new TensorDataset(normal.index_select(0, order.narrow(0, validationCount, count - validationCount)), name: name);
    }
}
