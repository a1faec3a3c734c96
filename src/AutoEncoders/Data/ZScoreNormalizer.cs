using System.Text.Json;

namespace AutoEncoders.Data;

/// <summary>
/// Standardises each column on the training table: y = (x - mean) / std, with the population standard deviation;
/// a constant column (std 0) becomes x - mean.
/// </summary>
public sealed class ZScoreNormalizer : ColumnNormalizer
{
    /// <summary>The JSON "kind" of this normalizer.</summary>
    public const string KindName = "z-score";

    /// <summary>Creates the normalizer from known parameters.</summary>
    public ZScoreNormalizer(IReadOnlyList<string> columns, IReadOnlyList<double> mean, IReadOnlyList<double> standardDeviation)
        : base(columns, Check(columns, mean, standardDeviation), [.. standardDeviation])
    {
        Mean = [.. mean];
        StandardDeviation = [.. standardDeviation];
    }

    /// <summary>Per-column mean on the training table.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Per-column population standard deviation on the training table (0 for a constant column).</summary>
    public IReadOnlyList<double> StandardDeviation { get; }

    /// <inheritdoc />
    public override string Kind => KindName;

    /// <summary>Fits on <paramref name="training"/> (the training split only).</summary>
    public static ZScoreNormalizer Fit(CsvTable training)
    {
        var (_, _, mean, std) = Statistics(training);
        return new ZScoreNormalizer(training.ColumnNames, mean, std);
    }

    private protected override void WriteParameters(Utf8JsonWriter writer, int column)
    {
        writer.WriteNumber("mean", Mean[column]);
        writer.WriteNumber("std", StandardDeviation[column]);
    }

    private static double[] Check(IReadOnlyList<string> columns, IReadOnlyList<double> mean, IReadOnlyList<double> standardDeviation) =>
        CheckParameters(columns, mean, nameof(mean), standardDeviation, nameof(standardDeviation), "one mean and one standard deviation",
            (_, std) => std >= 0, (m, std) => $"expected a finite mean and a finite standard deviation >= 0, found {m} and {std}");
}
