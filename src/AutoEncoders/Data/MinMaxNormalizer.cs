using System.Text.Json;

namespace AutoEncoders.Data;

/// <summary>Scales each column to [0, 1] on the training table: y = (x - min) / (max - min); a constant column becomes x - min.</summary>
public sealed class MinMaxNormalizer : ColumnNormalizer
{
    /// <summary>The JSON "kind" of this normalizer.</summary>
    public const string KindName = "min-max";

    /// <summary>Creates the normalizer from known parameters.</summary>
    public MinMaxNormalizer(IReadOnlyList<string> columns, IReadOnlyList<double> minimum, IReadOnlyList<double> maximum)
        : base(columns, Check(columns, minimum, maximum), [.. maximum.Zip(minimum, (hi, lo) => hi - lo)])
    {
        Minimum = [.. minimum];
        Maximum = [.. maximum];
    }

    /// <summary>Per-column minimum on the training table.</summary>
    public IReadOnlyList<double> Minimum { get; }

    /// <summary>Per-column maximum on the training table.</summary>
    public IReadOnlyList<double> Maximum { get; }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>Fits on <paramref name="training"/> (the training split only).</summary>
    public static MinMaxNormalizer Fit(CsvTable training)
    {
        var (min, max, _, _) = Statistics(training);
        return new MinMaxNormalizer(training.ColumnNames, min, max);
    }

    private protected override void WriteParameters(Utf8JsonWriter writer, int column)
    {
        writer.WriteNumber("min", Minimum[column]);
        writer.WriteNumber("max", Maximum[column]);
    }

    private static double[] Check(IReadOnlyList<string> columns, IReadOnlyList<double> minimum, IReadOnlyList<double> maximum) =>
        CheckParameters(columns, minimum, nameof(minimum), maximum, nameof(maximum), "one minimum and one maximum",
            (lo, hi) => hi >= lo, (lo, hi) => $"expected finite min <= max, found min {lo} and max {hi}");
}
