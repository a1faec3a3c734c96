using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// A per-column affine normalisation y = (x - offset) / scale, fitted on a training table and applied unchanged to
/// validation and test tables, saved with a model as JSON (column names and parameters). Tables are matched by
/// column name: a table with a column the normalizer does not know, or without one it does, is refused, and the
/// columns come out in the order the normalizer was fitted on, so a model always sees the same features in the
/// same places. A constant column (scale 0) is only shifted, never divided by zero.
/// </summary>
public abstract class ColumnNormalizer
{
    private readonly string[] _columns;
    private readonly double[] _offsets;
    private readonly double[] _scales;

    private protected ColumnNormalizer(IReadOnlyList<string> columns, double[] offsets, double[] scales)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        _offsets = offsets;
        _scales = [.. scales.Select(s => s > 0 ? s : 1.0)];
        string? duplicate = _columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"Column '{duplicate}' is listed twice.", nameof(columns));
        }
    }

    /// <summary>The columns fitted on, in the order the outputs have.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>"min-max" or "z-score": the JSON's "kind".</summary>
    public abstract string Kind { get; }

    /// <summary>Normalises <paramref name="table"/>; its columns come out in <see cref="Columns"/> order.</summary>
    /// <exception cref="DataFormatException">The table's columns differ from <see cref="Columns"/>; the message names each unknown and missing one.</exception>
    public CsvTable Transform(CsvTable table) => Apply(table, inverse: false);

    /// <summary>Undoes <see cref="Transform(CsvTable)"/> (for reporting in the original units).</summary>
    /// <exception cref="DataFormatException">The table's columns differ from <see cref="Columns"/>.</exception>
    public CsvTable InverseTransform(CsvTable table) => Apply(table, inverse: true);

    /// <summary>Normalises features whose last dimension holds <see cref="Columns"/> in order ([N, F]).</summary>
    /// <exception cref="ArgumentException">The last dimension is not the column count.</exception>
    public Tensor Transform(Tensor features) => Apply(features, inverse: false);

    /// <summary>Undoes <see cref="Transform(Tensor)"/>.</summary>
    /// <exception cref="ArgumentException">The last dimension is not the column count.</exception>
    public Tensor InverseTransform(Tensor features) => Apply(features, inverse: true);

    /// <summary>The JSON form: {"kind": ..., "columns": [{"name": ..., parameters...}, ...]}.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", Kind);
            writer.WriteStartArray("columns");
            for (int i = 0; i < _columns.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", _columns[i]);
                WriteParameters(writer, i);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the JSON form to <paramref name="path"/> atomically (through <c>&lt;path&gt;.tmp</c>).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, ToJson(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a normalizer saved by <see cref="Save"/>.</summary>
    /// <exception cref="DataFormatException">The file is not a normalizer's JSON; the message names the JSON path at fault.</exception>
    public static ColumnNormalizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        InputFile.Require(path);

        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses the JSON form; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="DataFormatException">The JSON is invalid or lacks a field; the message names the JSON path at fault.</exception>
    public static ColumnNormalizer FromJson(string json, string source = "normalizer JSON")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            (string where, string what) = Persistence.JsonFile.Describe(e);
            throw new DataFormatException(source, where, $"expected JSON, found invalid text: {what}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(source, "$", $"expected an object, found {root.ValueKind}.");
            }

            string kind = ReadString(root, "kind", "$", source);
            if (!root.TryGetProperty("columns", out JsonElement columns) || columns.ValueKind != JsonValueKind.Array)
            {
                throw new DataFormatException(source, "$.columns", "expected an array of columns.");
            }

            var names = new List<string>();
            var parameters = new List<(double, double)>();
            int i = 0;
            foreach (JsonElement column in columns.EnumerateArray())
            {
                string at = $"$.columns[{i++}]";
                names.Add(ReadString(column, "name", at, source));
                parameters.Add(kind switch
                {
                    MinMaxNormalizer.KindName => (ReadNumber(column, "min", at, source), ReadNumber(column, "max", at, source)),
                    ZScoreNormalizer.KindName => (ReadNumber(column, "mean", at, source), ReadNumber(column, "std", at, source)),
                    _ => throw new DataFormatException(source, "$.kind", $"expected '{MinMaxNormalizer.KindName}' or '{ZScoreNormalizer.KindName}', found '{kind}'."),
                });
            }

            if (names.Count == 0)
            {
                throw new DataFormatException(source, "$.columns", "expected at least one column, found none.");
            }

            string? duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
            if (duplicate is not null)
            {
                throw new DataFormatException(source, "$.columns", $"column '{duplicate}' is listed twice.");
            }

            double[] first = [.. parameters.Select(p => p.Item1)];
            double[] second = [.. parameters.Select(p => p.Item2)];
            for (int c = 0; c < names.Count; c++)
            {
                if (kind == MinMaxNormalizer.KindName && second[c] < first[c])
                {
                    throw new DataFormatException(source, $"$.columns[{c}]", $"expected max >= min, found min {first[c].ToString(CultureInfo.InvariantCulture)} and max {second[c].ToString(CultureInfo.InvariantCulture)}.");
                }

                if (kind == ZScoreNormalizer.KindName && second[c] < 0)
                {
                    throw new DataFormatException(source, $"$.columns[{c}].std", $"expected a standard deviation >= 0, found {second[c].ToString(CultureInfo.InvariantCulture)}.");
                }
            }

            return kind == MinMaxNormalizer.KindName
                ? new MinMaxNormalizer(names, first, second)
                : new ZScoreNormalizer(names, first, second);
        }
    }

    /// <summary>Writes the parameters of column <paramref name="column"/> into its JSON object.</summary>
    private protected abstract void WriteParameters(Utf8JsonWriter writer, int column);

    /// <summary>
    /// Checks the two per-column parameter lists of a normalizer (<paramref name="first"/>, <paramref name="second"/>,
    /// named <paramref name="firstName"/> and <paramref name="secondName"/>): one of each per column
    /// (<paramref name="pairDescription"/> names them in the message), and each pair <paramref name="valid"/>
    /// (<paramref name="expectation"/> describes a bad pair). Returns a copy of <paramref name="first"/>, the offsets.
    /// </summary>
    private protected static double[] CheckParameters(IReadOnlyList<string> columns, IReadOnlyList<double> first, string firstName, IReadOnlyList<double> second, string secondName,
        string pairDescription, Func<double, double, bool> valid, Func<double, double, string> expectation)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(first, firstName);
        ArgumentNullException.ThrowIfNull(second, secondName);
        if (first.Count != columns.Count || second.Count != columns.Count)
        {
            throw new ArgumentException($"Expected {pairDescription} per column ({columns.Count}), found {first.Count} and {second.Count}.", firstName);
        }

        for (int i = 0; i < columns.Count; i++)
        {
            if (!double.IsFinite(first[i]) || !double.IsFinite(second[i]) || !valid(first[i], second[i]))
            {
                throw new ArgumentException($"Column '{columns[i]}': {expectation(first[i], second[i])}.", secondName);
            }
        }

        return [.. first];
    }

    /// <summary>Per-column minimum, maximum, mean and population standard deviation of a table, in double precision.</summary>
    private protected static (double[] Min, double[] Max, double[] Mean, double[] Std) Statistics(CsvTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int columns = table.ColumnCount, rows = table.RowCount;
        double[] min = new double[columns], max = new double[columns], mean = new double[columns], std = new double[columns];
        ReadOnlySpan<float> values = table.Values.Span;
        for (int c = 0; c < columns; c++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity, sum = 0;
            for (int r = 0; r < rows; r++)
            {
                double v = values[(r * columns) + c];
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
                sum += v;
            }

            double m = sum / rows;
            double squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = values[(r * columns) + c] - m;
                squares += d * d;
            }

            (min[c], max[c], mean[c]) = (lo, hi, m);

            // A constant column has no spread by definition; rounding in the mean must not invent one.
            std[c] = lo == hi ? 0 : Math.Sqrt(squares / rows);
        }

        return (min, max, mean, std);
    }

    private CsvTable Apply(CsvTable table, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(table);
        string[] unknown = [.. table.ColumnNames.Where(c => !_columns.Contains(c, StringComparer.Ordinal))];
        string[] missing = [.. _columns.Where(c => !table.ColumnNames.Contains(c, StringComparer.Ordinal))];
        if (unknown.Length > 0 || missing.Length > 0)
        {
            IEnumerable<string> problems = unknown.Select(c => $"unknown column '{c}'").Concat(missing.Select(c => $"missing column '{c}'"));
            throw new DataFormatException(table.Path, "header",
                $"the columns differ from those the {Kind} normalizer was fitted on: {string.Join("; ", problems)}.");
        }

        int[] source = [.. _columns.Select(c => IndexOf(table.ColumnNames, c))];
        int columns = _columns.Length, rows = table.RowCount;
        ReadOnlySpan<float> values = table.Values.Span;
        float[] result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double x = values[(r * columns) + source[c]];
                result[(r * columns) + c] = (float)(inverse ? (x * _scales[c]) + _offsets[c] : (x - _offsets[c]) / _scales[c]);
            }
        }

        return table.WithValues(_columns, result);
    }

    private Tensor Apply(Tensor features, bool inverse)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() < 1 || features.shape[^1] != _columns.Length)
        {
            throw new ArgumentException(
                $"The {Kind} normalizer was fitted on {_columns.Length} columns, but the features have shape [{string.Join(", ", features.shape)}]; their last dimension must be {_columns.Length}.",
                nameof(features));
        }

        using var scope = torch.NewDisposeScope();
        Tensor offsets = torch.tensor(_offsets, dtype: features.dtype, device: features.device);
        Tensor scales = torch.tensor(_scales, dtype: features.dtype, device: features.device);
        Tensor result = inverse ? features.mul(scales).add_(offsets) : features.sub(offsets).div_(scales);
        return result.MoveToOuterDisposeScope();
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string ReadString(JsonElement element, string property, string at, string source) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new DataFormatException(source, $"{at}.{property}", "expected a string.");

    private static double ReadNumber(JsonElement element, string property, string at, string source) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new DataFormatException(source, $"{at}.{property}", "expected a number.");
}
