using System.Globalization;

namespace AutoEncoders.Applications.Anomaly;

/// <summary>
/// The default size of a table detector, derived from the training data alone (never from labels) by one stated rule,
/// for N training rows of D features:
/// hidden width clamp(2D, 16, 128); code width clamp(ceil(D / 2), 2, 16), never wider than the hidden layer;
/// batch size the power of two nearest N / 100, clamped to [32, 512]; epochs enough for about 3,000 optimiser steps,
/// clamped to [10, 200], with early stopping (patience 10) on the held-out normal rows' loss.
/// </summary>
/// <param name="Hidden">Hidden layer widths down to the code (the input width is prepended when building).</param>
/// <param name="Epochs">Passes over the training rows (an upper bound under early stopping).</param>
/// <param name="BatchSize">Rows per optimiser step.</param>
public sealed record DetectorSizing(IReadOnlyList<int> Hidden, int Epochs, int BatchSize)
{
    /// <summary>Optimiser steps the epoch rule aims for.</summary>
    public const int TargetSteps = 3000;

    /// <summary>The sizing for <paramref name="rows"/> training rows of <paramref name="width"/> features.</summary>
    public static DetectorSizing For(long rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        int hidden = Math.Clamp(2 * width, 16, 128);
        int code = Math.Min(hidden, Math.Clamp((width + 1) / 2, 2, 16));
        int batch = Math.Clamp(1 << (int)Math.Round(Math.Log2(Math.Max(1.0, rows / 100.0))), 32, 512);
        double stepsPerEpoch = Math.Ceiling(rows / (double)batch);
        int epochs = (int)Math.Clamp(Math.Ceiling(TargetSteps / stepsPerEpoch), 10, 200);
        return new DetectorSizing([hidden, code], epochs, batch);
    }

    /// <summary>E.g. "16-8, 40 epochs, batch 64".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{string.Join('-', Hidden)}, up to {Epochs} epochs, batch {BatchSize}");
}
